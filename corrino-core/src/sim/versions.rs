//! The KEDA and Kubernetes releases the simulator knows, and what changes between them.
//!
//! A recipe's scaling depends on the versions it runs on: OCI AI Blueprints installs KEDA 2.17.0, whose admission
//! webhook refuses a fallback that later releases accept, whose CRD prunes the HPA `tolerance` field, and whose
//! metrics adapter rounds values differently. Each difference is a method here, named after the behaviour, with the
//! upstream change that introduced it in its doc comment; the mirrors in [`super::keda`], [`super::hpa`] and
//! [`super::modifiers`] take a version and ask these methods.
//!
//! **Patch levels.** KEDA is modelled release by release ([`KedaVersion`] has one variant per tag from 2.17.0 to
//! 2.20.2), because two of the differences landed in patch releases (2.17.1 relaxed an empty `metricType` in the
//! fallback check, 2.20.2 serves negative metric values as 0). Every other behaviour was compared between the
//! tags and is the same across a minor's patches. Kubernetes is modelled by minor only: feature gates change with
//! minors, not patches, so `1.35.2` reads as 1.35.

use std::fmt;

/// A KEDA release, from 2.17.0 to 2.20.2, ordered by release.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KedaVersion {
    /// 2.17.0: the release OCI AI Blueprints installs, and the default.
    #[default]
    V2_17_0,
    /// 2.17.1.
    V2_17_1,
    /// 2.17.2.
    V2_17_2,
    /// 2.17.3.
    V2_17_3,
    /// 2.18.0.
    V2_18_0,
    /// 2.18.1.
    V2_18_1,
    /// 2.18.2.
    V2_18_2,
    /// 2.18.3.
    V2_18_3,
    /// 2.19.0.
    V2_19_0,
    /// 2.20.0.
    V2_20_0,
    /// 2.20.1.
    V2_20_1,
    /// 2.20.2.
    V2_20_2,
}

/// A version text that names no release the simulator knows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a {product} release corrino knows ({known})")]
pub struct UnknownVersion {
    /// What was given.
    pub text: String,
    /// `KEDA` or `Kubernetes`.
    pub product: &'static str,
    /// The range that is known, for the message.
    pub known: &'static str,
}

/// Splits `v2.17.0`, `2.17` or `2.17.0` into its numbers; `None` when a part is not a number.
fn version_numbers(text: &str) -> Option<Vec<u32>> {
    let trimmed = text.trim();
    let bare = trimmed.strip_prefix('v').unwrap_or(trimmed);
    bare.split('.').map(|part| part.parse().ok()).collect()
}

impl KedaVersion {
    /// Every known release, oldest first.
    pub const ALL: [KedaVersion; 12] = [
        KedaVersion::V2_17_0,
        KedaVersion::V2_17_1,
        KedaVersion::V2_17_2,
        KedaVersion::V2_17_3,
        KedaVersion::V2_18_0,
        KedaVersion::V2_18_1,
        KedaVersion::V2_18_2,
        KedaVersion::V2_18_3,
        KedaVersion::V2_19_0,
        KedaVersion::V2_20_0,
        KedaVersion::V2_20_1,
        KedaVersion::V2_20_2,
    ];

    /// The newest release the simulator knows.
    pub const LATEST: KedaVersion = KedaVersion::V2_20_2;

    /// The release for `2.minor.patch`, if known.
    #[must_use]
    pub fn from_numbers(minor: u32, patch: u32) -> Option<Self> {
        KedaVersion::ALL
            .into_iter()
            .find(|version| version.minor() == minor && version.patch() == patch)
    }

    /// Reads `2.17`, `2.17.1` or `v2.20.2`. A version without a patch level means the minor's first release
    /// (`2.17` is 2.17.0, which is also what OCI AI Blueprints installs).
    ///
    /// # Errors
    ///
    /// [`UnknownVersion`] for text that is not a version, or a release outside 2.17.0–2.20.2.
    pub fn parse(text: &str) -> Result<Self, UnknownVersion> {
        let unknown = || UnknownVersion {
            text: text.to_owned(),
            product: "KEDA",
            known: "2.17.0 to 2.20.2",
        };
        match version_numbers(text).as_deref() {
            Some(&[2, minor]) => KedaVersion::from_numbers(minor, 0).ok_or_else(unknown),
            Some(&[2, minor, patch]) => KedaVersion::from_numbers(minor, patch).ok_or_else(unknown),
            _ => Err(unknown()),
        }
    }

    /// The minor number (17 for 2.17.3).
    #[must_use]
    pub const fn minor(self) -> u32 {
        match self {
            KedaVersion::V2_17_0
            | KedaVersion::V2_17_1
            | KedaVersion::V2_17_2
            | KedaVersion::V2_17_3 => 17,
            KedaVersion::V2_18_0
            | KedaVersion::V2_18_1
            | KedaVersion::V2_18_2
            | KedaVersion::V2_18_3 => 18,
            KedaVersion::V2_19_0 => 19,
            KedaVersion::V2_20_0 | KedaVersion::V2_20_1 | KedaVersion::V2_20_2 => 20,
        }
    }

    /// The patch number (3 for 2.17.3).
    #[must_use]
    pub const fn patch(self) -> u32 {
        match self {
            KedaVersion::V2_17_0
            | KedaVersion::V2_18_0
            | KedaVersion::V2_19_0
            | KedaVersion::V2_20_0 => 0,
            KedaVersion::V2_17_1 | KedaVersion::V2_18_1 | KedaVersion::V2_20_1 => 1,
            KedaVersion::V2_17_2 | KedaVersion::V2_18_2 | KedaVersion::V2_20_2 => 2,
            KedaVersion::V2_17_3 | KedaVersion::V2_18_3 => 3,
        }
    }

    /// Whether the `ScaledObject` CRD keeps `advanced.horizontalPodAutoscalerConfig.behavior.*.tolerance`.
    ///
    /// 2.17's CRD is generated from k8s.io/api 0.31 (go.mod replaces it), whose `HPAScalingRules` has no
    /// `tolerance`: the API server prunes the field as unknown, silently. From 2.18.0 (k8s.io/api 0.33.5) the CRD
    /// carries it and KEDA copies it into the HPA.
    #[must_use]
    pub fn supports_tolerance(self) -> bool {
        self >= KedaVersion::V2_18_0
    }

    /// Whether a trigger with `metricType: Value` can fall back.
    ///
    /// Before 2.18.0 `isFallbackEnabled` (pkg/fallback) and `CheckFallbackValid` accept only `AverageValue`;
    /// 2.18.0 added the `Value` formula `target × replicas / readyReplicas` (kedacore/keda#6655).
    #[must_use]
    pub fn value_fallback(self) -> bool {
        self >= KedaVersion::V2_18_0
    }

    /// Whether the admission check reads a trigger whose `metricType` is unset as `AverageValue`.
    ///
    /// 2.17.0's `CheckFallbackValid` compared the field as written, so a fallback next to triggers that leave
    /// `metricType` out was refused; 2.17.1 read the empty value as the default `AverageValue`
    /// (kedacore/keda#6696, CHANGELOG 2.17.1).
    #[must_use]
    pub fn empty_metric_type_is_average_value(self) -> bool {
        self >= KedaVersion::V2_17_1
    }

    /// Whether `fallback` is admitted next to these triggers (`CheckFallbackValid`'s trigger rule).
    ///
    /// `metric_types` has one entry per trigger that is not `cpu` or `memory` (those never count): the trigger's
    /// `metricType` as written, `None` when unset. 2.17.x needs one of them to be `AverageValue` (2.17.0 literally,
    /// 2.17.1 also an unset one); from 2.18.0 any such trigger will do (kedacore/keda#6655). A `ScaledObject`
    /// with `scalingModifiers` is checked on the modifiers' `metricType` instead: see [`super::keda::check_fallback_valid`].
    #[must_use]
    pub fn fallback_allowed(self, metric_types: &[Option<super::keda::MetricType>]) -> bool {
        use super::keda::MetricType;
        if self.value_fallback() {
            return !metric_types.is_empty();
        }
        metric_types.iter().any(|metric_type| match metric_type {
            Some(MetricType::AverageValue) => true,
            Some(MetricType::Value | MetricType::Utilization) => false,
            None => self.empty_metric_type_is_average_value(),
        })
    }

    /// Whether the fallback's synthetic value keeps a fractional target.
    ///
    /// 2.17's `doFallback` truncates the target to an integer before multiplying (`int64(AverageValue)`), so a
    /// threshold of 0.5 falls back to 0; 2.18.0 computes in `float64` (kedacore/keda#6655).
    #[must_use]
    pub fn fractional_fallback_target(self) -> bool {
        self >= KedaVersion::V2_18_0
    }

    /// Whether the polling loop applies the fallback too, so that a failing trigger whose fallback is due counts
    /// as active and can scale the workload from zero.
    ///
    /// Before 2.19.0 only the metrics adapter (the HPA's path) applied it, and a failing trigger was an error for
    /// the loop. 2.19.0: "Apply fallback in polling loop to enable scaling from zero" (kedacore/keda#7239, #7244).
    /// Both paths then count failures on the same `status.health`.
    #[must_use]
    pub fn fallback_in_polling_loop(self) -> bool {
        self >= KedaVersion::V2_19_0
    }

    /// Whether the Prometheus scaler treats a NaN result like ±Inf (0 with `ignoreNullValues`, else an error).
    ///
    /// Before 2.20.0 NaN passed through as a value: never active, and served to the HPA through
    /// `int64(NaN × 1000)`. 2.20.0: "Prometheus: handle NaN like Inf" (kedacore/keda#7475, #7522).
    #[must_use]
    pub fn prometheus_nan_as_null(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// Whether metric values and targets become quantities through their `%.3f` text (rounded, NaN and ±Inf as
    /// 0, no overflow) rather than `int64(value × 1000)` (truncated toward zero, undefined beyond `int64`).
    ///
    /// 2.20.0: "avoid int64 overflow in milli-quantity conversion for large metric values" (kedacore/keda#7534).
    #[must_use]
    pub fn quantity_from_text(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// Whether negative metric values are served to the HPA as 0.
    ///
    /// 2.20.2: "Treat negative external metric values as zero to prevent incorrect HPA scaling"
    /// (kedacore/keda#7880, CHANGELOG 2.20.2).
    #[must_use]
    pub fn negative_metrics_as_zero(self) -> bool {
        self >= KedaVersion::V2_20_2
    }

    /// Whether the `force-activation`, `paused-scale-in` and `paused-scale-out` annotations exist.
    ///
    /// All three arrived in 2.18.0 (kedacore/keda#6903, #6902, #7022); 2.17 ignores them.
    #[must_use]
    pub fn scaling_annotations(self) -> bool {
        self >= KedaVersion::V2_18_0
    }

    /// Whether the scale executor itself moves the workload to `autoscaling.keda.sh/paused-replicas`.
    ///
    /// Up to 2.19 `RequestScale` scaled the target to the paused count; 2.20.0 moved that into the reconciler and
    /// the executor only reports the object as paused ("handle paused scaling directly in reconciler",
    /// kedacore/keda#7664).
    #[must_use]
    pub fn executor_scales_to_paused_replicas(self) -> bool {
        self < KedaVersion::V2_20_0
    }

    /// Whether a `paused-replicas` annotation pauses the object before its status records the paused count.
    ///
    /// 2.17's `NeedToBePausedByAnnotation` waited for `status.pausedReplicaCount`; 2.18.0 pauses at once
    /// ("resolve race condition when removing paused-replicas annotation", kedacore/keda#7018).
    #[must_use]
    pub fn paused_replicas_pause_at_once(self) -> bool {
        self >= KedaVersion::V2_18_0
    }

    /// Whether the `Fallback` condition is computed from the health just updated rather than the health read
    /// before the update (one metric read late).
    ///
    /// 2.20.0: "check updated status for fallback condition instead of scaledObject" (kedacore/keda#7490).
    #[must_use]
    pub fn fallback_condition_from_updated_status(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// Whether `fallback.behavior: scalingModifiers` exists (the formula decides, failing triggers read as nil).
    ///
    /// 2.20.0: "fallback for scalingModifiers" (kedacore/keda#7366, #7790).
    #[must_use]
    pub fn scaling_modifiers_fallback(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// How the admission webhook makes a formula's result a float.
    ///
    /// Up to 2.19 the formula is compiled with `expr.AsFloat64()`, so an integer or boolean result is refused;
    /// from 2.20.0 it is only wrapped in `float(…)`, and a formula with `??` may evaluate to nil so that the
    /// fallback can apply (kedacore/keda#7790).
    #[must_use]
    pub fn formula_may_be_nil(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// How the executor reports the HPA's own health.
    ///
    /// 2.20.0 folded an unhealthy HPA into the `Ready` condition after a grace period (kedacore/keda#7669);
    /// 2.20.2 moved it to a separate `HPAActive` condition and dropped the grace period (kedacore/keda#7914).
    #[must_use]
    pub fn hpa_health_reporting(self) -> HpaHealthReporting {
        if self >= KedaVersion::V2_20_2 {
            HpaHealthReporting::HpaActiveCondition
        } else if self >= KedaVersion::V2_20_0 {
            HpaHealthReporting::ReadyCondition
        } else {
            HpaHealthReporting::None
        }
    }
}

impl KedaVersion {
    /// Whether the admission webhook refuses replica counts that `CheckReplicaCountBoundsAreValid` finds wrong.
    ///
    /// Up to 2.19 `verifyReplicaCount` (`apis/keda/v1alpha1/scaledobject_webhook.go`) logs the error and returns
    /// nil: the object is admitted, and the HPA KEDA then writes (`minReplicas` above `maxReplicas`) is refused by
    /// the API server. 2.20.0 returns the error ("Fix ScaledObject admission webhook to return validation error from
    /// `verifyReplicaCount`", kedacore/keda#5954), and its CRD adds the CEL rule
    /// `minReplicaCount <= maxReplicaCount` (kedacore/keda#7533).
    #[must_use]
    pub fn admission_refuses_replica_bounds(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// Whether the admission webhook refuses a name longer than 63 characters, or one whose HPA name
    /// (`keda-hpa-<name>`) is (`verifyName`, 2.20.0: "Reject ScaledObject creation and update when the name exceeds
    /// 63 characters", kedacore/keda#6998). Earlier releases admit the object, and creating its HPA fails: the HPA
    /// name is also the value of its `app.kubernetes.io/name` label (`controllers/keda/hpa.go`).
    #[must_use]
    pub fn admission_checks_names(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// Whether the admission webhook warns that `pollingInterval` and `cooldownPeriod` are "configured but not
    /// relevant" while `minReplicaCount` is above 0 and `idleReplicaCount` is not 0 (for `pollingInterval`, also
    /// unless a trigger uses cached metrics): `verifyScaledObjects` from 2.20.0 ("Add cooldownPeriod and
    /// pollingInterval checks for ScaledObject", kedacore/keda#7271). `kubectl apply` prints the warnings.
    #[must_use]
    pub fn admission_warns_irrelevant_timing(self) -> bool {
        self >= KedaVersion::V2_20_0
    }

    /// The Kubernetes minors a release is tested on, as KEDA's compatibility matrix lists them (keda.sh,
    /// "Cluster" page of the 2.20 documentation, "Kubernetes Compatibility": v2.17 on v1.30–v1.32, v2.18 on
    /// v1.31–v1.33, v2.19 on v1.32–v1.34, v2.20 on v1.33–v1.35). KEDA calls the window "N-2" and gives no
    /// guarantee beyond it.
    #[must_use]
    pub const fn tested_kubernetes_minors(self) -> (u32, u32) {
        let minor = self.minor();
        (minor + 13, minor + 15)
    }
}

/// Where a KEDA release reports the health of the HPA it manages; see [`KedaVersion::hpa_health_reporting`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HpaHealthReporting {
    /// Not at all.
    None,
    /// As `Ready=False` on the `ScaledObject`, after a grace period from the HPA's creation.
    ReadyCondition,
    /// As a separate `HPAActive` condition; `Ready` no longer depends on the HPA.
    HpaActiveCondition,
}

impl KedaVersion {
    /// The release as KEDA tags it, without the `v`: `2.17.0`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            KedaVersion::V2_17_0 => "2.17.0",
            KedaVersion::V2_17_1 => "2.17.1",
            KedaVersion::V2_17_2 => "2.17.2",
            KedaVersion::V2_17_3 => "2.17.3",
            KedaVersion::V2_18_0 => "2.18.0",
            KedaVersion::V2_18_1 => "2.18.1",
            KedaVersion::V2_18_2 => "2.18.2",
            KedaVersion::V2_18_3 => "2.18.3",
            KedaVersion::V2_19_0 => "2.19.0",
            KedaVersion::V2_20_0 => "2.20.0",
            KedaVersion::V2_20_1 => "2.20.1",
            KedaVersion::V2_20_2 => "2.20.2",
        }
    }
}

impl fmt::Display for KedaVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A Kubernetes minor release, 1.33 to 1.37.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KubernetesVersion {
    /// 1.33.
    V1_33,
    /// 1.34: the default, the newest release OKE offers. OKE's "Cluster Add-on Supported Versions" page
    /// (docs.oracle.com, `iaas/Content/ContEng/Tasks/contengconfiguringclusteraddons-supportedversions.htm`) lists
    /// add-ons for 1.31 to 1.34, and OCI AI Blueprints updated its cluster tools "for K8s v1.34+ compatibility"
    /// (`oci_ai_blueprints_terraform/modules/corrino/modules/cluster-tools/cluster-tools.tf`). Its cluster template
    /// still defaults to v1.31.1 (`cluster_creation_terraform/variables.tf`), older than the releases modelled here;
    /// for the HPA it behaves as 1.33 and 1.34 do, with neither configurable tolerance nor scale to zero.
    #[default]
    V1_34,
    /// 1.35.
    V1_35,
    /// 1.36.
    V1_36,
    /// 1.37.
    V1_37,
}

/// A Kubernetes feature gate that changes the HPA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FeatureGate {
    /// `HPAConfigurableTolerance`: `behavior.scaleUp/scaleDown.tolerance` (KEP-4951).
    HpaConfigurableTolerance,
    /// `HPAScaleToZero`: `minReplicas: 0` with an Object or External metric (KEP-2021).
    HpaScaleToZero,
}

/// The maturity of a feature gate in one release.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Maturity {
    /// Alpha: off unless a cluster enables it.
    Alpha,
    /// Beta.
    Beta,
    /// GA: locked on; the gate can no longer be turned off.
    Ga,
}

/// A feature gate's state in one release: its maturity and whether it is on by default.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct GateStage {
    /// Alpha, beta or GA.
    pub maturity: Maturity,
    /// On unless the cluster turns it off.
    pub default_enabled: bool,
}

impl KubernetesVersion {
    /// Every known release, oldest first.
    pub const ALL: [KubernetesVersion; 5] = [
        KubernetesVersion::V1_33,
        KubernetesVersion::V1_34,
        KubernetesVersion::V1_35,
        KubernetesVersion::V1_36,
        KubernetesVersion::V1_37,
    ];

    /// The minor number (35 for 1.35).
    #[must_use]
    pub const fn minor(self) -> u32 {
        match self {
            KubernetesVersion::V1_33 => 33,
            KubernetesVersion::V1_34 => 34,
            KubernetesVersion::V1_35 => 35,
            KubernetesVersion::V1_36 => 36,
            KubernetesVersion::V1_37 => 37,
        }
    }

    /// Reads `1.35`, `v1.35` or `1.35.2` (the patch level is ignored: feature gates change with minors).
    ///
    /// # Errors
    ///
    /// [`UnknownVersion`] for text that is not a version, or a minor outside 1.33–1.37.
    pub fn parse(text: &str) -> Result<Self, UnknownVersion> {
        let unknown = || UnknownVersion {
            text: text.to_owned(),
            product: "Kubernetes",
            known: "1.33 to 1.37",
        };
        let minor = match version_numbers(text).as_deref() {
            Some(&[1, minor] | &[1, minor, _]) => minor,
            _ => return Err(unknown()),
        };
        KubernetesVersion::ALL
            .into_iter()
            .find(|version| version.minor() == minor)
            .ok_or_else(unknown)
    }

    /// A feature gate's stage in this release, as `pkg/features/kube_features.go` declares it.
    ///
    /// * `HPAConfigurableTolerance`: alpha (off) in 1.33 (kubernetes/kubernetes#130797), beta (on) from 1.35
    ///   (kubernetes/kubernetes#133128), GA and locked on in 1.37 (kubernetes/kubernetes#140107).
    /// * `HPAScaleToZero`: alpha (off) since 1.16, beta (on) in 1.37 (kubernetes/kubernetes#139648).
    #[must_use]
    pub fn feature_gate(self, gate: FeatureGate) -> GateStage {
        let (maturity, default_enabled) = match gate {
            FeatureGate::HpaConfigurableTolerance => match self {
                KubernetesVersion::V1_33 | KubernetesVersion::V1_34 => (Maturity::Alpha, false),
                KubernetesVersion::V1_35 | KubernetesVersion::V1_36 => (Maturity::Beta, true),
                KubernetesVersion::V1_37 => (Maturity::Ga, true),
            },
            FeatureGate::HpaScaleToZero => match self {
                KubernetesVersion::V1_37 => (Maturity::Beta, true),
                _ => (Maturity::Alpha, false),
            },
        };
        GateStage {
            maturity,
            default_enabled,
        }
    }

    /// Whether an HPA honours `behavior.*.tolerance` with the gates at their defaults.
    #[must_use]
    pub fn supports_tolerance(self) -> bool {
        self.feature_gate(FeatureGate::HpaConfigurableTolerance)
            .default_enabled
    }

    /// Whether an HPA may have `minReplicas: 0` with the gates at their defaults.
    #[must_use]
    pub fn supports_hpa_scale_to_zero(self) -> bool {
        self.feature_gate(FeatureGate::HpaScaleToZero)
            .default_enabled
    }
}

impl KubernetesVersion {
    /// The minor release: `1.34`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            KubernetesVersion::V1_33 => "1.33",
            KubernetesVersion::V1_34 => "1.34",
            KubernetesVersion::V1_35 => "1.35",
            KubernetesVersion::V1_36 => "1.36",
            KubernetesVersion::V1_37 => "1.37",
        }
    }
}

impl fmt::Display for KubernetesVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The HPA feature gates of a cluster: the release's defaults unless the cluster turned one on or off.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FeatureGates {
    /// `HPAConfigurableTolerance`.
    pub hpa_configurable_tolerance: bool,
    /// `HPAScaleToZero`.
    pub hpa_scale_to_zero: bool,
}

impl FeatureGates {
    /// The gates at a release's defaults.
    #[must_use]
    pub fn defaults(version: KubernetesVersion) -> Self {
        FeatureGates {
            hpa_configurable_tolerance: version.supports_tolerance(),
            hpa_scale_to_zero: version.supports_hpa_scale_to_zero(),
        }
    }
}

impl Default for FeatureGates {
    fn default() -> Self {
        FeatureGates::defaults(KubernetesVersion::default())
    }
}

/// Whether a `tolerance` written in a `ScaledObject`'s HPA behavior changes anything.
///
/// Both ends must keep it: KEDA's CRD (2.18.0 and later, [`KedaVersion::supports_tolerance`]; 2.17 prunes it) and
/// the cluster's `HPAConfigurableTolerance` gate, which the API server needs to store the field and the controller
/// needs to read it.
#[must_use]
pub fn tolerance_takes_effect(keda: KedaVersion, gates: FeatureGates) -> bool {
    keda.supports_tolerance() && gates.hpa_configurable_tolerance
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::keda::MetricType::{self, AverageValue, Value};

    #[test]
    fn keda_parse_and_display() {
        let cases = [
            ("2.17", Some(KedaVersion::V2_17_0)),
            ("v2.17.1", Some(KedaVersion::V2_17_1)),
            ("2.20.2", Some(KedaVersion::V2_20_2)),
            (" 2.19 ", Some(KedaVersion::V2_19_0)),
            ("2.19.1", None), // never released
            ("2.16", None),
            ("2.21.0", None),
            ("3.0", None),
            ("2", None),
            ("two", None),
        ];
        for (text, expected) in cases {
            assert_eq!(KedaVersion::parse(text).ok(), expected, "{text:?}");
        }
        for version in KedaVersion::ALL {
            assert_eq!(KedaVersion::parse(version.as_str()), Ok(version));
            assert_eq!(
                version.as_str(),
                format!("2.{}.{}", version.minor(), version.patch())
            );
        }
        assert_eq!(KedaVersion::default(), KedaVersion::V2_17_0);
        assert_eq!(KedaVersion::default().to_string(), "2.17.0");
        let error = KedaVersion::parse("2.21").unwrap_err();
        assert_eq!(
            error.to_string(),
            "`2.21` is not a KEDA release corrino knows (2.17.0 to 2.20.2)"
        );
        assert!(KedaVersion::ALL.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn keda_tolerance_arrives_in_2_18() {
        // 2.17's CRD is generated from k8s.io/api 0.31 and prunes `tolerance`; 2.18.0's (0.33.5) keeps it.
        assert!(!KedaVersion::V2_17_3.supports_tolerance());
        assert!(KedaVersion::V2_18_0.supports_tolerance());
        assert!(KedaVersion::V2_20_2.supports_tolerance());
    }

    #[test]
    fn tolerance_needs_both_releases() {
        let on = FeatureGates::defaults(KubernetesVersion::V1_35);
        let off = FeatureGates::defaults(KubernetesVersion::V1_34);
        assert!(!tolerance_takes_effect(KedaVersion::V2_17_0, on)); // pruned by the 2.17 CRD
        assert!(!tolerance_takes_effect(KedaVersion::V2_18_0, off)); // dropped by the API server
        assert!(tolerance_takes_effect(KedaVersion::V2_18_0, on));
    }

    #[test]
    fn keda_fallback_admission_by_release() {
        // CheckFallbackValid: 2.17.0 needs an explicit AverageValue; 2.17.1 (kedacore/keda#6696) also takes an
        // unset metricType; 2.18.0 (kedacore/keda#6655) takes any trigger that is not cpu/memory.
        let cases: [(&[Option<MetricType>], [bool; 3]); 5] = [
            (&[Some(AverageValue)], [true, true, true]),
            (&[None], [false, true, true]),
            (&[Some(Value)], [false, false, true]),
            (&[Some(Value), Some(AverageValue)], [true, true, true]),
            (&[], [false, false, false]), // only cpu/memory triggers
        ];
        let releases = [
            KedaVersion::V2_17_0,
            KedaVersion::V2_17_1,
            KedaVersion::V2_18_0,
        ];
        for (types, expected) in cases {
            for (release, allowed) in releases.into_iter().zip(expected) {
                assert_eq!(
                    release.fallback_allowed(types),
                    allowed,
                    "{release} {types:?}"
                );
            }
        }
    }

    #[test]
    fn keda_behaviour_boundaries() {
        use KedaVersion::{V2_17_3, V2_18_0, V2_18_3, V2_19_0, V2_20_0, V2_20_1, V2_20_2};
        // (fact, last release without it, first release with it)
        type Fact = fn(KedaVersion) -> bool;
        let facts: [(Fact, KedaVersion, KedaVersion); 7] = [
            (KedaVersion::value_fallback, V2_17_3, V2_18_0),
            (KedaVersion::fractional_fallback_target, V2_17_3, V2_18_0),
            (KedaVersion::scaling_annotations, V2_17_3, V2_18_0),
            (KedaVersion::fallback_in_polling_loop, V2_18_3, V2_19_0),
            (KedaVersion::prometheus_nan_as_null, V2_19_0, V2_20_0),
            (KedaVersion::quantity_from_text, V2_19_0, V2_20_0),
            (KedaVersion::negative_metrics_as_zero, V2_20_1, V2_20_2),
        ];
        for (fact, without, with) in facts {
            assert!(!fact(without) && fact(with), "{without} / {with}");
        }
        assert!(V2_19_0.executor_scales_to_paused_replicas());
        assert!(!V2_20_0.executor_scales_to_paused_replicas());
        assert_eq!(V2_19_0.hpa_health_reporting(), HpaHealthReporting::None);
        assert_eq!(
            V2_20_1.hpa_health_reporting(),
            HpaHealthReporting::ReadyCondition
        );
        assert_eq!(
            V2_20_2.hpa_health_reporting(),
            HpaHealthReporting::HpaActiveCondition
        );
    }

    #[test]
    fn keda_admission_changes_arrive_in_2_20() {
        // scaledobject_webhook.go: verifyReplicaCount returns nil up to v2.19.0 and the error from v2.20.0
        // (kedacore/keda#5954); verifyName and the pollingInterval/cooldownPeriod warnings exist from v2.20.0
        // (kedacore/keda#6998, #7271).
        type Fact = fn(KedaVersion) -> bool;
        let facts: [Fact; 3] = [
            KedaVersion::admission_refuses_replica_bounds,
            KedaVersion::admission_checks_names,
            KedaVersion::admission_warns_irrelevant_timing,
        ];
        for fact in facts {
            assert!(!fact(KedaVersion::V2_19_0) && fact(KedaVersion::V2_20_0));
        }
        assert_eq!(KedaVersion::V2_17_3.tested_kubernetes_minors(), (30, 32));
        assert_eq!(KedaVersion::V2_20_2.tested_kubernetes_minors(), (33, 35));
    }

    #[test]
    fn kubernetes_parse_and_gates() {
        let cases = [
            ("1.33", Some(KubernetesVersion::V1_33)),
            ("v1.35.2", Some(KubernetesVersion::V1_35)),
            ("1.37", Some(KubernetesVersion::V1_37)),
            ("1.32", None),
            ("1.38", None),
            ("2.35", None),
            ("1", None),
        ];
        for (text, expected) in cases {
            assert_eq!(KubernetesVersion::parse(text).ok(), expected, "{text:?}");
        }
        for version in KubernetesVersion::ALL {
            assert_eq!(KubernetesVersion::parse(version.as_str()), Ok(version));
            assert_eq!(version.as_str(), format!("1.{}", version.minor()));
        }
        assert_eq!(KubernetesVersion::default(), KubernetesVersion::V1_34);
        // (release, configurable tolerance, scale to zero) at the defaults of kube_features.go.
        let gates = [
            (KubernetesVersion::V1_33, false, false),
            (KubernetesVersion::V1_34, false, false),
            (KubernetesVersion::V1_35, true, false),
            (KubernetesVersion::V1_36, true, false),
            (KubernetesVersion::V1_37, true, true),
        ];
        for (version, tolerance, zero) in gates {
            assert_eq!(version.supports_tolerance(), tolerance, "{version}");
            assert_eq!(version.supports_hpa_scale_to_zero(), zero, "{version}");
            let defaults = FeatureGates::defaults(version);
            assert_eq!(
                (
                    defaults.hpa_configurable_tolerance,
                    defaults.hpa_scale_to_zero
                ),
                (tolerance, zero)
            );
        }
        assert_eq!(
            KubernetesVersion::V1_33
                .feature_gate(FeatureGate::HpaConfigurableTolerance)
                .maturity,
            Maturity::Alpha
        );
        assert_eq!(
            KubernetesVersion::V1_37
                .feature_gate(FeatureGate::HpaConfigurableTolerance)
                .maturity,
            Maturity::Ga
        );
        assert_eq!(
            KubernetesVersion::V1_36
                .feature_gate(FeatureGate::HpaScaleToZero)
                .maturity,
            Maturity::Alpha
        );
    }
}
