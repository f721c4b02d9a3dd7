//! Whether a recipe's model fits its GPUs, and how long a replica takes to serve, answered before anything is paid
//! for.
//!
//! [`assess`] reads the model and vLLM's settings from the recipe ([`args`], [`identify`]), finds the model in a
//! catalog of the open models people serve ([`catalog`]), splits it over the replica's GPUs ([`parallelism`]),
//! checks the weights and the KV cache against each GPU's memory ([`device`], [`precision`], [`fit`]), estimates
//! the cold start ([`startup`]) and measures the probes and scaling windows against it ([`lints`]). Everything it
//! finds is reported into the caller's [`Sink`], and the figures come back as plain data ([`ModelAssessment`])
//! for previews and for the simulator (`startup.pod_startup_seconds`, `startup.image_pull_seconds`,
//! `startup.node_provisioning_seconds` are the scenario's fields of the same names).
//!
//! Every figure names its source; figures that are estimates say so, in the code and in the data.

mod advice;
pub mod args;
pub mod catalog;
pub mod device;
pub mod fit;
pub mod identify;
pub mod lints;
pub mod parallelism;
pub mod precision;
pub mod startup;

use serde::{Deserialize, Serialize};

pub use args::{MaxModelLen, ServingArgs};
pub use catalog::{ModelCatalog, ModelSpec};
pub use fit::{KvFit, MemoryFit};
pub use identify::{Identification, Recognition, WeightsSource};
pub use parallelism::Parallelism;
pub use precision::WeightFormat;
pub use startup::{Engine, StartupBudget, StartupPart};

use crate::autoscaling::{NodeAutoscaling, PodAutoscaling};
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode};
use crate::shape::Shape;

/// What corrino knows about a service recipe's model: which it is, how it is split, whether it fits, and how long
/// it takes to start.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModelAssessment {
    /// The serving engine.
    pub engine: Engine,
    /// The model, where its weights come from, and what it was recognised as.
    pub model: Identification,
    /// The vLLM settings read from the recipe (empty for other engines).
    pub args: ServingArgs,
    /// How the replica's GPUs are used.
    pub parallelism: Parallelism,
    /// The weights' format, when the model's size is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_format: Option<WeightFormat>,
    /// The weights' size in bytes, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights_bytes: Option<u64>,
    /// The memory check, when the model's size and the GPU are known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryFit>,
    /// What was not checked, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unchecked: Vec<String>,
    /// The cold-start budget.
    pub startup: StartupBudget,
    /// The catalog's entry for the model, when recognised as one: its architecture, which the simulator's serving
    /// model reads.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ModelSpec>,
}

/// The autoscaling planning resolved, which the cold start is measured against.
#[derive(Clone, Copy, Debug, Default)]
pub struct Scaling<'a> {
    /// Pod autoscaling, when asked for.
    pub pod: Option<&'a PodAutoscaling>,
    /// Node autoscaling, when asked for.
    pub node: Option<&'a NodeAutoscaling>,
}

/// The environment variable with which vLLM accepts a `--max-model-len` beyond the model's own context.
const ALLOW_LONG_MAX_MODEL_LEN: &str = "VLLM_ALLOW_LONG_MAX_MODEL_LEN";

/// Assesses a `service` recipe's model on `shape` (the recipe's node shape as planning resolved it) with the
/// autoscaling planning resolved, reporting into `sink`. `None` for other recipes (jobs, pools, teams, groups:
/// planning assesses a group's members one by one).
pub fn assess(
    recipe: &Recipe,
    shape: Option<&Shape>,
    scaling: Scaling<'_>,
    catalog: &ModelCatalog,
    sink: &mut Sink,
) -> Option<ModelAssessment> {
    if recipe.recipe_mode != Some(RecipeMode::Service) {
        return None;
    }
    let mut args_sink = Sink::default();
    let read = args::read(recipe, &mut args_sink);
    let engine = identify::engine(recipe, &read);
    let args = if engine == Engine::Vllm {
        sink.diagnostics.extend(args_sink.diagnostics);
        read
    } else {
        ServingArgs::default()
    };
    let model = identify::identify(recipe, &args, engine, catalog);
    let spec = model.spec(catalog);
    let model_at = model.path.as_deref().map_or_else(
        || Pointer::root().key("recipe_container_command_args"),
        parallelism::pointer,
    );
    let mut unchecked = Vec::new();

    let mut parallelism = if engine == Engine::Vllm {
        parallelism::resolve(recipe, shape, &args, spec, sink)
    } else {
        parallelism::resolve(
            recipe,
            shape,
            &ServingArgs::default(),
            None,
            &mut Sink::default(),
        )
    };
    if engine == Engine::Nim {
        // NIM spreads the model over every GPU it is given.
        parallelism.tensor = parallelism.available().max(1);
    }

    if engine == Engine::Vllm {
        recognition_notes(&model, &model_at, sink);
        context_limit(recipe, &args, spec, sink);
    }

    let name_text = model.name_text().unwrap_or_default().to_owned();
    let parameters = match &model.recognition {
        Recognition::Catalog { .. } => spec.map(|s| s.parameters),
        Recognition::Size { parameters, .. } => Some(*parameters),
        Recognition::Unknown { .. } => None,
    };
    let weight_format =
        parameters.map(|_| weight_format(&args, &name_text, model.model.as_deref(), spec));
    let weights_bytes = match (spec, parameters, weight_format) {
        (Some(spec), _, Some(format)) => Some(spec.weights_bytes(format)),
        (None, Some(p), Some(format)) => Some(
            u64::try_from(u128::from(p) * u128::from(format.milli_bytes_per_parameter()) / 1000)
                .unwrap_or(u64::MAX),
        ),
        _ => None,
    };

    let device = shape.and_then(|s| device::device(s, parallelism.mig_profile.as_deref()));
    let memory = match (engine, shape, &device, weights_bytes, weight_format) {
        (Engine::Other, _, _, _, _) => None,
        (_, None, _, _, _) => {
            unchecked.push("memory: the shape is unknown".to_owned());
            None
        }
        (_, Some(s), None, _, _) => {
            unchecked.push(if s.gpus.is_none() {
                format!("memory: `{}` is a CPU shape, with no GPU to fit", s.name)
            } else {
                "memory: the MIG profile is not one the shape offers".to_owned()
            });
            None
        }
        (_, _, _, None, _) | (_, _, _, _, None) => {
            unchecked.push("memory: the model's size is unknown".to_owned());
            None
        }
        (_, Some(shape), Some(device), Some(weights_bytes), Some(format)) => {
            let kv_spec = if engine == Engine::Nim {
                unchecked.push(
                    "KV cache: a NIM container chooses its own context length and batch".to_owned(),
                );
                None
            } else {
                if spec.is_none() {
                    unchecked.push("KV cache: the model's layers are unknown".to_owned());
                }
                spec
            };
            let workload = fit::Workload {
                spec: kv_spec,
                weights_bytes,
                weight_format: format,
                kv_element_bytes: precision::kv_cache_bytes(
                    args.kv_cache_dtype.as_ref().map(|a| a.value.as_str()),
                    args.dtype.as_ref().map(|a| a.value.as_str()),
                ),
                tensor_parallel: parallelism.tensor,
                pipeline_parallel: parallelism.pipeline,
                gpu_memory_utilization: args
                    .gpu_memory_utilization
                    .as_ref()
                    .map_or(fit::DEFAULT_GPU_MEMORY_UTILIZATION, |a| a.value),
                max_model_len: args.max_model_len.as_ref().map(|a| a.value),
                max_num_seqs: args.max_num_seqs.as_ref().map(|a| a.value),
            };
            let fit = fit::memory_fit(&workload, device);
            let context = advice::Context {
                name: model.display_name(),
                shape,
                parallelism: &parallelism,
                args: &args,
                model_at: model_at.clone(),
                count_key: parallelism::gpu_count(recipe, Some(shape)).0,
            };
            advice::report(&fit, &workload, &context, sink);
            Some(fit)
        }
    };

    let startup = startup::budget(&startup::StartupInput {
        shape,
        image: recipe.recipe_image_uri.as_deref(),
        engine,
        weights_bytes,
        source: model.weights_source,
        enforce_eager: args.enforce_eager.as_ref().is_some_and(|a| a.value),
        nodes: parallelism.nodes,
    });
    if !startup.weights_counted {
        unchecked.push(
            "startup: the weights' download and load are not counted (their size is unknown)"
                .to_owned(),
        );
    }
    lints::check(recipe, &startup, scaling, &model.display_name(), sink);
    let spec = spec.cloned();

    Some(ModelAssessment {
        engine,
        model,
        args,
        parallelism,
        weight_format,
        weights_bytes,
        memory,
        unchecked,
        startup,
        spec,
    })
}

/// The weights' format: `--quantization`, else the model's name, else a quantized native format, else `--dtype`.
fn weight_format(
    args: &ServingArgs,
    name: &str,
    written: Option<&str>,
    spec: Option<&ModelSpec>,
) -> WeightFormat {
    args.quantization
        .as_ref()
        .and_then(|q| precision::from_quantization(&q.value))
        .or_else(|| precision::from_name(name))
        .or_else(|| written.and_then(precision::from_name))
        .or_else(|| spec.map(|s| s.native_format).filter(|f| f.is_quantized()))
        .or_else(|| {
            args.dtype
                .as_ref()
                .and_then(|d| precision::from_dtype(&d.value))
        })
        .or_else(|| spec.map(|s| s.native_format))
        .unwrap_or(WeightFormat::Float16)
}

/// Notes for a model the catalog does not know: nothing checked, or only its weights.
fn recognition_notes(model: &Identification, at: &Pointer, sink: &mut Sink) {
    match &model.recognition {
        Recognition::Catalog { .. } => {}
        Recognition::Size {
            parameters,
            matched,
        } => sink.note(
            Diagnostic::note(
                at,
                Code::ModelUnrecognised,
                format!(
                    "`{matched}` is not in the model catalog; its name says {} B parameters, so only the weights are checked, not the KV cache",
                    billions(*parameters)
                ),
            )
            .with_hint("name the model by its Hugging Face id, or the directory after it, to check the KV cache too"),
        ),
        Recognition::Unknown { reason } => sink.note(
            Diagnostic::note(
                at,
                Code::ModelUnrecognised,
                format!("cannot tell whether the model fits: {reason}"),
            )
            .with_hint("name the model by its Hugging Face id, or mount it in a directory named after it (…/Meta-Llama-3.1-8B-Instruct)"),
        ),
    }
}

/// A parameter count in billions with one decimal when it has one: `14`, `1.5`.
fn billions(parameters: u64) -> String {
    let tenths = parameters.saturating_add(50_000_000) / 100_000_000;
    if tenths.is_multiple_of(10) {
        (tenths / 10).to_string()
    } else {
        format!("{}.{}", tenths / 10, tenths % 10)
    }
}

/// vLLM refuses a `--max-model-len` beyond the model's context unless told to allow it.
fn context_limit(recipe: &Recipe, args: &ServingArgs, spec: Option<&ModelSpec>, sink: &mut Sink) {
    let (Some(spec), Some(len)) = (spec, &args.max_model_len) else {
        return;
    };
    let MaxModelLen::Tokens(n) = len.value else {
        return;
    };
    let allowed = args::environment(recipe)
        .get(ALLOW_LONG_MAX_MODEL_LEN)
        .is_some_and(|v| v.trim() == "1" || v.trim().eq_ignore_ascii_case("true"));
    if n > spec.max_context && !allowed {
        sink.note(
            Diagnostic::error(
                parallelism::pointer(&len.path),
                Code::ServingArgument,
                format!(
                    "--max-model-len {n} is longer than {}'s context of {} tokens: vLLM refuses to start",
                    spec.name, spec.max_context
                ),
            )
            .with_hint(format!(
                "use at most {}, or set {ALLOW_LONG_MAX_MODEL_LEN}=1 if the model really extrapolates",
                spec.max_context
            )),
        );
    }
}

#[cfg(test)]
mod tests;
