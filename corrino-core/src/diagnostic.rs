//! Problems found in a user's recipe, reported all at once.
//!
//! A [`Diagnostic`] names where the problem is (a JSON pointer into the recipe), what kind of problem it is (a
//! stable [`Code`]), how bad it is ([`Severity`]), where we can tell, how to fix it (`hint`), and the value it is
//! about (`input`, see [`crate::input`]). Validation never
//! stops at the first problem: every stage pushes into one [`Diagnostics`] list.
//!
//! Codes are an API: once shipped, a code keeps its name and meaning. The table in `docs/diagnostics.md` lists them.

use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// How serious a problem is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The recipe cannot be rendered: it would be rejected upstream or produce a broken deployment.
    Error,
    /// The recipe renders, but very likely does not do what its author wants.
    Warning,
    /// Something the author should know: a default applied, a field moved, a setting that has no effect. Written
    /// `note` everywhere (JSON, text, counts); `info`, an earlier name, is still read.
    #[serde(alias = "info")]
    Note,
}

impl Severity {
    /// The lowercase name used in output (`error`, `warning`, `note`).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, )*) => {
        /// The stable identifier of a kind of problem, written in kebab-case.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Code {
            $( $(#[$doc])* $variant, )*
        }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];

            /// The kebab-case name, as shown to users and written in JSON.
            #[must_use]
            pub fn as_str(self) -> &'static str {
                match self {
                    $( Code::$variant => $name, )*
                }
            }

            /// Looks a code up by its kebab-case name.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Code> {
                match name {
                    $( $name => Some(Code::$variant), )*
                    _ => None,
                }
            }
        }
    };
}

codes! {
    // Reading the input.
    /// The input is empty or only whitespace.
    EmptyInput = "empty-input",
    /// The input is larger than [`crate::document::MAX_INPUT_BYTES`].
    InputTooLarge = "input-too-large",
    /// The input is not valid UTF-8.
    InvalidUtf8 = "invalid-utf8",
    /// The input is not well-formed JSON or YAML.
    Syntax = "syntax",
    /// Arrays or objects are nested deeper than [`crate::document::MAX_DEPTH`].
    TooDeep = "too-deep",
    /// The same key appears twice in one object; the last value is used, as upstream's parser does.
    DuplicateKey = "duplicate-key",
    /// The top level of the recipe is not an object.
    NotAnObject = "not-an-object",

    // Structure.
    /// A key that the recipe format does not have at this level.
    UnknownField = "unknown-field",
    /// A value of the wrong JSON type.
    WrongType = "wrong-type",
    /// A number outside the range its field allows.
    OutOfRange = "out-of-range",
    /// A string that is not one of the values its field allows.
    UnknownVariant = "unknown-variant",
    /// A field that this kind of recipe needs is missing.
    MissingField = "missing-field",
    /// A field that has no effect for this kind of recipe, or that contradicts another field.
    IgnoredField = "ignored-field",
    /// A number written without a unit, read in the unit the message states.
    AssumedUnit = "assumed-unit",
    /// A field written as a number where upstream's schema wants a string (or the reverse); accepted.
    CoercedType = "coerced-type",

    // Names and syntax of values.
    /// `deployment_name` is not a valid DNS-1123 label once canonicalised.
    InvalidName = "invalid-name",
    /// `deployment_name` will be changed by canonicalisation; the canonical form is shown.
    NameCanonicalised = "name-canonicalised",
    /// A container image reference that a container runtime would reject.
    InvalidImage = "invalid-image",
    /// An image with no tag or the `latest` tag: deployments are not reproducible.
    UnpinnedImage = "unpinned-image",
    /// An environment variable name that Kubernetes rejects.
    InvalidEnvName = "invalid-env-name",
    /// The same environment variable is set twice.
    DuplicateEnv = "duplicate-env",
    /// A port outside 1–65535, or a port string that is not a number.
    InvalidPort = "invalid-port",
    /// A path that must be absolute is not.
    InvalidPath = "invalid-path",
    /// A duration that is not a Prometheus duration (`90s`, `5m`, `1h30m`) or a number of seconds.
    InvalidDuration = "invalid-duration",
    /// A Kubernetes label key or value that the API server rejects.
    InvalidLabel = "invalid-label",
    /// A value outside the range that makes sense for it (a probe period of 0, a negative size).
    InvalidValue = "invalid-value",
    /// An inference-gateway model name or API key used twice.
    DuplicateValue = "duplicate-value",
    /// A `${member.export}` in a deployment group member written so that it is not read as a reference (spaces
    /// inside the braces, no closing brace): it reaches the container as written.
    MalformedReference = "malformed-reference",

    // Shapes and GPUs.
    /// A shape name that is not in the catalog.
    UnknownShape = "unknown-shape",
    /// More GPUs per replica than the shape has.
    TooManyGpus = "too-many-gpus",
    /// GPUs requested on a shape that has none.
    GpusOnCpuShape = "gpus-on-cpu-shape",
    /// NVIDIA GPUs requested on an AMD shape, or AMD GPUs on an NVIDIA shape.
    GpuVendorMismatch = "gpu-vendor-mismatch",
    /// A GPU shape with no GPU count: the pod would not get a GPU.
    NoGpuRequested = "no-gpu-requested",
    /// A GPU count of zero or less.
    InvalidGpuCount = "invalid-gpu-count",
    /// A MIG slice on a shape without MIG, or a profile the shape does not offer.
    InvalidMig = "invalid-mig",
    /// Flex-shape sizing on a fixed shape, or a fixed shape's sizing missing on a flex shape.
    FlexShapeConfig = "flex-shape-config",
    /// A shape that needs `recipe_availability_domain` and `recipe_node_image_ocid` (self-managed shapes).
    SelfManagedShape = "self-managed-shape",
    /// RDMA asked for on a shape without RDMA.
    NoRdma = "no-rdma",
    /// A shape known to have problems upstream.
    ShapeCaveat = "shape-caveat",

    // Storage.
    /// Ephemeral storage above the node's boot volume.
    EphemeralExceedsBootVolume = "ephemeral-exceeds-boot-volume",
    /// An object-storage entry with neither or both of `par` and `bucket_name`.
    StorageSource = "storage-source",
    /// Two volumes mounted at the same path.
    DuplicateMount = "duplicate-mount",
    /// `/dev/shm` is not sized on a GPU shape, or is larger than the node's memory.
    SharedMemory = "shared-memory",

    // Placement.
    /// Multinode settings that do not fit the shared pool.
    Multinode = "multinode",
    /// A setting for dedicated pools on a recipe that uses the shared pool, or the reverse.
    PoolPlacement = "pool-placement",

    // Probes.
    /// A probe setting out of its range, or a probe port different from the container port.
    Probe = "probe",

    // Autoscaling.
    /// Advanced pod-autoscaling parameters written under `recipe_node_autoscaling_params`; moved.
    MisplacedAutoscalingParam = "misplaced-autoscaling-param",
    /// The same autoscaling parameter in both places with different values.
    ConflictingAutoscalingParam = "conflicting-autoscaling-param",
    /// `min` above `max`, or bounds below what the platform allows.
    ReplicaBounds = "replica-bounds",
    /// A threshold that is not a positive number, or a ratio threshold outside (0, 1].
    Threshold = "threshold",
    /// `scaling_cooldown` only governs scaling to zero: with `min_replicas ≥ 1` it has no effect.
    CooldownNoEffect = "cooldown-no-effect",
    /// `polling_interval` longer than a stabilization window: it delays activation from zero, and does not pace
    /// scaling between 1 and max.
    PollingInterval = "polling-interval",
    /// A custom query that cannot work as written.
    Query = "query",
    /// A `scaling_threshold` that the target's KEDA passes to the HPA as another number (it keeps thousandths):
    /// an error when that number is 0 or less, which the API server refuses as an HPA target.
    ThresholdPrecision = "threshold-precision",
    /// The target's KEDA admission webhook refuses the ScaledObject corrino would render.
    KedaAdmissionRefused = "keda-admission-refused",
    /// The target's KEDA admission webhook warns about the ScaledObject corrino would render (KEDA 2.20: timing
    /// fields that have no effect).
    KedaAdmissionWarning = "keda-admission-warning",
    /// A job's team that the recipe (or its deployment group) does not create: it must exist before the job runs.
    TeamNotCreated = "team-not-created",
    /// Autoscaling fields on a recipe that cannot autoscale (a job, a pool).
    AutoscalingNotApplicable = "autoscaling-not-applicable",

    // Capacity.
    /// `max_replicas` needs more nodes than the pool may have: some replicas would stay Pending.
    PendingReplicas = "pending-replicas",
    /// GPUs per replica do not divide the node's GPUs: some GPUs would stay idle.
    IdleGpus = "idle-gpus",
    /// Node autoscaling bounds that contradict the pool's size.
    NodeBounds = "node-bounds",
    /// An AMD pool that scales from zero nodes, which the upstream Cluster Autoscaler cannot do.
    AmdScaleFromZero = "amd-scale-from-zero",

    // The model: fit and startup.
    /// The served model is not in the model catalog and its name gives no size (or only a size): what fits is not
    /// (fully) checked.
    ModelUnrecognised = "model-unrecognised",
    /// A vLLM argument that cannot be read or contradicts the recipe: not a number, out of range, a tensor × pipeline
    /// parallelism that differs from the GPUs the replica gets, a context longer than the model's.
    ServingArgument = "serving-argument",
    /// The model's weights alone exceed the memory vLLM may use on each GPU.
    WeightsExceedGpuMemory = "weights-exceed-gpu-memory",
    /// Not even one sequence of `--max-model-len` tokens fits in the KV cache left after the weights: vLLM refuses
    /// to start.
    KvCacheTooSmall = "kv-cache-too-small",
    /// Fewer sequences fit in the KV cache than the recipe's `--max-num-seqs` (or the expected load) asks for.
    KvCacheConcurrency = "kv-cache-concurrency",
    /// The startup probe gives up before the model can have started: the container is restarted in a loop.
    StartupProbeTooShort = "startup-probe-too-short",
    /// A liveness probe, with no startup probe, that kills the container while the model is still loading.
    LivenessWithoutStartupProbe = "liveness-without-startup-probe",
    /// A scale-down window or scale-to-zero cooldown shorter than bringing a replica back.
    ScaleDownWithinColdStart = "scale-down-within-cold-start",
    /// Scaling from zero on a query that has no series while no pod runs: the deployment never wakes up.
    ScaleFromZeroBlind = "scale-from-zero-blind",

    // Rendering.
    /// A render option that is missing or invalid for this recipe.
    RenderOption = "render-option",
    /// A recipe that corrino cannot render as asked: a deployment group in which several members scale nodes (a
    /// cluster has one Cluster Autoscaler add-on).
    RenderUnsupported = "render-unsupported",
    /// A value the rendered objects hold as a placeholder, to be filled in before use.
    Placeholder = "placeholder",

    // Simulation scenarios.
    /// Points of a rate table or metric trace at or after the end of the scenario: the simulation never reaches
    /// them.
    PointsPastEnd = "points-past-end",
    /// A run that made more HPA decisions or events than a simulation keeps: the first are kept, the rest counted.
    RecordsTruncated = "records-truncated",

    // Simulating Kubernetes objects.
    /// What an input was read as (a recipe, or Kubernetes objects), when it holds the marks of both.
    InputKind = "input-kind",
    /// Kubernetes input with no KEDA ScaledObject and no `autoscaling/v2` HorizontalPodAutoscaler.
    NoAutoscaler = "no-autoscaler",
    /// Kubernetes input with more than one autoscaler: the simulator runs one.
    SeveralAutoscalers = "several-autoscalers",
    /// The workload an autoscaler scales is not in the input.
    ScaleTargetMissing = "scale-target-missing",
    /// An autoscaler that scales a kind of workload the simulator does not run (it runs Deployments,
    /// StatefulSets and LeaderWorkerSets).
    UnsupportedTarget = "unsupported-target",
    /// Autoscaling the simulator does not model: several triggers or metrics, `scalingModifiers`, a CPU
    /// `Utilization` trigger, an HPA of another API version.
    UnsupportedAutoscaling = "unsupported-autoscaling",
    /// A trigger or metric whose value the simulator cannot compute (another scaler than Prometheus, a query outside
    /// what it evaluates, an HPA metric): it needs a recorded metric trace.
    MetricTraceNeeded = "metric-trace-needed",

    // corrino itself.
    /// A recipe that passed every rule but could not be planned: a bug in corrino, reported rather than rendered
    /// around.
    Internal = "internal",
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A code is its kebab-case name, one of those [`Code::ALL`] lists.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Code {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Code".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        schemars::json_schema!({
            "description": "What kind of problem, stable across releases (listed in docs/diagnostics.md).",
            "type": "string",
            "enum": names,
        })
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        Code::from_name(&name)
            .ok_or_else(|| serde::de::Error::custom(format!("unknown diagnostic code `{name}`")))
    }
}

/// One problem in a recipe.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Diagnostic {
    /// Where: a JSON pointer (RFC 6901) into the recipe, `""` for the whole document.
    pub path: String,
    /// What kind of problem: stable across releases.
    pub code: Code,
    /// How serious.
    pub severity: Severity,
    /// What is wrong, in one sentence, with the numbers that matter.
    pub message: String,
    /// How to fix it, where we can tell ("did you mean …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub hint: Option<String>,
    /// The value at `path` in the document as read, cut to a bounded size (a string to 100 characters, arrays and
    /// objects to 10 items, two levels deep: see `docs/diagnostics.md`); absent when nothing is there (a missing
    /// field) or the path points into something else than the recipe.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "serde_json::Value"))]
    pub input: Option<Box<serde_json::Value>>,
}

/// A field that is there, `null` included: serde would read `"input": null` as an absent input, where it is the
/// value `null` the recipe holds.
fn present<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Box<serde_json::Value>>, D::Error> {
    serde_json::Value::deserialize(deserializer).map(|value| Some(Box::new(value)))
}

impl Diagnostic {
    /// An error at `path`.
    pub fn error(path: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, path, code, message)
    }

    /// A warning at `path`.
    pub fn warning(path: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, path, code, message)
    }

    /// A note at `path`.
    pub fn note(path: impl Into<String>, code: Code, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, path, code, message)
    }

    fn new(
        severity: Severity,
        path: impl Into<String>,
        code: Code,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            path: path.into(),
            code,
            severity,
            message: message.into(),
            hint: None,
            input: None,
        }
    }

    /// The same diagnostic with a hint.
    #[must_use]
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The same diagnostic with `prefix` (a JSON pointer) put in front of its path, for recipes nested in others.
    #[must_use]
    pub fn with_outer_path(mut self, prefix: &str) -> Self {
        self.path = format!("{prefix}{}", self.path);
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = if self.path.is_empty() {
            "/"
        } else {
            &self.path
        };
        write!(
            f,
            "{}[{}] {}: {}",
            self.severity, self.code, path, self.message
        )?;
        if let Some(hint) = &self.hint {
            write!(f, " (hint: {hint})")?;
        }
        Ok(())
    }
}

/// Every problem found in one recipe, in the order they were found (which is deterministic).
///
/// Shared on clone and copied on the first change after it: planning hands the same list to the preview and to
/// its caller, and a hostile recipe can carry a hundred thousand problems.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Arc<Vec<Diagnostic>>);

impl Serialize for Diagnostics {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.as_slice().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Diagnostics {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Diagnostic>::deserialize(deserializer).map(Diagnostics::from)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Diagnostics {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Diagnostics".into()
    }
    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let items = generator.subschema_for::<Diagnostic>();
        schemars::json_schema!({
            "description": "Every problem found in one recipe, in the order they were found (which is deterministic).",
            "type": "array",
            "items": items,
        })
    }
}

impl Diagnostics {
    /// An empty list.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        Arc::make_mut(&mut self.0).push(diagnostic);
    }

    /// Adds every problem of `other`, in order.
    pub fn extend(&mut self, other: impl IntoIterator<Item = Diagnostic>) {
        Arc::make_mut(&mut self.0).extend(other);
    }

    /// Whether any problem is an error.
    #[must_use]
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// How many problems have the given severity.
    #[must_use]
    pub fn count(&self, severity: Severity) -> usize {
        self.0.iter().filter(|d| d.severity == severity).count()
    }

    /// The problems, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }

    /// The problems, in order, to complete them (with their inputs, once planning is done).
    pub fn iter_mut(&mut self) -> std::slice::IterMut<'_, Diagnostic> {
        Arc::make_mut(&mut self.0).iter_mut()
    }

    /// Whether there are no problems at all.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// How many problems there are.
    #[must_use]
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether some problem has this code.
    #[must_use]
    pub fn contains(&self, code: Code) -> bool {
        self.0.iter().any(|d| d.code == code)
    }

    /// The problems as a vector (a copy only while the list is shared).
    #[must_use]
    pub fn into_vec(self) -> Vec<Diagnostic> {
        Arc::try_unwrap(self.0).unwrap_or_else(|shared| (*shared).clone())
    }

    /// The problems as a slice.
    #[must_use]
    pub fn as_slice(&self) -> &[Diagnostic] {
        &self.0
    }
}

impl From<Vec<Diagnostic>> for Diagnostics {
    fn from(v: Vec<Diagnostic>) -> Self {
        Diagnostics(Arc::new(v))
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.into_vec().into_iter()
    }
}

impl<'a> IntoIterator for &'a Diagnostics {
    type Item = &'a Diagnostic;
    type IntoIter = std::slice::Iter<'a, Diagnostic>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in self.0.iter() {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// A JSON pointer (RFC 6901) built while walking a document.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pointer(String);

impl Pointer {
    /// The pointer to the whole document (`""`).
    #[must_use]
    pub fn root() -> Self {
        Pointer(String::new())
    }

    /// The pointer to the member `key` of this object, escaped per RFC 6901 (`~` → `~0`, `/` → `~1`).
    #[must_use]
    pub fn key(&self, key: &str) -> Self {
        let mut s = String::with_capacity(self.0.len() + key.len() + 1);
        s.push_str(&self.0);
        s.push('/');
        if key.contains(['~', '/']) {
            s.push_str(&key.replace('~', "~0").replace('/', "~1"));
        } else {
            // The common case, and this runs for every field of every recipe.
            s.push_str(key);
        }
        Pointer(s)
    }

    /// The pointer to element `index` of this array.
    #[must_use]
    pub fn index(&self, index: usize) -> Self {
        Pointer(format!("{}/{index}", self.0))
    }

    /// The pointer as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A pointer from its text, `None` when the text is not one (RFC 6901: empty, or `/`-separated tokens in which
    /// every `~` is followed by `0` or `1`). Kept as written, so that a pointer's own text reads back as itself.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let bytes = text.as_bytes();
        let escapes_valid = bytes
            .iter()
            .enumerate()
            .all(|(i, b)| *b != b'~' || matches!(bytes.get(i + 1), Some(b'0' | b'1')));
        (text.is_empty() || text.starts_with('/'))
            .then_some(())
            .filter(|()| escapes_valid)
            .map(|()| Pointer(text.to_owned()))
    }
}

/// A place in a document being walked: the parent and the step to it. It is written out as a [`Pointer`] only when a
/// diagnostic needs one, so that walking a recipe without problems builds no pointer at all (building one per field
/// was the largest single cost of reading a recipe).
#[derive(Clone, Copy, Debug)]
pub enum At<'a> {
    /// A place already written out: the root, or where a walk starts.
    Pointer(&'a Pointer),
    /// Member `key` of the object at the parent.
    Key(&'a At<'a>, &'a str),
    /// Element `index` of the array at the parent.
    Index(&'a At<'a>, usize),
}

impl<'a> At<'a> {
    /// Member `key` of the object here.
    #[must_use]
    pub fn key(&'a self, key: &'a str) -> At<'a> {
        At::Key(self, key)
    }

    /// Element `index` of the array here.
    #[must_use]
    pub fn index(&'a self, index: usize) -> At<'a> {
        At::Index(self, index)
    }

    /// The place as a JSON pointer.
    #[must_use]
    pub fn pointer(&self) -> Pointer {
        match self {
            At::Pointer(pointer) => (*pointer).clone(),
            At::Key(parent, key) => parent.pointer().key(key),
            At::Index(parent, index) => parent.pointer().index(*index),
        }
    }
}

impl From<&At<'_>> for String {
    fn from(at: &At<'_>) -> String {
        at.pointer().0
    }
}

impl From<Pointer> for String {
    fn from(p: Pointer) -> String {
        p.0
    }
}

impl From<&Pointer> for String {
    fn from(p: &Pointer) -> String {
        p.0.clone()
    }
}

impl fmt::Display for Pointer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A number as messages print it: the shortest digits that read back as the same `f64`, in plain notation from
/// 10⁻⁶ to 10²¹ (`0.25`, `3`, as JavaScript prints numbers) and with an exponent beyond (`5e-324`, `1e300`): plain
/// notation would print them with hundreds of digits.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ShortNumber(pub f64);

impl fmt::Display for ShortNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = self.0;
        if v == 0.0 || !v.is_finite() || (1e-6..1e21).contains(&v.abs()) {
            write!(f, "{v}")
        } else {
            write!(f, "{v:e}")
        }
    }
}

/// Up to `limit` names from `candidates` closest to `input`, for "did you mean" hints.
///
/// Closeness is the optimal-string-alignment distance on lowercased names; a candidate qualifies when the distance
/// is at most a third of the longer name (at least 2), or when one name contains the other; only names within one
/// edit of the closest are kept.
#[must_use]
pub fn suggest<'a>(
    input: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    limit: usize,
) -> Vec<&'a str> {
    let needle = input.to_ascii_lowercase();
    let mut scored: Vec<(usize, &'a str)> = candidates
        .into_iter()
        .filter_map(|c| {
            let hay = c.to_ascii_lowercase();
            let budget = (needle.len().max(hay.len()) / 3).max(2);
            let contains = needle.len() >= 4 && (hay.contains(&needle) || needle.contains(&hay));
            // The distance is at least the difference in length, and costs the product of the lengths: a long
            // input (a recipe may hold a megabyte in a key) is compared only when its length is close.
            if needle.len().abs_diff(hay.len()) > budget {
                return contains.then_some((needle.len().abs_diff(hay.len()), c));
            }
            let distance = strsim::osa_distance(&needle, &hay);
            (distance <= budget || contains).then_some((distance, c))
        })
        .collect();
    scored.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(b.1)));
    scored.dedup_by(|a, b| a.1 == b.1);
    // Only names about as close as the closest one: a far second guess is noise.
    let best = scored.first().map_or(0, |s| s.0);
    scored
        .into_iter()
        .take_while(|(d, _)| *d <= best + 1)
        .take(limit)
        .map(|(_, c)| c)
        .collect()
}

/// "did you mean `a`?" / "did you mean `a` or `b`?" for the given suggestions, `None` when there are none.
#[must_use]
pub fn did_you_mean(suggestions: &[&str]) -> Option<String> {
    match suggestions {
        [] => None,
        [one] => Some(format!("did you mean `{one}`?")),
        [init @ .., last] => {
            let init: Vec<String> = init.iter().map(|s| format!("`{s}`")).collect();
            Some(format!("did you mean {} or `{last}`?", init.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_kebab_case_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            let name = code.as_str();
            assert!(seen.insert(name), "duplicate code {name}");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit()),
                "{name} is not kebab-case"
            );
            assert_eq!(Code::from_name(name), Some(*code));
        }
    }

    #[test]
    fn every_code_is_documented() {
        let docs = include_str!("../../docs/diagnostics.md");
        for code in Code::ALL {
            assert!(
                docs.contains(&format!("| `{code}` |")),
                "docs/diagnostics.md does not document `{code}`"
            );
        }
    }

    #[test]
    fn pointer_escapes_per_rfc6901() {
        let p = Pointer::root().key("a/b").key("m~n").index(3);
        assert_eq!(p.as_str(), "/a~1b/m~0n/3");
    }

    #[test]
    fn suggestions_rank_by_distance() {
        let names = ["min_replicas", "max_replicas", "scaling_threshold"];
        assert_eq!(suggest("max_replica", names, 2), vec!["max_replicas"]);
        assert_eq!(
            suggest("m_replicas", names, 2),
            vec!["max_replicas", "min_replicas"]
        );
        assert_eq!(suggest("zzzz", names, 2), Vec::<&str>::new());
        assert_eq!(
            did_you_mean(&["a", "b", "c"]).as_deref(),
            Some("did you mean `a`, `b` or `c`?")
        );
    }

    #[test]
    fn serializes_code_as_kebab_string() {
        let d = Diagnostic::error("/x", Code::UnknownField, "m").with_hint("h");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(
            json,
            r#"{"path":"/x","code":"unknown-field","severity":"error","message":"m","hint":"h"}"#
        );
        let back: Diagnostic = serde_json::from_str(&json).unwrap();
        assert_eq!(back, d);
        // An input of `null` is read back as that value, not as no input.
        for input in [
            None,
            Some(serde_json::Value::Null),
            Some(serde_json::json!([1])),
        ] {
            let d = Diagnostic {
                input: input.clone().map(Box::new),
                ..d.clone()
            };
            let back: Diagnostic =
                serde_json::from_str(&serde_json::to_string(&d).unwrap()).unwrap();
            assert_eq!(back.input.map(|v| *v), input);
        }
    }
}
