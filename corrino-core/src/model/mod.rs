//! What corrino knows about the models recipes serve: a catalog of the open models people serve with vLLM
//! ([`catalog`]), how many bytes their weights and KV cache take in each format ([`precision`]), and the memory a
//! GPU or MIG slice offers ([`device`]).
//!
//! Every figure names its source; figures that are estimates say so, in the code and in the data.

pub mod catalog;
pub mod device;
pub mod precision;

pub use catalog::{ModelCatalog, ModelSpec};
pub use precision::WeightFormat;
