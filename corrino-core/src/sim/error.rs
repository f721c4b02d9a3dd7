//! Why a simulation could not run.

use super::cluster_autoscaler::TimingError;

/// Why a simulation could not run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The plan has no pod autoscaling: there is nothing to simulate.
    #[error("the recipe has no pod autoscaling (`recipe_pod_autoscaling_params`) to simulate")]
    NoPodAutoscaling,
    /// A deployment group in which more than one member scales pods: which to simulate is the caller's choice.
    #[error(
        "{} members of the group scale pods ({}); simulate their recipes one by one",
        members.len(),
        members.join(", ")
    )]
    SeveralAutoscaledMembers {
        /// The members' deployment names.
        members: Vec<String>,
    },
    /// The plan has no capacity plan (not a GPU workload, or its shape is unknown).
    #[error("the recipe has no GPU capacity plan (unknown shape, or no GPUs per replica)")]
    NoCapacity,
    /// The scaling query is outside what the simulator evaluates.
    #[error("the scaling query cannot be simulated: {reason}")]
    UnsupportedQuery {
        /// The query.
        query: String,
        /// Why.
        reason: String,
    },
    /// The scenario is inconsistent.
    #[error("bad scenario: {0}")]
    BadScenario(String),
    /// A Cluster Autoscaler timing key is not a duration.
    #[error(transparent)]
    BadTiming(#[from] TimingError),
}
