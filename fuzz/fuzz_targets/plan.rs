//! Any bytes planned: a checked plan exactly when there is no error, and every diagnostic path a JSON pointer.
#![no_main]

use corrino_core::{PlanOptions, plan_bytes};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let planning = plan_bytes(data, &PlanOptions::default());
    assert_eq!(planning.plan.is_some(), !planning.diagnostics.has_errors());
    for d in &planning.diagnostics {
        assert!(d.path.is_empty() || d.path.starts_with('/'), "{d}");
    }
});
