//! The autoscaling simulator: KEDA, the HPA, the Cluster Autoscaler, pods and vLLM replicas under a load, stepped
//! together so that a recipe's scaling can be judged before it is deployed.
//!
//! The decision functions ([`hpa`], [`keda`] with [`modifiers`], [`cluster_autoscaler`]) mirror upstream so that each
//! step can be checked against upstream's own definition and tests, for the releases in [`versions`]; the rest
//! ([`pods`], [`serving`], [`metrics`], [`load`]) models what they act on. [`simulate`] runs a [`Scenario`] against a [`Plan`](crate::Plan) and returns a
//! [`Simulation`]: a timeline, the HPA's reasons, events and a summary; [`chart::svg`] draws it.
//!
//! Everything here is pure: histories with timestamps in seconds, an explicit `now`, seeded randomness, no clock
//! and no I/O, so the same input always gives the same output.

pub mod chart;
pub mod cluster_autoscaler;
pub mod hpa;
pub mod keda;
pub mod load;
pub mod metrics;
pub mod modifiers;
pub mod pods;
pub mod scenario;
pub mod serving;
pub mod timeline;
pub mod versions;

pub use chart::svg;
pub use load::{Load, MetricTrace, RateProfile, RequestShape};
pub use scenario::Scenario;
pub use serving::ServingModel;
pub use timeline::{
    Decision, Event, EventKind, Sample, Settings, SimError, Simulation, Summary, samples_csv,
    simulate,
};
pub use versions::{
    FeatureGate, FeatureGates, KedaVersion, KubernetesVersion, tolerance_takes_effect,
};
