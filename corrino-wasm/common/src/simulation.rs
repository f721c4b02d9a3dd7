//! `simulate` for the simulator module and the query module: a recipe and a scenario in, the simulation and its
//! chart out.
//!
//! The two modules differ only in which scaling queries corrino-core can evaluate (custom ones need its
//! `promql-check` feature, which only the query module enables), so each module words that failure itself.

use corrino_core::Diagnostics;
use corrino_core::sim::{self, Scenario, SimError, Simulation};
use js_sys::Error;
use serde::Serialize;
use wasm_bindgen::JsValue;

use crate::convert::{from_json_text, optional, plan_options, recipe_bytes, to_js};

/// What `simulate` returns, shaped like the main module's `render` result: `simulation` and `chart` are `null` when
/// the recipe has errors, and `diagnostics` say why.
///
/// The chart travels with the simulation rather than coming from a function of its own: `Simulation` is output
/// only (it cannot be read back from JS), so a separate chart call would have to run the whole simulation again.
#[derive(Serialize, Default)]
pub struct Simulated {
    simulation: Option<Simulation>,
    /// The chart as an SVG document.
    chart: Option<String>,
    diagnostics: Diagnostics,
}

/// Reads the scenario (`undefined` or `null` for the default), plans the recipe for the target (`{keda,
/// kubernetes}`, `undefined` or `null` for the defaults) and simulates it with that target's KEDA and HPA, as
/// `corrino simulate` does. The outer error is a failure of the call (an unreadable argument, a misspelled scenario
/// or target field); the inner one is the simulator's refusal.
pub fn simulated(
    recipe: &JsValue,
    scenario: Option<&JsValue>,
    target: Option<&JsValue>,
) -> Result<Result<Simulated, SimError>, Error> {
    let bytes = recipe_bytes(recipe)?;
    let plan_options = plan_options(target)?;
    let scenario: Scenario = match scenario.and_then(optional) {
        Some(value) => from_json_text("scenario", value)?,
        None => Scenario::default(),
    };
    Ok(
        match sim::simulate_bytes(&bytes, &plan_options, &scenario) {
            Ok(simulated) => Ok(Simulated {
                chart: Some(sim::svg(&simulated.simulation)),
                simulation: Some(simulated.simulation),
                diagnostics: simulated.diagnostics,
            }),
            Err(sim::SimulateError::Recipe(diagnostics)) => Ok(Simulated {
                diagnostics,
                ..Simulated::default()
            }),
            Err(sim::SimulateError::Simulation(error)) => Err(error),
        },
    )
}

/// The simulator's refusal as a JS `Error`: its message in words (`more` appended), and for a scenario past one of
/// its bounds a `details` property with the structured error (`kind`, `field`, `value`, `range`, …), as Python's
/// `SimulationError.details` holds it.
pub fn cannot_simulate(err: &SimError, more: &str) -> Error {
    with_details(
        Error::new(&format!("cannot simulate the recipe: {err}{more}")),
        err,
    )
}

/// `error` with, for a scenario past one of its bounds, a `details` property holding the structured error.
pub fn with_details(error: Error, err: &SimError) -> Error {
    if let SimError::BadScenario(details) = err
        && let Ok(details) = to_js(details)
    {
        // Setting a property on a fresh Error cannot fail; if it did, the message alone still says everything.
        let _ = js_sys::Reflect::set(&error, &JsValue::from_str("details"), &details);
    }
    error
}

/// What `compare` returns: the two runs' figures side by side and the chart of both.
#[derive(Serialize)]
pub struct ComparedOutput {
    comparison: sim::Comparison,
    /// Both runs in one chart, as an SVG document.
    chart: String,
}

/// `compare` of both modules (they differ only in which queries corrino-core can evaluate): reads the scenario,
/// simulates both inputs on it for the target (as [`simulated`] reads them), and compares them. `names` label the two
/// (`first` and `second` where not given). A refusal names the input and says why ([`cannot_compare`]).
pub fn compare(
    first: &JsValue,
    second: &JsValue,
    scenario: Option<&JsValue>,
    names: Option<&[String]>,
    target: Option<&JsValue>,
) -> Result<JsValue, Error> {
    let label = |i: usize, default: &'static str| {
        names
            .and_then(|names| names.get(i))
            .map_or(default, String::as_str)
    };
    let names = (label(0, "first"), label(1, "second"));
    let (first, second) = (recipe_bytes(first)?, recipe_bytes(second)?);
    let plan_options = plan_options(target)?;
    let scenario: Scenario = match scenario.and_then(optional) {
        Some(value) => from_json_text("scenario", value)?,
        None => Scenario::default(),
    };
    let compared = sim::compare_bytes(&first, &second, names, &plan_options, &scenario)
        .map_err(|e| cannot_compare(&e))?;
    to_js(&ComparedOutput {
        chart: sim::compare_svg(
            &compared.first.simulation,
            &compared.second.simulation,
            names,
        ),
        comparison: compared.comparison,
    })
}

/// A refusal of `compare` as a JS `Error`: which input, why, and its diagnostics (as `diagnostics`) when it has
/// errors, or the scenario's structured error (as `details`).
pub fn cannot_compare(err: &sim::CompareError) -> Error {
    let inner = match err {
        sim::CompareError::First(e) | sim::CompareError::Second(e) => e,
    };
    match inner {
        sim::SimulateError::Simulation(e) => {
            let error = cannot_simulate(e, "");
            error.set_message(&format!("cannot compare: {err}"));
            error
        }
        sim::SimulateError::Recipe(diagnostics) => {
            let error = Error::new(&format!("cannot compare: {err}"));
            if let Ok(list) = to_js(diagnostics) {
                let _ = js_sys::Reflect::set(&error, &JsValue::from_str("diagnostics"), &list);
            }
            error
        }
    }
}
