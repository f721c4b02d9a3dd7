//! Any text read as a request-rate table and as a metric trace: points or an error naming a line, never a panic.
#![no_main]

use corrino_core::sim::{MetricTrace, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = load::parse_rate_csv(text) {
        assert!(e.line >= 1);
    }
    if let Ok(trace) = MetricTrace::parse_csv(text) {
        assert!(trace.points.windows(2).all(|w| w[0].t < w[1].t));
    }
});
