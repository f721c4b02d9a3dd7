//! Any text read as a request-rate table and as a metric trace (a `t,value` table, or Prometheus' `query_range`
//! answer): points or an error naming a line where it is about one, never a panic.
#![no_main]

use corrino_core::sim::{MetricTrace, load};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    if let Err(e) = load::parse_rate_csv(text) {
        assert!(e.line().is_none_or(|line| line >= 1));
    }
    for parsed in [MetricTrace::parse_csv(text), MetricTrace::parse(text)] {
        if let Ok(trace) = parsed {
            assert!(trace.points.windows(2).all(|w| w[0].t < w[1].t));
        }
    }
});
