//! What the three WebAssembly modules of corrino share: reading arguments and writing results
//! ([`convert`]), and `simulate` for the simulator module and the query module ([`simulation`]).
//!
//! A crate of plain functions: it exports nothing to JavaScript itself (no `#[wasm_bindgen]` item and no
//! TypeScript section), so that each module's interface is what its own crate declares. Whatever a module does not
//! call is left out of it at link time.

pub mod convert;
pub mod simulation;
