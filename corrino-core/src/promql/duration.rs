//! Prometheus durations (`90s`, `5m`, `1h30m`): read as whole seconds, and written back the way Prometheus prints them.

const DURATION_UNITS: [(&str, u64); 7] = [
    ("y", 365 * 24 * 3600),
    ("w", 7 * 24 * 3600),
    ("d", 24 * 3600),
    ("h", 3600),
    ("m", 60),
    ("s", 1),
    ("ms", 0),
];

/// Reads a Prometheus duration (`90s`, `5m`, `1h30m`, `2d`) as whole seconds.
///
/// The units are `y` (365 days), `w`, `d`, `h`, `m`, `s` and `ms`, written largest first, each at most once, each
/// after a whole number; `0` alone is zero, as in Prometheus. Milliseconds are accepted only when the total is a whole
/// number of seconds (`1500ms` is `None`, `2000ms` is 2): windows and intervals here are counted in seconds, and
/// rounding would make the checked value differ from the one Prometheus uses. `None` for anything else, including
/// signs, fractions, spaces, an empty string and totals that overflow.
#[must_use]
pub fn parse_duration_seconds(text: &str) -> Option<u64> {
    if text == "0" {
        return Some(0);
    }
    let mut rest = text;
    let mut next_unit = 0;
    let mut millis: u64 = 0;
    let mut seconds: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits == 0 {
            return None;
        }
        let number: u64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        // Try the longer unit first so that `ms` is not read as `m` followed by garbage.
        let (index, unit_len) = DURATION_UNITS
            .iter()
            .enumerate()
            .skip(next_unit)
            .filter(|(_, (unit, _))| rest.starts_with(unit))
            .map(|(i, (unit, _))| (i, unit.len()))
            .max_by_key(|&(_, len)| len)?;
        rest = &rest[unit_len..];
        next_unit = index + 1;
        let (unit, factor) = DURATION_UNITS[index];
        if unit == "ms" {
            millis = number;
        } else {
            seconds = seconds.checked_add(number.checked_mul(factor)?)?;
        }
    }
    if !millis.is_multiple_of(1000) {
        return None;
    }
    seconds.checked_add(millis / 1000)
}

/// Writes whole seconds as Prometheus prints durations: `90` → `1m30s`, `300` → `5m`, `0` → `0s`.
///
/// Years and weeks are used only when they divide the value exactly (`8d`, not `1w1d`), as Prometheus does, so the
/// output reads back through [`parse_duration_seconds`] to the same number.
#[must_use]
pub fn format_duration(seconds: u64) -> String {
    if seconds == 0 {
        return "0s".to_string();
    }
    let mut rest = seconds;
    let mut out = String::new();
    for (unit, factor) in DURATION_UNITS {
        if factor == 0 {
            continue;
        }
        let exact_only = unit == "y" || unit == "w";
        if exact_only && !rest.is_multiple_of(factor) {
            continue;
        }
        let count = rest / factor;
        if count > 0 {
            out.push_str(&count.to_string());
            out.push_str(unit);
            rest -= count * factor;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_in_prometheus_form() {
        let cases: &[(&str, Option<u64>)] = &[
            ("90s", Some(90)),
            ("5m", Some(300)),
            ("1h30m", Some(5400)),
            ("2d", Some(172_800)),
            ("1w", Some(604_800)),
            ("1y", Some(31_536_000)),
            (
                "1y2w3d4h5m6s",
                Some(31_536_000 + 1_209_600 + 259_200 + 14_400 + 306),
            ),
            ("2000ms", Some(2)),
            ("1s1000ms", Some(2)),
            ("0", Some(0)),
            ("0s", Some(0)),
            ("05m", Some(300)),
            ("500ms", None),
            ("1500ms", None),
            ("30m1h", None),
            ("1m1m", None),
            ("1.5h", None),
            ("-5m", None),
            ("5", None),
            ("5 m", None),
            (" 5m", None),
            ("5M", None),
            ("m", None),
            ("", None),
            ("5mm", None),
            ("5msm", None),
            ("99999999999999999999s", None),
            ("584942417356y", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_duration_seconds(text), *want, "{text:?}");
        }
    }

    #[test]
    fn durations_format_canonically_and_round_trip() {
        assert_eq!(format_duration(0), "0s");
        assert_eq!(format_duration(90), "1m30s");
        assert_eq!(format_duration(300), "5m");
        assert_eq!(format_duration(5400), "1h30m");
        assert_eq!(format_duration(86_400 * 8), "8d");
        assert_eq!(format_duration(604_800), "1w");
        assert_eq!(format_duration(31_536_000), "1y");
        assert_eq!(format_duration(31_536_000 + 1), "365d1s");
        for s in (0..20_000)
            .step_by(7)
            .chain([u64::MAX, u64::MAX / 3, 31_536_000 * 2])
        {
            assert_eq!(parse_duration_seconds(&format_duration(s)), Some(s), "{s}");
        }
    }
}
