//! How many bytes a parameter and a cached token take: the weights' format and the KV cache's data type, read from
//! vLLM's `--dtype`, `--quantization` and `--kv-cache-dtype`, or from the model's name (`…-AWQ`, `…-FP8`).
//!
//! Quantized checkpoints keep the token embeddings and the output head in 16 bits (AWQ, GPTQ and FP8 checkpoints
//! of Llama 3.1 8B weigh 5.7 and 9.1 GB against 16.1 GB in bf16, which is what that split gives); see
//! [`WeightFormat::milli_bytes_per_parameter`] for the packed formats' overhead.

use serde::{Deserialize, Serialize};

/// How the weights are stored on the GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum WeightFormat {
    /// 32-bit floats (`--dtype float32`).
    Float32,
    /// 16-bit floats, fp16 or bf16 (the format of nearly every published checkpoint).
    Float16,
    /// 8-bit floats or integers (FP8 checkpoints, `--quantization fp8`, W8A8).
    Bits8,
    /// 4-bit integers with a 16-bit scale and a 4-bit zero point per group of 128 (AWQ, GPTQ, W4A16).
    Int4,
    /// 4-bit floats with an 8-bit scale per block of 32 (MXFP4, NVFP4).
    Fp4,
}

impl WeightFormat {
    /// Bytes per parameter of the layers this format stores, in thousandths.
    ///
    /// Int4: 4 bits plus (16 + 4) bits per group of 128 = 4.16 bits ≈ 0.520 bytes. Fp4: 4 bits plus 8 per 32 =
    /// 4.25 bits ≈ 0.531 bytes (the OCP microscaling layout).
    #[must_use]
    pub fn milli_bytes_per_parameter(self) -> u64 {
        match self {
            WeightFormat::Float32 => 4000,
            WeightFormat::Float16 => 2000,
            WeightFormat::Bits8 => 1000,
            WeightFormat::Int4 => 520,
            WeightFormat::Fp4 => 531,
        }
    }

    /// Whether the format packs the layers below 16 bits, keeping embeddings and the output head in 16 bits.
    #[must_use]
    pub fn is_quantized(self) -> bool {
        matches!(
            self,
            WeightFormat::Bits8 | WeightFormat::Int4 | WeightFormat::Fp4
        )
    }

    /// A short name for messages: `bf16/fp16`, `fp8/int8`, `int4`, `fp4`, `fp32`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            WeightFormat::Float32 => "fp32",
            WeightFormat::Float16 => "bf16/fp16",
            WeightFormat::Bits8 => "fp8/int8",
            WeightFormat::Int4 => "int4",
            WeightFormat::Fp4 => "fp4",
        }
    }
}

/// The weight format `--quantization` names, when it names one with a known width. `compressed-tensors` and the
/// like say how the checkpoint is packed but not how wide; the model's name tells then.
#[must_use]
pub fn from_quantization(method: &str) -> Option<WeightFormat> {
    let m = method.to_ascii_lowercase().replace('-', "_");
    Some(match m.as_str() {
        "awq" | "awq_marlin" | "gptq" | "gptq_marlin" | "gptq_marlin_24" | "marlin"
        | "bitsandbytes" | "hqq" | "moe_wna16" => WeightFormat::Int4,
        "fp8" | "fbgemm_fp8" | "ptpc_fp8" | "modelopt" | "experts_int8" | "qqq" | "fp_quant" => {
            WeightFormat::Bits8
        }
        "mxfp4" | "modelopt_fp4" | "nvfp4" => WeightFormat::Fp4,
        _ => return None,
    })
}

/// The weight format a model's name announces (`Meta-Llama-3.1-8B-Instruct-AWQ-INT4`, `…-FP8`, `…-w4a16`).
#[must_use]
pub fn from_name(name: &str) -> Option<WeightFormat> {
    let lower = name.to_ascii_lowercase();
    let tokens: Vec<&str> = lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect();
    let has = |t: &str| tokens.contains(&t);
    if has("mxfp4") || has("nvfp4") || has("fp4") {
        Some(WeightFormat::Fp4)
    } else if has("awq") || has("gptq") || has("int4") || has("w4a16") || has("4bit") || has("bnb")
    {
        Some(WeightFormat::Int4)
    } else if has("fp8") || has("int8") || has("w8a8") || has("w8a16") || has("8bit") {
        Some(WeightFormat::Bits8)
    } else {
        None
    }
}

/// The format `--dtype` asks for the unquantized weights: `float32` doubles them, every other value keeps 16 bits.
#[must_use]
pub fn from_dtype(dtype: &str) -> Option<WeightFormat> {
    match dtype {
        "float32" | "float" | "fp32" => Some(WeightFormat::Float32),
        "float16" | "half" | "bfloat16" | "fp16" | "bf16" => Some(WeightFormat::Float16),
        _ => None,
    }
}

/// Bytes per element of the KV cache: `--kv-cache-dtype` (`fp8`, `fp8_e4m3`, `fp8_e5m2`, `fp8_inc` take one
/// byte), else the activations' type (`auto`: 2 bytes, 4 with `--dtype float32`).
#[must_use]
pub fn kv_cache_bytes(kv_cache_dtype: Option<&str>, dtype: Option<&str>) -> u64 {
    match kv_cache_dtype {
        Some(k) if k.starts_with("fp8") || k == "int8" => 1,
        _ => match dtype.and_then(from_dtype) {
            Some(WeightFormat::Float32) => 4,
            _ => 2,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_announce_their_format() {
        assert_eq!(
            from_name("hugging-quants/Meta-Llama-3.1-8B-Instruct-AWQ-INT4"),
            Some(WeightFormat::Int4)
        );
        assert_eq!(
            from_name("meta-llama/Llama-4-Maverick-17B-128E-Instruct-FP8"),
            Some(WeightFormat::Bits8)
        );
        assert_eq!(
            from_name("RedHatAI/Qwen3-8B-quantized.w4a16"),
            Some(WeightFormat::Int4)
        );
        assert_eq!(from_name("meta-llama/Llama-3.1-8B-Instruct"), None);
        // `fp8` must be a word of its own, not part of one.
        assert_eq!(from_name("bfp8x"), None);
    }

    #[test]
    fn flags_name_formats_and_kv_widths() {
        assert_eq!(from_quantization("awq_marlin"), Some(WeightFormat::Int4));
        assert_eq!(from_quantization("fp8"), Some(WeightFormat::Bits8));
        assert_eq!(from_quantization("compressed-tensors"), None);
        assert_eq!(kv_cache_bytes(Some("fp8_e5m2"), None), 1);
        assert_eq!(kv_cache_bytes(Some("auto"), Some("float32")), 4);
        assert_eq!(kv_cache_bytes(None, Some("bfloat16")), 2);
    }
}
