//! The OCI compute shapes recipes run on: how many GPUs of which kind, memory, CPUs, MIG profiles.
//!
//! Figures come from Oracle's compute shape documentation and Oracle's own GPU shape index. The catalog is data:
//! [`ShapeCatalog::builtin`] returns it, and callers add shapes of their own with [`ShapeCatalog::insert`].

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{did_you_mean, suggest};

/// Who makes a GPU, which decides the Kubernetes resource name and the node taint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum GpuVendor {
    /// NVIDIA: `nvidia.com/gpu`.
    Nvidia,
    /// AMD: `amd.com/gpu`.
    Amd,
}

impl GpuVendor {
    /// The extended resource a pod requests (and the node taint's key).
    #[must_use]
    pub fn resource_name(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "nvidia.com/gpu",
            GpuVendor::Amd => "amd.com/gpu",
        }
    }

    /// The recipe field that counts this vendor's GPUs.
    #[must_use]
    pub fn count_field(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "recipe_nvidia_gpu_count",
            GpuVendor::Amd => "recipe_amd_gpu_count",
        }
    }

    /// The vendor's name as people write it.
    #[must_use]
    pub fn display_name(self) -> &'static str {
        match self {
            GpuVendor::Nvidia => "NVIDIA",
            GpuVendor::Amd => "AMD",
        }
    }
}

/// The CPU architecture of a shape's host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Arch {
    /// x86-64 (`kubernetes.io/arch: amd64`).
    Amd64,
    /// 64-bit ARM (`kubernetes.io/arch: arm64`).
    Arm64,
}

impl Arch {
    /// The value of the `kubernetes.io/arch` node label.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Arch::Amd64 => "amd64",
            Arch::Arm64 => "arm64",
        }
    }
}

/// A MIG profile: a slice of one GPU, and how many of them one GPU holds when the whole GPU uses that profile.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MigProfile {
    /// The profile's name, such as `1g.20gb` (the resource is `nvidia.com/mig-<name>`).
    pub name: Cow<'static, str>,
    /// Slices of this profile per GPU.
    pub per_gpu: u32,
}

/// The GPUs of a shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Gpus {
    /// Who makes them.
    pub vendor: GpuVendor,
    /// The model, such as `A10` or `H100`.
    pub model: Cow<'static, str>,
    /// How many per node.
    pub count: u32,
    /// Memory per GPU in GB.
    pub memory_gb: u32,
    /// MIG profiles, where upstream supports MIG on this shape.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mig_profiles: Vec<MigProfile>,
}

/// The limits of a flexible shape, whose OCPUs and memory are chosen per pool.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlexLimits {
    /// The most OCPUs per node.
    pub max_ocpus: u32,
    /// The most memory per node, in GB.
    pub max_memory_gb: u32,
}

/// One OCI shape.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Shape {
    /// The shape's name, such as `VM.GPU.A10.2`.
    pub name: Cow<'static, str>,
    /// Its GPUs, if any.
    pub gpus: Option<Gpus>,
    /// OCPUs per node (for flex shapes, the most).
    pub ocpus: u32,
    /// Memory per node in GB (for flex shapes, the most).
    pub memory_gb: u32,
    /// The host's architecture.
    pub arch: Arch,
    /// Present for flexible shapes.
    pub flex: Option<FlexLimits>,
    /// Whether the shape has an RDMA cluster network.
    pub rdma: bool,
    /// Whether OKE cannot manage its image, so that pools need an availability domain and a node image.
    pub self_managed: bool,
    /// A known problem with this shape upstream, said to users.
    pub caveat: Option<Cow<'static, str>>,
}

impl Shape {
    /// GPUs per node (0 for CPU shapes).
    #[must_use]
    pub fn gpu_count(&self) -> u32 {
        self.gpus.as_ref().map_or(0, |g| g.count)
    }

    /// The MIG profile `name`, if this shape offers it.
    #[must_use]
    pub fn mig_profile(&self, name: &str) -> Option<&MigProfile> {
        self.gpus
            .as_ref()?
            .mig_profiles
            .iter()
            .find(|p| p.name == name)
    }

    /// A short description: "2 × NVIDIA A10 24 GB" or "CPU only".
    #[must_use]
    pub fn summary(&self) -> String {
        match &self.gpus {
            Some(g) => format!(
                "{} × {} {} {} GB",
                g.count,
                g.vendor.display_name(),
                g.model,
                g.memory_gb
            ),
            None => "CPU only".to_owned(),
        }
    }
}

/// A set of shapes by name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShapeCatalog {
    shapes: BTreeMap<String, Shape>,
}

impl Default for ShapeCatalog {
    fn default() -> Self {
        Self::builtin()
    }
}

/// Why a shape name was not found, with the nearest real names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownShape {
    /// The names to suggest, best first.
    pub suggestions: Vec<String>,
}

impl UnknownShape {
    /// "did you mean `A` or `B`?", when there is something to suggest.
    #[must_use]
    pub fn hint(&self) -> Option<String> {
        let names: Vec<&str> = self.suggestions.iter().map(String::as_str).collect();
        did_you_mean(&names)
    }
}

impl ShapeCatalog {
    /// An empty catalog.
    #[must_use]
    pub fn empty() -> Self {
        ShapeCatalog {
            shapes: BTreeMap::new(),
        }
    }

    /// The shapes recipes use: every GPU shape of OCI AI Blueprints and the CPU shapes its samples use.
    #[must_use]
    pub fn builtin() -> Self {
        let mut catalog = Self::empty();
        for shape in builtin_shapes() {
            catalog.insert(shape);
        }
        catalog
    }

    /// Adds a shape, replacing one of the same name.
    pub fn insert(&mut self, shape: Shape) {
        self.shapes.insert(shape.name.to_string(), shape);
    }

    /// The shape called exactly `name`.
    #[must_use]
    pub fn get(&self, name: &str) -> Option<&Shape> {
        self.shapes.get(name)
    }

    /// Every shape, by name.
    pub fn iter(&self) -> impl Iterator<Item = &Shape> {
        self.shapes.values()
    }

    /// The shape called `name`, or the nearest real names.
    ///
    /// Suggestions prefer shapes with the same GPU model as a model named in `name` (`BM.GPU.A100.8` suggests the
    /// A100 shapes, not the edit-distance neighbour `BM.GPU.A10.4`), then names close in spelling.
    ///
    /// # Errors
    /// When no shape has that name.
    pub fn lookup(&self, name: &str) -> Result<&Shape, UnknownShape> {
        if let Some(shape) = self.get(name) {
            return Ok(shape);
        }
        let tokens: Vec<String> = name
            .split(['.', '-', '_', ' '])
            .map(str::to_ascii_uppercase)
            .collect();
        let mut by_model: Vec<&Shape> = self
            .iter()
            .filter(|s| {
                s.gpus
                    .as_ref()
                    .is_some_and(|g| tokens.iter().any(|t| *t == g.model.to_ascii_uppercase()))
            })
            .collect();
        // Shapes whose name spells the model come first, then catalog order (which lists the main shape of a family
        // before its variants).
        by_model.sort_by_key(|s| {
            let spelled = s.gpus.as_ref().is_some_and(|g| {
                s.name
                    .to_ascii_uppercase()
                    .contains(&format!(".{}", g.model.to_ascii_uppercase()))
            });
            (!spelled, catalog_rank(&s.name))
        });
        let mut suggestions: Vec<String> = by_model
            .iter()
            .take(2)
            .map(|s| s.name.to_string())
            .collect();
        if suggestions.is_empty() {
            suggestions = suggest(name, self.shapes.keys().map(String::as_str), 2)
                .into_iter()
                .map(str::to_owned)
                .collect();
        }
        Err(UnknownShape { suggestions })
    }
}

fn catalog_rank(name: &str) -> usize {
    BUILTIN_ORDER
        .iter()
        .position(|n| *n == name)
        .unwrap_or(usize::MAX)
}

const BUILTIN_ORDER: &[&str] = &[
    "VM.GPU.A10.1",
    "VM.GPU.A10.2",
    "BM.GPU.A10.4",
    "BM.GPU4.8",
    "BM.GPU.B4.8",
    "BM.GPU.A100-v2.8",
    "BM.GPU.L40S.4",
    "BM.GPU.H100.8",
    "BM.GPU.H200.8",
    "BM.GPU.B200.8",
    "BM.GPU.GB200.4",
    "BM.GPU.MI300X.8",
    "VM.GPU2.1",
];

fn mig(profiles: &[(&'static str, u32)]) -> Vec<MigProfile> {
    profiles
        .iter()
        .map(|(name, per_gpu)| MigProfile {
            name: Cow::Borrowed(name),
            per_gpu: *per_gpu,
        })
        .collect()
}

#[allow(clippy::too_many_lines)]
fn builtin_shapes() -> Vec<Shape> {
    struct G {
        name: &'static str,
        vendor: GpuVendor,
        model: &'static str,
        count: u32,
        memory_gb: u32,
        ocpus: u32,
        ram_gb: u32,
        arch: Arch,
        rdma: bool,
        self_managed: bool,
        mig: Vec<MigProfile>,
        caveat: Option<&'static str>,
    }
    use Arch::{Amd64, Arm64};
    use GpuVendor::{Amd, Nvidia};
    let none = Vec::new;
    let gpu = [
        G {
            name: "VM.GPU.A10.1",
            vendor: Nvidia,
            model: "A10",
            count: 1,
            memory_gb: 24,
            ocpus: 15,
            ram_gb: 240,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "VM.GPU.A10.2",
            vendor: Nvidia,
            model: "A10",
            count: 2,
            memory_gb: 24,
            ocpus: 30,
            ram_gb: 480,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "BM.GPU.A10.4",
            vendor: Nvidia,
            model: "A10",
            count: 4,
            memory_gb: 24,
            ocpus: 64,
            ram_gb: 1024,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "BM.GPU4.8",
            vendor: Nvidia,
            model: "A100",
            count: 8,
            memory_gb: 40,
            ocpus: 64,
            ram_gb: 2048,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: Some(
                "upstream lists BM.GPU4.8 as a known issue: an OKE bug leaves the node-feature-discovery pod in ContainerCreating, so recipes cannot schedule",
            ),
        },
        G {
            name: "BM.GPU.B4.8",
            vendor: Nvidia,
            model: "A100",
            count: 8,
            memory_gb: 40,
            ocpus: 64,
            ram_gb: 2048,
            arch: Amd64,
            rdma: true,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "BM.GPU.A100-v2.8",
            vendor: Nvidia,
            model: "A100",
            count: 8,
            memory_gb: 80,
            ocpus: 128,
            ram_gb: 2048,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "BM.GPU.L40S.4",
            vendor: Nvidia,
            model: "L40S",
            count: 4,
            memory_gb: 48,
            ocpus: 112,
            ram_gb: 1024,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "BM.GPU.H100.8",
            vendor: Nvidia,
            model: "H100",
            count: 8,
            memory_gb: 80,
            ocpus: 112,
            ram_gb: 2048,
            arch: Amd64,
            rdma: true,
            self_managed: false,
            mig: mig(&[
                ("1g.10gb", 7),
                ("1g.20gb", 4),
                ("2g.20gb", 3),
                ("3g.40gb", 2),
                ("4g.40gb", 1),
                ("7g.80gb", 1),
            ]),
            caveat: None,
        },
        G {
            name: "BM.GPU.H200.8",
            vendor: Nvidia,
            model: "H200",
            count: 8,
            memory_gb: 141,
            ocpus: 112,
            ram_gb: 3072,
            arch: Amd64,
            rdma: true,
            self_managed: false,
            mig: mig(&[
                ("1g.18gb", 7),
                ("1g.35gb", 4),
                ("2g.35gb", 3),
                ("3g.71gb", 2),
                ("4g.71gb", 1),
                ("7g.141gb", 1),
            ]),
            caveat: None,
        },
        G {
            name: "BM.GPU.B200.8",
            vendor: Nvidia,
            model: "B200",
            count: 8,
            memory_gb: 180,
            ocpus: 128,
            ram_gb: 4096,
            arch: Amd64,
            rdma: true,
            self_managed: true,
            mig: mig(&[
                ("1g.23gb", 7),
                ("1g.45gb", 4),
                ("2g.45gb", 3),
                ("3g.90gb", 2),
                ("4g.90gb", 1),
                ("7g.180gb", 1),
            ]),
            caveat: None,
        },
        G {
            name: "BM.GPU.GB200.4",
            vendor: Nvidia,
            model: "GB200",
            count: 4,
            memory_gb: 192,
            ocpus: 144,
            ram_gb: 1024,
            arch: Arm64,
            rdma: true,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
        G {
            name: "BM.GPU.MI300X.8",
            vendor: Amd,
            model: "MI300X",
            count: 8,
            memory_gb: 192,
            ocpus: 112,
            ram_gb: 2048,
            arch: Amd64,
            rdma: true,
            self_managed: true,
            mig: none(),
            caveat: None,
        },
        G {
            name: "VM.GPU2.1",
            vendor: Nvidia,
            model: "P100",
            count: 1,
            memory_gb: 16,
            ocpus: 12,
            ram_gb: 72,
            arch: Amd64,
            rdma: false,
            self_managed: false,
            mig: none(),
            caveat: None,
        },
    ];
    let mut shapes: Vec<Shape> = gpu
        .into_iter()
        .map(|g| Shape {
            name: Cow::Borrowed(g.name),
            gpus: Some(Gpus {
                vendor: g.vendor,
                model: Cow::Borrowed(g.model),
                count: g.count,
                memory_gb: g.memory_gb,
                mig_profiles: g.mig,
            }),
            ocpus: g.ocpus,
            memory_gb: g.ram_gb,
            arch: g.arch,
            flex: None,
            rdma: g.rdma,
            self_managed: g.self_managed,
            caveat: g.caveat.map(Cow::Borrowed),
        })
        .collect();
    // CPU shapes the upstream samples use. Flex figures are the per-node maximums.
    let cpu: [(&'static str, u32, u32, Arch, bool); 8] = [
        ("VM.Standard.E3.Flex", 64, 1024, Amd64, true),
        ("VM.Standard.E4.Flex", 64, 1024, Amd64, true),
        ("VM.Standard.E5.Flex", 94, 1049, Amd64, true),
        ("VM.Standard.A1.Flex", 80, 512, Arm64, true),
        ("VM.Standard.A2.Flex", 78, 946, Arm64, true),
        ("BM.Standard.E4.128", 128, 2048, Amd64, false),
        ("BM.Standard.E5.192", 192, 2304, Amd64, false),
        ("BM.Standard3.64", 64, 1024, Amd64, false),
    ];
    shapes.extend(cpu.into_iter().map(|(name, ocpus, ram, arch, flex)| Shape {
        name: Cow::Borrowed(name),
        gpus: None,
        ocpus,
        memory_gb: ram,
        arch,
        flex: flex.then_some(FlexLimits {
            max_ocpus: ocpus,
            max_memory_gb: ram,
        }),
        rdma: false,
        self_managed: false,
        caveat: None,
    }));
    shapes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_every_gpu_shape_of_the_format() {
        let catalog = ShapeCatalog::builtin();
        for name in BUILTIN_ORDER {
            let shape = catalog
                .get(name)
                .unwrap_or_else(|| panic!("{name} missing"));
            assert!(shape.gpu_count() > 0, "{name}");
        }
        assert_eq!(catalog.get("VM.GPU.A10.2").unwrap().gpu_count(), 2);
        assert_eq!(
            catalog
                .get("BM.GPU.MI300X.8")
                .unwrap()
                .gpus
                .as_ref()
                .unwrap()
                .vendor,
            GpuVendor::Amd
        );
        assert_eq!(catalog.get("BM.GPU.GB200.4").unwrap().arch, Arch::Arm64);
        assert!(catalog.get("VM.Standard.E4.Flex").unwrap().flex.is_some());
    }

    #[test]
    fn suggests_shapes_of_the_same_gpu_model() {
        let catalog = ShapeCatalog::builtin();
        let err = catalog.lookup("BM.GPU.A100.8").unwrap_err();
        assert_eq!(err.suggestions, vec!["BM.GPU.A100-v2.8", "BM.GPU4.8"]);
        assert_eq!(
            err.hint().as_deref(),
            Some("did you mean `BM.GPU.A100-v2.8` or `BM.GPU4.8`?")
        );
        let err = catalog.lookup("bm.gpu.h100.8").unwrap_err();
        assert_eq!(err.suggestions[0], "BM.GPU.H100.8");
        let err = catalog.lookup("VM.Standard.E4.Flx").unwrap_err();
        assert_eq!(err.suggestions[0], "VM.Standard.E4.Flex");
    }

    #[test]
    fn callers_can_add_shapes() {
        let mut catalog = ShapeCatalog::builtin();
        catalog.insert(Shape {
            name: "BM.GPU.MI355X.8".into(),
            gpus: Some(Gpus {
                vendor: GpuVendor::Amd,
                model: "MI355X".into(),
                count: 8,
                memory_gb: 288,
                mig_profiles: vec![],
            }),
            ocpus: 128,
            memory_gb: 3072,
            arch: Arch::Amd64,
            flex: None,
            rdma: true,
            self_managed: true,
            caveat: None,
        });
        assert_eq!(catalog.lookup("BM.GPU.MI355X.8").unwrap().gpu_count(), 8);
    }

    #[test]
    fn mig_profiles_are_found_by_name() {
        let catalog = ShapeCatalog::builtin();
        let h100 = catalog.get("BM.GPU.H100.8").unwrap();
        assert_eq!(h100.mig_profile("1g.20gb").unwrap().per_gpu, 4);
        assert!(
            catalog
                .get("VM.GPU.A10.2")
                .unwrap()
                .mig_profile("1g.20gb")
                .is_none()
        );
    }
}
