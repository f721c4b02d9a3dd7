//! Kubernetes resource quantities (`10`, `500m`, `64Gi`, `1e3`), read as the API server reads them, so that a quota
//! the server would refuse is reported before it is sent, and quantities can be compared (a lending limit above its
//! nominal quota).
//!
//! Written by hand: k8s-openapi keeps a quantity as its text, and the rule is short (apimachinery's
//! `resource.ParseQuantity`): an optional sign, a decimal number, then a binary suffix (`Ki` … `Ei`), a decimal
//! suffix (`n`, `u`, `m`, `k`, `M`, `G`, `T`, `P`, `E`) or a decimal exponent (`e3`, `E-2`).

use std::fmt;

/// A quantity that the API server accepts, with its value in billionths of a unit (exact for every suffix; values
/// above about 1.7 × 10²⁰ units are refused as out of range).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quantity {
    /// The text as written (the API server keeps it in its canonical form; corrino writes it as given).
    pub text: String,
    /// The value in billionths of a unit (`1` is 1 000 000 000, `500m` is 500 000 000).
    pub nanos: i128,
}

/// Why a text is not a quantity.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QuantityError {
    /// Nothing was written.
    #[error("it is empty")]
    Empty,
    /// The number part is not a decimal number.
    #[error("`{0}` is not a number")]
    Number(String),
    /// The suffix is not one Kubernetes knows.
    #[error(
        "`{0}` is not a unit Kubernetes knows (Ki, Mi, Gi, Ti, Pi, Ei, n, u, m, k, M, G, T, P, E, or an exponent such as e3)"
    )]
    Suffix(String),
    /// The value does not fit.
    #[error("it is out of range")]
    OutOfRange,
}

const NANOS: i128 = 1_000_000_000;

impl Quantity {
    /// Parses a quantity as the API server does.
    ///
    /// # Errors
    /// When the text is not a quantity, or its value is beyond what corrino represents exactly.
    pub fn parse(text: &str) -> Result<Quantity, QuantityError> {
        if text.is_empty() {
            return Err(QuantityError::Empty);
        }
        let number_end = text
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '+' | '-')))
            .unwrap_or(text.len());
        let (number, suffix) = text.split_at(number_end);
        // An exponent suffix may carry its own sign (`1e-3`); the number itself holds at most a leading sign.
        let (sign, digits) = match number.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, number.strip_prefix('+').unwrap_or(number)),
        };
        let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
        if (whole.is_empty() && fraction.is_empty())
            || !whole.bytes().all(|b| b.is_ascii_digit())
            || !fraction.bytes().all(|b| b.is_ascii_digit())
        {
            return Err(QuantityError::Number(number.to_owned()));
        }
        let (base, exponent): (i128, i32) = match suffix {
            "" => (1, 0),
            "Ki" => (1 << 10, 0),
            "Mi" => (1 << 20, 0),
            "Gi" => (1 << 30, 0),
            "Ti" => (1 << 40, 0),
            "Pi" => (1 << 50, 0),
            "Ei" => (1 << 60, 0),
            "n" => (1, -9),
            "u" => (1, -6),
            "m" => (1, -3),
            "k" => (1, 3),
            "M" => (1, 6),
            "G" => (1, 9),
            "T" => (1, 12),
            "P" => (1, 15),
            "E" => (1, 18),
            other => match other.strip_prefix(['e', 'E']) {
                Some(exp) if !exp.is_empty() => (
                    1,
                    exp.parse::<i32>()
                        .ok()
                        .filter(|e| e.abs() <= 40)
                        .ok_or_else(|| QuantityError::Suffix(other.to_owned()))?,
                ),
                _ => return Err(QuantityError::Suffix(other.to_owned())),
            },
        };
        // value = digits × 10^(exponent − fraction length) × base, in nanos: × 10^9.
        let mantissa: i128 = format!("{whole}{fraction}")
            .trim_start_matches('0')
            .parse::<i128>()
            .or_else(|_| {
                if whole.bytes().chain(fraction.bytes()).all(|b| b == b'0') {
                    Ok(0)
                } else {
                    Err(QuantityError::OutOfRange)
                }
            })?;
        let scale =
            exponent + 9 - i32::try_from(fraction.len()).map_err(|_| QuantityError::OutOfRange)?;
        let scaled = if scale >= 0 {
            10i128
                .checked_pow(scale.unsigned_abs())
                .and_then(|p| mantissa.checked_mul(p))
        } else {
            // Below a billionth of a unit the API server rounds up; so does corrino.
            10i128
                .checked_pow(scale.unsigned_abs())
                .map(|p| (mantissa + p - 1) / p)
                .or(Some(i128::from(mantissa > 0)))
        };
        let nanos = scaled
            .and_then(|v| v.checked_mul(base))
            .filter(|v| *v <= i128::from(i64::MAX) * NANOS)
            .ok_or(QuantityError::OutOfRange)?;
        Ok(Quantity {
            text: text.to_owned(),
            nanos: sign * nanos,
        })
    }

    /// Whether the quantity is below zero.
    #[must_use]
    pub fn is_negative(&self) -> bool {
        self.nanos < 0
    }

    /// The value in whole units, rounded down (for messages).
    #[must_use]
    pub fn units(&self) -> f64 {
        // Precision beyond f64's is not needed for a message.
        #[allow(clippy::cast_precision_loss)]
        let value = self.nanos as f64 / 1e9;
        value
    }
}

impl serde::Serialize for Quantity {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for Quantity {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <String as serde::Deserialize>::deserialize(deserializer)?;
        Quantity::parse(&text).map_err(|e| serde::de::Error::custom(format!("`{text}`: {e}")))
    }
}

/// A quantity is its text.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Quantity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Quantity".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "A Kubernetes quantity, such as `8`, `500m` or `64Gi`.",
            "type": "string"
        })
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nanos(text: &str) -> i128 {
        Quantity::parse(text)
            .unwrap_or_else(|e| panic!("{text}: {e}"))
            .nanos
    }

    #[test]
    fn reads_every_suffix_exactly() {
        assert_eq!(nanos("10"), 10 * NANOS);
        assert_eq!(nanos("500m"), NANOS / 2);
        assert_eq!(nanos("1.5"), 3 * NANOS / 2);
        assert_eq!(nanos("64Gi"), 64 * (1 << 30) * NANOS);
        assert_eq!(nanos("2k"), 2000 * NANOS);
        assert_eq!(nanos("1e3"), 1000 * NANOS);
        assert_eq!(nanos("1E-3"), NANOS / 1000);
        assert_eq!(nanos("+4"), 4 * NANOS);
        assert_eq!(nanos("-4"), -4 * NANOS);
        assert_eq!(nanos("0"), 0);
        assert_eq!(nanos("0.000"), 0);
        assert_eq!(nanos(".5"), NANOS / 2);
        assert_eq!(nanos("1n"), 1);
        assert_eq!(nanos("0.1n"), 1, "rounded up, as the API server does");
    }

    #[test]
    fn refuses_what_the_api_server_refuses() {
        for bad in [
            "", "ten", "10 Gi", "10gb", "1.2.3", "--1", "1e", "Gi", ".", "1e99", "1e-99e",
        ] {
            assert!(Quantity::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Quantity::parse("99999999999999999999999999999999999999999"),
            Err(QuantityError::OutOfRange)
        );
        assert_eq!(
            Quantity::parse("10000000000Ei"),
            Err(QuantityError::OutOfRange)
        );
    }
}
