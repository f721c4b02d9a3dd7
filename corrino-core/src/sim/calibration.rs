//! How fast one vLLM replica serves, derived from the model, the GPU and the vLLM release, and checked against
//! published measurements (`fixtures/calibration/points.json`, with the source of every figure).
//!
//! ## The form
//!
//! One engine step (every running sequence gains a token, and waiting prompts are prefilled) takes
//!
//! ```text
//! step = host × (t_step + [TP > 1] t_tp) + [TP > 1] 2 · layers · t_allreduce    fixed: CPU work and collectives
//!      + weights per GPU / (bandwidth × η)                                      fixed: the weights are read once
//!      + running × (host × s_seq + 2 · active parameters / TP / (peak × μ))     per decode token
//!      + KV tokens held × KV bytes per token / TP / (bandwidth × η)             per token of context read
//!      + prompt tokens × 2 · active parameters / TP / (peak × 0.65)             per prefill token
//! ```
//!
//! which is the form inference-sim's fitted model takes (a fixed term, one per prefill token and one per decode
//! token), with each coefficient derived from the model's size (the model catalog: parameters, layers, KV heads,
//! head size, weight format) and the GPU's datasheet (memory bandwidth, dense bf16 throughput). Four efficiencies
//! are per GPU: η (the share of the datasheet bandwidth a decode step reaches), μ (the share of the datasheet
//! throughput the per-sequence work of a decode step reaches; prefill takes inference-sim's roofline figure, 0.65), the latency of one all-reduce between the replica's GPUs, and `host`, how much
//! slower the CPU work runs on that GPU's servers than on the H100 servers measured. Three figures are per vLLM
//! engine generation, because the CPU work is what changed most between releases (vLLM's own v0.6.0 release notes
//! put 62 % of a Llama 3 8B step on an H100 in the API server and the scheduler before that release): `t_step`,
//! `s_seq` per running sequence, and `t_tp` for the extra processes of a tensor-parallel replica.
//!
//! ## The figures
//!
//! The efficiencies and overheads were fitted (least mean absolute percentage error) to the points of the fixture
//! marked neither `held_out` nor `excluded`: inference-sim's (BLIS) coefficients fitted to vLLM 0.8.4 runs of Llama
//! 3.1 8B and Llama 3.3 70B on A100 80 GB and H100, its golden dataset measured with vLLM 0.8.4 on an H100, and
//! Lambda's vLLM 0.5.4 sweep of Llama 3.1 8B and 70B (FP8) on 1–8 A100s and H100s. The held-out points (every phi-4
//! and Mistral 7B point, Qwen 2.5 7B on four H100s and a prompt-heavy golden run) were not used, and test how the
//! form carries to models it was not fitted on. `tests` prints every point with its error; the error per GPU and
//! overall is in the README. MLPerf Inference and NVIDIA NIM publish figures for TensorRT-LLM, another engine, so
//! they are not used here.
//!
//! Which generation applies is read from the image tag (`vllm/vllm-openai:v0.9.1` → 0.9.1): releases from 0.8 on
//! run the V1 engine and take the 0.8.4 figures; earlier releases take the 0.5.4 figures, which overstate the CPU
//! work of 0.6 and 0.7 (those releases cut it, and no measurement of them is in the fixture). An image without a
//! readable release is taken to run the current engine, and the simulation's settings say so.
//!
//! GPUs without a measurement (A10, L40S, H200, B200, GB200, MI300X, MI355X, P100) are derived from their datasheet
//! bandwidth and throughput with the lower of the two measured GPUs' efficiencies and the slower host: a roofline
//! estimate, marked as one in [`ServingBasis::estimate`].

use serde::Serialize;

use super::serving::{DEFAULT_MAX_NUM_SEQS, ServingModel};
use crate::model::{self, ModelAssessment, ModelSpec, WeightFormat};
use crate::plan::ServicePlan;
use crate::shape::Shape;
use crate::vllm::VllmVersion;

/// A GPU's datasheet figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GpuFigures {
    /// The model, as the shape catalog names it.
    pub model: &'static str,
    /// Memory bandwidth, GB/s.
    pub bandwidth_gbps: f64,
    /// Dense bf16 tensor throughput, TFLOPS.
    pub bf16_tflops: f64,
}

/// Memory bandwidth (GB/s) and dense bf16 throughput (TFLOPS) from the vendors' datasheets.
#[must_use]
pub fn gpu_figures(model: &str, memory_gb: u32) -> Option<GpuFigures> {
    let (model, bandwidth_gbps, bf16_tflops) = match model.to_ascii_uppercase().as_str() {
        "A10" => ("A10", 600.0, 125.0),
        "A100" if memory_gb >= 80 => ("A100", 2039.0, 312.0),
        "A100" => ("A100", 1555.0, 312.0),
        "L40S" => ("L40S", 864.0, 362.0),
        "H100" => ("H100", 3350.0, 989.0),
        "H200" => ("H200", 4800.0, 989.0),
        "B200" => ("B200", 8000.0, 2250.0),
        "GB200" => ("GB200", 8000.0, 2500.0),
        "MI300X" => ("MI300X", 5300.0, 1307.0),
        "MI355X" => ("MI355X", 8000.0, 2500.0),
        "P100" => ("P100", 732.0, 18.7),
        _ => return None,
    };
    Some(GpuFigures {
        model,
        bandwidth_gbps,
        bf16_tflops,
    })
}

/// What a GPU reaches of its datasheet figures, and how its servers' CPUs compare.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Efficiency {
    /// η: the share of the datasheet bandwidth a decode step reaches.
    pub bandwidth: f64,
    /// μ: the share of the datasheet bf16 throughput a decode step's per-sequence work reaches.
    pub compute: f64,
    /// The latency of one all-reduce between the replica's GPUs, seconds (two per layer and step).
    pub allreduce_seconds: f64,
    /// How much longer the engine's CPU work takes than on the measured H100 servers.
    pub host: f64,
    /// Whether the figures were fitted to measurements of this GPU.
    pub measured: bool,
}

/// Fitted to the H100 points of the fixture.
const H100: Efficiency = Efficiency {
    bandwidth: 0.90,
    compute: 0.61,
    allreduce_seconds: 35e-6,
    host: 1.0,
    measured: true,
};

/// Fitted to the A100 80 GB points of the fixture. The fit caps η at 0.9, the most a bandwidth test reaches.
const A100: Efficiency = Efficiency {
    bandwidth: 0.90,
    compute: 0.33,
    allreduce_seconds: 36e-6,
    host: 1.87,
    measured: true,
};

/// For GPUs without a measurement: the lower of the measured GPUs' efficiencies, and the slower host.
const ROOFLINE: Efficiency = Efficiency {
    bandwidth: 0.90,
    compute: 0.33,
    allreduce_seconds: 36e-6,
    host: 1.87,
    measured: false,
};

/// The efficiencies of `gpu`.
#[must_use]
pub fn efficiency(gpu: &GpuFigures) -> Efficiency {
    match gpu.model {
        "H100" => H100,
        "A100" => A100,
        _ => ROOFLINE,
    }
}

/// The generations of vLLM's engine whose CPU work differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Generation {
    /// Before 0.8: the V0 engine (calibrated on 0.5.4).
    V0,
    /// 0.8 and later: the V1 engine (calibrated on 0.8.4).
    V1,
}

/// The first release whose default engine is V1.
const V1_SINCE: VllmVersion = VllmVersion::new(0, 8, 0);

impl Generation {
    /// The generation a release runs; an unknown release is taken to run the current one.
    #[must_use]
    pub fn of(version: Option<VllmVersion>) -> Self {
        match version {
            Some(v) if v < V1_SINCE => Generation::V0,
            _ => Generation::V1,
        }
    }

    /// The engine's CPU work: per step, per running sequence, and per step of a tensor-parallel replica, seconds.
    #[must_use]
    pub fn overheads(self) -> (f64, f64, f64) {
        match self {
            Generation::V0 => (0.0, 215e-6, 0.83e-3),
            Generation::V1 => (2.11e-3, 5e-6, 0.0),
        }
    }

    /// The measurements this generation's figures come from.
    #[must_use]
    pub fn measurements(self) -> &'static str {
        match self {
            Generation::V0 => {
                "vLLM 0.5.4 (Lambda's A100 and H100 sweep), for releases before 0.8 (overstates 0.6 and 0.7)"
            }
            Generation::V1 => {
                "vLLM 0.8.4 (inference-sim's fitted coefficients and golden dataset), for releases from 0.8 on"
            }
        }
    }
}

/// What the step time depends on in a model: its size and its KV cache.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelShape {
    /// A name for the settings.
    pub name: String,
    /// Parameters used per token.
    pub active_parameters: f64,
    /// Bytes of weights, all GPUs together.
    pub weights_bytes: f64,
    /// KV-cache bytes per token, all layers and GPUs together.
    pub kv_bytes_per_token: f64,
    /// Transformer layers.
    pub layers: u32,
    /// Whether the shape is assumed rather than the recipe's model.
    pub assumed: bool,
}

impl ModelShape {
    /// A catalog model in `format`, with KV elements of `kv_element_bytes`.
    #[must_use]
    pub fn of(spec: &ModelSpec, format: WeightFormat, kv_element_bytes: u64) -> Self {
        ModelShape {
            name: spec.name.to_string(),
            active_parameters: spec.active_parameters.unwrap_or(spec.parameters) as f64,
            weights_bytes: spec.weights_bytes(format) as f64,
            kv_bytes_per_token: spec.kv_bytes_per_token(kv_element_bytes) as f64,
            layers: spec.layers,
            assumed: false,
        }
    }

    /// Llama 3.1 8B in bf16: what a recipe whose model is not in the catalog is taken to serve.
    #[must_use]
    pub fn assumed_8b() -> Self {
        ModelShape {
            name: "an 8B model in bf16 (assumed: the recipe's model is not in the catalog)".into(),
            active_parameters: 8.03e9,
            weights_bytes: 16.06e9,
            kv_bytes_per_token: 131_072.0,
            layers: 32,
            assumed: true,
        }
    }
}

/// The replica the step time is for.
#[derive(Clone, Debug, PartialEq)]
pub struct Replica<'a> {
    /// The GPU.
    pub gpu: GpuFigures,
    /// The GPU's memory, GB (datasheet).
    pub memory_gb: u32,
    /// The share of a GPU each worker gets (below 1 for a MIG slice).
    pub gpu_share: f64,
    /// `--tensor-parallel-size`.
    pub tensor_parallel: u32,
    /// The model.
    pub model: &'a ModelShape,
    /// The engine generation.
    pub generation: Generation,
    /// Tokens the KV cache holds, when the memory check computed them.
    pub kv_cache_tokens: Option<f64>,
}

/// The share of the datasheet bf16 throughput prefill reaches: inference-sim's roofline model's figure
/// (`mfuPrefill` 0.65 in its hardware configuration), not fitted here.
const PREFILL_MFU: f64 = 0.65;

/// Weights, activations and CUDA graphs besides the KV cache, per GPU, in bytes (vLLM's profiling of an 8B model
/// reports about 1.5 GiB beyond the weights).
const RUNTIME_OVERHEAD_BYTES: f64 = 1.5 * 1_073_741_824.0;

/// The share of memory vLLM takes when the memory check did not run (its default).
const GPU_MEMORY_UTILIZATION: f64 = 0.9;

/// The serving model of `replica`, by the form in the module documentation.
#[must_use]
pub fn serving_model(replica: &Replica<'_>) -> ServingModel {
    let efficiency = efficiency(&replica.gpu);
    let (t_step, s_seq, t_tp) = replica.generation.overheads();
    let share = if replica.gpu_share.is_finite() && replica.gpu_share > 0.0 {
        replica.gpu_share
    } else {
        1.0
    };
    let tp = f64::from(replica.tensor_parallel.max(1));
    let bandwidth = replica.gpu.bandwidth_gbps * 1e9 * share * efficiency.bandwidth;
    let flops = replica.gpu.bf16_tflops * 1e12 * share * efficiency.compute;
    let model = replica.model;
    let per_token_compute = 2.0 * model.active_parameters / tp / flops;
    let prefill_flops = replica.gpu.bf16_tflops * 1e12 * share * PREFILL_MFU;
    let per_prompt_token = 2.0 * model.active_parameters / tp / prefill_flops;
    let collectives = if replica.tensor_parallel > 1 {
        efficiency.host * t_tp + 2.0 * f64::from(model.layers) * efficiency.allreduce_seconds
    } else {
        0.0
    };
    let kv_cache_tokens = replica.kv_cache_tokens.unwrap_or_else(|| {
        let memory = f64::from(replica.memory_gb) * 1e9 * share * GPU_MEMORY_UTILIZATION;
        let free = memory - model.weights_bytes / tp - RUNTIME_OVERHEAD_BYTES;
        (free / (model.kv_bytes_per_token / tp)).floor()
    });
    ServingModel {
        max_num_seqs: DEFAULT_MAX_NUM_SEQS,
        // At least 4096 tokens (a request larger than the cache still runs alone), and a finite figure whatever
        // the catalog holds.
        kv_cache_tokens: if kv_cache_tokens.is_finite() {
            kv_cache_tokens.clamp(4096.0, 1e12)
        } else {
            4096.0
        },
        prefill_tokens_per_second: (1.0 / per_prompt_token).round(),
        decode_step_seconds: efficiency.host * t_step
            + collectives
            + model.weights_bytes / tp / bandwidth,
        decode_step_seconds_per_sequence: efficiency.host * s_seq + per_token_compute,
        decode_step_seconds_per_kv_token: model.kv_bytes_per_token / tp / bandwidth,
    }
}

/// What the serving model was derived from, for the simulation's settings.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServingBasis {
    /// The GPU, and whether its efficiencies were measured or are the roofline estimate.
    pub gpu: String,
    /// The model and its format.
    pub model: String,
    /// The vLLM release the image tag names, if it names one.
    pub vllm_version: Option<String>,
    /// The engine generation whose figures apply.
    pub generation: Generation,
    /// The measurements those figures come from.
    pub measurements: &'static str,
    /// `--tensor-parallel-size`.
    pub tensor_parallel: u32,
    /// Whether any part is an estimate: a GPU without measurements, a model not in the catalog, or a release not
    /// read from the image.
    pub estimate: bool,
}

/// The serving model of a service's replica, from its plan: see [`for_replica`].
#[must_use]
pub fn for_service(plan: &ServicePlan, gpu_share: f64) -> Option<(ServingModel, ServingBasis)> {
    for_replica(
        &plan.workload.shape,
        plan.workload.recipe.recipe_image_uri.as_deref(),
        plan.model.as_ref(),
        gpu_share,
    )
}

/// The serving model of a replica: its model (as assessed, [`model::assess`]), its GPU (the shape's) and the vLLM
/// release of its image. `None` when the shape has no GPU figures here.
#[must_use]
pub fn for_replica(
    shape: &Shape,
    image: Option<&str>,
    assessment: Option<&ModelAssessment>,
    gpu_share: f64,
) -> Option<(ServingModel, ServingBasis)> {
    let gpus = shape.gpus.as_ref()?;
    let gpu = gpu_figures(&gpus.model, gpus.memory_gb)?;
    let version = image.and_then(model::startup::vllm_version);
    let generation = Generation::of(version);
    let (shape_of_model, tensor_parallel, kv_tokens, mig) = match assessment {
        Some(assessment) => {
            let format = assessment.weight_format.unwrap_or(WeightFormat::Float16);
            let kv_element = model::precision::kv_cache_bytes(
                assessment
                    .args
                    .kv_cache_dtype
                    .as_ref()
                    .map(|a| a.value.as_str()),
                assessment.args.dtype.as_ref().map(|a| a.value.as_str()),
            );
            let spec = assessment.spec.as_ref();
            (
                spec.map_or_else(ModelShape::assumed_8b, |s| {
                    ModelShape::of(s, format, kv_element)
                }),
                assessment.parallelism.tensor.max(1),
                assessment
                    .memory
                    .as_ref()
                    .and_then(|m| m.kv.as_ref())
                    .map(|kv| kv.tokens as f64),
                assessment.parallelism.mig_profile.is_some(),
            )
        }
        None => (ModelShape::assumed_8b(), 1, None, false),
    };
    // A MIG slice is a share of one GPU; otherwise each tensor-parallel worker has a whole GPU.
    let share = if mig { gpu_share.min(1.0) } else { 1.0 };
    let replica = Replica {
        gpu,
        memory_gb: gpus.memory_gb,
        gpu_share: share,
        tensor_parallel,
        model: &shape_of_model,
        generation,
        kv_cache_tokens: kv_tokens,
    };
    let efficiency = efficiency(&gpu);
    let basis = ServingBasis {
        gpu: format!(
            "{} ({})",
            gpu.model,
            if efficiency.measured {
                "efficiencies fitted to measurements"
            } else {
                "no measurement: roofline from the datasheet, an estimate"
            }
        ),
        model: shape_of_model.name.clone(),
        vllm_version: version.map(|v| v.to_string()),
        generation,
        measurements: generation.measurements(),
        tensor_parallel,
        estimate: !efficiency.measured || shape_of_model.assumed || version.is_none(),
    };
    Some((serving_model(&replica), basis))
}

#[cfg(test)]
mod tests;
