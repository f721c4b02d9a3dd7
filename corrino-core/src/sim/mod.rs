//! The autoscaling simulator's decision functions: the HPA controller and KEDA's scale loop, mirrored from
//! upstream so that each step can be checked against upstream's own definition.
//!
//! These are pure functions over explicit state (histories with timestamps in seconds, `now`), with no clock.

pub mod hpa;
pub mod keda;
