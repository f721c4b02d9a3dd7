//! Teams (`recipe_mode: team`): a Kueue ClusterQueue with quotas per shape, and the job recipes that run under one.
//!
//! Upstream names a team's objects after its `team_name`: the ClusterQueue `<team>-cluster-queue`, the LocalQueue
//! `<team>-local-queue` in the Namespace `<team>-namespace`. The name is canonicalised as deployment names are, so
//! that it can name those objects. Quotas are written as strings and read as Kubernetes quantities; a memory quota
//! without a unit is read in GiB, as the recipe's other memory sizes are in GB.

use super::root;
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::names::dns_label_problem;
use crate::quantity::Quantity;
use crate::recipe::convert::Sink;
use crate::recipe::{Recipe, RecipeMode, TeamQuota, canonical_name};
use crate::shape::{GpuVendor, Shape, ShapeCatalog};

/// The longest canonical team name: the Namespace `<team>-namespace` is a DNS-1123 label of at most 63 characters.
pub const MAX_TEAM_NAME_LEN: usize = 63 - "-namespace".len();

/// A team as Kueue gets it: checked names, priority and quotas. The names of its Kueue objects are fields rather
/// than computed where they are used, so that a plan shows them as the manifests have them.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TeamSpec {
    /// The canonical team name.
    pub name: String,
    /// The team's Namespace, where its jobs run.
    pub namespace: String,
    /// The ClusterQueue that holds the quotas.
    pub cluster_queue: String,
    /// The LocalQueue in the Namespace, which a job's `kueue.x-k8s.io/queue-name` label names.
    pub local_queue: String,
    /// The WorkloadPriorityClass of the team's workloads.
    pub priority_class: String,
    /// The Cohort the ClusterQueue lends to and borrows from (every team's).
    pub cohort: String,
    /// The priority of the team's workloads (a WorkloadPriorityClass value).
    pub priority: i32,
    /// One quota per shape, each a Kueue ResourceFlavor.
    pub quotas: Vec<ShapeQuota>,
}

/// The quotas of one shape.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ShapeQuota {
    /// The shape's name, which its nodes carry as `node.kubernetes.io/instance-type`.
    pub shape: String,
    /// The GPU vendor of the shape, which decides the GPU resource's name; `None` for CPU shapes.
    pub vendor: Option<GpuVendor>,
    /// CPU, memory and GPUs.
    pub cpu: ResourceQuota,
    /// Memory.
    pub memory: ResourceQuota,
    /// GPUs (zero on a CPU shape).
    pub gpus: ResourceQuota,
}

/// One resource's limits in a ClusterQueue.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ResourceQuota {
    /// What the team is guaranteed.
    pub nominal: Quantity,
    /// How much more it may borrow from the cohort.
    pub borrowing: Option<Quantity>,
    /// How much of its idle quota it lends to the cohort.
    pub lending: Option<Quantity>,
}

/// The Cohort all teams share.
pub const COHORT: &str = "corrino";

/// The ClusterQueue of the team `name` (canonical).
#[must_use]
pub fn cluster_queue(name: &str) -> String {
    format!("{name}-cluster-queue")
}

/// The LocalQueue of the team `name` (canonical).
#[must_use]
pub fn local_queue(name: &str) -> String {
    format!("{name}-local-queue")
}

/// The Namespace of the team `name` (canonical).
#[must_use]
pub fn namespace(name: &str) -> String {
    format!("{name}-namespace")
}

/// The WorkloadPriorityClass of the team `name` (canonical).
#[must_use]
pub fn priority_class(name: &str) -> String {
    format!("{name}-priority")
}

/// Checks a team name and returns its canonical form; `at` points at it.
pub fn team_name(raw: &str, at: &Pointer, sink: &mut Sink) -> Option<String> {
    let canonical = canonical_name(raw);
    if let Some(problem) = dns_label_problem(&canonical, MAX_TEAM_NAME_LEN) {
        sink.note(
            Diagnostic::error(
                at,
                Code::InvalidName,
                format!(
                    "the team `{raw}` canonicalises to `{canonical}`, which cannot name its Namespace `{canonical}-namespace`: {problem}"
                ),
            )
            .with_hint(format!(
                "use lower-case letters, digits and `-`, at most {MAX_TEAM_NAME_LEN} characters"
            )),
        );
        return None;
    }
    if canonical != raw {
        sink.note(Diagnostic::note(
            at,
            Code::NameCanonicalised,
            format!("the team `{raw}` becomes `{canonical}` in Kubernetes names (`{canonical}-cluster-queue`, `{canonical}-local-queue`)"),
        ));
    }
    Some(canonical)
}

/// Checks a `team` recipe's team and returns it as Kueue gets it; `None` when a part is unusable (reported).
pub fn team(recipe: &Recipe, catalog: &ShapeCatalog, sink: &mut Sink) -> Option<TeamSpec> {
    let team = recipe.team.as_ref()?;
    let at = root("team");
    if recipe.recipe_mode != Some(RecipeMode::Team) {
        sink.note(Diagnostic::warning(
            &at,
            Code::IgnoredField,
            "`team` defines a team only in a `team` recipe; it is ignored here",
        ));
        return None;
    }
    let name = team
        .team_name
        .as_deref()
        .and_then(|raw| team_name(raw, &at.key("team_name"), sink));
    let priority = team.priority_threshold.and_then(|p| match i32::try_from(p) {
        Ok(p) => Some(p),
        Err(_) => {
            sink.note(Diagnostic::error(
                at.key("priority_threshold"),
                Code::OutOfRange,
                format!("{p} is not a priority Kubernetes holds: a WorkloadPriorityClass value is a 32-bit integer, from {} to {}", i32::MIN, i32::MAX),
            ));
            None
        }
    });
    let mut quotas = Vec::new();
    let mut complete = true;
    let list = team.quotas.as_deref().unwrap_or_default();
    if list.is_empty() && team.quotas.is_some() {
        sink.note(Diagnostic::error(
            at.key("quotas"),
            Code::MissingField,
            "a team needs a quota for at least one shape",
        ));
        complete = false;
    }
    for (i, quota) in list.iter().enumerate() {
        let here = at.key("quotas").index(i);
        if let Some(shape) = &quota.shape_name
            && list[..i]
                .iter()
                .any(|q| q.shape_name.as_ref() == Some(shape))
        {
            sink.note(Diagnostic::error(
                here.key("shape_name"),
                Code::DuplicateValue,
                format!("`{shape}` has a quota already: Kueue takes one flavor per shape"),
            ));
            complete = false;
            continue;
        }
        match shape_quota(quota, &here, catalog, sink) {
            Some(q) => quotas.push(q),
            None => complete = false,
        }
    }
    let name = name?;
    Some(TeamSpec {
        namespace: namespace(&name),
        cluster_queue: cluster_queue(&name),
        local_queue: local_queue(&name),
        priority_class: priority_class(&name),
        cohort: COHORT.to_owned(),
        name,
        priority: priority?,
        quotas: complete.then_some(quotas)?,
    })
}

fn shape_quota(
    quota: &TeamQuota,
    at: &Pointer,
    catalog: &ShapeCatalog,
    sink: &mut Sink,
) -> Option<ShapeQuota> {
    let name = quota.shape_name.as_deref()?;
    let shape: Option<&Shape> = match catalog.lookup(name) {
        Ok(shape) => Some(shape),
        Err(unknown) => {
            let mut d = Diagnostic::warning(
                at.key("shape_name"),
                Code::UnknownShape,
                format!("`{name}` is not an OCI shape that corrino knows"),
            );
            if let Some(hint) = unknown.hint() {
                d = d.with_hint(hint);
            }
            sink.note(d);
            None
        }
    };
    let vendor = shape.and_then(|s| s.gpus.as_ref()).map(|g| g.vendor);
    let cpu = resource(
        "cpu",
        [
            &quota.cpu_nominal_quota,
            &quota.cpu_borrowing_limit,
            &quota.cpu_lending_limit,
        ],
        None,
        at,
        sink,
    );
    let memory = resource(
        "mem",
        [
            &quota.mem_nominal_quota,
            &quota.mem_borrowing_limit,
            &quota.mem_lending_limit,
        ],
        Some("Gi"),
        at,
        sink,
    );
    let gpus = resource(
        "gpu",
        [
            &quota.gpu_nominal_quota,
            &quota.gpu_borrowing_limit,
            &quota.gpu_lending_limit,
        ],
        None,
        at,
        sink,
    );
    let gpus = gpus?;
    if let Some(shape) = shape
        && shape.gpus.is_none()
        && (gpus.nominal.nanos > 0 || gpus.borrowing.as_ref().is_some_and(|b| b.nanos > 0))
    {
        sink.note(Diagnostic::error(
            at.key("gpu_nominal_quota"),
            Code::GpusOnCpuShape,
            format!("`{name}` has no GPU, so a GPU quota for it can never be used"),
        ));
        return None;
    }
    if shape.is_none() && gpus.nominal.nanos > 0 {
        sink.note(Diagnostic::error(
            at.key("gpu_nominal_quota"),
            Code::UnknownShape,
            format!("a GPU quota for `{name}` needs to know its GPUs' vendor (`nvidia.com/gpu` or `amd.com/gpu`), and corrino does not know this shape"),
        ));
        return None;
    }
    Some(ShapeQuota {
        shape: shape.map_or_else(|| name.to_owned(), |s| s.name.to_string()),
        vendor,
        cpu: cpu?,
        memory: memory?,
        gpus,
    })
}

/// One resource's three fields (`<prefix>_nominal_quota`, `_borrowing_limit`, `_lending_limit`). A resource with no
/// field gets a nominal quota of zero (Kueue needs every resource of a group in every flavor).
fn resource(
    prefix: &str,
    fields: [&Option<String>; 3],
    default_unit: Option<&str>,
    at: &Pointer,
    sink: &mut Sink,
) -> Option<ResourceQuota> {
    let keys = [
        format!("{prefix}_nominal_quota"),
        format!("{prefix}_borrowing_limit"),
        format!("{prefix}_lending_limit"),
    ];
    let mut read: [Option<Quantity>; 3] = [None, None, None];
    let mut usable = true;
    for (slot, (text, key)) in read.iter_mut().zip(fields.iter().zip(&keys)) {
        let Some(text) = text else { continue };
        let here = at.key(key);
        let with_unit = match default_unit {
            Some(unit)
                if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || b == b'.') =>
            {
                sink.note(Diagnostic::note(
                    &here,
                    Code::AssumedUnit,
                    format!("`{text}` has no unit: read as {text}{unit}, as the recipe's memory sizes are in GB"),
                ).with_hint(format!("write `{text}{unit}` to say so")));
                format!("{text}{unit}")
            }
            _ => text.clone(),
        };
        match Quantity::parse(&with_unit) {
            Ok(q) if q.is_negative() => {
                sink.note(Diagnostic::error(
                    &here,
                    Code::OutOfRange,
                    format!("`{text}` is negative; a quota or limit is at least 0"),
                ));
                usable = false;
            }
            Ok(q) => *slot = Some(q),
            Err(e) => {
                sink.note(
                    Diagnostic::error(
                        &here,
                        Code::InvalidValue,
                        format!("`{text}` is not a Kubernetes quantity: {e}"),
                    )
                    .with_hint(
                        "write a number with an optional unit, such as `8`, `500m` or `64Gi`",
                    ),
                );
                usable = false;
            }
        }
    }
    let [nominal, borrowing, lending] = read;
    if nominal.is_none() && (borrowing.is_some() || lending.is_some()) && usable {
        sink.note(Diagnostic::error(
            at.key(&keys[0]),
            Code::MissingField,
            format!("`{}` is needed when a borrowing or lending limit is set: Kueue limits are relative to it", keys[0]),
        ));
        usable = false;
    }
    let nominal = nominal.unwrap_or(Quantity {
        text: "0".into(),
        nanos: 0,
    });
    if let Some(lending) = &lending
        && lending.nanos > nominal.nanos
    {
        sink.note(Diagnostic::error(
            at.key(&keys[2]),
            Code::OutOfRange,
            format!(
                "the lending limit {lending} is above the nominal quota {nominal}: a team lends only what it is guaranteed, and Kueue refuses the ClusterQueue"
            ),
        ).with_hint(format!("lower `{}` to at most {nominal}", keys[2])));
        usable = false;
    }
    usable.then_some(ResourceQuota {
        nominal,
        borrowing,
        lending,
    })
}

/// Checks a job's `recipe_team_info` and returns the canonical team name.
pub fn job_team(recipe: &Recipe, sink: &mut Sink) -> Option<String> {
    let info = recipe.recipe_team_info.as_ref()?;
    let at = root("recipe_team_info");
    if recipe.recipe_mode != Some(RecipeMode::Job) {
        sink.note(Diagnostic::warning(
            &at,
            Code::IgnoredField,
            "`recipe_team_info` queues a `job` recipe with Kueue; it is ignored here",
        ));
        return None;
    }
    let raw = info.team_name.as_deref()?;
    team_name(raw, &at.key("team_name"), sink)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checked(team: serde_json::Value) -> (Option<TeamSpec>, Vec<(String, Code)>) {
        let recipe: Recipe = serde_json::from_value(serde_json::json!({
            "recipe_mode": "team", "deployment_name": "t", "team": team
        }))
        .expect("a recipe");
        let mut sink = Sink::default();
        let spec = super::team(&recipe, &ShapeCatalog::builtin(), &mut sink);
        let found = sink
            .diagnostics
            .iter()
            .map(|d| (d.path.clone(), d.code))
            .collect();
        (spec, found)
    }

    #[test]
    fn the_upstream_team_reads_with_memory_in_gib() {
        let (spec, found) = checked(serde_json::json!({
            "team_name": "random_team", "priority_threshold": 100,
            "quotas": [{"shape_name": "BM.GPU.H100.8", "cpu_nominal_quota": "10", "mem_nominal_quota": "10",
                        "mem_lending_limit": "4", "gpu_nominal_quota": "10", "gpu_borrowing_limit": "4"}]
        }));
        let spec = spec.expect("a team");
        assert_eq!(spec.name, "randomteam");
        assert_eq!(spec.cluster_queue, "randomteam-cluster-queue");
        assert_eq!(spec.namespace, "randomteam-namespace");
        assert_eq!(spec.quotas[0].memory.nominal.text, "10Gi");
        assert_eq!(spec.quotas[0].vendor, Some(GpuVendor::Nvidia));
        assert_eq!(
            spec.quotas[0]
                .gpus
                .borrowing
                .as_ref()
                .map(|q| q.text.as_str()),
            Some("4")
        );
        assert!(found.contains(&("/team/team_name".into(), Code::NameCanonicalised)));
        assert!(found.contains(&("/team/quotas/0/mem_nominal_quota".into(), Code::AssumedUnit)));
    }

    #[test]
    fn malformed_quotas_and_limits_are_errors_at_their_paths() {
        let (spec, found) = checked(serde_json::json!({
            "team_name": "a", "priority_threshold": 3_000_000_000_i64,
            "quotas": [
                {"shape_name": "VM.GPU.A10.2", "cpu_nominal_quota": "ten", "gpu_nominal_quota": "2", "gpu_lending_limit": "3"},
                {"shape_name": "VM.GPU.A10.2"},
                {"shape_name": "VM.Standard.E4.Flex", "gpu_nominal_quota": "1"},
                {"shape_name": "VM.GPU.A10.2x", "gpu_nominal_quota": "1", "cpu_borrowing_limit": "2"}
            ]
        }));
        assert!(spec.is_none());
        for expected in [
            ("/team/priority_threshold", Code::OutOfRange),
            ("/team/quotas/0/cpu_nominal_quota", Code::InvalidValue),
            ("/team/quotas/0/gpu_lending_limit", Code::OutOfRange),
            ("/team/quotas/1/shape_name", Code::DuplicateValue),
            ("/team/quotas/2/gpu_nominal_quota", Code::GpusOnCpuShape),
            ("/team/quotas/3/shape_name", Code::UnknownShape),
            ("/team/quotas/3/cpu_nominal_quota", Code::MissingField),
        ] {
            assert!(
                found.contains(&(expected.0.to_owned(), expected.1)),
                "{expected:?} in {found:#?}"
            );
        }
    }
}
