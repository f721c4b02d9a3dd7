//! Any bytes read as a simulation scenario (JSON): a scenario or an error, never a panic.
#![no_main]

use corrino_core::sim::Scenario;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<Scenario>(data);
});
