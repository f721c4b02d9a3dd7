//! Turning `deployment_name` into the names Kubernetes and DNS accept.
//!
//! Upstream canonicalises names before using them for the Service (`recipe-<name>`), the Ingress host
//! (`<name>.<base domain>`) and the Prometheus `instance` label. Its code is not public; two documented examples
//! fix the rule we apply: letters are lower-cased, spaces become `-`, underscores are dropped
//! (`autoscale_vllm_example` → `autoscalevllmexample`, `vLLM Inference Deployment` → `vllm-inference-deployment`).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::names::dns_label_problem;

/// The longest canonical name: `recipe-<name>` must still be a DNS-1123 label (63 characters).
pub const MAX_NAME_LEN: usize = 63 - "recipe-".len();

/// A canonical deployment name: a DNS-1123 label whose `recipe-` Service name is one too.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(transparent)]
pub struct CanonicalName(String);

impl CanonicalName {
    /// Canonicalises `raw` and checks the result; on failure, returns the canonical form and why it is unusable.
    ///
    /// # Errors
    /// When the canonical form is not a DNS-1123 label of at most [`MAX_NAME_LEN`] characters.
    pub fn new(raw: &str) -> Result<Self, InvalidName> {
        let canonical = canonical_name(raw);
        match dns_label_problem(&canonical, MAX_NAME_LEN) {
            None => Ok(CanonicalName(canonical)),
            Some(reason) => Err(InvalidName { canonical, reason }),
        }
    }

    /// The name as text.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The Service's name, `recipe-<name>`.
    #[must_use]
    pub fn service_name(&self) -> String {
        format!("recipe-{}", self.0)
    }
}

impl fmt::Display for CanonicalName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Why a deployment name cannot be used, with the canonical form it was turned into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidName {
    /// The canonical form of the name.
    pub canonical: String,
    /// What is wrong with it.
    pub reason: String,
}

/// Canonicalises a deployment name: lower-case, spaces to `-`, underscores dropped. Idempotent.
#[must_use]
pub fn canonical_name(raw: &str) -> String {
    raw.chars()
        .filter(|c| *c != '_')
        .map(|c| if c == ' ' { '-' } else { c })
        .flat_map(char::to_lowercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_upstreams_documented_examples() {
        assert_eq!(
            canonical_name("autoscale_vllm_example"),
            "autoscalevllmexample"
        );
        assert_eq!(
            canonical_name("vLLM Inference Deployment"),
            "vllm-inference-deployment"
        );
    }

    #[test]
    fn rejects_names_that_stay_invalid() {
        let err = CanonicalName::new("-Bad Name!").unwrap_err();
        assert_eq!(err.canonical, "-bad-name!");
        assert!(err.reason.contains('!'), "{}", err.reason);
        assert!(CanonicalName::new(&"a".repeat(MAX_NAME_LEN + 1)).is_err());
        assert!(CanonicalName::new("___").is_err());
        let ok = CanonicalName::new("My_Model 2").unwrap();
        assert_eq!(ok.as_str(), "mymodel-2");
        assert_eq!(ok.service_name(), "recipe-mymodel-2");
    }
}
