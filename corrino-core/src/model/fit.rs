//! Whether a model fits its GPUs: the weights, the runtime's overhead, and the KV cache left for sequences.
//!
//! vLLM gives itself `total × --gpu-memory-utilization` of each GPU (0.9 by default), loads its share of the
//! weights, profiles one forward pass to measure activations, and gives the rest to the KV cache. It refuses to
//! start when one sequence of `--max-model-len` tokens (the model's own context by default) does not fit.
//!
//! The estimate, per GPU of a replica split `tp × pp` ways:
//!
//! * **weights**: the model's bytes in its format ([`super::catalog::ModelSpec::weights_bytes`]) over `tp × pp`;
//! * **runtime overhead**: 2.3 GiB plus 5 % of the weights, KAITO's memory estimator (CUDA context, NCCL buffers,
//!   activations and CUDA graphs, which grow with the model). vLLM's own profiling log for Meta-Llama-3-8B on an
//!   80 GB GPU measured 1.79 GiB outside PyTorch plus a 1.26 GiB activation peak, 3.05 GiB: the formula gives
//!   3.05 GiB (a test checks both). With tensor parallelism the same log shows NCCL's share doubling at 2 GPUs,
//!   which the formula does not follow: for `tp > 1` it underestimates by 1–2 GiB, erring towards "fits";
//! * **KV cache per token**: 2 (K and V) × layers × KV heads × head size × bytes per element, where each GPU holds
//!   `layers / pp` layers and `kv_heads / tp` heads (one, replicated, when `tp` exceeds the KV heads, as vLLM
//!   does). Layers that attend to a window keep at most that window (vLLM's hybrid KV cache, 0.10 and later).
//!
//! Errors are raised only where vLLM itself would refuse to start even with the least overhead it has been seen to
//! need ([`OVERHEAD_FLOOR_BYTES`]); where only the estimate says so, a warning. The concurrency check is a warning.

use serde::{Deserialize, Serialize};

use super::args::MaxModelLen;
use super::catalog::ModelSpec;
use super::device::{Device, GIB};
use super::precision::WeightFormat;

/// vLLM's default `--gpu-memory-utilization`.
pub const DEFAULT_GPU_MEMORY_UTILIZATION: f64 = 0.9;

/// The fixed part of the runtime overhead per GPU (KAITO's `baseOverhead`, 2.3 GiB).
pub const OVERHEAD_BASE_BYTES: u64 = 23 * GIB / 10;

/// The part of the runtime overhead that grows with the weights per GPU, in percent (KAITO's 0.05).
pub const OVERHEAD_WEIGHT_PERCENT: u64 = 5;

/// The least runtime overhead per GPU vLLM has been seen to need, 0.6 GiB: a published vLLM profiling log on a
/// 24 GB GPU shows 0.20 GiB outside PyTorch and a 0.37 GiB activation peak. The estimate above is the likely
/// figure; this floor decides certainty: a sequence that does not fit even with it makes vLLM refuse to start.
pub const OVERHEAD_FLOOR_BYTES: u64 = 6 * GIB / 10;

/// The concurrency expected when `--max-num-seqs` is not written: the 30 concurrent requests of upstream's
/// autoscaling guide (its llmperf run), which the simulator's default load replays too. vLLM's own default of 256
/// sequences is a ceiling, not a load: checking it at full context would flag nearly every recipe.
pub const GUIDE_CONCURRENCY: u32 = 30;

/// Tokens per request of that load: 512 in and 512 out.
pub const GUIDE_TOKENS_PER_REQUEST: u64 = 1024;

/// The runtime overhead per GPU for `weights_per_gpu` bytes of weights: `2.3 GiB + 5 % × weights`.
#[must_use]
pub fn runtime_overhead(weights_per_gpu: u64) -> u64 {
    OVERHEAD_BASE_BYTES.saturating_add(weights_per_gpu / 100 * OVERHEAD_WEIGHT_PERCENT)
}

/// The bytes vLLM allows itself on a device: `total × utilization`, rounded down.
#[must_use]
pub fn usable_bytes(device_bytes: u64, utilization: f64) -> u64 {
    let u = if utilization.is_finite() {
        utilization.clamp(0.0, 1.0)
    } else {
        DEFAULT_GPU_MEMORY_UTILIZATION
    };
    // Exact enough: device sizes are far below 2^53 bytes.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let usable = (device_bytes as f64 * u).floor() as u64;
    usable.min(device_bytes)
}

/// KV-cache bytes per token on one GPU, split by whether the layers keep every token or only a window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KvPerToken {
    /// Bytes per token of the layers that keep the whole sequence.
    pub full: u64,
    /// Bytes per token of the layers that keep only a window.
    pub windowed: u64,
    /// That window, in tokens.
    pub window: u64,
}

impl KvPerToken {
    /// Bytes per token while a sequence is within the window (every layer holds it).
    #[must_use]
    pub fn total(&self) -> u64 {
        self.full.saturating_add(self.windowed)
    }

    /// Bytes one sequence of `len` tokens takes.
    #[must_use]
    pub fn sequence_bytes(&self, len: u64) -> u128 {
        u128::from(self.full) * u128::from(len)
            + u128::from(self.windowed) * u128::from(len.min(self.window))
    }

    /// The longest single sequence that `room` bytes hold.
    #[must_use]
    pub fn longest_sequence(&self, room: u64) -> u64 {
        let total = self.total();
        if total == 0 {
            return u64::MAX;
        }
        let within = room / total;
        if within <= self.window || self.windowed == 0 {
            return within;
        }
        // Past the window only the full layers grow.
        let at_window = u128::from(total) * u128::from(self.window);
        let rest = u128::from(room).saturating_sub(at_window);
        if self.full == 0 {
            return u64::MAX;
        }
        let beyond = rest / u128::from(self.full);
        u64::try_from(u128::from(self.window) + beyond).unwrap_or(u64::MAX)
    }

    /// How many sequences of `len` tokens `room` bytes hold at once.
    #[must_use]
    pub fn sequences(&self, room: u64, len: u64) -> u64 {
        match self.sequence_bytes(len) {
            0 => u64::MAX,
            each => u64::try_from(u128::from(room) / each).unwrap_or(u64::MAX),
        }
    }
}

/// The KV cache per token on each GPU of a replica split `tp × pp` ways.
#[must_use]
pub fn kv_per_token(spec: &ModelSpec, element_bytes: u64, tp: u32, pp: u32) -> KvPerToken {
    let tp = tp.max(1);
    let pp = u64::from(pp.max(1));
    // vLLM splits the KV heads over the tensor-parallel ranks, and replicates one per rank when there are fewer
    // heads than ranks.
    let heads = u64::from((spec.kv_heads / tp).max(1));
    let per_layer = (2 * heads)
        .saturating_mul(u64::from(spec.head_dim))
        .saturating_mul(element_bytes);
    let windowed = u64::from(spec.windowed_layers.min(spec.layers));
    let full = u64::from(spec.layers) - windowed;
    KvPerToken {
        full: full.div_ceil(pp).saturating_mul(per_layer),
        windowed: windowed.div_ceil(pp).saturating_mul(per_layer),
        window: spec.window,
    }
}

/// Where the context length checked comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum LengthSource {
    /// `--max-model-len` in the recipe.
    Recipe,
    /// `--max-model-len auto`: the longest that fits, at most the model's context.
    Auto,
    /// The model's own context, vLLM's default.
    ModelContext,
}

/// The load the KV cache is checked against.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ExpectedLoad {
    /// Concurrent sequences.
    pub concurrency: u32,
    /// Tokens per sequence.
    pub tokens_per_sequence: u64,
    /// Whether `concurrency` is the recipe's `--max-num-seqs` (else upstream's guide load).
    pub from_max_num_seqs: bool,
}

/// How the KV cache of one replica compares with the context and the load.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct KvFit {
    /// KV bytes per token on each GPU, while within every window.
    pub bytes_per_token_per_gpu: u64,
    /// Bytes left for the KV cache on each GPU.
    pub cache_bytes_per_gpu: u64,
    /// Tokens the cache holds (each counted in every layer).
    pub tokens: u64,
    /// The longest single sequence that fits.
    pub longest_sequence: u64,
    /// The longest single sequence that fits with the least overhead vLLM has been seen to need
    /// ([`OVERHEAD_FLOOR_BYTES`]).
    pub longest_sequence_best_case: u64,
    /// The context length checked.
    pub max_model_len: u64,
    /// Where it comes from.
    pub max_model_len_source: LengthSource,
    /// Sequences of `max_model_len` tokens that fit at once (vLLM's "maximum concurrency").
    pub sequences_at_max_model_len: u64,
    /// The load checked.
    pub expected: ExpectedLoad,
    /// Sequences of the expected length that fit at once.
    pub sequences_at_expected_length: u64,
}

/// The memory of one replica's GPUs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MemoryFit {
    /// The device each worker runs on.
    pub device: Device,
    /// GPUs (or slices) of the replica: tensor × pipeline parallelism.
    pub gpus: u32,
    /// `--gpu-memory-utilization` in effect.
    pub gpu_memory_utilization: f64,
    /// Bytes vLLM allows itself per GPU.
    pub usable_bytes_per_gpu: u64,
    /// The weights' format.
    pub weight_format: WeightFormat,
    /// The weights' size.
    pub weights_bytes: u64,
    /// The weights on each GPU.
    pub weights_bytes_per_gpu: u64,
    /// Activations, CUDA graphs and runtime buffers per GPU (estimated).
    pub overhead_bytes_per_gpu: u64,
    /// Whether the weights alone fit in the usable memory.
    pub weights_fit: bool,
    /// The KV cache, when the model's layers are known and the weights fit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kv: Option<KvFit>,
}

/// What the memory check needs to know about the model and its settings.
#[derive(Clone, Debug)]
pub struct Workload<'a> {
    /// The model's architecture, when the catalog knows it.
    pub spec: Option<&'a ModelSpec>,
    /// The weights' size in their format.
    pub weights_bytes: u64,
    /// Their format.
    pub weight_format: WeightFormat,
    /// Bytes per KV-cache element.
    pub kv_element_bytes: u64,
    /// Tensor parallelism.
    pub tensor_parallel: u32,
    /// Pipeline parallelism.
    pub pipeline_parallel: u32,
    /// `--gpu-memory-utilization` in effect.
    pub gpu_memory_utilization: f64,
    /// `--max-model-len`, when written.
    pub max_model_len: Option<MaxModelLen>,
    /// `--max-num-seqs`, when written.
    pub max_num_seqs: Option<u32>,
}

impl Workload<'_> {
    /// GPUs the replica spreads over.
    #[must_use]
    pub fn gpus(&self) -> u32 {
        self.tensor_parallel
            .max(1)
            .saturating_mul(self.pipeline_parallel.max(1))
    }

    /// The weights on each GPU.
    #[must_use]
    pub fn weights_per_gpu(&self) -> u64 {
        self.weights_bytes.div_ceil(u64::from(self.gpus()))
    }

    /// The context length vLLM will hold for one sequence, and where it comes from. `None` when neither the recipe
    /// nor the catalog says.
    #[must_use]
    pub fn context(&self) -> Option<(MaxModelLen, LengthSource)> {
        match self.max_model_len {
            Some(MaxModelLen::Tokens(n)) => Some((MaxModelLen::Tokens(n), LengthSource::Recipe)),
            Some(MaxModelLen::Auto) => Some((MaxModelLen::Auto, LengthSource::Auto)),
            None => self.spec.map(|s| {
                (
                    MaxModelLen::Tokens(s.max_context),
                    LengthSource::ModelContext,
                )
            }),
        }
    }
}

/// Computes the memory of one replica on `device`.
#[must_use]
pub fn memory_fit(workload: &Workload<'_>, device: &Device) -> MemoryFit {
    let usable = usable_bytes(device.memory_bytes, workload.gpu_memory_utilization);
    let weights_per_gpu = workload.weights_per_gpu();
    let overhead = runtime_overhead(weights_per_gpu);
    let weights_fit = weights_per_gpu <= usable;
    let room = usable
        .saturating_sub(weights_per_gpu)
        .saturating_sub(overhead);
    let kv = match (workload.spec, workload.context()) {
        (Some(spec), Some((length, source))) if weights_fit => {
            let per_token = kv_per_token(
                spec,
                workload.kv_element_bytes,
                workload.tensor_parallel,
                workload.pipeline_parallel,
            );
            let longest = per_token.longest_sequence(room);
            let best_room = usable
                .saturating_sub(weights_per_gpu)
                .saturating_sub(OVERHEAD_FLOOR_BYTES.min(overhead));
            let longest_best = per_token.longest_sequence(best_room);
            let max_model_len = match length {
                MaxModelLen::Tokens(n) => n,
                MaxModelLen::Auto => longest.min(spec.max_context),
            };
            let expected = ExpectedLoad {
                concurrency: workload.max_num_seqs.unwrap_or(GUIDE_CONCURRENCY),
                tokens_per_sequence: max_model_len.clamp(1, GUIDE_TOKENS_PER_REQUEST),
                from_max_num_seqs: workload.max_num_seqs.is_some(),
            };
            Some(KvFit {
                bytes_per_token_per_gpu: per_token.total(),
                cache_bytes_per_gpu: room,
                tokens: room.checked_div(per_token.total()).unwrap_or(u64::MAX),
                longest_sequence: longest,
                longest_sequence_best_case: longest_best,
                max_model_len,
                max_model_len_source: source,
                sequences_at_max_model_len: per_token.sequences(room, max_model_len.max(1)),
                expected,
                sequences_at_expected_length: per_token
                    .sequences(room, expected.tokens_per_sequence),
            })
        }
        _ => None,
    };
    MemoryFit {
        device: device.clone(),
        gpus: workload.gpus(),
        gpu_memory_utilization: workload.gpu_memory_utilization,
        usable_bytes_per_gpu: usable,
        weight_format: workload.weight_format,
        weights_bytes: workload.weights_bytes,
        weights_bytes_per_gpu: weights_per_gpu,
        overhead_bytes_per_gpu: overhead,
        weights_fit,
        kv,
    }
}

/// Whether `workload` holds its weights, the overhead and one sequence of `len` tokens on `device`.
#[must_use]
pub fn fits_one_sequence(workload: &Workload<'_>, device: &Device, len: Option<u64>) -> bool {
    let fit = memory_fit(workload, device);
    if !fit.weights_fit {
        return false;
    }
    let room = fit
        .usable_bytes_per_gpu
        .saturating_sub(fit.weights_bytes_per_gpu)
        .saturating_sub(fit.overhead_bytes_per_gpu);
    match (workload.spec, len) {
        (Some(spec), Some(len)) => {
            let per_token = kv_per_token(
                spec,
                workload.kv_element_bytes,
                workload.tensor_parallel,
                workload.pipeline_parallel,
            );
            per_token.sequence_bytes(len) <= u128::from(room)
        }
        _ => room > 0,
    }
}

/// A size in GiB with one decimal, for messages.
#[must_use]
pub fn gib(bytes: u64) -> String {
    let tenths = (u128::from(bytes) * 10 + u128::from(GIB) / 2) / u128::from(GIB);
    format!("{}.{} GiB", tenths / 10, tenths % 10)
}

/// A byte count per token in KiB, for messages.
#[must_use]
pub fn kib(bytes: u64) -> String {
    if bytes.is_multiple_of(1024) {
        format!("{} KiB", bytes / 1024)
    } else {
        format!("{:.1} KiB", bytes as f64 / 1024.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::catalog::ModelCatalog;

    fn device(gib_hundredths: u64) -> Device {
        Device {
            name: "test".into(),
            memory_bytes: gib_hundredths * GIB / 100,
            source: "test".into(),
            estimate: false,
        }
    }

    fn workload<'a>(spec: &'a ModelSpec, tp: u32, util: f64, len: Option<u64>) -> Workload<'a> {
        Workload {
            spec: Some(spec),
            weights_bytes: spec.weights_bytes(WeightFormat::Float16),
            weight_format: WeightFormat::Float16,
            kv_element_bytes: 2,
            tensor_parallel: tp,
            pipeline_parallel: 1,
            gpu_memory_utilization: util,
            max_model_len: len.map(MaxModelLen::Tokens),
            max_num_seqs: None,
        }
    }

    /// vLLM's published profiling of Meta-Llama-3-8B on an 80 GB GPU at utilization 0.9: total 79.22 GiB, usable
    /// 71.29 GiB, weights 14.96 GiB, 1.79 GiB outside PyTorch and a 1.26 GiB activation peak, 53.29 GiB left for
    /// the KV cache.
    #[test]
    fn reproduces_vllms_own_profiling_of_llama_3_8b() {
        let catalog = ModelCatalog::builtin();
        let spec = catalog.get("meta-llama/Meta-Llama-3-8B-Instruct").unwrap();
        let fit = memory_fit(&workload(spec, 1, 0.9, Some(8192)), &device(7922));
        assert_eq!(gib(fit.usable_bytes_per_gpu), "71.3 GiB");
        assert_eq!(gib(fit.weights_bytes_per_gpu), "15.0 GiB");
        let measured_overhead = (179 + 126) * GIB / 100;
        let diff = fit.overhead_bytes_per_gpu.abs_diff(measured_overhead);
        assert!(
            diff < GIB / 50,
            "overhead {}",
            gib(fit.overhead_bytes_per_gpu)
        );
        let kv = fit.kv.unwrap();
        let measured_kv = 5329 * GIB / 100;
        assert!(
            kv.cache_bytes_per_gpu.abs_diff(measured_kv) < GIB / 20,
            "{}",
            gib(kv.cache_bytes_per_gpu)
        );
    }

    /// KAITO's worked example: Phi-4-mini (7.29 GiB) on an A10 counted as 24 GiB × 0.84: overhead
    /// 2.3 + 0.05 × 7.29 = 2.66 GiB, 10.21 GiB left, at 128 KiB per token ≈ 83 640 tokens.
    #[test]
    fn follows_kaitos_worked_example() {
        let weights = 729 * GIB / 100;
        let overhead = runtime_overhead(weights);
        assert_eq!(gib(overhead), "2.7 GiB");
        assert!(overhead.abs_diff(266 * GIB / 100) < GIB / 100);
        let room = 2016 * GIB / 100 - weights - overhead;
        let per_token = KvPerToken {
            full: 131_072,
            windowed: 0,
            window: 0,
        };
        let tokens = per_token.longest_sequence(room);
        assert!(tokens.abs_diff(83_640) < 100, "{tokens}");
    }

    #[test]
    fn kv_heads_split_over_tensor_parallel_ranks_and_replicate_beyond() {
        let catalog = ModelCatalog::builtin();
        let llama = catalog.get("meta-llama/Llama-3.1-8B-Instruct").unwrap();
        assert_eq!(kv_per_token(llama, 2, 1, 1).total(), 131_072);
        assert_eq!(kv_per_token(llama, 2, 2, 1).total(), 65_536);
        assert_eq!(kv_per_token(llama, 2, 8, 1).total(), 16_384);
        // 16 ranks for 8 KV heads: one head per rank, replicated.
        assert_eq!(kv_per_token(llama, 2, 16, 1).total(), 16_384);
        assert_eq!(kv_per_token(llama, 1, 1, 2).total(), 32_768);
    }

    #[test]
    fn windowed_layers_stop_growing_past_their_window() {
        let catalog = ModelCatalog::builtin();
        let oss = catalog.get("openai/gpt-oss-120b").unwrap();
        let per_token = kv_per_token(oss, 2, 1, 1);
        // 18 full and 18 windowed layers × 8 KV heads × 64 × 2 × 2 bytes.
        assert_eq!(per_token.full, 18 * 8 * 64 * 2 * 2);
        assert_eq!(per_token.windowed, per_token.full);
        let room = per_token.full * 10_000 + per_token.windowed * 128;
        assert_eq!(per_token.longest_sequence(room), 10_000);
        assert_eq!(per_token.sequences(room, 10_000), 1);
    }

    #[test]
    fn absurd_inputs_saturate_instead_of_overflowing() {
        let catalog = ModelCatalog::builtin();
        let spec = catalog.get("meta-llama/Llama-3.1-405B-Instruct").unwrap();
        let mut w = workload(spec, 1024, 1.0, Some(1 << 40));
        w.pipeline_parallel = 1024;
        w.max_num_seqs = Some(u32::MAX);
        let huge = Device {
            memory_bytes: u64::MAX,
            ..device(8000)
        };
        let fit = memory_fit(&w, &huge);
        let kv = fit.kv.unwrap();
        assert!(kv.sequences_at_max_model_len < u64::MAX);
        let zero = KvPerToken {
            full: 0,
            windowed: 0,
            window: 0,
        };
        assert_eq!(zero.longest_sequence(5), u64::MAX);
        assert_eq!(zero.sequences(5, 5), u64::MAX);
        assert_eq!(usable_bytes(u64::MAX, 1.0), u64::MAX);
        assert_eq!(usable_bytes(100, f64::NAN), 90);
    }

    #[test]
    fn formats_sizes() {
        assert_eq!(gib(16_060_522_496), "15.0 GiB");
        assert_eq!(kib(131_072), "128 KiB");
        assert_eq!(kib(1536 + 100), "1.6 KiB");
    }
}
