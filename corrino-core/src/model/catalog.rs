//! The open models people serve with vLLM, with the figures that decide whether they fit: parameters, layers,
//! attention and KV heads, head size, vocabulary, native format and context.
//!
//! Every entry names its source, the model's published `config.json` on Hugging Face (its repository id), and
//! says whether its figures were checked against a published copy of that config or model card while this catalog
//! was written (`confirmed`), or are recalled from it and not checked here (`note` says which). The catalog is data:
//! [`ModelCatalog::builtin`] builds it, [`ModelCatalog::insert`] adds models.
//!
//! Models are found by Hugging Face id or by name fragments ([`ModelCatalog::find`]): names are compared with
//! case, punctuation and organisation prefixes ignored, so `NousResearch/Meta-Llama-3.1-8B-Instruct`,
//! `/models/meta-llama/Llama-3.1-8B` and a bucket called `llama31-8b-instruct` all find Llama 3.1 8B. A model
//! not in the catalog may still announce its size (`…-14B-…`): [`parameters_in_name`].

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::precision::WeightFormat;

/// One model's architecture, as its `config.json` states it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModelSpec {
    /// The Hugging Face repository id, such as `meta-llama/Llama-3.1-8B-Instruct`.
    pub id: Cow<'static, str>,
    /// A short name for messages, such as `Llama 3.1 8B`.
    pub name: Cow<'static, str>,
    /// Name fragments that identify the model (compared without case or punctuation).
    pub aliases: Vec<Cow<'static, str>>,
    /// All parameters (for a mixture of experts, every expert).
    pub parameters: u64,
    /// Parameters used per token, for a mixture of experts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_parameters: Option<u64>,
    /// Transformer layers (`num_hidden_layers`; the text model's, for multimodal models).
    pub layers: u32,
    /// `hidden_size`.
    pub hidden_size: u32,
    /// `num_attention_heads`.
    pub attention_heads: u32,
    /// `num_key_value_heads`.
    pub kv_heads: u32,
    /// `head_dim` (or `hidden_size / num_attention_heads`).
    pub head_dim: u32,
    /// `vocab_size`.
    pub vocab_size: u32,
    /// `tie_word_embeddings`: the output head shares the embedding matrix.
    pub tied_embeddings: bool,
    /// `max_position_embeddings`: the context vLLM uses when `--max-model-len` is not given.
    pub max_context: u64,
    /// Layers whose attention only sees a window of recent tokens (sliding or chunked attention); vLLM's
    /// hybrid KV cache (0.10 and later) keeps only that window for them.
    #[serde(default)]
    pub windowed_layers: u32,
    /// The window of those layers, in tokens.
    #[serde(default)]
    pub window: u64,
    /// The format of the published weights.
    pub native_format: WeightFormat,
    /// The published checkpoint's size in bytes, where its format mixes widths (gpt-oss keeps attention in
    /// bf16 and experts in MXFP4), so that no per-parameter width describes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_bytes: Option<u64>,
    /// Where the figures come from.
    pub source: Cow<'static, str>,
    /// Whether the figures were checked against a published copy of the config or model card.
    pub confirmed: bool,
    /// What was not checked, or what the figures leave out.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub note: Cow<'static, str>,
}

impl ModelSpec {
    /// Parameters of the token embedding and the output head (one matrix when they are tied).
    #[must_use]
    pub fn embedding_parameters(&self) -> u64 {
        let one = u64::from(self.vocab_size) * u64::from(self.hidden_size);
        if self.tied_embeddings {
            one
        } else {
            one.saturating_mul(2)
        }
    }

    /// The weights' size in `format`. Quantized formats pack the layers and keep the embeddings and output head in
    /// 16 bits; a model whose published format mixes widths weighs its published checkpoint.
    #[must_use]
    pub fn weights_bytes(&self, format: WeightFormat) -> u64 {
        if format == self.native_format
            && let Some(bytes) = self.checkpoint_bytes
        {
            return bytes;
        }
        if !format.is_quantized() {
            return scaled(self.parameters, format.milli_bytes_per_parameter());
        }
        let embeddings = self.embedding_parameters().min(self.parameters);
        let layers = self.parameters - embeddings;
        scaled(layers, format.milli_bytes_per_parameter()).saturating_add(scaled(
            embeddings,
            WeightFormat::Float16.milli_bytes_per_parameter(),
        ))
    }

    /// KV-cache bytes per token over the whole model, with every layer holding the token (no parallelism):
    /// 2 (K and V) × layers × KV heads × head size × bytes per element.
    #[must_use]
    pub fn kv_bytes_per_token(&self, element_bytes: u64) -> u64 {
        (2 * u64::from(self.layers))
            .saturating_mul(u64::from(self.kv_heads))
            .saturating_mul(u64::from(self.head_dim))
            .saturating_mul(element_bytes)
    }
}

/// `count × milli / 1000`, without overflow.
fn scaled(count: u64, milli: u64) -> u64 {
    u64::try_from(u128::from(count) * u128::from(milli) / 1000).unwrap_or(u64::MAX)
}

/// A set of models, found by id or name.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ModelCatalog {
    models: Vec<ModelSpec>,
    /// Every model's names normalised (its repository's name, then its aliases), with the model's index: made once,
    /// when first needed, rather than on every search (planning searches for every service's model).
    #[serde(skip)]
    #[cfg_attr(feature = "schema", schemars(skip))]
    names: OnceLock<Vec<(String, usize)>>,
}

/// Catalogs are equal when their models are (the names are made from them).
impl PartialEq for ModelCatalog {
    fn eq(&self, other: &Self) -> bool {
        self.models == other.models
    }
}

impl Eq for ModelCatalog {}

impl Default for ModelCatalog {
    fn default() -> Self {
        Self::builtin()
    }
}

/// How a model was found in the catalog.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found<'a> {
    /// The model.
    pub spec: &'a ModelSpec,
    /// The alias that matched, normalised.
    pub alias: String,
}

/// Lower case letters and digits only: `Meta-Llama-3.1-8B` → `metallama318b`.
#[must_use]
pub fn normalise(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

impl ModelCatalog {
    /// An empty catalog.
    #[must_use]
    pub fn empty() -> Self {
        ModelCatalog {
            models: Vec::new(),
            names: OnceLock::new(),
        }
    }

    /// The models of [`builtin_models`].
    #[must_use]
    pub fn builtin() -> Self {
        let mut catalog = Self::empty();
        for spec in builtin_models() {
            catalog.insert(spec);
        }
        catalog
    }

    /// Adds a model, replacing one with the same id.
    pub fn insert(&mut self, spec: ModelSpec) {
        self.names = OnceLock::new();
        match self
            .models
            .iter_mut()
            .find(|m| m.id.eq_ignore_ascii_case(&spec.id))
        {
            Some(existing) => *existing = spec,
            None => self.models.push(spec),
        }
    }

    /// Every model, in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &ModelSpec> {
        self.models.iter()
    }

    /// The model with Hugging Face id `id` (case-insensitive).
    #[must_use]
    pub fn get(&self, id: &str) -> Option<&ModelSpec> {
        self.models.iter().find(|m| m.id.eq_ignore_ascii_case(id))
    }

    /// The model `text` names: its id, or the longest alias that `text` contains once both are normalised (so that
    /// `Llama-3.3-70B` is not taken for `Llama-3-70B`, nor `Phi-4-mini` for `Phi-4`). Aliases shorter than four
    /// characters must match the whole text.
    #[must_use]
    pub fn find(&self, text: &str) -> Option<Found<'_>> {
        if let Some(spec) = self.get(text.trim()) {
            return Some(Found {
                spec,
                alias: normalise(&spec.id),
            });
        }
        let hay = normalise(text);
        if hay.is_empty() {
            return None;
        }
        let names = self.names.get_or_init(|| {
            let mut names = Vec::new();
            for (index, spec) in self.models.iter().enumerate() {
                let repo = spec.id.rsplit('/').next().unwrap_or(&spec.id);
                for alias in std::iter::once(repo).chain(spec.aliases.iter().map(AsRef::as_ref)) {
                    names.push((normalise(alias), index));
                }
            }
            names
        });
        let mut best: Option<&(String, usize)> = None;
        for name in names {
            let alias = &name.0;
            let hit = if alias.len() < 4 {
                hay == *alias
            } else {
                hay.contains(alias.as_str())
            };
            if hit && best.is_none_or(|(b, _)| alias.len() > b.len()) {
                best = Some(name);
            }
        }
        best.map(|(alias, index)| Found {
            spec: &self.models[*index],
            alias: alias.clone(),
        })
    }
}

/// The parameter count a model's name announces: the first word like `8B`, `1.5b`, `360M` or `8x7B` (experts ×
/// size). `None` when there is none, or it is implausible (above 10 T).
#[must_use]
pub fn parameters_in_name(text: &str) -> Option<u64> {
    let lower = text.to_ascii_lowercase();
    for word in lower.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.')) {
        let (number, unit) = if let Some(n) = word.strip_suffix('b') {
            (n, 1e9)
        } else if let Some(n) = word.strip_suffix('m') {
            (n, 1e6)
        } else {
            continue;
        };
        let value = match number.split_once('x') {
            Some((experts, size)) => experts
                .parse::<f64>()
                .ok()
                .zip(size.parse::<f64>().ok())
                .map(|(e, s)| e * s),
            None => number.parse::<f64>().ok(),
        };
        if let Some(v) = value
            && v > 0.0
            && v * unit <= 1e13
            && number.chars().next().is_some_and(|c| c.is_ascii_digit())
        {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            return Some((v * unit).round() as u64);
        }
    }
    None
}

const B: u64 = 1_000_000_000;
const M: u64 = 1_000_000;

/// One catalog row, before it becomes a [`ModelSpec`].
struct Row {
    id: &'static str,
    name: &'static str,
    aliases: &'static [&'static str],
    parameters: u64,
    active: Option<u64>,
    layers: u32,
    hidden: u32,
    heads: u32,
    kv_heads: u32,
    head_dim: u32,
    vocab: u32,
    tied: bool,
    context: u64,
    windowed: (u32, u64),
    format: WeightFormat,
    checkpoint: Option<u64>,
    confirmed: bool,
    note: &'static str,
}

const DENSE: Row = Row {
    id: "",
    name: "",
    aliases: &[],
    parameters: 0,
    active: None,
    layers: 0,
    hidden: 0,
    heads: 0,
    kv_heads: 0,
    head_dim: 128,
    vocab: 0,
    tied: false,
    context: 0,
    windowed: (0, 0),
    format: WeightFormat::Float16,
    checkpoint: None,
    confirmed: false,
    note: "",
};

/// The built-in models. `confirmed: true` means every architecture figure was read in a published copy of the
/// model's `config.json` or model card while this table was written; otherwise `note` says what was not.
#[must_use]
#[allow(clippy::too_many_lines)]
pub fn builtin_models() -> Vec<ModelSpec> {
    let llama3_8b = Row {
        parameters: 8_030_261_248,
        layers: 32,
        hidden: 4096,
        heads: 32,
        kv_heads: 8,
        vocab: 128_256,
        ..DENSE
    };
    let llama3_70b = Row {
        parameters: 70_562_938_880,
        layers: 80,
        hidden: 8192,
        heads: 64,
        kv_heads: 8,
        vocab: 128_256,
        ..DENSE
    };
    let qwen25 = Row {
        context: 32_768,
        vocab: 151_936,
        ..DENSE
    };
    let qwen3 = Row {
        context: 40_960,
        vocab: 151_936,
        ..DENSE
    };
    let rows = [
        // Llama 3, 3.1, 3.2, 3.3.
        Row {
            id: "meta-llama/Meta-Llama-3-8B-Instruct",
            name: "Llama 3 8B",
            aliases: &["Meta-Llama-3-8B", "Llama-3-8B"],
            context: 8192,
            confirmed: true,
            ..llama3_8b
        },
        Row {
            id: "meta-llama/Llama-3.1-8B-Instruct",
            name: "Llama 3.1 8B",
            aliases: &["Meta-Llama-3.1-8B", "Llama-3.1-8B", "llama3.1:8b"],
            context: 131_072,
            confirmed: true,
            ..llama3_8b
        },
        Row {
            id: "meta-llama/Meta-Llama-3-70B-Instruct",
            name: "Llama 3 70B",
            aliases: &["Meta-Llama-3-70B", "Llama-3-70B"],
            context: 8192,
            confirmed: true,
            ..llama3_70b
        },
        Row {
            id: "meta-llama/Llama-3.1-70B-Instruct",
            name: "Llama 3.1 70B",
            aliases: &["Meta-Llama-3.1-70B", "Llama-3.1-70B"],
            context: 131_072,
            confirmed: true,
            ..llama3_70b
        },
        Row {
            id: "meta-llama/Llama-3.3-70B-Instruct",
            name: "Llama 3.3 70B",
            aliases: &["Llama-3.3-70B"],
            context: 131_072,
            note: "the Llama 3.1 70B architecture, as its model card says; its own config was not read here",
            ..llama3_70b
        },
        Row {
            id: "meta-llama/Llama-3.1-405B-Instruct",
            name: "Llama 3.1 405B",
            aliases: &["Meta-Llama-3.1-405B", "Llama-3.1-405B"],
            parameters: 405_853_388_800,
            layers: 126,
            hidden: 16_384,
            heads: 128,
            kv_heads: 8,
            vocab: 128_256,
            context: 131_072,
            note: "layers and hidden size checked; heads and the parameter count (406 B on the model card) recalled",
            ..DENSE
        },
        Row {
            id: "meta-llama/Llama-3.2-1B-Instruct",
            name: "Llama 3.2 1B",
            aliases: &["Llama-3.2-1B"],
            parameters: 1_235_814_400,
            layers: 16,
            hidden: 2048,
            heads: 32,
            kv_heads: 8,
            head_dim: 64,
            vocab: 128_256,
            tied: true,
            context: 131_072,
            confirmed: true,
            ..DENSE
        },
        Row {
            id: "meta-llama/Llama-3.2-3B-Instruct",
            name: "Llama 3.2 3B",
            aliases: &["Llama-3.2-3B"],
            parameters: 3_212_749_824,
            layers: 28,
            hidden: 3072,
            heads: 24,
            kv_heads: 8,
            vocab: 128_256,
            tied: true,
            context: 131_072,
            note: "layers and heads checked; the parameter count and context recalled",
            ..DENSE
        },
        Row {
            id: "meta-llama/Llama-3.2-11B-Vision-Instruct",
            name: "Llama 3.2 11B Vision",
            aliases: &["Llama-3.2-11B-Vision"],
            parameters: 10_670_220_835,
            layers: 40,
            hidden: 4096,
            heads: 32,
            kv_heads: 8,
            vocab: 128_256,
            context: 131_072,
            note: "recalled, not checked here; the vision encoder's own activations are not counted",
            ..DENSE
        },
        Row {
            id: "meta-llama/Llama-3.2-90B-Vision-Instruct",
            name: "Llama 3.2 90B Vision",
            aliases: &["Llama-3.2-90B-Vision"],
            parameters: 88_600_000_000,
            layers: 100,
            hidden: 8192,
            heads: 64,
            kv_heads: 8,
            vocab: 128_256,
            context: 131_072,
            note: "recalled, not checked here; the vision encoder's own activations are not counted",
            ..DENSE
        },
        // Llama 4: mixtures of experts; three layers in four attend in chunks of 8192 tokens.
        Row {
            id: "meta-llama/Llama-4-Scout-17B-16E-Instruct",
            name: "Llama 4 Scout",
            aliases: &["Llama-4-Scout-17B-16E", "Llama-4-Scout"],
            parameters: 109 * B,
            active: Some(17 * B),
            layers: 48,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            vocab: 202_048,
            context: 10_485_760,
            windowed: (36, 8192),
            note: "text config checked; totals (109 B, 17 B active) and the 10 M context from the model card, rounded",
            ..DENSE
        },
        Row {
            id: "meta-llama/Llama-4-Maverick-17B-128E-Instruct",
            name: "Llama 4 Maverick",
            aliases: &["Llama-4-Maverick-17B-128E", "Llama-4-Maverick"],
            parameters: 400 * B,
            active: Some(17 * B),
            layers: 48,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            vocab: 202_048,
            context: 1_048_576,
            windowed: (36, 8192),
            note: "layers and heads checked; totals (400 B, 17 B active) and the 1 M context from the model card, rounded",
            ..DENSE
        },
        // Mistral.
        Row {
            id: "mistralai/Mistral-7B-Instruct-v0.3",
            name: "Mistral 7B",
            aliases: &["Mistral-7B"],
            parameters: 7_248_023_552,
            layers: 32,
            hidden: 4096,
            heads: 32,
            kv_heads: 8,
            vocab: 32_768,
            context: 32_768,
            confirmed: true,
            ..DENSE
        },
        Row {
            id: "mistralai/Mixtral-8x7B-Instruct-v0.1",
            name: "Mixtral 8x7B",
            aliases: &["Mixtral-8x7B"],
            parameters: 46_702_792_704,
            active: Some(12_879_925_248),
            layers: 32,
            hidden: 4096,
            heads: 32,
            kv_heads: 8,
            vocab: 32_000,
            context: 32_768,
            confirmed: true,
            ..DENSE
        },
        Row {
            id: "mistralai/Mixtral-8x22B-Instruct-v0.1",
            name: "Mixtral 8x22B",
            aliases: &["Mixtral-8x22B"],
            parameters: 140_630_071_296,
            active: Some(39 * B),
            layers: 56,
            hidden: 6144,
            heads: 48,
            kv_heads: 8,
            vocab: 32_768,
            context: 65_536,
            confirmed: true,
            ..DENSE
        },
        // Qwen 2.5 (the instruct configs state 32 768 positions; longer contexts need YaRN settings).
        Row {
            id: "Qwen/Qwen2.5-0.5B-Instruct",
            name: "Qwen2.5 0.5B",
            aliases: &["Qwen2.5-0.5B"],
            parameters: 494 * M,
            layers: 24,
            hidden: 896,
            heads: 14,
            kv_heads: 2,
            head_dim: 64,
            tied: true,
            confirmed: true,
            ..qwen25
        },
        Row {
            id: "Qwen/Qwen2.5-1.5B-Instruct",
            name: "Qwen2.5 1.5B",
            aliases: &["Qwen2.5-1.5B"],
            parameters: 1_540 * M,
            layers: 28,
            hidden: 1536,
            heads: 12,
            kv_heads: 2,
            tied: true,
            note: "recalled, not checked here",
            ..qwen25
        },
        Row {
            id: "Qwen/Qwen2.5-3B-Instruct",
            name: "Qwen2.5 3B",
            aliases: &["Qwen2.5-3B"],
            parameters: 3_090 * M,
            layers: 36,
            hidden: 2048,
            heads: 16,
            kv_heads: 2,
            tied: true,
            note: "recalled, not checked here",
            ..qwen25
        },
        Row {
            id: "Qwen/Qwen2.5-7B-Instruct",
            name: "Qwen2.5 7B",
            aliases: &["Qwen2.5-7B"],
            parameters: 7_610 * M,
            layers: 28,
            hidden: 3584,
            heads: 28,
            kv_heads: 4,
            vocab: 152_064,
            confirmed: true,
            ..qwen25
        },
        Row {
            id: "Qwen/Qwen2.5-14B-Instruct",
            name: "Qwen2.5 14B",
            aliases: &["Qwen2.5-14B"],
            parameters: 14_700 * M,
            layers: 48,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            vocab: 152_064,
            note: "recalled, not checked here",
            ..qwen25
        },
        Row {
            id: "Qwen/Qwen2.5-32B-Instruct",
            name: "Qwen2.5 32B",
            aliases: &["Qwen2.5-32B"],
            parameters: 32_500 * M,
            layers: 64,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            vocab: 152_064,
            confirmed: true,
            ..qwen25
        },
        Row {
            id: "Qwen/Qwen2.5-72B-Instruct",
            name: "Qwen2.5 72B",
            aliases: &["Qwen2.5-72B"],
            parameters: 72_700 * M,
            layers: 80,
            hidden: 8192,
            heads: 64,
            kv_heads: 8,
            vocab: 152_064,
            confirmed: true,
            ..qwen25
        },
        // Qwen3 (40 960 positions in the original releases).
        Row {
            id: "Qwen/Qwen3-0.6B",
            name: "Qwen3 0.6B",
            aliases: &["Qwen3-0.6B"],
            parameters: 600 * M,
            layers: 28,
            hidden: 1024,
            heads: 16,
            kv_heads: 8,
            tied: true,
            note: "recalled, not checked here",
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-1.7B",
            name: "Qwen3 1.7B",
            aliases: &["Qwen3-1.7B"],
            parameters: 1_700 * M,
            layers: 28,
            hidden: 2048,
            heads: 16,
            kv_heads: 8,
            tied: true,
            note: "recalled, not checked here",
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-4B",
            name: "Qwen3 4B",
            aliases: &["Qwen3-4B"],
            parameters: 4_000 * M,
            layers: 36,
            hidden: 2560,
            heads: 32,
            kv_heads: 8,
            tied: true,
            confirmed: true,
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-8B",
            name: "Qwen3 8B",
            aliases: &["Qwen3-8B"],
            parameters: 8_200 * M,
            layers: 36,
            hidden: 4096,
            heads: 32,
            kv_heads: 8,
            note: "recalled, not checked here",
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-14B",
            name: "Qwen3 14B",
            aliases: &["Qwen3-14B"],
            parameters: 14_800 * M,
            layers: 40,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            note: "recalled, not checked here",
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-32B",
            name: "Qwen3 32B",
            aliases: &["Qwen3-32B"],
            parameters: 32_800 * M,
            layers: 64,
            hidden: 5120,
            heads: 64,
            kv_heads: 8,
            note: "recalled, not checked here",
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-30B-A3B",
            name: "Qwen3 30B-A3B",
            aliases: &["Qwen3-30B-A3B"],
            parameters: 30_500 * M,
            active: Some(3_300 * M),
            layers: 48,
            hidden: 2048,
            heads: 32,
            kv_heads: 4,
            confirmed: true,
            ..qwen3
        },
        Row {
            id: "Qwen/Qwen3-235B-A22B",
            name: "Qwen3 235B-A22B",
            aliases: &["Qwen3-235B-A22B"],
            parameters: 235 * B,
            active: Some(22 * B),
            layers: 94,
            hidden: 4096,
            heads: 64,
            kv_heads: 4,
            confirmed: true,
            ..qwen3
        },
        // Gemma 2: every other layer attends to a 4096-token window.
        Row {
            id: "google/gemma-2-2b-it",
            name: "Gemma 2 2B",
            aliases: &["gemma-2-2b"],
            parameters: 2_614 * M,
            layers: 26,
            hidden: 2304,
            heads: 8,
            kv_heads: 4,
            head_dim: 256,
            vocab: 256_000,
            tied: true,
            context: 8192,
            windowed: (13, 4096),
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "google/gemma-2-9b-it",
            name: "Gemma 2 9B",
            aliases: &["gemma-2-9b"],
            parameters: 9_242 * M,
            layers: 42,
            hidden: 3584,
            heads: 16,
            kv_heads: 8,
            head_dim: 256,
            vocab: 256_000,
            tied: true,
            context: 8192,
            windowed: (21, 4096),
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "google/gemma-2-27b-it",
            name: "Gemma 2 27B",
            aliases: &["gemma-2-27b"],
            parameters: 27_227 * M,
            layers: 46,
            hidden: 4608,
            heads: 32,
            kv_heads: 16,
            vocab: 256_000,
            tied: true,
            context: 8192,
            windowed: (23, 4096),
            note: "recalled, not checked here",
            ..DENSE
        },
        // Gemma 3: five local layers (window 1024; 512 for 1B) to one global.
        Row {
            id: "google/gemma-3-1b-it",
            name: "Gemma 3 1B",
            aliases: &["gemma-3-1b"],
            parameters: 1_000 * M,
            layers: 26,
            hidden: 1152,
            heads: 4,
            kv_heads: 1,
            head_dim: 256,
            vocab: 262_144,
            tied: true,
            context: 32_768,
            windowed: (22, 512),
            note: "layers, heads and head size checked; the window (512) and context recalled",
            ..DENSE
        },
        Row {
            id: "google/gemma-3-4b-it",
            name: "Gemma 3 4B",
            aliases: &["gemma-3-4b"],
            parameters: 4_300 * M,
            layers: 34,
            hidden: 2560,
            heads: 8,
            kv_heads: 4,
            head_dim: 256,
            vocab: 262_208,
            tied: true,
            context: 131_072,
            windowed: (29, 1024),
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "google/gemma-3-12b-it",
            name: "Gemma 3 12B",
            aliases: &["gemma-3-12b"],
            parameters: 12_200 * M,
            layers: 48,
            hidden: 3840,
            heads: 16,
            kv_heads: 8,
            head_dim: 256,
            vocab: 262_208,
            tied: true,
            context: 131_072,
            windowed: (40, 1024),
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "google/gemma-3-27b-it",
            name: "Gemma 3 27B",
            aliases: &["gemma-3-27b"],
            parameters: 27_400 * M,
            layers: 62,
            hidden: 5376,
            heads: 32,
            kv_heads: 16,
            vocab: 262_208,
            tied: true,
            context: 131_072,
            windowed: (52, 1024),
            note: "layers, heads, head size and window checked; the parameter count and context from the model card",
            ..DENSE
        },
        // DeepSeek-R1 distills: Qwen2.5 and Llama 3 bodies with a 131 072-token context.
        Row {
            id: "deepseek-ai/DeepSeek-R1-Distill-Qwen-1.5B",
            name: "DeepSeek-R1-Distill-Qwen 1.5B",
            aliases: &["DeepSeek-R1-Distill-Qwen-1.5B"],
            parameters: 1_777 * M,
            layers: 28,
            hidden: 1536,
            heads: 12,
            kv_heads: 2,
            vocab: 151_936,
            context: 131_072,
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
            name: "DeepSeek-R1-Distill-Qwen 7B",
            aliases: &["DeepSeek-R1-Distill-Qwen-7B"],
            parameters: 7_616 * M,
            layers: 28,
            hidden: 3584,
            heads: 28,
            kv_heads: 4,
            vocab: 152_064,
            context: 131_072,
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B",
            name: "DeepSeek-R1-Distill-Qwen 14B",
            aliases: &["DeepSeek-R1-Distill-Qwen-14B"],
            parameters: 14_770 * M,
            layers: 48,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            vocab: 152_064,
            context: 131_072,
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "deepseek-ai/DeepSeek-R1-Distill-Qwen-32B",
            name: "DeepSeek-R1-Distill-Qwen 32B",
            aliases: &["DeepSeek-R1-Distill-Qwen-32B"],
            parameters: 32_764 * M,
            layers: 64,
            hidden: 5120,
            heads: 40,
            kv_heads: 8,
            vocab: 152_064,
            context: 131_072,
            note: "the context was checked; the rest is the Qwen2.5 32B body, recalled",
            ..DENSE
        },
        Row {
            id: "deepseek-ai/DeepSeek-R1-Distill-Llama-8B",
            name: "DeepSeek-R1-Distill-Llama 8B",
            aliases: &["DeepSeek-R1-Distill-Llama-8B"],
            context: 131_072,
            note: "the Llama 3.1 8B body, recalled",
            ..llama3_8b
        },
        Row {
            id: "deepseek-ai/DeepSeek-R1-Distill-Llama-70B",
            name: "DeepSeek-R1-Distill-Llama 70B",
            aliases: &["DeepSeek-R1-Distill-Llama-70B"],
            context: 131_072,
            note: "the Llama 3.3 70B body, recalled",
            ..llama3_70b
        },
        // Phi.
        Row {
            id: "microsoft/Phi-3-mini-4k-instruct",
            name: "Phi-3 mini 4k",
            aliases: &["Phi-3-mini-4k", "Phi-3-mini"],
            parameters: 3_821_079_552,
            layers: 32,
            hidden: 3072,
            heads: 32,
            kv_heads: 32,
            head_dim: 96,
            vocab: 32_064,
            context: 4096,
            note: "parameters, layers and contexts checked; heads and vocabulary recalled",
            ..DENSE
        },
        Row {
            id: "microsoft/Phi-3-mini-128k-instruct",
            name: "Phi-3 mini 128k",
            aliases: &["Phi-3-mini-128k", "Phi-3.5-mini"],
            parameters: 3_821_079_552,
            layers: 32,
            hidden: 3072,
            heads: 32,
            kv_heads: 32,
            head_dim: 96,
            vocab: 32_064,
            context: 131_072,
            note: "parameters, layers and contexts checked; heads and vocabulary recalled",
            ..DENSE
        },
        Row {
            id: "microsoft/Phi-3-medium-4k-instruct",
            name: "Phi-3 medium 4k",
            aliases: &["Phi-3-medium-4k", "Phi-3-medium"],
            parameters: 13_960 * M,
            layers: 40,
            hidden: 5120,
            heads: 40,
            kv_heads: 10,
            vocab: 32_064,
            context: 4096,
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "microsoft/Phi-3-medium-128k-instruct",
            name: "Phi-3 medium 128k",
            aliases: &["Phi-3-medium-128k"],
            parameters: 13_960 * M,
            layers: 40,
            hidden: 5120,
            heads: 40,
            kv_heads: 10,
            vocab: 32_064,
            context: 131_072,
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "microsoft/phi-4",
            name: "Phi-4",
            aliases: &["phi-4"],
            parameters: 14_660 * M,
            layers: 40,
            hidden: 5120,
            heads: 40,
            kv_heads: 10,
            vocab: 100_352,
            context: 16_384,
            note: "recalled, not checked here",
            ..DENSE
        },
        Row {
            id: "microsoft/Phi-4-mini-instruct",
            name: "Phi-4 mini",
            aliases: &["Phi-4-mini"],
            parameters: 3_836 * M,
            layers: 32,
            hidden: 3072,
            heads: 24,
            kv_heads: 8,
            vocab: 200_064,
            tied: true,
            context: 131_072,
            confirmed: true,
            ..DENSE
        },
        // gpt-oss: experts in MXFP4, attention in bf16; every other layer attends to a 128-token window.
        Row {
            id: "openai/gpt-oss-20b",
            name: "gpt-oss-20b",
            aliases: &["gpt-oss-20b"],
            parameters: 20_910 * M,
            active: Some(3_610 * M),
            layers: 24,
            hidden: 2880,
            heads: 64,
            kv_heads: 8,
            head_dim: 64,
            vocab: 201_088,
            context: 131_072,
            windowed: (12, 128),
            format: WeightFormat::Fp4,
            checkpoint: Some(128 * (1 << 30) / 10),
            note: "config checked; the checkpoint size (12.8 GiB) and parameter counts from the model card",
            ..DENSE
        },
        Row {
            id: "openai/gpt-oss-120b",
            name: "gpt-oss-120b",
            aliases: &["gpt-oss-120b"],
            parameters: 116_830 * M,
            active: Some(5_130 * M),
            layers: 36,
            hidden: 2880,
            heads: 64,
            kv_heads: 8,
            head_dim: 64,
            vocab: 201_088,
            context: 131_072,
            windowed: (18, 128),
            format: WeightFormat::Fp4,
            checkpoint: Some(608 * (1 << 30) / 10),
            note: "config checked; the checkpoint size (60.8 GiB) and parameter counts from the model card",
            ..DENSE
        },
    ];
    rows.into_iter()
        .map(|r| ModelSpec {
            id: Cow::Borrowed(r.id),
            name: Cow::Borrowed(r.name),
            aliases: r.aliases.iter().map(|a| Cow::Borrowed(*a)).collect(),
            parameters: r.parameters,
            active_parameters: r.active,
            layers: r.layers,
            hidden_size: r.hidden,
            attention_heads: r.heads,
            kv_heads: r.kv_heads,
            head_dim: r.head_dim,
            vocab_size: r.vocab,
            tied_embeddings: r.tied,
            max_context: r.context,
            windowed_layers: r.windowed.0,
            window: r.windowed.1,
            native_format: r.format,
            checkpoint_bytes: r.checkpoint,
            source: Cow::Owned(format!("config.json of {} on Hugging Face", r.id)),
            confirmed: r.confirmed,
            note: Cow::Borrowed(r.note),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn find_id(text: &str) -> Option<String> {
        ModelCatalog::builtin()
            .find(text)
            .map(|f| f.spec.id.to_string())
    }

    #[test]
    fn llama_3_1_8b_matches_its_published_config() {
        let catalog = ModelCatalog::builtin();
        let m = catalog.get("meta-llama/Llama-3.1-8B-Instruct").unwrap();
        // config.json: 32 layers, 8 KV heads, head size 4096 / 32 = 128, 128 256 tokens, untied; 8.03 B
        // parameters (16 060 522 496 bytes of bf16 safetensors).
        assert_eq!(m.parameters, 8_030_261_248);
        assert_eq!((m.layers, m.kv_heads, m.head_dim), (32, 8, 128));
        assert_eq!(m.hidden_size / m.attention_heads, m.head_dim);
        assert_eq!(m.max_context, 131_072);
        assert_eq!(m.kv_bytes_per_token(2), 128 * 1024);
        assert_eq!(m.weights_bytes(WeightFormat::Float16), 16_060_522_496);
    }

    #[test]
    fn quantized_checkpoints_weigh_what_they_are_published_at() {
        let catalog = ModelCatalog::builtin();
        let m = catalog.get("meta-llama/Llama-3.1-8B-Instruct").unwrap();
        // Published checkpoints of Llama 3.1 8B Instruct: AWQ INT4 5.73 GB, FP8 9.08 GB; within 2 %.
        let int4 = m.weights_bytes(WeightFormat::Int4);
        assert!((5_620_000_000..5_850_000_000).contains(&int4), "{int4}");
        let fp8 = m.weights_bytes(WeightFormat::Bits8);
        assert!((8_900_000_000..9_260_000_000).contains(&fp8), "{fp8}");
        // gpt-oss-120b weighs its published MXFP4 checkpoint, 60.8 GiB.
        let oss = catalog.get("openai/gpt-oss-120b").unwrap();
        assert_eq!(oss.weights_bytes(WeightFormat::Fp4), 608 * (1 << 30) / 10);
    }

    #[test]
    fn phi_4_mini_matches_the_kaito_preset() {
        // KAITO's preset generator reports bytes_per_token 131072 and model_token_limit 131072 for it.
        let catalog = ModelCatalog::builtin();
        let m = catalog.get("microsoft/Phi-4-mini-instruct").unwrap();
        assert_eq!(m.kv_bytes_per_token(2), 131_072);
        assert_eq!(m.max_context, 131_072);
    }

    #[test]
    fn finds_models_by_fragment_and_prefers_the_longest() {
        assert_eq!(
            find_id("NousResearch/Meta-Llama-3.1-8B-Instruct").as_deref(),
            Some("meta-llama/Llama-3.1-8B-Instruct")
        );
        assert_eq!(
            find_id("NousResearch/Meta-Llama-3-8B-Instruct").as_deref(),
            Some("meta-llama/Meta-Llama-3-8B-Instruct")
        );
        assert_eq!(
            find_id("/models/meta-llama/Llama-3.3-70B-Instruct").as_deref(),
            Some("meta-llama/Llama-3.3-70B-Instruct")
        );
        assert_eq!(
            find_id("llama31405binstruct").as_deref(),
            Some("meta-llama/Llama-3.1-405B-Instruct")
        );
        assert_eq!(
            find_id("metallama321binstruct").as_deref(),
            Some("meta-llama/Llama-3.2-1B-Instruct")
        );
        assert_eq!(
            find_id("microsoft/Phi-4-mini-instruct").as_deref(),
            Some("microsoft/Phi-4-mini-instruct")
        );
        assert_eq!(
            find_id("microsoft/phi-4").as_deref(),
            Some("microsoft/phi-4")
        );
        assert_eq!(
            find_id("Llama-4-Maverick-17B-128E-Instruct-FP8").as_deref(),
            Some("meta-llama/Llama-4-Maverick-17B-128E-Instruct")
        );
        assert_eq!(
            find_id("deepseek-ai/DeepSeek-R1-Distill-Llama-8B").as_deref(),
            Some("deepseek-ai/DeepSeek-R1-Distill-Llama-8B")
        );
        assert_eq!(
            find_id("Qwen/Qwen2.5-72B-Instruct-AWQ").as_deref(),
            Some("Qwen/Qwen2.5-72B-Instruct")
        );
        assert_eq!(
            find_id("qwen2.5-7b").as_deref(),
            Some("Qwen/Qwen2.5-7B-Instruct")
        );
        assert_eq!(
            find_id("openai/gpt-oss-120b").as_deref(),
            Some("openai/gpt-oss-120b")
        );
        assert_eq!(find_id("gemma").as_deref(), None);
        assert_eq!(find_id("/models").as_deref(), None);
        assert_eq!(find_id("").as_deref(), None);
    }

    #[test]
    fn aliases_do_not_shadow_each_other() {
        // Every model is found by its own id and repository name, and no alias of one model is contained in an
        // alias of another unless the longer one is more specific by design (checked by finding each alias).
        let catalog = ModelCatalog::builtin();
        for m in catalog.iter() {
            assert_eq!(catalog.find(&m.id).unwrap().spec.id, m.id);
            let repo = m.id.rsplit('/').next().unwrap();
            assert_eq!(catalog.find(repo).unwrap().spec.id, m.id, "{repo}");
            for alias in &m.aliases {
                assert_eq!(catalog.find(alias).unwrap().spec.id, m.id, "{alias}");
            }
            assert!(m.hidden_size > 0 && m.layers > 0 && m.kv_heads > 0 && m.max_context > 0);
            assert!(m.windowed_layers < m.layers);
            assert!(m.attention_heads % m.kv_heads == 0, "{}", m.id);
        }
    }

    #[test]
    fn absurd_custom_models_saturate() {
        let mut spec = builtin_models().remove(0);
        spec.layers = u32::MAX;
        spec.kv_heads = u32::MAX;
        spec.head_dim = u32::MAX;
        spec.vocab_size = u32::MAX;
        spec.hidden_size = u32::MAX;
        spec.parameters = u64::MAX;
        assert_eq!(spec.kv_bytes_per_token(4), u64::MAX);
        assert_eq!(spec.weights_bytes(WeightFormat::Float32), u64::MAX);
        assert!(spec.weights_bytes(WeightFormat::Int4) > 0);
        let per_token = crate::model::fit::kv_per_token(&spec, 4, 1, 1);
        assert_eq!(per_token.total(), u64::MAX);
    }

    #[test]
    fn sizes_in_names() {
        assert_eq!(parameters_in_name("acme/SuperChat-14B-v2"), Some(14 * B));
        assert_eq!(parameters_in_name("acme/tiny-1.5b-chat"), Some(1_500 * M));
        assert_eq!(parameters_in_name("acme/moe-8x7b"), Some(56 * B));
        assert_eq!(parameters_in_name("acme/SmolLM-360M"), Some(360 * M));
        assert_eq!(parameters_in_name("acme/model-v2"), None);
        assert_eq!(parameters_in_name("acme/a3b"), None);
        assert_eq!(parameters_in_name("x-99999999999999b"), None);
    }
}
