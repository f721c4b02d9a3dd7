//! What the memory check tells the author: an error when the weights do not fit, an error when not one sequence of
//! the context fits the KV cache, a warning when fewer sequences fit than the load expects, each with the numbers
//! and the smallest change that fits (a larger tensor parallelism on the same shape, a larger MIG slice, or the
//! smallest shape of the built-in catalog).

use super::args::ServingArgs;
use super::device::{self, Device};
use super::fit::{
    GUIDE_CONCURRENCY, GUIDE_TOKENS_PER_REQUEST, LengthSource, MemoryFit, Workload,
    fits_one_sequence, gib, kib, kv_per_token,
};
use super::parallelism::{Parallelism, pointer};
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::convert::Sink;
use crate::shape::{GpuVendor, Shape, ShapeCatalog};

/// Tensor parallelism vLLM deployments use on one node.
const TENSOR_PARALLEL_SIZES: [u32; 4] = [1, 2, 4, 8];

/// What the report needs besides the fit.
pub(crate) struct Context<'a> {
    /// The model's name for messages.
    pub name: String,
    /// The node shape.
    pub shape: &'a Shape,
    /// The replica's parallelism.
    pub parallelism: &'a Parallelism,
    /// The vLLM settings.
    pub args: &'a ServingArgs,
    /// Where the model is named.
    pub model_at: Pointer,
    /// The GPU count field of the shape's vendor.
    pub count_key: &'static str,
}

/// Whether the workload with tensor parallelism `tp` fits one sequence of `len` tokens on `device`.
fn fits_with(workload: &Workload<'_>, tp: u32, pp: u32, device: &Device, len: Option<u64>) -> bool {
    if let Some(spec) = workload.spec
        && spec.attention_heads % tp != 0
    {
        return false;
    }
    let candidate = Workload {
        tensor_parallel: tp,
        pipeline_parallel: pp,
        ..workload.clone()
    };
    fits_one_sequence(&candidate, device, len)
}

/// The smallest tensor parallelism above the current one that fits on the recipe's own shape.
fn larger_parallelism(
    workload: &Workload<'_>,
    ctx: &Context<'_>,
    device: &Device,
    len: Option<u64>,
) -> Option<u32> {
    if ctx.parallelism.mig_profile.is_some() {
        return None;
    }
    TENSOR_PARALLEL_SIZES
        .into_iter()
        .filter(|tp| *tp > workload.tensor_parallel && *tp <= ctx.shape.gpu_count())
        .find(|tp| fits_with(workload, *tp, workload.pipeline_parallel, device, len))
}

/// The smallest MIG profile of the shape, larger than the current one, that fits.
fn larger_slice(workload: &Workload<'_>, ctx: &Context<'_>, len: Option<u64>) -> Option<String> {
    let current = ctx.parallelism.mig_profile.as_deref()?;
    let gpus = ctx.shape.gpus.as_ref()?;
    let mut profiles: Vec<(u64, &str)> = gpus
        .mig_profiles
        .iter()
        .filter_map(|p| {
            device::device(ctx.shape, Some(&p.name)).map(|d| (d.memory_bytes, p.name.as_ref()))
        })
        .collect();
    profiles.sort_unstable();
    let current_bytes = device::device(ctx.shape, Some(current)).map_or(0, |d| d.memory_bytes);
    profiles
        .into_iter()
        .filter(|(bytes, _)| *bytes > current_bytes)
        .find(|(_, name)| {
            device::device(ctx.shape, Some(name))
                .is_some_and(|d| fits_with(workload, 1, 1, &d, len))
        })
        .map(|(_, name)| name.to_owned())
}

/// The built-in shape and tensor parallelism that fit with the least GPU memory, preferring GPUs of the same
/// vendor (another vendor needs another image).
fn smallest_shape(
    workload: &Workload<'_>,
    len: Option<u64>,
    vendor: Option<GpuVendor>,
) -> Option<(String, u32, String)> {
    let catalog = ShapeCatalog::builtin();
    let mut best: Option<(bool, u128, u32, String, String)> = None;
    for shape in catalog.iter() {
        let Some(device) = device::device(shape, None) else {
            continue;
        };
        let other_vendor = shape.gpus.as_ref().map(|g| g.vendor) != vendor;
        for tp in TENSOR_PARALLEL_SIZES {
            if tp > shape.gpu_count() || !fits_with(workload, tp, 1, &device, len) {
                continue;
            }
            let key = (
                other_vendor,
                u128::from(device.memory_bytes) * u128::from(tp),
                tp,
                shape.name.to_string(),
                shape.summary(),
            );
            if best.as_ref().is_none_or(|b| key < *b) {
                best = Some(key);
            }
            break;
        }
    }
    best.map(|(_, _, tp, name, summary)| (name, tp, summary))
}

/// "the smallest fit: …" for a workload that does not fit, holding one sequence of `len` tokens if possible.
fn smallest_fit(
    workload: &Workload<'_>,
    ctx: &Context<'_>,
    device: &Device,
    len: Option<u64>,
) -> String {
    let with_len = |len: Option<u64>| -> Option<String> {
        if let Some(profile) = larger_slice(workload, ctx, len) {
            return Some(format!("the MIG slice `{profile}` fits"));
        }
        if let Some(tp) = larger_parallelism(workload, ctx, device, len) {
            return Some(format!(
                "on `{}` it fits with --tensor-parallel-size {tp} and `{}` {}",
                ctx.shape.name,
                ctx.count_key,
                tp.saturating_mul(workload.pipeline_parallel.max(1))
            ));
        }
        smallest_shape(workload, len, ctx.shape.gpus.as_ref().map(|g| g.vendor)).map(|(name, tp, summary)| {
            format!(
                "the smallest shape of the catalog that fits is `{name}` ({summary}) with --tensor-parallel-size {tp}"
            )
        })
    };
    match with_len(len) {
        Some(hint) => hint,
        None => match with_len(None) {
            Some(hint) => format!("{hint}, with a shorter --max-model-len"),
            None => "no shape of the catalog holds it on one node: spread it over nodes with --pipeline-parallel-size, or use a quantized checkpoint (FP8, AWQ)".to_owned(),
        },
    }
}

/// The largest multiple of 1024 tokens at most `tokens` (or `tokens` itself below 1024).
fn round_tokens(tokens: u64) -> u64 {
    if tokens >= 1024 {
        tokens / 1024 * 1024
    } else {
        tokens
    }
}

/// Reports what `fit` means for the recipe.
pub(crate) fn report(fit: &MemoryFit, workload: &Workload<'_>, ctx: &Context<'_>, sink: &mut Sink) {
    let util = fit.gpu_memory_utilization;
    let device = &fit.device;
    let usable = format!(
        "{} of each {} ({} × --gpu-memory-utilization {util:.2})",
        gib(fit.usable_bytes_per_gpu),
        device.name,
        gib(device.memory_bytes),
    );
    let split = if fit.gpus > 1 {
        format!(
            " over {} GPUs (tensor {} × pipeline {})",
            fit.gpus, workload.tensor_parallel, workload.pipeline_parallel
        )
    } else {
        String::new()
    };
    let context_len = workload.context().and_then(|(len, _)| match len {
        super::args::MaxModelLen::Tokens(n) => Some(n),
        super::args::MaxModelLen::Auto => None,
    });
    if !fit.weights_fit {
        let at = if ctx.parallelism.mig_profile.is_some() {
            Pointer::root().key("mig_resource_request")
        } else {
            Pointer::root().key("recipe_node_shape")
        };
        sink.note(
            Diagnostic::error(
                at,
                Code::WeightsExceedGpuMemory,
                format!(
                    "{} needs {} of weights in {}{split}: {} per GPU, more than vLLM may use: {usable}",
                    ctx.name,
                    gib(fit.weights_bytes),
                    fit.weight_format.as_str(),
                    gib(fit.weights_bytes_per_gpu),
                ),
            )
            .with_hint(smallest_fit(workload, ctx, device, context_len)),
        );
        return;
    }
    let Some(kv) = &fit.kv else {
        return;
    };
    let per_token = workload
        .spec
        .map(|s| {
            kv_per_token(
                s,
                workload.kv_element_bytes,
                workload.tensor_parallel,
                workload.pipeline_parallel,
            )
        })
        .unwrap_or(super::fit::KvPerToken {
            full: kv.bytes_per_token_per_gpu,
            windowed: 0,
            window: 0,
        });
    let room = format!(
        "{} is left on each GPU ({} usable − {} of weights − {} of activations and CUDA graphs, estimated)",
        gib(kv.cache_bytes_per_gpu),
        gib(fit.usable_bytes_per_gpu),
        gib(fit.weights_bytes_per_gpu),
        gib(fit.overhead_bytes_per_gpu),
    );
    let args = ctx.args;
    let len_at = args
        .max_model_len
        .as_ref()
        .map_or_else(|| ctx.model_at.clone(), |a| pointer(&a.path));
    if kv.sequences_at_max_model_len == 0 {
        let what = match kv.max_model_len_source {
            LengthSource::Recipe => format!("--max-model-len {}", kv.max_model_len),
            LengthSource::ModelContext => format!(
                "the model's context of {} tokens, which vLLM uses when --max-model-len is not given",
                kv.max_model_len
            ),
            LengthSource::Auto => "--max-model-len auto".to_owned(),
        };
        let needs = per_token.sequence_bytes(kv.max_model_len);
        let needs = u64::try_from(needs).unwrap_or(u64::MAX);
        let mut hints = Vec::new();
        if kv.longest_sequence > 0 {
            hints.push(format!(
                "set --max-model-len {} or less",
                round_tokens(kv.longest_sequence)
            ));
        }
        if util < 0.95 {
            hints.push(format!("raise --gpu-memory-utilization (now {util:.2})"));
        }
        if workload.kv_element_bytes > 1 {
            hints.push("store the cache in fp8 with --kv-cache-dtype fp8".to_owned());
        }
        if let Some(tp) = larger_parallelism(workload, ctx, device, Some(kv.max_model_len)) {
            hints.push(format!(
                "spread it with --tensor-parallel-size {tp} (and `{}` {tp})",
                ctx.count_key
            ));
        }
        let certain = kv.longest_sequence_best_case < kv.max_model_len;
        let d = if certain {
            Diagnostic::error(
                len_at,
                Code::KvCacheTooSmall,
                format!(
                    "{} cannot hold one sequence of {what}: that takes {} of KV cache per GPU ({} per token), but {room}; {} tokens fit ({} even with the least overhead vLLM has been seen to need), so vLLM refuses to start",
                    ctx.name,
                    gib(needs),
                    kib(kv.bytes_per_token_per_gpu),
                    kv.longest_sequence,
                    kv.longest_sequence_best_case,
                ),
            )
        } else {
            Diagnostic::warning(
                len_at,
                Code::KvCacheTooSmall,
                format!(
                    "{} may not hold one sequence of {what}: that takes {} of KV cache per GPU ({} per token), but {room}; {} tokens fit, {} with the least overhead vLLM has been seen to need: vLLM may refuse to start",
                    ctx.name,
                    gib(needs),
                    kib(kv.bytes_per_token_per_gpu),
                    kv.longest_sequence,
                    kv.longest_sequence_best_case,
                ),
            )
        };
        sink.note(d.with_hint(hints.join("; or ")));
        return;
    }
    let expected = kv.expected;
    if u64::from(expected.concurrency) > kv.sequences_at_expected_length {
        let (at, load) = if expected.from_max_num_seqs {
            (
                args.max_num_seqs
                    .as_ref()
                    .map_or_else(|| ctx.model_at.clone(), |a| pointer(&a.path)),
                format!(
                    "--max-num-seqs {} (sequences of {} tokens)",
                    expected.concurrency, expected.tokens_per_sequence
                ),
            )
        } else {
            (
                args.gpu_memory_utilization
                    .as_ref()
                    .map_or_else(|| ctx.model_at.clone(), |a| pointer(&a.path)),
                format!(
                    "the {GUIDE_CONCURRENCY} concurrent requests of {GUIDE_TOKENS_PER_REQUEST} tokens that upstream's autoscaling guide sends"
                ),
            )
        };
        let mut hints = Vec::new();
        if util < 0.95 {
            hints.push(format!("raise --gpu-memory-utilization (now {util:.2})"));
        }
        if workload.kv_element_bytes > 1 {
            hints.push("use --kv-cache-dtype fp8".to_owned());
        }
        if expected.from_max_num_seqs {
            hints.push(format!(
                "lower --max-num-seqs to {}",
                kv.sequences_at_expected_length.max(1)
            ));
        } else {
            hints.push("scale out earlier (a lower `scaling_threshold`)".to_owned());
        }
        let message = format!(
            "{}'s KV cache holds {} tokens per replica: {} sequences of {} tokens at once, fewer than {load}; the rest wait in vLLM's queue or are preempted, and latency climbs",
            ctx.name, kv.tokens, kv.sequences_at_expected_length, expected.tokens_per_sequence,
        );
        // The recipe's own --max-num-seqs is a promise the cache cannot keep: a warning. The guide's load is only
        // an example of traffic, which autoscaling spreads over replicas: a note.
        let d = if expected.from_max_num_seqs {
            Diagnostic::warning(at, Code::KvCacheConcurrency, message)
        } else {
            Diagnostic::note(at, Code::KvCacheConcurrency, message)
        };
        sink.note(d.with_hint(hints.join("; or ")));
    }
}
