//! What corrino knows about the models recipes serve: vLLM's settings as a recipe writes them ([`args`]), which
//! model it serves and where its weights come from ([`identify`]), a catalog of the open models people serve
//! ([`catalog`]), how many bytes their weights and KV cache take in each format ([`precision`]), the memory a GPU
//! or MIG slice offers ([`device`]), how a replica's GPUs are split ([`parallelism`]), whether the weights and the
//! KV cache fit them ([`fit`]), how long a replica takes to start ([`startup`]), and the probes and scaling
//! windows measured against that ([`lints`]).
//!
//! Every figure names its source; figures that are estimates say so, in the code and in the data.

pub mod args;
pub mod catalog;
pub mod device;
pub mod fit;
pub mod identify;
pub mod lints;
pub mod parallelism;
pub mod precision;
pub mod startup;

pub use args::{MaxModelLen, ServingArgs};
pub use catalog::{ModelCatalog, ModelSpec};
pub use fit::{KvFit, MemoryFit};
pub use identify::{Identification, Recognition, WeightsSource};
pub use parallelism::Parallelism;
pub use precision::WeightFormat;
pub use startup::{Engine, StartupBudget, StartupPart};
