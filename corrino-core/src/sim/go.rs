//! Go's numeric conversions as the controllers compute them, shared by the HPA and KEDA mirrors so that both
//! convert exactly as their Go sources do.

/// Go's `int64(f)` for a non-constant float, as the amd64 instruction computes it: truncation toward zero, and the
/// "integer indefinite" value `i64::MIN` for NaN and for anything outside the `int64` range.
///
/// The Go specification leaves out-of-range conversions to the platform; KEDA's images run on amd64 nodes in the
/// common case, and arm64 would saturate instead. Every `int64(value × 1000)` in KEDA goes through this.
#[must_use]
pub fn go_int64(value: f64) -> i64 {
    // 2^63 is exact in f64; anything at or above it, or below -2^63, does not fit.
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    if value.is_nan() || !(-LIMIT..LIMIT).contains(&value) {
        i64::MIN
    } else {
        truncate(value)
    }
}

#[allow(
    clippy::cast_possible_truncation,
    reason = "the caller has checked the range"
)]
fn truncate(value: f64) -> i64 {
    value.trunc() as i64
}

/// Go's `int32(f)` for a value the caller has already rounded and capped (the replica calculator caps at
/// `math.MaxInt32` before converting): truncation toward zero; saturating, NaN → 0, for what is left.
#[allow(
    clippy::cast_possible_truncation,
    reason = "saturating truncation is the modelled conversion"
)]
pub(crate) fn f64_to_i32(value: f64) -> i32 {
    value as i32
}

/// Go's `float64(x)` for an `int64` milli-value (a quantity's `MilliValue()`), as both controllers convert it.
#[allow(
    clippy::cast_precision_loss,
    reason = "the controllers convert int64 milli-values to float64 the same way"
)]
pub(crate) fn milli_to_f64(milli: i64) -> f64 {
    milli as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions_follow_go_on_amd64() {
        assert_eq!(go_int64(1.9), 1);
        assert_eq!(go_int64(-1.9), -1);
        assert_eq!(go_int64(f64::NAN), i64::MIN);
        assert_eq!(go_int64(9.3e18), i64::MIN);
        assert_eq!(go_int64(-9.3e18), i64::MIN);
        assert_eq!(f64_to_i32(2.0), 2);
        assert_eq!(milli_to_f64(1500), 1500.0);
    }
}
