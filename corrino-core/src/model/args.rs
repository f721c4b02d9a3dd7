//! vLLM's serving settings as a recipe writes them: the model, parallelism, context length, memory share, data
//! types, batch size and eager mode.
//!
//! A recipe passes them as container arguments, in every spelling vLLM accepts: `--flag value` and `--flag=value`;
//! dashes or underscores (vLLM's argument parser turns `--max_num_seqs` into `--max-num-seqs`); the short forms
//! `-tp`, `-pp` and `-q`; the positional model of `vllm serve <model>`; Kubernetes references to the container's
//! environment (`--model $(Model_Path)`, expanded as the kubelet does); and, with
//! `recipe_container_command_use_shell`, one shell line with quotes and `$VAR` / `${VAR}`.
//!
//! Each value keeps the JSON pointer of the element it was read from, so that diagnostics point where the author
//! wrote it, and the text it had there (`$(tensor_parallel_size)`), so that messages can show both.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::Recipe;
use crate::recipe::convert::Sink;

/// The largest tensor or pipeline parallelism read; more is reported as unreadable rather than computed with.
/// The largest OCI GPU shapes have 8 GPUs, and a multinode group a few nodes of them.
pub const MAX_PARALLELISM: u32 = 1024;

/// The largest `--max-model-len` read: 2⁴⁰ tokens, far beyond any model's context, and small enough that every
/// product the fit check forms with it stays within 128 bits.
pub const MAX_MODEL_LEN: u64 = 1 << 40;

/// A value read from the recipe, with where it was written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Arg<T> {
    /// The value, after environment references were expanded.
    pub value: T,
    /// The JSON pointer of the array element it was read from.
    pub path: String,
    /// The text as written there (`$(tensor_parallel_size)`), when it differs from the value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub written: Option<String>,
}

/// `--max-model-len`: a number of tokens, or `auto` (vLLM fits the longest context the memory allows).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum MaxModelLen {
    /// A fixed context length, in tokens.
    Tokens(u64),
    /// `auto` or `-1`: the longest context that fits in memory, at most the model's own.
    Auto,
}

/// The vLLM settings of a recipe. Absent fields were not written (vLLM's defaults apply).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServingArgs {
    /// `--model`, or the positional model of `vllm serve`: a Hugging Face id or a path in the container.
    pub model: Option<Arg<String>>,
    /// `--served-model-name`: the name clients use, often the model's own name.
    pub served_model_name: Option<Arg<String>>,
    /// `--tensor-parallel-size` / `-tp`.
    pub tensor_parallel_size: Option<Arg<u32>>,
    /// `--pipeline-parallel-size` / `-pp`.
    pub pipeline_parallel_size: Option<Arg<u32>>,
    /// `--max-model-len`.
    pub max_model_len: Option<Arg<MaxModelLen>>,
    /// `--gpu-memory-utilization`.
    pub gpu_memory_utilization: Option<Arg<f64>>,
    /// `--dtype`.
    pub dtype: Option<Arg<String>>,
    /// `--quantization` / `-q`.
    pub quantization: Option<Arg<String>>,
    /// `--kv-cache-dtype`.
    pub kv_cache_dtype: Option<Arg<String>>,
    /// `--max-num-seqs`.
    pub max_num_seqs: Option<Arg<u32>>,
    /// `--enforce-eager` (or `--no-enforce-eager`).
    pub enforce_eager: Option<Arg<bool>>,
    /// Whether the command line starts vLLM itself (`vllm serve`, `vllm.entrypoints…`).
    pub names_vllm: bool,
}

/// One word of the container's command line, with the element it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Word<'a> {
    pub(crate) text: String,
    pub(crate) path: Pointer,
    /// The recipe's element, borrowed: a shell line splits into many words, which must not each copy it.
    pub(crate) written: &'a str,
}

/// The container's environment as the kubelet builds it: each value with the `$(VAR)` references to earlier
/// variables expanded. Variables from Secrets are unknown here and stay unexpanded.
#[must_use]
pub fn environment(recipe: &Recipe) -> BTreeMap<String, String> {
    let mut env = BTreeMap::new();
    for var in recipe.recipe_container_env.iter().flatten() {
        if let (Some(key), Some(value)) = (&var.key, &var.value) {
            let value = expand_references(&value.to_text(), &env);
            env.insert(key.clone(), value);
        }
    }
    env
}

/// Expands Kubernetes' `$(VAR)` references to variables of `env`; `$$` stands for `$`, and a reference to an
/// unknown variable stays as written, as the kubelet does (`third_party/forked/golang/expansion`).
#[must_use]
pub fn expand_references(text: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    // Once a `$(` finds no `)`, no later one does: remembering it keeps the expansion linear where the kubelet's
    // is quadratic, with the same result.
    let mut unclosed = false;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('(') {
            let Some(end) = (!unclosed).then(|| inner.find(')')).flatten() else {
                // An incomplete reference stays as written, and the scan goes on after its `$(`.
                unclosed = true;
                out.push_str("$(");
                rest = inner;
                continue;
            };
            let name = &inner[..end];
            match env.get(name) {
                Some(value) => out.push_str(value),
                None => {
                    out.push_str("$(");
                    out.push_str(name);
                    out.push(')');
                }
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Splits a shell line into words as `sh` would: blanks separate words, single quotes keep everything, double
/// quotes keep blanks and expand variables, a backslash escapes the next character. `$VAR` and `${VAR}` expand to
/// variables of `env`; unknown ones stay as written (they may come from the image or a Secret). Operators such as
/// `&&` and `;` become words of their own, which is enough to find the flags around them.
fn shell_words(line: &str, env: &BTreeMap<String, String>) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    let mut quote: Option<char> = None;
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some('\''), '\'') | (Some('"'), '"') => quote = None,
            (Some('\''), _) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (_, '\\') => {
                if let Some(next) = chars.next() {
                    word.push(next);
                }
                in_word = true;
            }
            (_, '$') => {
                let braced = chars.peek() == Some(&'{');
                if braced {
                    chars.next();
                }
                let mut name = String::new();
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric() || n == '_' {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
                if braced && chars.peek() == Some(&'}') {
                    chars.next();
                }
                match env.get(&name) {
                    Some(value) if !name.is_empty() => word.push_str(value),
                    _ if braced => {
                        word.push_str("${");
                        word.push_str(&name);
                        word.push('}');
                    }
                    _ => {
                        word.push('$');
                        word.push_str(&name);
                    }
                }
                in_word = true;
            }
            (None, c) if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            (None, ';' | '&' | '|') => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
                words.push(c.to_string());
            }
            _ => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The words of the container's command line (command, then arguments), expanded as the kubelet and, in shell
/// mode, the shell would.
pub(crate) fn words<'a>(recipe: &'a Recipe, env: &BTreeMap<String, String>) -> Vec<Word<'a>> {
    let shell = recipe.recipe_container_command_use_shell == Some(true);
    let mut out = Vec::new();
    for (key, list) in [
        ("recipe_container_command", &recipe.recipe_container_command),
        (
            "recipe_container_command_args",
            &recipe.recipe_container_command_args,
        ),
    ] {
        for (i, element) in list.iter().flatten().enumerate() {
            let path = Pointer::root().key(key).index(i);
            let expanded = expand_references(element, env);
            if shell {
                for text in shell_words(&expanded, env) {
                    out.push(Word {
                        text,
                        path: path.clone(),
                        written: element,
                    });
                }
            } else {
                out.push(Word {
                    text: expanded,
                    path: path.clone(),
                    written: element,
                });
            }
        }
    }
    out
}

/// The flags this module reads, by vLLM's long name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flag {
    Model,
    ServedModelName,
    TensorParallel,
    PipelineParallel,
    MaxModelLen,
    GpuMemoryUtilization,
    Dtype,
    Quantization,
    KvCacheDtype,
    MaxNumSeqs,
    EnforceEager,
    NoEnforceEager,
}

impl Flag {
    fn from_name(name: &str) -> Option<Flag> {
        Some(match name {
            "model" => Flag::Model,
            "served-model-name" => Flag::ServedModelName,
            "tensor-parallel-size" | "tp" => Flag::TensorParallel,
            "pipeline-parallel-size" | "pp" => Flag::PipelineParallel,
            "max-model-len" => Flag::MaxModelLen,
            "gpu-memory-utilization" => Flag::GpuMemoryUtilization,
            "dtype" => Flag::Dtype,
            "quantization" | "q" => Flag::Quantization,
            "kv-cache-dtype" => Flag::KvCacheDtype,
            "max-num-seqs" => Flag::MaxNumSeqs,
            "enforce-eager" => Flag::EnforceEager,
            "no-enforce-eager" => Flag::NoEnforceEager,
            _ => return None,
        })
    }

    fn takes_value(self) -> bool {
        !matches!(self, Flag::EnforceEager | Flag::NoEnforceEager)
    }

    fn spelling(self) -> &'static str {
        match self {
            Flag::Model => "--model",
            Flag::ServedModelName => "--served-model-name",
            Flag::TensorParallel => "--tensor-parallel-size",
            Flag::PipelineParallel => "--pipeline-parallel-size",
            Flag::MaxModelLen => "--max-model-len",
            Flag::GpuMemoryUtilization => "--gpu-memory-utilization",
            Flag::Dtype => "--dtype",
            Flag::Quantization => "--quantization",
            Flag::KvCacheDtype => "--kv-cache-dtype",
            Flag::MaxNumSeqs => "--max-num-seqs",
            Flag::EnforceEager => "--enforce-eager",
            Flag::NoEnforceEager => "--no-enforce-eager",
        }
    }
}

/// Whether a word starts vLLM: the `vllm` program, or its OpenAI server module.
fn is_vllm_word(text: &str) -> bool {
    let program = text.rsplit('/').next().unwrap_or(text);
    program == "vllm" || text.contains("vllm.entrypoints")
}

/// Reads the vLLM settings of a recipe's command line. A value that cannot be read (not a number, out of range,
/// an environment reference to nothing) is reported as `serving-argument` and left out.
pub fn read(recipe: &Recipe, sink: &mut Sink) -> ServingArgs {
    let env = environment(recipe);
    let words = words(recipe, &env);
    let mut args = ServingArgs {
        names_vllm: words.iter().any(|w| is_vllm_word(&w.text)),
        ..ServingArgs::default()
    };
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        i += 1;
        // `vllm serve <model>`: the model may come first, without `--model`.
        if word.text == "serve"
            && i >= 2
            && is_vllm_word(&words[i - 2].text)
            && let Some(next) = words.get(i)
            && !next.text.starts_with('-')
        {
            args.model = Some(arg(next.text.clone(), next));
            i += 1;
            continue;
        }
        let Some(stripped) = word
            .text
            .strip_prefix("--")
            .or_else(|| word.text.strip_prefix('-'))
        else {
            continue;
        };
        let (name, inline) = match stripped.split_once('=') {
            Some((name, value)) => (name, Some(value.to_owned())),
            None => (stripped, None),
        };
        let name = name.replace('_', "-");
        let Some(flag) = Flag::from_name(&name) else {
            continue;
        };
        // Single-dash spellings exist only for the short forms.
        if !word.text.starts_with("--") && !matches!(name.as_str(), "tp" | "pp" | "q") {
            continue;
        }
        let mut at = word;
        let value = if flag.takes_value() {
            match inline {
                Some(v) => Some(v),
                None => match words.get(i) {
                    Some(next) if !next.text.starts_with("--") => {
                        i += 1;
                        at = next;
                        Some(next.text.clone())
                    }
                    _ => None,
                },
            }
        } else {
            inline
        };
        apply(&mut args, flag, value, at, sink);
    }
    args
}

fn arg<T>(value: T, word: &Word) -> Arg<T> {
    Arg {
        value,
        path: word.path.as_str().to_owned(),
        written: (word.written != word.text).then(|| word.written.to_owned()),
    }
}

fn apply(args: &mut ServingArgs, flag: Flag, value: Option<String>, word: &Word, sink: &mut Sink) {
    let unreadable = |sink: &mut Sink, value: &str, why: &str| {
        let shown = if word.written.contains("$(") || word.written.contains("${") {
            format!("`{value}` (written `{}`)", word.written)
        } else {
            format!("`{value}`")
        };
        sink.note(Diagnostic::error(
            word.path.clone(),
            Code::ServingArgument,
            format!("{} {shown} {why}", flag.spelling()),
        ));
    };
    if !flag.takes_value() {
        let on = match value.as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("true" | "1") => flag == Flag::EnforceEager,
            Some("false" | "0") => flag != Flag::EnforceEager,
            Some(other) => {
                unreadable(sink, other, "is not true or false");
                return;
            }
        };
        args.enforce_eager = Some(arg(on, word));
        return;
    }
    let Some(value) = value else {
        sink.note(Diagnostic::error(
            word.path.clone(),
            Code::ServingArgument,
            format!("{} has no value", flag.spelling()),
        ));
        return;
    };
    if value.contains("$(") || value.contains("${") {
        sink.note(
            Diagnostic::warning(
                word.path.clone(),
                Code::ServingArgument,
                format!(
                    "{} `{value}` refers to a variable the recipe does not define, so its value is unknown here",
                    flag.spelling()
                ),
            )
            .with_hint("define the variable in `recipe_container_env`, or write the value"),
        );
        return;
    }
    match flag {
        Flag::Model => args.model = Some(arg(value, word)),
        Flag::ServedModelName => args.served_model_name = Some(arg(value, word)),
        Flag::Dtype => args.dtype = Some(arg(value.to_ascii_lowercase(), word)),
        Flag::Quantization => args.quantization = Some(arg(value.to_ascii_lowercase(), word)),
        Flag::KvCacheDtype => args.kv_cache_dtype = Some(arg(value.to_ascii_lowercase(), word)),
        Flag::TensorParallel | Flag::PipelineParallel | Flag::MaxNumSeqs => {
            let limit = if flag == Flag::MaxNumSeqs {
                u32::MAX
            } else {
                MAX_PARALLELISM
            };
            match value.trim().parse::<u64>() {
                Ok(n) if n >= 1 && n <= u64::from(limit) => {
                    let n = u32::try_from(n).unwrap_or(limit);
                    let slot = match flag {
                        Flag::TensorParallel => &mut args.tensor_parallel_size,
                        Flag::PipelineParallel => &mut args.pipeline_parallel_size,
                        _ => &mut args.max_num_seqs,
                    };
                    *slot = Some(arg(n, word));
                }
                Ok(_) => unreadable(sink, &value, &format!("is outside 1–{limit}")),
                Err(_) => unreadable(sink, &value, "is not a whole number"),
            }
        }
        Flag::MaxModelLen => match parse_max_model_len(&value) {
            Some(MaxModelLen::Tokens(0)) => unreadable(sink, &value, "is zero"),
            Some(MaxModelLen::Tokens(n)) if n > MAX_MODEL_LEN => {
                unreadable(
                    sink,
                    &value,
                    &format!("is beyond any model's context (at most {MAX_MODEL_LEN} is read)"),
                );
            }
            Some(len) => args.max_model_len = Some(arg(len, word)),
            None => unreadable(
                sink,
                &value,
                "is not a number of tokens (such as 4096, 32k or auto)",
            ),
        },
        Flag::GpuMemoryUtilization => match value.trim().parse::<f64>() {
            Ok(u) if u > 0.0 && u <= 1.0 => args.gpu_memory_utilization = Some(arg(u, word)),
            Ok(_) => unreadable(
                sink,
                &value,
                "is outside (0, 1]: it is the share of each GPU's memory vLLM may use",
            ),
            Err(_) => unreadable(sink, &value, "is not a number"),
        },
        Flag::EnforceEager | Flag::NoEnforceEager => {}
    }
}

/// Reads `--max-model-len` as vLLM does: an integer, `auto` or `-1`, or a human-readable size where a lowercase
/// suffix is decimal and an uppercase one binary (`32k` = 32 000, `32K` = 32 768, `1m` = 1 000 000).
fn parse_max_model_len(text: &str) -> Option<MaxModelLen> {
    let text = text.trim();
    if text.eq_ignore_ascii_case("auto") || text == "-1" {
        return Some(MaxModelLen::Auto);
    }
    let (number, scale): (&str, f64) = match text.chars().last()? {
        'k' => (&text[..text.len() - 1], 1e3),
        'm' => (&text[..text.len() - 1], 1e6),
        'g' => (&text[..text.len() - 1], 1e9),
        'K' => (&text[..text.len() - 1], 1024.0),
        'M' => (&text[..text.len() - 1], 1024.0 * 1024.0),
        'G' => (&text[..text.len() - 1], 1024.0 * 1024.0 * 1024.0),
        _ => (text, 1.0),
    };
    if scale == 1.0 {
        return number.parse::<u64>().ok().map(MaxModelLen::Tokens);
    }
    let value = number.parse::<f64>().ok()? * scale;
    if !(value.is_finite() && (0.0..=1e15).contains(&value)) {
        return None;
    }
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let tokens = value.round() as u64;
    Some(MaxModelLen::Tokens(tokens))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;

    fn recipe(json: &str) -> Recipe {
        let (recipe, sink) = crate::recipe::parse(json.as_bytes(), Format::Json);
        assert!(
            !sink.diagnostics.has_errors(),
            "{}",
            sink.diagnostics.to_string()
        );
        recipe.expect("a recipe")
    }

    fn read_json(json: &str) -> (ServingArgs, Vec<(String, Code)>) {
        let mut sink = Sink::default();
        let args = read(&recipe(json), &mut sink);
        let d = sink
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect();
        (args, d)
    }

    #[test]
    fn reads_flags_with_spaces_equals_and_underscores() {
        let (args, d) = read_json(
            r#"{"recipe_container_command_args": ["--model", "NousResearch/Meta-Llama-3.1-8B-Instruct",
                "--tensor-parallel-size=2", "--max_num_seqs", "64", "-pp", "2", "--gpu-memory-utilization", "0.95",
                "--max-model-len", "32K", "--enforce-eager", "--kv-cache-dtype", "FP8", "-q", "awq"]}"#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            args.model.unwrap().value,
            "NousResearch/Meta-Llama-3.1-8B-Instruct"
        );
        let tp = args.tensor_parallel_size.unwrap();
        assert_eq!(tp.value, 2);
        assert_eq!(tp.path, "/recipe_container_command_args/2");
        assert_eq!(args.max_num_seqs.unwrap().value, 64);
        assert_eq!(args.pipeline_parallel_size.unwrap().value, 2);
        assert_eq!(args.gpu_memory_utilization.unwrap().value, 0.95);
        assert_eq!(
            args.max_model_len.unwrap().value,
            MaxModelLen::Tokens(32768)
        );
        assert!(args.enforce_eager.unwrap().value);
        assert_eq!(args.kv_cache_dtype.unwrap().value, "fp8");
        assert_eq!(args.quantization.unwrap().value, "awq");
        assert!(!args.names_vllm);
    }

    #[test]
    fn expands_kubernetes_references_to_the_environment() {
        let (args, d) = read_json(
            r#"{"recipe_container_env": [{"key": "Model_Path", "value": "/models/NousResearch/Meta-Llama-3.1-8B-Instruct"},
                    {"key": "tensor_parallel_size", "value": 2}, {"key": "Len", "value": "$(Missing)"}],
                "recipe_container_command_args": ["--model", "$(Model_Path)", "--tensor-parallel-size",
                    "$(tensor_parallel_size)", "--max-model-len", "$(Len)"]}"#,
        );
        let model = args.model.unwrap();
        assert_eq!(
            model.value,
            "/models/NousResearch/Meta-Llama-3.1-8B-Instruct"
        );
        assert_eq!(model.written.as_deref(), Some("$(Model_Path)"));
        assert_eq!(args.tensor_parallel_size.unwrap().value, 2);
        // A reference to a variable nobody defines cannot be read: said, not guessed.
        assert_eq!(
            d,
            vec![(
                "/recipe_container_command_args/5".to_owned(),
                Code::ServingArgument
            )]
        );
        assert!(args.max_model_len.is_none());
    }

    #[test]
    fn reads_a_shell_line_and_vllm_serve() {
        let (args, d) = read_json(
            r#"{"recipe_container_command_use_shell": true,
                "recipe_container_env": [{"key": "MODEL", "value": "Qwen/Qwen2.5-7B-Instruct"}],
                "recipe_container_command": ["pip install x && vllm serve ${MODEL} --max-model-len='8192' -tp 1 --dtype \"bfloat16\""]}"#,
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(args.names_vllm);
        assert_eq!(args.model.unwrap().value, "Qwen/Qwen2.5-7B-Instruct");
        assert_eq!(args.max_model_len.unwrap().value, MaxModelLen::Tokens(8192));
        assert_eq!(args.tensor_parallel_size.unwrap().value, 1);
        assert_eq!(args.dtype.unwrap().value, "bfloat16");
    }

    #[test]
    fn reads_the_python_entrypoint_in_the_arguments() {
        let (args, _) = read_json(
            r#"{"recipe_container_command_args": ["python3", "-m", "vllm.entrypoints.openai.api_server",
                "--model", "/models/x", "--max_num_batched_tokens", "32768", "--max-num-seqs", "1024"]}"#,
        );
        assert!(args.names_vllm);
        assert_eq!(args.model.unwrap().value, "/models/x");
        assert_eq!(args.max_num_seqs.unwrap().value, 1024);
    }

    #[test]
    fn unreadable_values_are_reported_with_their_place() {
        let (args, d) = read_json(
            r#"{"recipe_container_command_args": ["--tensor-parallel-size", "0", "--max-model-len", "lots",
                "--gpu-memory-utilization", "1.5", "--pipeline-parallel-size", "99999999999999999999",
                "--max-model-len=99999999999999999999", "--max-num-seqs", "-3"]}"#,
        );
        assert!(args.tensor_parallel_size.is_none());
        assert!(args.max_model_len.is_none());
        assert!(args.gpu_memory_utilization.is_none());
        assert!(args.pipeline_parallel_size.is_none());
        let paths: Vec<&str> = d.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(
            paths,
            vec![
                "/recipe_container_command_args/1",
                "/recipe_container_command_args/3",
                "/recipe_container_command_args/5",
                "/recipe_container_command_args/7",
                "/recipe_container_command_args/8",
                "/recipe_container_command_args/10",
            ]
        );
    }

    #[test]
    fn human_readable_lengths_follow_vllm() {
        assert_eq!(
            parse_max_model_len("32k"),
            Some(MaxModelLen::Tokens(32_000))
        );
        assert_eq!(
            parse_max_model_len("32K"),
            Some(MaxModelLen::Tokens(32_768))
        );
        assert_eq!(
            parse_max_model_len("1.5m"),
            Some(MaxModelLen::Tokens(1_500_000))
        );
        assert_eq!(parse_max_model_len("auto"), Some(MaxModelLen::Auto));
        assert_eq!(parse_max_model_len("-1"), Some(MaxModelLen::Auto));
        assert_eq!(parse_max_model_len("1e400k"), None);
        assert_eq!(parse_max_model_len(""), None);
    }

    #[test]
    fn kubernetes_expansion_keeps_escapes_and_unknown_names() {
        let env = BTreeMap::from([("A".to_owned(), "x".to_owned())]);
        assert_eq!(
            expand_references("$(A)/$(B)/$$(A)/$", &env),
            "x/$(B)/$(A)/$"
        );
        assert_eq!(expand_references("$(A", &env), "$(A");
        // After an unclosed `$(` the scan goes on, as the kubelet's does: `$$` still stands for `$`.
        assert_eq!(expand_references("$(A $$ $(A", &env), "$(A $ $(A");
        assert_eq!(expand_references("$(A $(B", &env), "$(A $(B");
    }
}
