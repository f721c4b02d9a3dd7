//! The releases a recipe is checked, rendered and simulated for: a KEDA release and a Kubernetes minor.
//!
//! What differs between releases is modelled once, in [`crate::sim::versions`] ([`KedaVersion`],
//! [`KubernetesVersion`]), where each difference cites the upstream change that made it. This module makes the pair
//! an option of every face: [`Target`] is what [`PlanOptions`](crate::PlanOptions) carries, and
//! [`RenderOptions`](crate::manifest::RenderOptions) carries its two fields flat (`keda`, `kubernetes`), so that the
//! CLI's `--keda 2.17 --kubernetes 1.34`, Python's `keda="2.17", kubernetes="1.34"` and JavaScript's options object
//! all read into the same values, with the serde, JSON Schema and clap forms written here.
//!
//! A checked plan records the target it was planned for; rendering refuses options that name another
//! ([`crate::manifest::render`]), and the simulator runs that target's KEDA and HPA. [`admission`] mirrors what
//! KEDA's admission webhook answers for a `ScaledObject`, and [`lints`] turns it, and how KEDA passes the threshold
//! to the HPA, into diagnostics while planning.
//!
//! **Defaults.** KEDA 2.17.0, the release OCI AI Blueprints installs: its software versions page lists the `keda`
//! chart at 2.17.0 for every release of the quickstart (`docs/versions/QuickStartVersions.md` in
//! oracle-quickstart/oci-ai-blueprints). Kubernetes 1.34, the newest minor OKE offers (see
//! [`KubernetesVersion::V1_34`]). KEDA tests 2.17 on Kubernetes 1.30 to 1.32 only
//! ([`KedaVersion::tested_kubernetes_minors`]); that is the pair OCI AI Blueprints runs on a current OKE cluster.

pub mod admission;
pub mod lints;

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub use crate::sim::versions::{KedaVersion, KubernetesVersion, UnknownVersion};

/// The releases a recipe is planned, rendered and simulated for. Every field has a default (what OCI AI Blueprints
/// runs); an unknown field is refused.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct Target {
    /// The KEDA release that admits and runs the ScaledObject (2.17.0, as OCI AI Blueprints installs it).
    pub keda: KedaVersion,
    /// The Kubernetes minor release of the cluster, whose API server and HPA controller act on what KEDA writes
    /// (1.34, the newest OKE offers).
    pub kubernetes: KubernetesVersion,
}

impl Target {
    /// Whether KEDA tests this release on this Kubernetes minor (its compatibility matrix; see
    /// [`KedaVersion::tested_kubernetes_minors`]).
    #[must_use]
    pub fn keda_tested_on_kubernetes(self) -> bool {
        let (oldest, newest) = self.keda.tested_kubernetes_minors();
        (oldest..=newest).contains(&self.kubernetes.minor())
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "KEDA {} on Kubernetes {}", self.keda, self.kubernetes)
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The versions as option values: text in every face.
// ---------------------------------------------------------------------------------------------------------------

impl Serialize for KedaVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl Serialize for KubernetesVersion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// Reads a version from its text with `parse`. A number is refused by name: read as a float, `2.20` is `2.2`, so
/// the text is the only faithful form.
struct VersionText<T> {
    product: &'static str,
    example: &'static str,
    parse: fn(&str) -> Result<T, UnknownVersion>,
}

impl<T> Visitor<'_> for VersionText<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "a {} release as text, such as \"{}\"",
            self.product, self.example
        )
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<T, E> {
        (self.parse)(text).map_err(E::custom)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<T, E> {
        Err(E::custom(format!(
            "the number {value} is not a {} release: write it as text, such as \"{}\" (as a number, 2.20 and 2.2 are the same)",
            self.product, self.example
        )))
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<T, E> {
        self.visit_f64(value as f64)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<T, E> {
        self.visit_f64(value as f64)
    }
}

impl<'de> Deserialize<'de> for KedaVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VersionText {
            product: "KEDA",
            example: "2.17",
            parse: KedaVersion::parse,
        })
    }
}

impl<'de> Deserialize<'de> for KubernetesVersion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(VersionText {
            product: "Kubernetes",
            example: "1.34",
            parse: KubernetesVersion::parse,
        })
    }
}

/// The text a KEDA release is also known by: its minor alone for the minor's first release (`2.17` is 2.17.0, as
/// [`KedaVersion::parse`] reads it).
#[cfg(any(feature = "schema", feature = "clap", test))]
fn keda_alias(version: KedaVersion) -> Option<&'static str> {
    match version {
        KedaVersion::V2_17_0 => Some("2.17"),
        KedaVersion::V2_18_0 => Some("2.18"),
        KedaVersion::V2_19_0 => Some("2.19"),
        KedaVersion::V2_20_0 => Some("2.20"),
        _ => None,
    }
}

/// The values a schema lists: each release's text, then the short forms, each with what it names.
#[cfg(feature = "schema")]
fn one_of(values: impl Iterator<Item = (&'static str, String)>) -> Vec<serde_json::Value> {
    values
        .map(|(text, description)| {
            serde_json::json!({"const": text, "type": "string", "description": description})
        })
        .collect()
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for KedaVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KedaVersion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let releases = KedaVersion::ALL.into_iter().map(|version| {
            let about = if version == KedaVersion::default() {
                format!("KEDA {version}, the release OCI AI Blueprints installs (the default).")
            } else {
                format!("KEDA {version}.")
            };
            (version.as_str(), about)
        });
        let aliases = KedaVersion::ALL.into_iter().filter_map(|version| {
            keda_alias(version)
                .map(|alias| (alias, format!("KEDA {version}, the minor's first release.")))
        });
        schemars::json_schema!({
            "description": "A KEDA release, 2.17.0 to 2.20.2, as text (`v` in front is also read).",
            "oneOf": one_of(releases.chain(aliases)),
        })
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for KubernetesVersion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "KubernetesVersion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let releases = KubernetesVersion::ALL.into_iter().map(|version| {
            let about = if version == KubernetesVersion::default() {
                format!("Kubernetes {version}, the newest minor OKE offers (the default).")
            } else {
                format!("Kubernetes {version}.")
            };
            (version.as_str(), about)
        });
        schemars::json_schema!({
            "description": "A Kubernetes minor release, 1.33 to 1.37, as text (a patch level, `1.34.2`, and `v` in front are also read).",
            "oneOf": one_of(releases),
        })
    }
}

#[cfg(feature = "clap")]
impl clap::ValueEnum for KedaVersion {
    fn value_variants<'a>() -> &'a [Self] {
        &KedaVersion::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let value = clap::builder::PossibleValue::new(self.as_str());
        Some(match keda_alias(*self) {
            Some(alias) => value.alias(alias),
            None => value,
        })
    }
}

#[cfg(feature = "clap")]
impl clap::ValueEnum for KubernetesVersion {
    fn value_variants<'a>() -> &'a [Self] {
        &KubernetesVersion::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        Some(clap::builder::PossibleValue::new(self.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_read_from_text_with_defaults() {
        let target: Target =
            serde_json::from_str(r#"{"keda": "2.20", "kubernetes": "v1.36.1"}"#).expect("a target");
        assert_eq!(target.keda, KedaVersion::V2_20_0);
        assert_eq!(target.kubernetes, KubernetesVersion::V1_36);
        let default: Target = serde_json::from_str("{}").expect("defaults");
        assert_eq!(default, Target::default());
        assert_eq!(default.keda, KedaVersion::V2_17_0);
        assert_eq!(default.kubernetes, KubernetesVersion::V1_34);
        assert_eq!(default.to_string(), "KEDA 2.17.0 on Kubernetes 1.34");
        assert_eq!(
            serde_json::to_string(&default).expect("json"),
            r#"{"keda":"2.17.0","kubernetes":"1.34"}"#
        );
        let unknown = serde_json::from_str::<Target>(r#"{"kedda": "2.17"}"#)
            .expect_err("a misspelled field")
            .to_string();
        assert!(
            unknown.contains("unknown field `kedda`, expected `keda` or `kubernetes`"),
            "{unknown}"
        );
    }

    #[test]
    fn versions_are_text_and_numbers_are_refused_by_name() {
        let error = serde_json::from_str::<KedaVersion>("2.2")
            .expect_err("a number")
            .to_string();
        assert!(
            error.contains("write it as text, such as \"2.17\""),
            "{error}"
        );
        let error = serde_json::from_str::<KubernetesVersion>("1")
            .expect_err("a number")
            .to_string();
        assert!(error.contains("such as \"1.34\""), "{error}");
        let error = serde_json::from_str::<KedaVersion>(r#""2.21""#)
            .expect_err("unknown")
            .to_string();
        assert!(error.contains("2.17.0 to 2.20.2"), "{error}");
        for version in KedaVersion::ALL {
            let text = serde_json::to_string(&version).expect("json");
            assert_eq!(
                serde_json::from_str::<KedaVersion>(&text).ok(),
                Some(version)
            );
            if let Some(alias) = keda_alias(version) {
                assert_eq!(KedaVersion::parse(alias), Ok(version));
            }
        }
    }

    #[test]
    fn keda_tests_each_release_on_three_kubernetes_minors() {
        let on = |keda, kubernetes| Target { keda, kubernetes }.keda_tested_on_kubernetes();
        // keda.sh's compatibility matrix: v2.17 on v1.30–v1.32, v2.20 on v1.33–v1.35.
        assert!(!on(KedaVersion::V2_17_0, KubernetesVersion::V1_33));
        assert!(on(KedaVersion::V2_19_0, KubernetesVersion::V1_34));
        assert!(on(KedaVersion::V2_20_2, KubernetesVersion::V1_35));
        assert!(!on(KedaVersion::V2_20_2, KubernetesVersion::V1_36));
    }

    #[cfg(feature = "clap")]
    #[test]
    fn flags_take_releases_and_minors() {
        use clap::ValueEnum as _;
        assert_eq!(
            KedaVersion::from_str("2.17", false),
            Ok(KedaVersion::V2_17_0)
        );
        assert_eq!(
            KedaVersion::from_str("2.20.2", false),
            Ok(KedaVersion::V2_20_2)
        );
        assert!(KedaVersion::from_str("2.21", false).is_err());
        assert_eq!(
            KubernetesVersion::from_str("1.36", false),
            Ok(KubernetesVersion::V1_36)
        );
    }
}
