//! Which model a recipe serves, and where its weights come from.
//!
//! The model is what vLLM is told to load (`--model`, or the positional model of `vllm serve`), or, for an NVIDIA
//! NIM container, the image itself (`nvcr.io/nim/meta/llama-3.2-3b-instruct`). A Hugging Face id is downloaded by
//! the server; a path is looked up among the recipe's volumes: an Object Storage input (copied in before the
//! server starts), a File Storage mount (read over NFS) or a directory of the node.
//!
//! A path often says little (`--model /models`), so the name is also sought in what surrounds it: the part of the
//! path below the mount, the Object Storage `include` prefixes, the bucket's name (from `bucket_name` or the PAR
//! URL), `--served-model-name`, and environment variables whose name mentions a model. The first of those the
//! catalog knows wins; failing that, the first that announces a size (`…-14B`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::args::{ServingArgs, environment};
use super::catalog::{ModelCatalog, ModelSpec, parameters_in_name};
use super::startup::Engine;
use crate::recipe::Recipe;

/// Where the weights come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum WeightsSource {
    /// Downloaded from the Hugging Face hub by the server at start.
    HuggingFace,
    /// Downloaded from the Hugging Face hub into a cache on a volume that outlives the container (a node directory
    /// or a File Storage mount): a restart resumes the download, and later starts read the cache.
    HuggingFaceCache,
    /// Downloaded from NVIDIA's registry by a NIM container at start.
    Ngc,
    /// Copied from an Object Storage bucket (PAR or bucket name) by an init container.
    ObjectStorage,
    /// Read over NFS from an OCI File Storage mount.
    FileStorage,
    /// Read from a directory of the node (`local_filesystem`).
    NodeDisk,
    /// A path no volume of the recipe provides (baked into the image, or a mistake).
    Unknown,
}

/// How the model was recognised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Recognition {
    /// A model of the catalog.
    Catalog {
        /// Its Hugging Face id.
        id: String,
        /// Its short name.
        name: String,
        /// The catalog figures' source.
        source: String,
        /// Whether those figures were checked against a published config.
        confirmed: bool,
        /// The text it was recognised in.
        matched: String,
    },
    /// Not in the catalog, but its name announces a size.
    Size {
        /// The parameters the name announces.
        parameters: u64,
        /// The text that announced it.
        matched: String,
    },
    /// Not recognised.
    Unknown {
        /// Why, in words.
        reason: String,
    },
}

/// The model a recipe serves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Identification {
    /// The model as the recipe names it (after environment expansion), when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// The JSON pointer where it is named.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Where the weights come from.
    pub weights_source: WeightsSource,
    /// What it was recognised as.
    pub recognition: Recognition,
}

impl Identification {
    /// The catalog entry, when recognised as one.
    #[must_use]
    pub fn spec<'a>(&self, catalog: &'a ModelCatalog) -> Option<&'a ModelSpec> {
        match &self.recognition {
            Recognition::Catalog { id, .. } => catalog.get(id),
            _ => None,
        }
    }

    /// A name for messages: the catalog's, or the model as written.
    #[must_use]
    pub fn display_name(&self) -> String {
        match &self.recognition {
            Recognition::Catalog { name, .. } => name.clone(),
            _ => self.model.clone().unwrap_or_else(|| "the model".to_owned()),
        }
    }

    /// The texts the name was sought in, best first.
    fn matched_text(&self) -> Option<&str> {
        match &self.recognition {
            Recognition::Catalog { matched, .. } | Recognition::Size { matched, .. } => {
                Some(matched)
            }
            Recognition::Unknown { .. } => None,
        }
    }

    /// The text that names the model best, for reading its format (`…-AWQ`): what it was recognised in, else
    /// what the recipe wrote.
    #[must_use]
    pub fn name_text(&self) -> Option<&str> {
        self.matched_text().or(self.model.as_deref())
    }
}

/// The serving engine of a recipe: vLLM when its image or command says so, NIM for NVIDIA's NIM images.
#[must_use]
pub fn engine(recipe: &Recipe, args: &ServingArgs) -> Engine {
    let image = recipe
        .recipe_image_uri
        .as_deref()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if image.starts_with("nvcr.io/nim/") {
        Engine::Nim
    } else if image.contains("vllm") || args.names_vllm {
        Engine::Vllm
    } else {
        Engine::Other
    }
}

/// The bucket a PAR URL points into: `…/n/<namespace>/b/<bucket>/o/…`.
fn par_bucket(par: &str) -> Option<&str> {
    let (_, rest) = par.split_once("/b/")?;
    rest.split('/').next().filter(|b| !b.is_empty())
}

/// Whether `path` is `mount` or below it.
fn under<'a>(path: &'a str, mount: &str) -> Option<&'a str> {
    let mount = mount.trim_end_matches('/');
    let rest = path.strip_prefix(mount)?;
    if rest.is_empty() {
        Some("")
    } else {
        rest.strip_prefix('/')
    }
}

/// The Hugging Face hub's cache directory in the server's container: `HF_HUB_CACHE`, else `$HF_HOME/hub`, else
/// `~/.cache/huggingface/hub` of root, as vLLM's images run (huggingface_hub's documented order).
fn hub_cache(recipe: &Recipe) -> String {
    let env = environment(recipe);
    if let Some(cache) = env.get("HF_HUB_CACHE") {
        return cache.clone();
    }
    let home = env
        .get("HF_HOME")
        .map_or("/root/.cache/huggingface", String::as_str);
    format!("{}/hub", home.trim_end_matches('/'))
}

/// Whether the hub's cache lies on a volume that outlives the container: a node directory or File Storage.
fn hub_cache_persists(recipe: &Recipe) -> bool {
    let cache = hub_cache(recipe);
    let mounts = recipe
        .local_filesystem
        .iter()
        .flatten()
        .filter_map(|m| m.mount_location.as_deref())
        .chain(
            recipe
                .input_file_system
                .iter()
                .flatten()
                .filter_map(|m| m.mount_location.as_deref()),
        );
    mounts.into_iter().any(|m| under(&cache, m).is_some())
}

/// Where the weights at container path `path` come from, and texts that may name the model.
fn locate(recipe: &Recipe, path: &str) -> (WeightsSource, Vec<String>) {
    for input in recipe.input_object_storage.iter().flatten() {
        let Some(mount) = &input.mount_location else {
            continue;
        };
        if let Some(below) = under(path, mount) {
            let mut names = Vec::new();
            if !below.is_empty() {
                names.push(below.to_owned());
            } else {
                names.extend(input.include.iter().flatten().cloned());
            }
            if let Some(bucket) = input
                .bucket_name
                .as_deref()
                .or_else(|| input.par.as_deref().and_then(par_bucket))
            {
                names.push(bucket.to_owned());
            }
            return (WeightsSource::ObjectStorage, names);
        }
    }
    for mount in recipe.input_file_system.iter().flatten() {
        if let Some(location) = &mount.mount_location
            && let Some(below) = under(path, location)
        {
            return (
                WeightsSource::FileStorage,
                (!below.is_empty())
                    .then(|| below.to_owned())
                    .into_iter()
                    .collect(),
            );
        }
    }
    for mount in recipe.local_filesystem.iter().flatten() {
        if let Some(location) = &mount.mount_location
            && let Some(below) = under(path, location)
        {
            return (
                WeightsSource::NodeDisk,
                (!below.is_empty())
                    .then(|| below.to_owned())
                    .into_iter()
                    .collect(),
            );
        }
    }
    (WeightsSource::Unknown, Vec::new())
}

/// Environment values that may name the model: variables whose name mentions a model.
fn model_variables(env: &BTreeMap<String, String>) -> Vec<String> {
    env.iter()
        .filter(|(k, v)| k.to_ascii_lowercase().contains("model") && !v.trim().is_empty())
        .map(|(_, v)| v.clone())
        .collect()
}

/// Recognises the model among `candidates`, best first.
fn recognise(catalog: &ModelCatalog, candidates: &[String]) -> Recognition {
    for text in candidates {
        if let Some(found) = catalog.find(text) {
            return Recognition::Catalog {
                id: found.spec.id.to_string(),
                name: found.spec.name.to_string(),
                source: found.spec.source.to_string(),
                confirmed: found.spec.confirmed,
                matched: text.clone(),
            };
        }
    }
    for text in candidates {
        if let Some(parameters) = parameters_in_name(text) {
            return Recognition::Size {
                parameters,
                matched: text.clone(),
            };
        }
    }
    let looked: Vec<String> = candidates.iter().map(|c| format!("`{c}`")).collect();
    Recognition::Unknown {
        reason: if looked.is_empty() {
            "nothing names the model".to_owned()
        } else {
            format!(
                "{} name no model of the catalog and no size",
                looked.join(", ")
            )
        },
    }
}

/// Identifies the model `recipe` serves.
#[must_use]
pub fn identify(
    recipe: &Recipe,
    args: &ServingArgs,
    engine: Engine,
    catalog: &ModelCatalog,
) -> Identification {
    let image = recipe.recipe_image_uri.as_deref().unwrap_or_default();
    match engine {
        Engine::Nim => {
            // nvcr.io/nim/<org>/<model>:<tag>
            let path = image
                .trim_start_matches("nvcr.io/nim/")
                .split([':', '@'])
                .next()
                .unwrap_or_default()
                .to_owned();
            let recognition = recognise(catalog, std::slice::from_ref(&path));
            Identification {
                model: Some(path),
                path: Some("/recipe_image_uri".to_owned()),
                weights_source: WeightsSource::Ngc,
                recognition,
            }
        }
        Engine::Other => Identification {
            model: None,
            path: None,
            weights_source: WeightsSource::Unknown,
            recognition: Recognition::Unknown {
                reason: if image.is_empty() {
                    "the recipe names no image: no vLLM server to check".to_owned()
                } else {
                    format!("`{image}` is not a vLLM server: its model is not checked")
                },
            },
        },
        Engine::Vllm => {
            let Some(model) = &args.model else {
                return Identification {
                    model: None,
                    path: None,
                    weights_source: WeightsSource::Unknown,
                    recognition: Recognition::Unknown {
                        reason: "the command line has no --model".to_owned(),
                    },
                };
            };
            let text = model.value.clone();
            let (source, mut candidates) = if text.starts_with('/') {
                let (source, names) = locate(recipe, &text);
                let mut all = vec![text.clone()];
                all.extend(names);
                (source, all)
            } else if hub_cache_persists(recipe) {
                (WeightsSource::HuggingFaceCache, vec![text.clone()])
            } else {
                (WeightsSource::HuggingFace, vec![text.clone()])
            };
            if let Some(served) = &args.served_model_name {
                candidates.push(served.value.clone());
            }
            for value in model_variables(&environment(recipe)) {
                if !candidates.contains(&value) {
                    candidates.push(value);
                }
            }
            Identification {
                model: Some(text),
                path: Some(model.path.clone()),
                weights_source: source,
                recognition: recognise(catalog, &candidates),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Format;
    use crate::model::args;
    use crate::recipe::convert::Sink;

    fn identified(json: &str) -> Identification {
        let (recipe, _) = crate::recipe::parse(json.as_bytes(), Format::Json);
        let recipe = recipe.unwrap();
        let a = args::read(&recipe, &mut Sink::default());
        let e = engine(&recipe, &a);
        identify(&recipe, &a, e, &ModelCatalog::builtin())
    }

    fn id_of(i: &Identification) -> &str {
        match &i.recognition {
            Recognition::Catalog { id, .. } => id,
            _ => "",
        }
    }

    #[test]
    fn a_bucket_root_is_named_by_its_include_prefix_or_bucket() {
        let i = identified(
            r#"{"recipe_image_uri": "x/ray2430_vllmv083", "recipe_container_command_args": ["--model", "/models"],
                "input_object_storage": [{"par": "https://objectstorage.example/p/TOKEN/n/ns/b/corrino_hf_oss_models/o/",
                    "mount_location": "/models", "volume_size_in_gbs": 500, "include": ["NousResearch/Meta-Llama-3.1-8B-Instruct"]}]}"#,
        );
        assert_eq!(i.weights_source, WeightsSource::ObjectStorage);
        assert_eq!(id_of(&i), "meta-llama/Llama-3.1-8B-Instruct");
        let i = identified(
            r#"{"recipe_image_uri": "x/vllm", "recipe_container_command_args": ["--model", "/models"],
                "input_object_storage": [{"par": "https://objectstorage.example/p/TOKEN/n/ns/b/llama31405binstruct/o/",
                    "mount_location": "/models", "volume_size_in_gbs": 500}]}"#,
        );
        assert_eq!(id_of(&i), "meta-llama/Llama-3.1-405B-Instruct");
    }

    #[test]
    fn paths_under_file_storage_and_node_disks() {
        let i = identified(
            r#"{"recipe_image_uri": "vllm/vllm-openai:v0.9.1",
                "recipe_container_env": [{"key": "Model_Path", "value": "/models/models/meta-llama/Llama-3.2-1B-Instruct"}],
                "recipe_container_command_args": ["--model", "$(Model_Path)"],
                "input_file_system": [{"file_system_ocid": "f", "mount_target_ocid": "m", "mount_location": "/models", "volume_size_in_gbs": 50}]}"#,
        );
        assert_eq!(i.weights_source, WeightsSource::FileStorage);
        assert_eq!(id_of(&i), "meta-llama/Llama-3.2-1B-Instruct");
        let i = identified(
            r#"{"recipe_image_uri": "rocm/vllm-dev:x",
                "recipe_container_command_args": ["--model", "/mnt/x", "--served-model-name", "Llama-4-Scout-17B-16E-Instruct"],
                "local_filesystem": [{"node_directory_path": "/nvme", "mount_location": "/mnt"}]}"#,
        );
        assert_eq!(i.weights_source, WeightsSource::NodeDisk);
        assert_eq!(id_of(&i), "meta-llama/Llama-4-Scout-17B-16E-Instruct");
    }

    #[test]
    fn nim_images_name_their_model_and_other_servers_are_not_guessed() {
        let i =
            identified(r#"{"recipe_image_uri": "nvcr.io/nim/meta/llama-3.2-3b-instruct:1.8.5"}"#);
        assert_eq!(i.weights_source, WeightsSource::Ngc);
        assert_eq!(id_of(&i), "meta-llama/Llama-3.2-3B-Instruct");
        let i = identified(
            r#"{"recipe_image_uri": "x/whisper:v8", "recipe_container_env": [{"key": "MODEL_NAME", "value": "llama3"}]}"#,
        );
        assert!(matches!(i.recognition, Recognition::Unknown { .. }));
    }

    #[test]
    fn unknown_models_may_announce_a_size() {
        let i = identified(
            r#"{"recipe_image_uri": "vllm/vllm-openai:v0.9.1", "recipe_container_command_args": ["--model", "acme/Chat-14B-v2"]}"#,
        );
        assert_eq!(i.weights_source, WeightsSource::HuggingFace);
        assert_eq!(
            i.recognition,
            Recognition::Size {
                parameters: 14_000_000_000,
                matched: "acme/Chat-14B-v2".into()
            }
        );
        let i = identified(
            r#"{"recipe_image_uri": "vllm/vllm-openai:v0.9.1", "recipe_container_command_args": ["--model", "/weights"]}"#,
        );
        assert_eq!(i.weights_source, WeightsSource::Unknown);
        assert!(matches!(i.recognition, Recognition::Unknown { .. }));
    }
}
