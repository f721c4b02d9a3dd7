//! Any text checked as a custom scaling query: diagnostics at the given path, never a panic or a hang.
#![no_main]

use corrino_core::diagnostic::Pointer;
use corrino_core::promql::{QueryContext, check_query};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|query: &str| {
    let at = Pointer::root().key("query");
    for d in &check_query(query, &at, &QueryContext::default()) {
        assert_eq!(d.path, "/query");
    }
});
