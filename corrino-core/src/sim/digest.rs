//! Latency percentiles: a digest of the whole run in 1/32-octave bins, and exact nearest-rank percentiles of one
//! sample interval's requests.

/// Latency bins for the run's percentiles: 32 per doubling (2.2 % wide) from about 1 ms to 36 hours, indexed by
/// the bits of the float (its exponent and the top five bits of its mantissa), so adding a latency costs no
/// logarithm.
pub(super) struct LatencyDigest {
    bins: Vec<u64>,
    total: u64,
}

impl LatencyDigest {
    /// Bins per doubling, as a power of two (2⁵ = 32).
    const MANTISSA_BITS: u32 = 5;
    /// The lowest binary exponent binned: 2⁻¹⁰ s ≈ 1 ms.
    const LOWEST_EXPONENT: i64 = -10;
    /// Doublings covered: up to 2¹⁷ s ≈ 36 h.
    const DOUBLINGS: i64 = 27;

    pub(super) fn new() -> Self {
        LatencyDigest {
            bins: vec![0; (Self::DOUBLINGS as usize) << Self::MANTISSA_BITS],
            total: 0,
        }
    }

    fn index(latency: f64) -> usize {
        let bits = latency.max(0.0).to_bits();
        let exponent = ((bits >> 52) & 0x7ff) as i64 - 1023 - Self::LOWEST_EXPONENT;
        let top = (bits >> (52 - Self::MANTISSA_BITS)) & ((1 << Self::MANTISSA_BITS) - 1);
        if exponent < 0 {
            return 0;
        }
        let index = ((exponent as u64) << Self::MANTISSA_BITS) + top;
        (index as usize).min(((Self::DOUBLINGS as usize) << Self::MANTISSA_BITS) - 1)
    }

    pub(super) fn add(&mut self, latency: f64, count: u32) {
        let index = Self::index(latency);
        if let Some(bin) = self.bins.get_mut(index) {
            *bin += u64::from(count);
        }
        self.total += u64::from(count);
    }

    /// The upper edge of the bin holding the `p` quantile (nearest rank).
    pub(super) fn quantile(&self, p: f64) -> Option<f64> {
        if self.total == 0 {
            return None;
        }
        let rank = ((p * self.total as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (index, count) in self.bins.iter().enumerate() {
            seen += count;
            if seen >= rank {
                let doubling = (index >> Self::MANTISSA_BITS) as i64 + Self::LOWEST_EXPONENT;
                let step = (index & ((1 << Self::MANTISSA_BITS) - 1)) as f64 + 1.0;
                let scale = f64::from(1u32 << Self::MANTISSA_BITS);
                return Some(2f64.powi(doubling as i32) * (1.0 + step / scale));
            }
        }
        None
    }
}

/// The nearest-rank `p50` and `p95` of weighted latencies (reordered in place). Small weights (the usual case: one
/// or a few requests per entry) are expanded into `scratch` and selected, which is cheaper than sorting; large
/// ones are sorted.
pub(super) fn median_and_p95(
    latencies: &mut [(f64, u32)],
    scratch: &mut Vec<f64>,
) -> (Option<f64>, Option<f64>) {
    let total: u64 = latencies.iter().map(|(_, count)| u64::from(*count)).sum();
    if total == 0 {
        return (None, None);
    }
    if total <= 4 * latencies.len() as u64 {
        scratch.clear();
        for &(latency, count) in latencies.iter() {
            scratch.extend(std::iter::repeat_n(latency, count as usize));
        }
        let n = scratch.len();
        let rank = |p: f64| ((p * n as f64).ceil() as usize).clamp(1, n) - 1;
        let (r50, r95) = (rank(0.5), rank(0.95));
        let (below, p95, _) = scratch.select_nth_unstable_by(r95, f64::total_cmp);
        let p95 = *p95;
        // Everything below the 95th rank is now in `below`: the median is selected there.
        let p50 = if r50 < r95 {
            *below.select_nth_unstable_by(r50, f64::total_cmp).1
        } else {
            p95
        };
        return (Some(p50), Some(p95));
    }
    latencies.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    (
        weighted_quantile(latencies, 0.5),
        weighted_quantile(latencies, 0.95),
    )
}

/// Nearest-rank quantile of weighted latencies already sorted by latency.
pub(super) fn weighted_quantile(latencies: &[(f64, u32)], p: f64) -> Option<f64> {
    let total: u64 = latencies.iter().map(|(_, count)| u64::from(*count)).sum();
    if total == 0 {
        return None;
    }
    let rank = ((p * total as f64).ceil() as u64).max(1);
    let mut seen = 0;
    for (latency, count) in latencies.iter() {
        seen += u64::from(*count);
        if seen >= rank {
            return Some(*latency);
        }
    }
    latencies.last().map(|(latency, _)| *latency)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles() {
        // Unweighted: 1..=20 → p50 is the 10th, p95 the 19th (nearest rank).
        let mut scratch = Vec::new();
        let mut plain: Vec<(f64, u32)> = (1..=20).rev().map(|i| (f64::from(i), 1)).collect();
        assert_eq!(
            median_and_p95(&mut plain, &mut scratch),
            (Some(10.0), Some(19.0))
        );
        // Weighted: 9 at 1 s and 1 at 10 s → p50 1 s, p95 (rank 10) 10 s; expanded or sorted, the same.
        let mut weighted = vec![(10.0, 1), (1.0, 9)];
        assert_eq!(
            median_and_p95(&mut weighted, &mut scratch),
            (Some(1.0), Some(10.0))
        );
        let mut heavy = vec![(10.0, 100), (1.0, 900)];
        assert_eq!(
            median_and_p95(&mut heavy, &mut scratch),
            (Some(1.0), Some(10.0))
        );
        let mut few = vec![(3.0, 2), (1.0, 1), (2.0, 1)];
        assert_eq!(
            median_and_p95(&mut few, &mut scratch),
            (Some(2.0), Some(3.0))
        );
        assert_eq!(median_and_p95(&mut [], &mut scratch), (None, None));
        // The run's digest reports the upper edge of a 1/32-octave bin: 23.2 s → [23.0, 23.5).
        let mut digest = LatencyDigest::new();
        digest.add(23.2, 3);
        digest.add(0.0, 1);
        assert_eq!(digest.quantile(0.95), Some(23.5));
        assert!(
            digest.quantile(0.2).is_some_and(|q| q < 0.0011),
            "the lowest bin"
        );
    }
}
