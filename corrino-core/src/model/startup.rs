//! How long a replica takes from "a pod is wanted" to serving: the cold-start budget.
//!
//! Each part carries its figure's source and its assumption. The parts that the simulator also models reuse its
//! figures, so that both agree: node provisioning is [`default_provisioning_seconds`] and pulling the
//! `vllm/vllm-openai` image is [`DEFAULT_IMAGE_PULL_SECONDS`]; the rest (download, load, engine start) is derived
//! here and, for an 8B model in bf16 on one A10, lands on the simulator's [`DEFAULT_POD_STARTUP_SECONDS`] (a test
//! holds them within 15 %).
//!
//! Where the time is spent matters for the probes: an Object Storage input is copied by an init container before
//! the server's container starts, so the startup probe does not see it, while a Hugging Face download and a read
//! over NFS happen inside the server's container.

use serde::{Deserialize, Serialize};

use super::identify::WeightsSource;
use crate::shape::Shape;
use crate::sim::cluster_autoscaler::default_provisioning_seconds;
use crate::sim::pods::{DEFAULT_IMAGE_PULL_SECONDS, DEFAULT_POD_STARTUP_SECONDS};
use crate::vllm::VllmVersion;

/// A phase of a cold start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Phase {
    /// The Cluster Autoscaler's new node: launch, boot, registration, GPU plugin.
    NodeProvisioning,
    /// Pulling the container image onto a node that does not have it.
    ImagePull,
    /// Fetching the weights (Hugging Face, Object Storage).
    WeightsDownload,
    /// Reading the weights into GPU memory.
    WeightsLoad,
    /// The server's own start: imports, memory profiling, compilation, CUDA graphs, until `/health` answers.
    EngineStart,
}

/// One part of the budget.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartupPart {
    /// Which phase.
    pub phase: Phase,
    /// How long, in seconds.
    pub seconds: u64,
    /// Whether it runs inside the server's container, where the startup and liveness probes count it.
    pub in_container: bool,
    /// Where the figure comes from.
    pub source: String,
    /// What the figure assumes about this recipe.
    pub assumption: String,
}

/// The cold-start budget of one replica.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StartupBudget {
    /// The parts, in order.
    pub parts: Vec<StartupPart>,
    /// A new node, when the replica needs one (the simulator's `node_provisioning_seconds`).
    pub node_provisioning_seconds: u64,
    /// Pulling the image onto a fresh node (the simulator's `image_pull_seconds`).
    pub image_pull_seconds: u64,
    /// From the pod's binding to a node that has the image, to Ready (the simulator's `pod_startup_seconds`).
    pub pod_startup_seconds: u64,
    /// From the server's container starting to Ready: what the startup probe must allow.
    pub container_start_seconds: u64,
    /// A replica on a new node: provisioning + image pull + pod startup.
    pub cold_start_seconds: u64,
    /// Whether the weights' size was known, so that their download and load are counted.
    pub weights_counted: bool,
    /// Whether a restarted container resumes the weights' download (the hub's cache outlives it) rather than
    /// starting it again.
    #[serde(default)]
    pub download_resumes: bool,
}

/// The serving engine, which decides how the server starts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum Engine {
    /// vLLM.
    Vllm,
    /// An NVIDIA NIM container (picks its own engine and settings).
    Nim,
    /// Anything else.
    Other,
}

/// What the budget needs to know.
#[derive(Clone, Debug)]
pub struct StartupInput<'a> {
    /// The node shape.
    pub shape: Option<&'a Shape>,
    /// The image reference.
    pub image: Option<&'a str>,
    /// The engine.
    pub engine: Engine,
    /// The weights' size, when known.
    pub weights_bytes: Option<u64>,
    /// Where the weights come from.
    pub source: WeightsSource,
    /// `--enforce-eager`: no compilation and no CUDA graphs.
    pub enforce_eager: bool,
    /// Nodes of the replica (a Ray cluster forms first when more than one).
    pub nodes: u32,
}

/// Compressed image sizes, by a fragment of the image's path, with where the figure comes from.
const IMAGES: &[(&str, u64, &str)] = &[
    (
        "vllm/vllm-openai",
        10_000_000_000,
        "the simulator's figure for vllm/vllm-openai (≈ 10 GB compressed, an estimate)",
    ),
    (
        "rocm/vllm",
        20_000_000_000,
        "an estimate: ROCm builds of vLLM carry about twice the CUDA image's libraries (≈ 20 GB)",
    ),
    (
        "nvcr.io/nim/",
        12_000_000_000,
        "an estimate for NVIDIA NIM images (≈ 12 GB compressed)",
    ),
    (
        "vllm-cpu",
        3_000_000_000,
        "an estimate for CPU builds of vLLM (≈ 3 GB, no CUDA libraries)",
    ),
];

/// The image size assumed for a vLLM build that is not in the table (a private mirror, a custom tag).
const VLLM_IMAGE_BYTES: u64 = 10_000_000_000;

/// The image size assumed for any other image.
const OTHER_IMAGE_BYTES: u64 = 5_000_000_000;

/// Download rate from the Hugging Face hub into the container, bytes per second: an estimate (≈ 200 MB/s, what
/// makes an 8B model's cold start land on the simulator's calibrated figure; hub downloads on cloud VMs commonly
/// run at 100–300 MB/s).
pub const HUGGING_FACE_BYTES_PER_SECOND: u64 = 200_000_000;

/// Download rate of the init container that copies Object Storage inputs (one object at a time over HTTPS),
/// bytes per second: an estimate, ≈ 200 MB/s.
pub const OBJECT_STORAGE_BYTES_PER_SECOND: u64 = 200_000_000;

/// Read rate over NFS from OCI File Storage, bytes per second: an estimate of 1 Gbit/s for a standard mount
/// target (high-performance mount targets are documented at 20–80 Gbit/s).
pub const FILE_STORAGE_BYTES_PER_SECOND: u64 = 125_000_000;

/// Reading weights from local disk (or the page cache right after a download) into GPU memory, bytes per second:
/// an estimate of 2 GB/s. A published vLLM log loaded 3.4 GiB in 0.69 s from a warm cache (≈ 5 GB/s); cold block
/// volumes are slower.
pub const LOAD_BYTES_PER_SECOND: u64 = 2_000_000_000;

/// vLLM's start without the weights: Python imports, the API server, tokenizer, memory profiling. Seconds, an
/// estimate from published startup logs (an 8B model's engine initialised in 14 s with CUDA graphs included).
pub const ENGINE_BASE_SECONDS: u64 = 20;

/// `torch.compile` on a fresh pod (no compile cache), seconds: published logs show 19 s for an 8B model at `-O3`
/// and 7.5 s with a warm cache; an estimate of 30 s uncached. vLLM compiles by default since its V1 engine (0.8).
pub const TORCH_COMPILE_SECONDS: u64 = 30;

/// Capturing CUDA graphs, seconds: published logs show 10 s (8B) to 17 s (a 3.4 GiB model); 15 s.
pub const CUDA_GRAPHS_SECONDS: u64 = 15;

/// A Ray cluster forming across the nodes of a multinode replica, seconds: an estimate.
pub const RAY_CLUSTER_SECONDS: u64 = 30;

/// The first vLLM release that compiles by default (the V1 engine).
const COMPILE_BY_DEFAULT: VllmVersion = VllmVersion::new(0, 8, 0);

/// `bytes` at `rate` bytes per second, rounded up.
fn seconds(bytes: u64, rate: u64) -> u64 {
    bytes.div_ceil(rate.max(1))
}

/// The vLLM release an image's tag names: `v0.9.1`, `vllmv0.6.5`, `v0.6.6.pos1`.
#[must_use]
pub fn vllm_version(image: &str) -> Option<VllmVersion> {
    let tag = image.rsplit_once(':').map(|(_, t)| t)?;
    if tag.contains('/') {
        return None;
    }
    let start = tag.find(|c: char| c.is_ascii_digit())?;
    let candidate = &tag[start..];
    // Only dotted versions: `ray2430_vllmv083` does not say which release it is.
    candidate
        .contains('.')
        .then(|| VllmVersion::parse(candidate))
        .flatten()
}

/// The compressed size of `image` and the figure's source.
fn image_bytes(image: Option<&str>) -> (u64, String) {
    let Some(image) = image else {
        return (
            OTHER_IMAGE_BYTES,
            "no image named: an unknown image of ≈ 5 GB (an estimate)".into(),
        );
    };
    let lower = image.to_ascii_lowercase();
    if let Some((_, bytes, source)) = IMAGES.iter().find(|(frag, _, _)| lower.contains(frag)) {
        return (*bytes, (*source).to_owned());
    }
    if lower.contains("vllm") {
        return (
            VLLM_IMAGE_BYTES,
            "a vLLM build, taken as large as vllm/vllm-openai (≈ 10 GB, an estimate)".into(),
        );
    }
    (
        OTHER_IMAGE_BYTES,
        "an image not in the table, assumed ≈ 5 GB (an estimate)".into(),
    )
}

/// The cold-start budget of one replica.
#[must_use]
pub fn budget(input: &StartupInput<'_>) -> StartupBudget {
    let mut parts = Vec::new();
    let has_gpus = input.shape.is_none_or(|s| s.gpus.is_some());
    let shape_name = input.shape.map_or("VM.GPU", |s| s.name.as_ref());
    let provisioning =
        u64::try_from(default_provisioning_seconds(shape_name, has_gpus)).unwrap_or(0);
    parts.push(StartupPart {
        phase: Phase::NodeProvisioning,
        seconds: provisioning,
        in_container: false,
        source: "the simulator's provisioning delay for the shape's class (an estimate)".into(),
        assumption: if shape_name.starts_with("BM.") {
            format!("`{shape_name}` is bare metal: longer to wipe, boot and validate")
        } else if input.shape.is_none() {
            "the shape is unknown: a GPU virtual machine is assumed".into()
        } else {
            format!("`{shape_name}` is a virtual machine")
        },
    });

    // The pull rate is the simulator's: 10 GB of vllm/vllm-openai in DEFAULT_IMAGE_PULL_SECONDS.
    let (bytes, source) = image_bytes(input.image);
    let pull_seconds = u64::try_from(DEFAULT_IMAGE_PULL_SECONDS).unwrap_or(90);
    let pull =
        u64::try_from(u128::from(bytes) * u128::from(pull_seconds) / u128::from(VLLM_IMAGE_BYTES))
            .unwrap_or(u64::MAX);
    parts.push(StartupPart {
        phase: Phase::ImagePull,
        seconds: pull,
        in_container: false,
        source,
        assumption: format!(
            "pulled at the simulator's rate (10 GB in {pull_seconds} s) onto a node that does not have it"
        ),
    });

    if let Some(weights) = input.weights_bytes {
        let size = super::fit::gib(weights);
        match input.source {
            WeightsSource::HuggingFace | WeightsSource::Ngc => parts.push(StartupPart {
                phase: Phase::WeightsDownload,
                seconds: seconds(weights, HUGGING_FACE_BYTES_PER_SECOND),
                in_container: true,
                source: "≈ 200 MB/s from the model hub (an estimate)".into(),
                assumption: format!(
                    "{size} downloaded by the server at each start: the container's cache does not outlive it"
                ),
            }),
            WeightsSource::HuggingFaceCache => parts.push(StartupPart {
                phase: Phase::WeightsDownload,
                seconds: seconds(weights, HUGGING_FACE_BYTES_PER_SECOND),
                in_container: true,
                source: "≈ 200 MB/s from the model hub (an estimate)".into(),
                assumption: format!(
                    "{size} downloaded by the server into the hub's cache on a volume that outlives the container: at the first start where the cache is empty; a restart resumes the download"
                ),
            }),
            WeightsSource::ObjectStorage => parts.push(StartupPart {
                phase: Phase::WeightsDownload,
                seconds: seconds(weights, OBJECT_STORAGE_BYTES_PER_SECOND),
                in_container: false,
                source: "≈ 200 MB/s from Object Storage (an estimate)".into(),
                assumption: format!(
                    "{size} copied by an init container before the server starts (the probes do not see it)"
                ),
            }),
            WeightsSource::FileStorage | WeightsSource::NodeDisk | WeightsSource::Unknown => {}
        }
        let (rate, source, assumption) = match input.source {
            WeightsSource::FileStorage => (
                FILE_STORAGE_BYTES_PER_SECOND,
                "≈ 1 Gbit/s over NFS from a standard File Storage mount target (an estimate)",
                format!("{size} read over the network while loading"),
            ),
            WeightsSource::NodeDisk => (
                LOAD_BYTES_PER_SECOND,
                "≈ 2 GB/s from local disk (an estimate)",
                format!("{size} read from the node's own disk"),
            ),
            _ => (
                LOAD_BYTES_PER_SECOND,
                "≈ 2 GB/s from local disk or the page cache (an estimate)",
                format!("{size} read from where they were just written"),
            ),
        };
        parts.push(StartupPart {
            phase: Phase::WeightsLoad,
            seconds: seconds(weights, rate),
            in_container: true,
            source: source.into(),
            assumption,
        });
    }

    let (engine_seconds, assumption) = engine_start(input);
    parts.push(StartupPart {
        phase: Phase::EngineStart,
        seconds: engine_seconds,
        in_container: true,
        source: "published vLLM startup logs: engine start, torch.compile and CUDA-graph capture (an estimate)"
            .into(),
        assumption,
    });

    let sum = |keep: &dyn Fn(&StartupPart) -> bool| {
        parts
            .iter()
            .filter(|p| keep(p))
            .fold(0u64, |s, p| s.saturating_add(p.seconds))
    };
    let pod_startup_seconds =
        sum(&|p| !matches!(p.phase, Phase::NodeProvisioning | Phase::ImagePull));
    let container_start_seconds = sum(&|p| p.in_container);
    StartupBudget {
        node_provisioning_seconds: provisioning,
        image_pull_seconds: pull,
        pod_startup_seconds,
        container_start_seconds,
        cold_start_seconds: provisioning
            .saturating_add(pull)
            .saturating_add(pod_startup_seconds),
        weights_counted: input.weights_bytes.is_some(),
        download_resumes: input.source == WeightsSource::HuggingFaceCache,
        parts,
    }
}

fn engine_start(input: &StartupInput<'_>) -> (u64, String) {
    let ray = if input.nodes > 1 {
        RAY_CLUSTER_SECONDS
    } else {
        0
    };
    let ray_note = if ray > 0 {
        format!(
            "; {ray} s for the Ray cluster of {} nodes to form",
            input.nodes
        )
    } else {
        String::new()
    };
    match input.engine {
        Engine::Vllm => {
            let version = input.image.and_then(vllm_version);
            let compiles = !input.enforce_eager && version.is_none_or(|v| v >= COMPILE_BY_DEFAULT);
            let graphs = !input.enforce_eager;
            let mut total = ENGINE_BASE_SECONDS + ray;
            let mut said = vec![format!("{ENGINE_BASE_SECONDS} s to start and profile")];
            if compiles {
                total += TORCH_COMPILE_SECONDS;
                said.push(format!(
                    "{TORCH_COMPILE_SECONDS} s of torch.compile with an empty cache"
                ));
            }
            if graphs {
                total += CUDA_GRAPHS_SECONDS;
                said.push(format!("{CUDA_GRAPHS_SECONDS} s of CUDA-graph capture"));
            }
            let why = if input.enforce_eager {
                " (--enforce-eager skips compilation and CUDA graphs)".to_owned()
            } else if !compiles {
                format!(
                    " (vLLM {} does not compile by default)",
                    version.map_or_else(String::new, |v| v.to_string())
                )
            } else {
                String::new()
            };
            (total, format!("{}{why}{ray_note}", said.join(", ")))
        }
        Engine::Nim => (
            ENGINE_BASE_SECONDS + TORCH_COMPILE_SECONDS + CUDA_GRAPHS_SECONDS + ray,
            format!("a NIM container, assumed to start like vLLM{ray_note}"),
        ),
        Engine::Other => (
            ENGINE_BASE_SECONDS + ray,
            format!("not a vLLM server: {ENGINE_BASE_SECONDS} s to start{ray_note}"),
        ),
    }
}

/// The simulator's pod startup, for comparison in tests and previews.
#[must_use]
pub fn simulator_pod_startup_seconds() -> u64 {
    u64::try_from(DEFAULT_POD_STARTUP_SECONDS).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shape::ShapeCatalog;

    fn input<'a>(shape: &'a Shape, image: &'a str, source: WeightsSource) -> StartupInput<'a> {
        StartupInput {
            shape: Some(shape),
            image: Some(image),
            engine: Engine::Vllm,
            weights_bytes: Some(16_060_522_496),
            source,
            enforce_eager: false,
            nodes: 1,
        }
    }

    #[test]
    fn an_8b_model_on_an_a10_agrees_with_the_simulator() {
        let shapes = ShapeCatalog::builtin();
        let a10 = shapes.get("VM.GPU.A10.1").unwrap();
        for source in [WeightsSource::ObjectStorage, WeightsSource::HuggingFace] {
            let b = budget(&input(a10, "docker.io/vllm/vllm-openai:v0.9.1", source));
            assert_eq!(
                i64::try_from(b.image_pull_seconds).unwrap(),
                DEFAULT_IMAGE_PULL_SECONDS
            );
            assert_eq!(
                i64::try_from(b.node_provisioning_seconds).unwrap(),
                default_provisioning_seconds("VM.GPU.A10.1", true)
            );
            let sim = simulator_pod_startup_seconds();
            assert!(
                b.pod_startup_seconds.abs_diff(sim) * 100 <= sim * 15,
                "{} vs {sim}",
                b.pod_startup_seconds
            );
        }
    }

    #[test]
    fn probes_only_see_what_runs_in_the_container() {
        let shapes = ShapeCatalog::builtin();
        let a10 = shapes.get("VM.GPU.A10.1").unwrap();
        let bucket = budget(&input(
            a10,
            "vllm/vllm-openai:v0.9.1",
            WeightsSource::ObjectStorage,
        ));
        let hub = budget(&input(
            a10,
            "vllm/vllm-openai:v0.9.1",
            WeightsSource::HuggingFace,
        ));
        assert_eq!(bucket.pod_startup_seconds, hub.pod_startup_seconds);
        assert_eq!(
            bucket.container_start_seconds + 81,
            hub.container_start_seconds
        );
        assert_eq!(hub.cold_start_seconds, 300 + 90 + hub.pod_startup_seconds);
    }

    #[test]
    fn eager_mode_and_old_releases_skip_compilation() {
        let shapes = ShapeCatalog::builtin();
        let h100 = shapes.get("BM.GPU.H100.8").unwrap();
        let mut i = input(h100, "vllm/vllm-openai:v0.9.1", WeightsSource::NodeDisk);
        let compiled = budget(&i).container_start_seconds;
        i.enforce_eager = true;
        let eager = budget(&i).container_start_seconds;
        assert_eq!(
            compiled - eager,
            TORCH_COMPILE_SECONDS + CUDA_GRAPHS_SECONDS
        );
        i.enforce_eager = false;
        i.image = Some("iad.ocir.io/x/corrino-devops-repository:vllmv0.6.5");
        assert_eq!(
            compiled - budget(&i).container_start_seconds,
            TORCH_COMPILE_SECONDS
        );
        assert_eq!(budget(&i).node_provisioning_seconds, 720);
    }

    #[test]
    fn reads_vllm_releases_from_tags() {
        assert_eq!(
            vllm_version("docker.io/vllm/vllm-openai:v0.9.1"),
            Some(VllmVersion::new(0, 9, 1))
        );
        assert_eq!(
            vllm_version("x/corrino-devops-repository:vllmv0.6.6.pos1"),
            Some(VllmVersion::new(0, 6, 6))
        );
        assert_eq!(vllm_version("x/repo:ray2430_vllmv083"), None);
        assert_eq!(vllm_version("docker.io/vllm/vllm-openai:gptoss"), None);
        assert_eq!(vllm_version("localhost:5000/vllm"), None);
    }
}
