//! `tune`: corrino-core's search of a recipe's autoscaling settings, as `corrino tune` runs it (on one thread: a
//! page that wants it off the main thread runs the module in a worker).

use corrino_core::sim::Scenario;
use corrino_core::tune::{self, SearchSpace, Slo, TuneError, TuneResult};
use corrino_core::{Diagnostics, plan_bytes};
use js_sys::Error;
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::{RecipeInput, ScenarioInput, TargetInput};
use corrino_wasm_common::convert::{from_json_text, optional, plan_options, recipe_bytes, to_js};
use corrino_wasm_common::simulation::with_details;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** What tune() gives: the result, or (when the recipe has errors) null and the reasons. */
export interface Tuned {
  result: TuneResult | null;
  diagnostics: Diagnostic[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// A search space.
    #[wasm_bindgen(typescript_type = "SearchSpace")]
    pub type SearchSpaceInput;
    /// A search's outcome.
    #[wasm_bindgen(typescript_type = "Tuned")]
    pub type TunedOutput;
}

#[derive(Serialize, Default)]
struct Tuned {
    result: Option<TuneResult>,
    diagnostics: Diagnostics,
}

/// Searches the recipe's autoscaling settings with the simulator for a latency objective (`"p95<5s"`,
/// `"p50<800ms"`) under the scenario (`undefined` for `defaultScenario()`), within the search space (`undefined`
/// for the values around the recipe's own), with the target's KEDA and HPA (as `simulate` takes it). A recipe with
/// errors gives `result: null` and its diagnostics. Throws for an objective, scenario, space or target that is not
/// one (a scenario past one of its bounds with `details`, as `simulate` throws it), and when the recipe cannot be
/// tuned (no pod autoscaling).
#[wasm_bindgen]
pub fn tune(
    recipe: RecipeInput,
    slo: &str,
    scenario: Option<ScenarioInput>,
    space: Option<SearchSpaceInput>,
    target: Option<TargetInput>,
) -> Result<TunedOutput, Error> {
    let bytes = recipe_bytes(&recipe)?;
    let plan_options = plan_options(target.as_deref())?;
    let slo = Slo::parse(slo).map_err(|e| Error::new(&e.to_string()))?;
    let scenario: Scenario = match scenario.as_deref().and_then(optional) {
        Some(value) => from_json_text("scenario", value)?,
        None => Scenario::default(),
    };
    let space: SearchSpace = match space.as_deref().and_then(optional) {
        Some(value) => from_json_text("search space", value)?,
        None => SearchSpace::default(),
    };
    let tuned = match plan_bytes(&bytes, &plan_options).into_plan() {
        Err(diagnostics) => Tuned {
            diagnostics,
            ..Tuned::default()
        },
        Ok((plan, diagnostics)) => Tuned {
            result: Some(tune::tune(&plan, &scenario, &slo, &space).map_err(|e| {
                let error = Error::new(&format!("cannot tune the recipe: {e}"));
                match &e {
                    TuneError::Simulation(sim) => with_details(error, sim),
                    _ => error,
                }
            })?),
            diagnostics,
        },
    };
    Ok(to_js(&tuned)?.unchecked_into())
}
