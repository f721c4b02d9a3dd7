//! What drives a simulation: a metric trace read as the query's value, or traffic that the serving model turns
//! into requests and latencies.
//!
//! * A **metric trace** ([`MetricTrace`]) replaces the query: at time `t` the query returns the last sample at or
//!   before `t`, exactly as written, so a trace recorded from a real Prometheus replays the controllers' decisions
//!   without any model in between.
//! * **Open-loop traffic** ([`RateProfile`]) sends requests at a rate that does not depend on how fast they are
//!   served (users arriving on a web page): constant, step, ramp, diurnal sinusoid, spike, or a `t,rps` table.
//!   Arrivals in each step are drawn from a Poisson distribution with the profile's mean.
//! * **Closed-loop traffic** keeps a fixed number of clients each sending one request, waiting for its answer and
//!   sending the next, the way load generators such as llmperf (`--num-concurrent-requests`) do.
//!
//! Request sizes follow llmperf's sampling: a normal draw around the mean, rounded, redrawn until positive (the
//! normal approximated by a sum of uniforms, see [`Rng::approximate_normal`]).
//!
//! Randomness comes from [`Rng`], a xorshift64* generator seeded through splitmix64 and written here rather than
//! taken from a crate: the simulation must give bit-identical output for the same seed on every platform and
//! release (a general-purpose crate may change its algorithms between versions), and the browser build should not
//! carry a random-number crate for twenty lines of arithmetic.

use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

use serde::{Deserialize, Serialize};

use super::error::{Range, ScenarioError, Unit};
use super::scenario::{
    MAX_CLIENTS, MAX_DURATION_SECONDS, MAX_EXACT_INTEGER, MAX_RPS, MAX_TABLE_POINTS, MAX_TOKENS,
    check, seconds_range,
};

// ---------------------------------------------------------------------------------------------------------------
// Random numbers
// ---------------------------------------------------------------------------------------------------------------

/// A small deterministic generator: xorshift64* (Vigna, "An experimental exploration of Marsaglia's xorshift
/// generators, scrambled", 2016) with its state seeded by one splitmix64 step, so that any seed, 0 included,
/// gives a usable non-zero state.
#[derive(Clone, Debug, PartialEq)]
pub struct Rng {
    state: u64,
    /// The second normal of the last Box–Muller pair, not yet used.
    spare: Option<f64>,
}

impl Rng {
    /// A generator for `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        Rng {
            state: if z == 0 { 0x2545_F491_4F6C_DD1D } else { z },
            spare: None,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A uniform draw in `[0, 1)` with 53 bits of precision.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// A standard normal draw (Box–Muller: each pair of uniforms gives two normals; the second is kept for the
    /// next call).
    pub fn standard_normal(&mut self) -> f64 {
        if let Some(spare) = self.spare.take() {
            return spare;
        }
        let u1 = 1.0 - self.next_f64(); // (0, 1]: ln is finite
        let u2 = self.next_f64();
        let radius = (-2.0 * u1.ln()).sqrt();
        let (sin, cos) = (std::f64::consts::TAU * u2).sin_cos();
        self.spare = Some(radius * sin);
        radius * cos
    }

    /// A Poisson draw with mean `mean`: Knuth's product method below 30, a rounded normal approximation above
    /// (where the two differ by less than the model's own uncertainty and the product method would cost `mean`
    /// draws).
    pub fn poisson(&mut self, mean: f64) -> u64 {
        if !(mean.is_finite() && mean > 0.0) {
            return 0;
        }
        if mean < 30.0 {
            let limit = (-mean).exp();
            let mut product = self.next_f64();
            let mut count = 0;
            while product > limit {
                count += 1;
                product *= self.next_f64();
            }
            count
        } else {
            let draw = (mean + mean.sqrt() * self.standard_normal()).round();
            if draw <= 0.0 { 0 } else { draw as u64 }
        }
    }

    /// A draw with mean 0 and standard deviation 1, approximately normal: the Irwin–Hall sum of four uniforms
    /// (16 bits each, from one 64-bit draw), centred and scaled. Its tails stop at ±3.46; it costs no logarithm
    /// or cosine, which matters because every request's size is drawn this way.
    pub fn approximate_normal(&mut self) -> f64 {
        let bits = self.next_u64();
        let sum: u64 = (0..4).map(|i| (bits >> (16 * i)) & 0xFFFF).sum();
        // Each uniform is (k + 0.5) / 65536, so the sum has mean 2 and variance 4 × (1/12 − 1/(12 × 65536²)).
        let uniform_sum = (sum as f64 + 2.0) / 65_536.0;
        (uniform_sum - 2.0) * 3f64.sqrt()
    }

    /// A positive whole number around `mean` with standard deviation `stddev`, redrawn until positive.
    ///
    /// Mirrors `sample_random_positive_int` of llmperf (`src/llmperf/utils.py`), which sizes each request's prompt
    /// and completion this way, with [`Rng::approximate_normal`] for the normal draw; after 64 non-positive draws
    /// (a mean far below zero) it gives 1.
    pub fn positive_int(&mut self, mean: f64, stddev: f64) -> u64 {
        if stddev <= 0.0 {
            return if mean >= 1.0 { mean.round() as u64 } else { 1 };
        }
        for _ in 0..64 {
            let draw = (mean + stddev * self.approximate_normal()).round();
            if draw > 0.0 {
                return draw as u64;
            }
        }
        1
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Traces
// ---------------------------------------------------------------------------------------------------------------

/// The largest `t,value` table read, in bytes: 8 MiB, room for [`MAX_TABLE_POINTS`] rows with comments.
pub const MAX_CSV_BYTES: usize = 8 << 20;

/// Why a `t,value` table could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    /// A line that is not `t,value` with a time after the previous one.
    #[error("line {line}: {message}")]
    Line {
        /// The 1-based line number.
        line: usize,
        /// What is wrong with it.
        message: String,
    },
    /// The table is larger than [`MAX_CSV_BYTES`].
    #[error("the table is {bytes} bytes; at most {max} bytes (8 MiB) are read")]
    TooLarge {
        /// Its size (at least; a reader may stop at the first byte past the cap).
        bytes: u64,
        /// [`MAX_CSV_BYTES`].
        max: u64,
    },
    /// The table has more rows than [`MAX_TABLE_POINTS`].
    #[error("line {line}: the table has more than {max} rows; at most {max} are read")]
    TooManyRows {
        /// The first row past the cap.
        line: usize,
        /// [`MAX_TABLE_POINTS`].
        max: u64,
    },
    /// JSON that is not a Prometheus `query_range` answer with one series.
    #[error("not a Prometheus query_range response with one series: {0}")]
    Prometheus(String),
}

impl TraceError {
    /// The 1-based line the error is about, if it is about one.
    #[must_use]
    pub fn line(&self) -> Option<usize> {
        match self {
            TraceError::Line { line, .. } | TraceError::TooManyRows { line, .. } => Some(*line),
            TraceError::TooLarge { .. } | TraceError::Prometheus(_) => None,
        }
    }

    fn at(line: usize, message: String) -> Self {
        TraceError::Line { line, message }
    }
}

/// One row of a `t,value` table: its line, its time, and its value (`None` when empty).
struct Row {
    line: usize,
    t: f64,
    value: Option<f64>,
}

/// Reads `t,value` lines: blank lines and `#` comments are skipped, a first line whose time is not a number is a
/// header, times are seconds and must increase strictly. An empty value (`30,`) is kept as `None`. At most
/// [`MAX_CSV_BYTES`] bytes and [`MAX_TABLE_POINTS`] rows.
fn parse_rows(text: &str) -> Result<Vec<Row>, TraceError> {
    if text.len() > MAX_CSV_BYTES {
        return Err(TraceError::TooLarge {
            bytes: u64::try_from(text.len()).unwrap_or(u64::MAX),
            max: u64::try_from(MAX_CSV_BYTES).unwrap_or(u64::MAX),
        });
    }
    let mut rows: Vec<Row> = Vec::new();
    let mut seen_data = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.split('#').next().unwrap_or("").trim();
        if content.is_empty() {
            continue;
        }
        let mut fields = content.split(',').map(str::trim);
        let time_text = fields.next().unwrap_or("");
        let value_text = fields.next();
        if fields.next().is_some() {
            return Err(TraceError::at(
                line,
                format!("expected two fields `t,value`, found `{content}`"),
            ));
        }
        let Ok(time) = time_text.parse::<f64>() else {
            if !seen_data && rows.is_empty() {
                seen_data = true; // a header
                continue;
            }
            return Err(TraceError::at(
                line,
                format!("`{time_text}` is not a time in seconds"),
            ));
        };
        seen_data = true;
        if u64::try_from(rows.len()).unwrap_or(u64::MAX) >= MAX_TABLE_POINTS {
            return Err(TraceError::TooManyRows {
                line,
                max: MAX_TABLE_POINTS,
            });
        }
        if !time.is_finite() || time < 0.0 {
            return Err(TraceError::at(
                line,
                format!("the time `{time_text}` must be a finite number of seconds, at least 0"),
            ));
        }
        if let Some(previous) = rows.last()
            && time <= previous.t
        {
            return Err(TraceError::at(
                line,
                format!("times must increase: {time} follows {}", previous.t),
            ));
        }
        let value = match value_text {
            None => {
                return Err(TraceError::at(
                    line,
                    format!("expected two fields `t,value`, found `{content}`"),
                ));
            }
            Some("") => None,
            Some(text) => Some(
                text.parse::<f64>()
                    .map_err(|_| TraceError::at(line, format!("`{text}` is not a number")))?,
            ),
        };
        rows.push(Row {
            line,
            t: time,
            value,
        });
    }
    if rows.is_empty() {
        return Err(TraceError::at(
            text.lines().count().max(1),
            "the table has no `t,value` line".into(),
        ));
    }
    Ok(rows)
}

/// One sample of a recorded query value.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TracePoint {
    /// Seconds from the start of the scenario.
    pub t: f64,
    /// The query's value; `None` is an empty result (no series), which KEDA reads per `ignoreNullValues`.
    pub value: Option<f64>,
}

/// The query's value over time, replayed exactly instead of being computed from traffic.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MetricTrace {
    /// The samples, by increasing time.
    pub points: Vec<TracePoint>,
}

impl MetricTrace {
    /// Reads a `t,value` table (see [`MetricTrace`]); NaN and `inf` are accepted as values, an empty value is an
    /// empty result.
    ///
    /// # Errors
    ///
    /// A [`TraceError`] naming the first line that is not `t,value` with increasing times.
    pub fn parse_csv(text: &str) -> Result<Self, TraceError> {
        let points = parse_rows(text)?
            .into_iter()
            .map(|row| TracePoint {
                t: row.t,
                value: row.value,
            })
            .collect();
        Ok(MetricTrace { points })
    }

    /// Reads a trace from a `t,value` table ([`MetricTrace::parse_csv`]) or, when the text is a JSON object, from
    /// Prometheus' own answer to a range query ([`MetricTrace::parse_prometheus`]).
    ///
    /// # Errors
    ///
    /// As the reader of the text's form.
    pub fn parse(text: &str) -> Result<Self, TraceError> {
        if text.trim_start().starts_with('{') {
            Self::parse_prometheus(text)
        } else {
            Self::parse_csv(text)
        }
    }

    /// Reads the JSON that Prometheus' HTTP API answers to `GET /api/v1/query_range` (`{"status": "success",
    /// "data": {"resultType": "matrix", "result": [{"metric": {…}, "values": [[t, "v"], …]}]}}`), so that
    /// `curl …/api/v1/query_range?query=…&start=…&end=…&step=…` replays as it is. Times are made relative to the first
    /// sample. Prometheus leaves out the steps at which the query had no value; such a gap (longer than one and a
    /// half times the shortest spacing) reads as an empty result from one step after the last sample on, as KEDA
    /// would have seen it. `NaN` and `±Inf` are kept. The answer must hold exactly one series, as KEDA requires of
    /// its query; at most [`MAX_CSV_BYTES`] bytes and [`MAX_TABLE_POINTS`] points.
    ///
    /// # Errors
    ///
    /// [`TraceError::Prometheus`] saying what the JSON is instead, [`TraceError::TooLarge`],
    /// [`TraceError::TooManyRows`].
    pub fn parse_prometheus(text: &str) -> Result<Self, TraceError> {
        #[derive(Deserialize)]
        struct Answer {
            status: String,
            #[serde(default)]
            data: Option<Data>,
            #[serde(default)]
            error: Option<String>,
        }
        #[derive(Deserialize)]
        struct Data {
            #[serde(rename = "resultType")]
            result_type: String,
            result: Vec<Series>,
        }
        #[derive(Deserialize)]
        struct Series {
            #[serde(default)]
            values: Vec<(f64, String)>,
        }
        let bad = |message: String| TraceError::Prometheus(message);
        if text.len() > MAX_CSV_BYTES {
            return Err(TraceError::TooLarge {
                bytes: u64::try_from(text.len()).unwrap_or(u64::MAX),
                max: u64::try_from(MAX_CSV_BYTES).unwrap_or(u64::MAX),
            });
        }
        let answer: Answer = serde_json::from_str(text).map_err(|e| bad(e.to_string()))?;
        if answer.status != "success" {
            return Err(bad(format!(
                "the status is `{}`{}",
                answer.status,
                answer.error.map(|e| format!(": {e}")).unwrap_or_default()
            )));
        }
        let data = answer.data.ok_or_else(|| bad("it has no `data`".into()))?;
        if data.result_type != "matrix" {
            return Err(bad(format!(
                "the result is a `{}`, not the `matrix` of a range query (`/api/v1/query_range`)",
                data.result_type
            )));
        }
        let [series] = data.result.as_slice() else {
            return Err(bad(format!(
                "it holds {} series; KEDA's query must give exactly one (aggregate it, with `sum(…)` say)",
                data.result.len()
            )));
        };
        let Some(&(start, _)) = series.values.first() else {
            return Err(bad("its series has no sample".into()));
        };
        let spacing = series
            .values
            .windows(2)
            .map(|w| w[1].0 - w[0].0)
            .fold(f64::INFINITY, f64::min);
        let mut points: Vec<TracePoint> = Vec::with_capacity(series.values.len());
        for (i, (time, value)) in series.values.iter().enumerate() {
            if !time.is_finite() || i > 0 && *time <= series.values[i - 1].0 {
                return Err(bad(format!(
                    "sample {i}: times must increase, but {time} follows the one before"
                )));
            }
            let t = time - start;
            if let Some(last) = points.last()
                && spacing.is_finite()
                && t - last.t > 1.5 * spacing
            {
                points.push(TracePoint {
                    t: last.t + spacing,
                    value: None,
                });
            }
            let value = match value.as_str() {
                "NaN" => f64::NAN,
                "+Inf" => f64::INFINITY,
                "-Inf" => f64::NEG_INFINITY,
                text => text
                    .parse::<f64>()
                    .map_err(|_| bad(format!("sample {i}: `{text}` is not a number")))?,
            };
            points.push(TracePoint {
                t,
                value: Some(value),
            });
            if points.len() as u64 > MAX_TABLE_POINTS {
                return Err(TraceError::TooManyRows {
                    line: i + 1,
                    max: MAX_TABLE_POINTS,
                });
            }
        }
        Ok(MetricTrace { points })
    }

    /// The query's result at `t`: the last sample at or before `t`, held until the next; `None` before the first
    /// sample (nothing recorded yet reads as an empty result).
    #[must_use]
    pub fn value_at(&self, t: f64) -> Option<f64> {
        let index = self.points.partition_point(|point| point.t <= t);
        index
            .checked_sub(1)
            .and_then(|i| self.points.get(i))
            .and_then(|point| point.value)
    }
}

/// One point of a request-rate table.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RatePoint {
    /// Seconds from the start of the scenario.
    pub t: f64,
    /// Requests per second.
    pub rps: f64,
}

/// Reads a `t,rps` table for [`RateProfile::Table`]: rates from 0 to [`MAX_RPS`], at most [`MAX_TABLE_POINTS`]
/// rows and [`MAX_CSV_BYTES`] bytes.
///
/// # Errors
///
/// A [`TraceError`] naming the first bad line.
pub fn parse_rate_csv(text: &str) -> Result<Vec<RatePoint>, TraceError> {
    let rows = parse_rows(text)?;
    let mut points = Vec::with_capacity(rows.len());
    for row in rows {
        match row.value {
            Some(rps) if rps.is_finite() && (0.0..=MAX_RPS).contains(&rps) => {
                points.push(RatePoint { t: row.t, rps });
            }
            _ => {
                return Err(TraceError::at(
                    row.line,
                    format!(
                        "the rate at t = {} must be a number of requests per second from 0 to {MAX_RPS}",
                        row.t
                    ),
                ));
            }
        }
    }
    Ok(points)
}

// ---------------------------------------------------------------------------------------------------------------
// Traffic
// ---------------------------------------------------------------------------------------------------------------

/// How requests arrive over time in an open loop, in requests per second.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RateProfile {
    /// The same rate throughout.
    Constant {
        /// Requests per second.
        rps: f64,
    },
    /// One rate, then another from `at_seconds` on.
    Step {
        /// Rate before the step.
        before_rps: f64,
        /// Rate from the step on.
        after_rps: f64,
        /// When the step happens.
        at_seconds: f64,
    },
    /// A linear change between two times, flat before and after.
    Ramp {
        /// Rate up to `start_seconds`.
        from_rps: f64,
        /// Rate from `end_seconds` on.
        to_rps: f64,
        /// When the ramp starts.
        start_seconds: f64,
        /// When it ends.
        end_seconds: f64,
    },
    /// A daily cycle: `mean + amplitude × cos(2π (t − peak) / period)`, never below 0.
    Diurnal {
        /// The average rate.
        mean_rps: f64,
        /// Half the difference between peak and trough.
        amplitude_rps: f64,
        /// Length of a cycle (86 400 s for a day).
        period_seconds: f64,
        /// When the first peak happens.
        peak_at_seconds: f64,
    },
    /// A base rate with one burst.
    Spike {
        /// Rate outside the burst.
        base_rps: f64,
        /// Rate during the burst.
        peak_rps: f64,
        /// When the burst starts.
        start_seconds: f64,
        /// How long it lasts.
        duration_seconds: f64,
    },
    /// A table of `(t, rps)` points, interpolated linearly and held flat outside its range.
    Table {
        /// The points, by increasing time (see [`parse_rate_csv`]).
        points: Vec<RatePoint>,
    },
}

impl RateProfile {
    /// The mean request rate at `t`, never negative.
    #[must_use]
    pub fn rate_at(&self, t: f64) -> f64 {
        let rate = match self {
            RateProfile::Constant { rps } => *rps,
            RateProfile::Step {
                before_rps,
                after_rps,
                at_seconds,
            } => {
                if t < *at_seconds {
                    *before_rps
                } else {
                    *after_rps
                }
            }
            RateProfile::Ramp {
                from_rps,
                to_rps,
                start_seconds,
                end_seconds,
            } => {
                if t <= *start_seconds {
                    *from_rps
                } else if t >= *end_seconds {
                    *to_rps
                } else {
                    let span = end_seconds - start_seconds;
                    from_rps + (to_rps - from_rps) * (t - start_seconds) / span
                }
            }
            RateProfile::Diurnal {
                mean_rps,
                amplitude_rps,
                period_seconds,
                peak_at_seconds,
            } => {
                let phase = std::f64::consts::TAU * (t - peak_at_seconds) / period_seconds;
                mean_rps + amplitude_rps * phase.cos()
            }
            RateProfile::Spike {
                base_rps,
                peak_rps,
                start_seconds,
                duration_seconds,
            } => {
                if t >= *start_seconds && t < start_seconds + duration_seconds {
                    *peak_rps
                } else {
                    *base_rps
                }
            }
            RateProfile::Table { points } => table_rate(points, t),
        };
        if rate.is_finite() { rate.max(0.0) } else { 0.0 }
    }

    /// Checks the parameters against their bounds: rates from 0 to [`MAX_RPS`], times within
    /// ±[`MAX_DURATION_SECONDS`], periods positive, a table's times from 0 and increasing, at most
    /// [`MAX_TABLE_POINTS`] of them. `at` is the profile's JSON pointer in the scenario (`/load/rate`).
    ///
    /// # Errors
    ///
    /// The first field out of its bound.
    pub fn validate(&self, at: &str) -> Result<(), ScenarioError> {
        let rate = |name: &str, value: f64| {
            check(
                &format!("{at}/{name}"),
                value,
                Range::between(0u64, MAX_RPS, Unit::RequestsPerSecond),
            )
        };
        let time = |name: &str, value: f64| {
            check(
                &format!("{at}/{name}"),
                value,
                Range::between(-MAX_DURATION, MAX_DURATION, Unit::Seconds),
            )
        };
        match self {
            RateProfile::Constant { rps } => rate("rps", *rps),
            RateProfile::Step {
                before_rps,
                after_rps,
                at_seconds,
            } => {
                rate("before_rps", *before_rps)?;
                rate("after_rps", *after_rps)?;
                time("at_seconds", *at_seconds)
            }
            RateProfile::Ramp {
                from_rps,
                to_rps,
                start_seconds,
                end_seconds,
            } => {
                rate("from_rps", *from_rps)?;
                rate("to_rps", *to_rps)?;
                time("start_seconds", *start_seconds)?;
                time("end_seconds", *end_seconds)?;
                if end_seconds > start_seconds {
                    Ok(())
                } else {
                    Err(ScenarioError::RampBackwards {
                        field: format!("{at}/end_seconds"),
                        start: *start_seconds,
                        end: *end_seconds,
                    })
                }
            }
            RateProfile::Diurnal {
                mean_rps,
                amplitude_rps,
                period_seconds,
                peak_at_seconds,
            } => {
                rate("mean_rps", *mean_rps)?;
                rate("amplitude_rps", *amplitude_rps)?;
                check(
                    &format!("{at}/period_seconds"),
                    *period_seconds,
                    Range::positive_up_to(MAX_DURATION_SECONDS, Unit::Seconds),
                )?;
                time("peak_at_seconds", *peak_at_seconds)
            }
            RateProfile::Spike {
                base_rps,
                peak_rps,
                start_seconds,
                duration_seconds,
            } => {
                rate("base_rps", *base_rps)?;
                rate("peak_rps", *peak_rps)?;
                time("start_seconds", *start_seconds)?;
                check(
                    &format!("{at}/duration_seconds"),
                    *duration_seconds,
                    seconds_range(),
                )
            }
            RateProfile::Table { points } => {
                let at = format!("{at}/points");
                table_size(&at, points.len())?;
                let mut previous: Option<f64> = None;
                for (index, point) in points.iter().enumerate() {
                    let here = format!("{at}/{index}");
                    check(&format!("{here}/t"), point.t, seconds_range())?;
                    check(
                        &format!("{here}/rps"),
                        point.rps,
                        Range::between(0u64, MAX_RPS, Unit::RequestsPerSecond),
                    )?;
                    increasing(&here, previous, point.t)?;
                    previous = Some(point.t);
                }
                Ok(())
            }
        }
    }
}

/// [`MAX_DURATION_SECONDS`] as a float bound (exact: it is far below 2^53).
#[allow(clippy::cast_precision_loss)]
const MAX_DURATION: f64 = MAX_DURATION_SECONDS as f64;

/// A table has at least one point and at most [`MAX_TABLE_POINTS`].
fn table_size(at: &str, points: usize) -> Result<(), ScenarioError> {
    let points = u64::try_from(points).unwrap_or(u64::MAX);
    if points == 0 {
        return Err(ScenarioError::Empty {
            field: at.to_owned(),
        });
    }
    if points > MAX_TABLE_POINTS {
        return Err(ScenarioError::TooManyPoints {
            field: at.to_owned(),
            points,
            max: MAX_TABLE_POINTS,
        });
    }
    Ok(())
}

/// `t` follows `previous` strictly.
fn increasing(at: &str, previous: Option<f64>, t: f64) -> Result<(), ScenarioError> {
    match previous {
        Some(previous) if t.partial_cmp(&previous) != Some(std::cmp::Ordering::Greater) => {
            Err(ScenarioError::NotIncreasing {
                field: format!("{at}/t"),
                t,
                previous,
            })
        }
        _ => Ok(()),
    }
}

/// Linear interpolation in a rate table, flat outside it.
fn table_rate(points: &[RatePoint], t: f64) -> f64 {
    let index = points.partition_point(|point| point.t <= t);
    match (
        index.checked_sub(1).and_then(|i| points.get(i)),
        points.get(index),
    ) {
        (None, Some(first)) => first.rps,
        (Some(last), None) => last.rps,
        (Some(a), Some(b)) => a.rps + (b.rps - a.rps) * (t - a.t) / (b.t - a.t),
        (None, None) => 0.0,
    }
}

/// The size of requests, in tokens, as llmperf describes them.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(default, deny_unknown_fields)]
pub struct RequestShape {
    /// Mean prompt length (`--mean-input-tokens`).
    pub mean_input_tokens: f64,
    /// Its standard deviation (`--stddev-input-tokens`).
    pub stddev_input_tokens: f64,
    /// Mean completion length (`--mean-output-tokens`).
    pub mean_output_tokens: f64,
    /// Its standard deviation (`--stddev-output-tokens`).
    pub stddev_output_tokens: f64,
}

impl Default for RequestShape {
    /// The load test of OCI AI Blueprints' autoscaling guide: 512 tokens in, 512 out, standard deviation 10.
    fn default() -> Self {
        RequestShape {
            mean_input_tokens: 512.0,
            stddev_input_tokens: 10.0,
            mean_output_tokens: 512.0,
            stddev_output_tokens: 10.0,
        }
    }
}

impl RequestShape {
    /// Checks that the means are from 1 to [`MAX_TOKENS`] tokens and the deviations from 0 to [`MAX_TOKENS`].
    /// `at` is the shape's JSON pointer in the scenario (`/load/requests`).
    ///
    /// # Errors
    ///
    /// The first field out of its bound.
    pub fn validate(&self, at: &str) -> Result<(), ScenarioError> {
        for (name, value, min) in [
            ("mean_input_tokens", self.mean_input_tokens, 1u64),
            ("stddev_input_tokens", self.stddev_input_tokens, 0),
            ("mean_output_tokens", self.mean_output_tokens, 1),
            ("stddev_output_tokens", self.stddev_output_tokens, 0),
        ] {
            check(
                &format!("{at}/{name}"),
                value,
                Range::between(min, MAX_TOKENS, Unit::Tokens),
            )?;
        }
        Ok(())
    }
}

/// What drives the scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum Load {
    /// The query's value itself, replayed (no traffic, no latencies).
    MetricTrace {
        /// The recorded values.
        trace: MetricTrace,
    },
    /// Requests arriving at a rate, whatever the service does.
    OpenLoop {
        /// The rate over time.
        rate: RateProfile,
        /// The size of each request.
        #[serde(default)]
        requests: RequestShape,
    },
    /// A fixed number of clients, each sending its next request when the previous one is answered.
    ClosedLoop {
        /// Concurrent clients (`--num-concurrent-requests`).
        clients: u32,
        /// The size of each request.
        #[serde(default)]
        requests: RequestShape,
        /// Stop sending once this many requests were sent (`--max-num-completed-requests`); `None` runs to the
        /// end of the scenario.
        #[serde(default)]
        max_requests: Option<u64>,
        /// Seconds a client waits between an answer and its next request.
        #[serde(default)]
        think_time_seconds: f64,
    },
}

impl Load {
    /// The closed loop of OCI AI Blueprints' autoscaling guide: llmperf with 30 concurrent clients, 512/512
    /// tokens (standard deviation 10) and 3000 requests.
    #[must_use]
    pub fn llmperf_example() -> Self {
        Load::ClosedLoop {
            clients: 30,
            requests: RequestShape::default(),
            max_requests: Some(3000),
            think_time_seconds: 0.0,
        }
    }

    /// Checks the load's parameters against their bounds (see [`super::scenario`] for each cap).
    ///
    /// # Errors
    ///
    /// The first field out of its bound, as a JSON pointer under `/load`.
    pub fn validate(&self) -> Result<(), ScenarioError> {
        match self {
            Load::MetricTrace { trace } => {
                let at = "/load/trace/points";
                table_size(at, trace.points.len())?;
                let mut previous: Option<f64> = None;
                for (index, point) in trace.points.iter().enumerate() {
                    let here = format!("{at}/{index}");
                    check(&format!("{here}/t"), point.t, seconds_range())?;
                    increasing(&here, previous, point.t)?;
                    previous = Some(point.t);
                }
                Ok(())
            }
            Load::OpenLoop { rate, requests } => {
                rate.validate("/load/rate")?;
                requests.validate("/load/requests")
            }
            Load::ClosedLoop {
                clients,
                requests,
                max_requests,
                think_time_seconds,
            } => {
                check(
                    "/load/clients",
                    *clients,
                    Range::between(1u64, MAX_CLIENTS, Unit::Clients),
                )?;
                if let Some(max) = max_requests {
                    check(
                        "/load/max_requests",
                        *max,
                        Range::at_most(MAX_EXACT_INTEGER, Unit::Requests),
                    )?;
                }
                check(
                    "/load/think_time_seconds",
                    *think_time_seconds,
                    seconds_range(),
                )?;
                requests.validate("/load/requests")
            }
        }
    }

    /// The points of a rate table or a trace that the simulation never uses: how many, and the time of the first.
    /// A trace is read at every step before `duration_seconds`, so its points from `duration_seconds` on are
    /// never read; a rate table's first point at or after the end still sets the rate before it (by
    /// interpolation, or flat when it is the first point), so only the points after that one are unused.
    #[must_use]
    pub fn points_past(&self, duration_seconds: u64) -> Option<(u64, f64)> {
        #[allow(clippy::cast_precision_loss)]
        let end = duration_seconds as f64;
        let (times, used_past_end): (Vec<f64>, usize) = match self {
            Load::MetricTrace { trace } => (trace.points.iter().map(|p| p.t).collect(), 0),
            Load::OpenLoop {
                rate: RateProfile::Table { points },
                ..
            } => (points.iter().map(|p| p.t).collect(), 1),
            _ => return None,
        };
        let first = times.iter().position(|t| *t >= end)? + used_past_end;
        let t = *times.get(first)?;
        Some((u64::try_from(times.len() - first).unwrap_or(u64::MAX), t))
    }
}

/// The open loop's rate at `t`, for consecutive steps of `dt` (see [`Phase`]).
fn open_rate(phase_state: &mut Option<Phase>, rate: &RateProfile, t: f64, dt: f64) -> f64 {
    let RateProfile::Diurnal {
        mean_rps,
        amplitude_rps,
        period_seconds,
        peak_at_seconds,
    } = rate
    else {
        return rate.rate_at(t);
    };
    let angle = |t: f64| std::f64::consts::TAU * (t - peak_at_seconds) / period_seconds;
    let phase = match *phase_state {
        Some(p) if p.dt == dt && p.t + dt == t && p.steps < Phase::REANCHOR_STEPS => Phase {
            t,
            cos: p.cos * p.step_cos - p.sin * p.step_sin,
            sin: p.sin * p.step_cos + p.cos * p.step_sin,
            steps: p.steps + 1,
            ..p
        },
        _ => {
            let (sin, cos) = angle(t).sin_cos();
            let (step_sin, step_cos) = (std::f64::consts::TAU * dt / period_seconds).sin_cos();
            Phase {
                t,
                dt,
                cos,
                sin,
                step_cos,
                step_sin,
                steps: 0,
            }
        }
    };
    *phase_state = Some(phase);
    let value = mean_rps + amplitude_rps * phase.cos;
    if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    }
}

/// A batch of requests that arrive together and share a size: one request in a closed loop, the arrivals of one
/// step at one replica in an open loop.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Arrival {
    /// How many requests.
    pub count: u32,
    /// When they arrive, in seconds.
    pub at: f64,
    /// Prompt tokens of each.
    pub input_tokens: f64,
    /// Completion tokens of each.
    pub output_tokens: f64,
}

/// Issues requests step by step for a [`Load`]: the open loop's Poisson arrivals, the closed loop's clients.
#[derive(Clone, Debug)]
pub struct TrafficSource {
    kind: SourceKind,
    shape: RequestShape,
    rng: Rng,
    /// Requests sent so far.
    pub sent: u64,
    phase: Option<Phase>,
}

/// The diurnal profile's phase at the last step, advanced by a rotation instead of a cosine per step; it is
/// re-anchored with a direct cosine every [`Phase::REANCHOR_STEPS`] steps, so rounding never accumulates.
#[derive(Clone, Copy, Debug)]
struct Phase {
    t: f64,
    dt: f64,
    cos: f64,
    sin: f64,
    step_cos: f64,
    step_sin: f64,
    steps: u32,
}

impl Phase {
    const REANCHOR_STEPS: u32 = 3600;
}

/// A closed-loop client waiting to send: when it may, and the order of its answer (which breaks ties).
#[derive(Clone, Copy, Debug)]
struct Due {
    at: f64,
    order: u64,
}

impl PartialEq for Due {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Due {}

impl PartialOrd for Due {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Due {
    fn cmp(&self, other: &Self) -> Ordering {
        self.at
            .total_cmp(&other.at)
            .then(self.order.cmp(&other.order))
    }
}

#[derive(Clone, Debug)]
enum SourceKind {
    None,
    Open(RateProfile),
    Closed {
        clients: u32,
        max_requests: Option<u64>,
        think_time_seconds: f64,
        /// Clients due to send, by when they may (answers plus think time), then in the order they were answered.
        due: BinaryHeap<Reverse<Due>>,
        /// Answers so far, which orders clients due at the same time.
        answers: u64,
        /// Room for the clients of one step, sent in the order they were answered.
        sending: Vec<Due>,
        started: bool,
    },
}

impl TrafficSource {
    /// A source for `load`, seeded with `seed`.
    #[must_use]
    pub fn new(load: &Load, seed: u64) -> Self {
        let (kind, shape) = match load {
            Load::MetricTrace { .. } => (SourceKind::None, RequestShape::default()),
            Load::OpenLoop { rate, requests } => (SourceKind::Open(rate.clone()), *requests),
            Load::ClosedLoop {
                clients,
                requests,
                max_requests,
                think_time_seconds,
            } => (
                SourceKind::Closed {
                    clients: *clients,
                    max_requests: *max_requests,
                    think_time_seconds: *think_time_seconds,
                    due: BinaryHeap::new(),
                    answers: 0,
                    sending: Vec::new(),
                    started: false,
                },
                *requests,
            ),
        };
        TrafficSource {
            kind,
            shape,
            rng: Rng::new(seed),
            sent: 0,
            phase: None,
        }
    }

    /// What the load is at `t`: requests per second in an open loop, clients in a closed loop, 0 for a trace.
    #[must_use]
    pub fn level(&self, t: f64) -> f64 {
        match &self.kind {
            SourceKind::None => 0.0,
            SourceKind::Open(rate) => rate.rate_at(t),
            SourceKind::Closed { clients, .. } => f64::from(*clients),
        }
    }

    /// Whether no request will ever be sent again.
    #[must_use]
    pub fn exhausted(&self) -> bool {
        match &self.kind {
            SourceKind::None => true,
            SourceKind::Open(_) => false,
            SourceKind::Closed { max_requests, .. } => {
                max_requests.is_some_and(|max| self.sent >= max)
            }
        }
    }

    /// Tells a closed loop that `count` requests were answered at `at`, so their clients send again.
    pub fn answered(&mut self, count: u32, at: f64) {
        if let SourceKind::Closed {
            due,
            answers,
            think_time_seconds,
            ..
        } = &mut self.kind
        {
            for _ in 0..count {
                due.push(Reverse(Due {
                    at: at + *think_time_seconds,
                    order: *answers,
                }));
                *answers += 1;
            }
        }
    }

    /// Tells a closed loop that `count` requests failed at `at` (their replica went away): the clients send again,
    /// as a load generator that records the error and moves on does.
    pub fn failed(&mut self, count: u32, at: f64) {
        self.answered(count, at);
    }

    /// The requests sent during `[t, t + dt)`, with the open loop's arrivals as one batch of `count` requests
    /// (to be split across replicas) and each closed-loop request on its own.
    pub fn arrivals(&mut self, t: f64, dt: f64, out: &mut Vec<Arrival>) {
        if let SourceKind::Open(rate) = &self.kind {
            let mean = open_rate(&mut self.phase, rate, t + dt / 2.0, dt) * dt;
            let count = self.rng.poisson(mean);
            if count > 0 {
                let count = u32::try_from(count).unwrap_or(u32::MAX);
                let input = self.cohort_size(
                    self.shape.mean_input_tokens,
                    self.shape.stddev_input_tokens,
                    count,
                );
                let output = self.cohort_size(
                    self.shape.mean_output_tokens,
                    self.shape.stddev_output_tokens,
                    count,
                );
                self.sent += u64::from(count);
                out.push(Arrival {
                    count,
                    at: t + dt / 2.0,
                    input_tokens: input,
                    output_tokens: output,
                });
            }
            return;
        }
        match &mut self.kind {
            SourceKind::None | SourceKind::Open(_) => {}
            SourceKind::Closed {
                clients,
                max_requests,
                due,
                answers,
                sending,
                started,
                ..
            } => {
                if !*started {
                    *started = true;
                    for _ in 0..*clients {
                        due.push(Reverse(Due {
                            at: t,
                            order: *answers,
                        }));
                        *answers += 1;
                    }
                }
                // The clients due before the end of the step, taken from the heap (a cost per request sent,
                // not per client) and sent in the order they were answered.
                let end = t + dt;
                sending.clear();
                while due.peek().is_some_and(|Reverse(next)| next.at < end) {
                    if let Some(Reverse(next)) = due.pop() {
                        sending.push(next);
                    }
                }
                sending.sort_unstable_by_key(|client| client.order);
                for client in sending.iter() {
                    if max_requests.is_some_and(|max| self.sent >= max) {
                        break;
                    }
                    let input = self
                        .rng
                        .positive_int(self.shape.mean_input_tokens, self.shape.stddev_input_tokens);
                    let output = self.rng.positive_int(
                        self.shape.mean_output_tokens,
                        self.shape.stddev_output_tokens,
                    );
                    self.sent += 1;
                    out.push(Arrival {
                        count: 1,
                        at: client.at.max(t),
                        input_tokens: input as f64,
                        output_tokens: output as f64,
                    });
                }
            }
        }
    }

    /// The shared size of a batch of `count` requests: the mean of `count` llmperf draws, drawn at once as a
    /// normal with the standard deviation divided by √count, at least one token.
    fn cohort_size(&mut self, mean: f64, stddev: f64, count: u32) -> f64 {
        if count <= 1 {
            return self.rng.positive_int(mean, stddev) as f64;
        }
        let spread = stddev / f64::from(count).sqrt();
        (mean + spread * self.rng.approximate_normal()).max(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prometheus_range_answers_replay_as_traces() {
        let answer = r#"{"status":"success","data":{"resultType":"matrix","result":[
            {"metric":{"__name__":"x"},"values":[[1700000000,"0.5"],[1700000015,"NaN"],[1700000030,"2"],[1700000075,"+Inf"]]}]}}"#;
        let trace = MetricTrace::parse(answer).expect("a trace");
        let times: Vec<f64> = trace.points.iter().map(|p| p.t).collect();
        // The gap from 30 to 75 s (three steps of 15 s) is an empty result from 45 s on.
        assert_eq!(times, vec![0.0, 15.0, 30.0, 45.0, 75.0]);
        assert_eq!(trace.value_at(14.0), Some(0.5));
        assert!(trace.value_at(20.0).is_some_and(f64::is_nan));
        assert_eq!(trace.value_at(50.0), None);
        assert_eq!(trace.value_at(80.0), Some(f64::INFINITY));
        assert_eq!(MetricTrace::parse("0,1\n").expect("csv").points.len(), 1);
        for (text, says) in [
            (
                r#"{"status":"error","errorType":"bad_data","error":"parse error"}"#,
                "parse error",
            ),
            (
                r#"{"status":"success","data":{"resultType":"vector","result":[]}}"#,
                "`vector`",
            ),
            (
                r#"{"status":"success","data":{"resultType":"matrix","result":[]}}"#,
                "0 series",
            ),
            (
                r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[2,"1"],[1,"1"]]}]}}"#,
                "increase",
            ),
            (
                r#"{"status":"success","data":{"resultType":"matrix","result":[{"values":[[1,"x"]]}]}}"#,
                "`x`",
            ),
            ("{", "EOF"),
        ] {
            let error = MetricTrace::parse(text).expect_err(text).to_string();
            assert!(error.contains(says), "{text}: {error}");
        }
    }

    #[test]
    fn rng_is_deterministic_and_uniform_enough() {
        let mut a = Rng::new(7);
        let mut b = Rng::new(7);
        let draws: Vec<u64> = (0..5).map(|_| a.next_u64()).collect();
        assert_eq!(draws, (0..5).map(|_| b.next_u64()).collect::<Vec<_>>());
        assert_ne!(
            Rng::new(0).next_u64(),
            0,
            "seed 0 still gives a working state"
        );
        let mut rng = Rng::new(1);
        let mean = (0..10_000).map(|_| rng.next_f64()).sum::<f64>() / 10_000.0;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
    }

    #[test]
    fn poisson_and_sizes_have_the_right_mean() {
        let mut rng = Rng::new(3);
        for mean in [0.5, 4.0, 80.0] {
            let total: u64 = (0..4_000).map(|_| rng.poisson(mean)).sum();
            let got = total as f64 / 4_000.0;
            assert!(
                (got - mean).abs() < mean * 0.05 + 0.05,
                "mean {mean}: {got}"
            );
        }
        let sizes: Vec<u64> = (0..4_000).map(|_| rng.positive_int(512.0, 10.0)).collect();
        let mean = sizes.iter().sum::<u64>() as f64 / 4_000.0;
        assert!((mean - 512.0).abs() < 1.0, "{mean}");
        let variance = sizes
            .iter()
            .map(|&s| (s as f64 - mean).powi(2))
            .sum::<f64>()
            / 4_000.0;
        assert!((variance.sqrt() - 10.0).abs() < 0.5, "{variance}");
        let normals: Vec<f64> = (0..4_000).map(|_| rng.standard_normal()).collect();
        let spread = normals.iter().map(|x| x * x).sum::<f64>() / 4_000.0;
        assert!((spread - 1.0).abs() < 0.08, "{spread}");
        assert_eq!(rng.positive_int(5.0, 0.0), 5);
        assert_eq!(rng.poisson(0.0), 0);
    }

    #[test]
    fn metric_trace_holds_the_last_value() {
        let trace =
            MetricTrace::parse_csv("t,value\n# recorded\n0,0.0\n30,0.5\n\n60,\n90,NaN\n").unwrap();
        assert_eq!(trace.points.len(), 4);
        assert_eq!(trace.value_at(-1.0), None);
        assert_eq!(trace.value_at(0.0), Some(0.0));
        assert_eq!(trace.value_at(45.0), Some(0.5));
        assert_eq!(trace.value_at(60.0), None, "empty value: empty result");
        assert!(trace.value_at(100.0).is_some_and(f64::is_nan));
    }

    #[test]
    fn trace_errors_name_the_line() {
        let cases = [
            ("0,1\n0,2\n", 2),
            ("0,1\n5\n", 2),
            ("0,1,2\n", 1),
            ("t,v\nx,1\n", 2),
            ("0,abc\n", 1),
            ("", 1),
        ];
        for (text, line) in cases {
            let error = MetricTrace::parse_csv(text).unwrap_err();
            assert_eq!(error.line(), Some(line), "{text:?}: {error}");
        }
        assert!(parse_rate_csv("0,-1\n").is_err());
    }

    #[test]
    fn rate_value_errors_name_the_line_they_are_on() {
        // A header, a comment and a blank line before the bad value on line 6.
        let text = "t,rps\n# warm-up\n0,1\n\n10,2\n20,-3\n";
        let error = parse_rate_csv(text).unwrap_err();
        assert_eq!(error.line(), Some(6), "{error}");
        assert!(
            error.to_string().starts_with("line 6: the rate at t = 20"),
            "{error}"
        );
        let error = parse_rate_csv("0,1\n5,1e9\n").unwrap_err();
        assert_eq!(error.line(), Some(2), "{error}");
    }

    #[test]
    fn tables_are_bounded_in_bytes_and_rows() {
        let big = "0,1\n".repeat(MAX_CSV_BYTES / 4 + 1);
        assert!(matches!(
            MetricTrace::parse_csv(&big),
            Err(TraceError::TooLarge { .. })
        ));
        let rows: String = (0..=MAX_TABLE_POINTS).map(|t| format!("{t},1\n")).collect();
        assert!(rows.len() <= MAX_CSV_BYTES);
        let error = parse_rate_csv(&rows).unwrap_err();
        assert_eq!(
            error,
            TraceError::TooManyRows {
                line: usize::try_from(MAX_TABLE_POINTS).expect("fits") + 1,
                max: MAX_TABLE_POINTS
            }
        );
        let fits: String = (0..MAX_TABLE_POINTS).map(|t| format!("{t},1\n")).collect();
        assert!(parse_rate_csv(&fits).is_ok());
    }

    #[test]
    fn rate_profiles() {
        let step = RateProfile::Step {
            before_rps: 1.0,
            after_rps: 5.0,
            at_seconds: 60.0,
        };
        assert_eq!((step.rate_at(59.0), step.rate_at(60.0)), (1.0, 5.0));
        let ramp = RateProfile::Ramp {
            from_rps: 0.0,
            to_rps: 10.0,
            start_seconds: 100.0,
            end_seconds: 200.0,
        };
        assert_eq!(
            (ramp.rate_at(0.0), ramp.rate_at(150.0), ramp.rate_at(300.0)),
            (0.0, 5.0, 10.0)
        );
        let day = RateProfile::Diurnal {
            mean_rps: 4.0,
            amplitude_rps: 3.0,
            period_seconds: 86_400.0,
            peak_at_seconds: 43_200.0,
        };
        assert!((day.rate_at(43_200.0) - 7.0).abs() < 1e-9);
        assert!((day.rate_at(0.0) - 1.0).abs() < 1e-9);
        // The stepped rotation follows the cosine.
        let mut phase = None;
        for step in 0..20_000 {
            let t = f64::from(step) + 0.5;
            let stepped = open_rate(&mut phase, &day, t, 1.0);
            assert!((stepped - day.rate_at(t)).abs() < 1e-9, "t = {t}");
        }
        let spike = RateProfile::Spike {
            base_rps: 1.0,
            peak_rps: 9.0,
            start_seconds: 10.0,
            duration_seconds: 5.0,
        };
        assert_eq!((spike.rate_at(12.0), spike.rate_at(15.0)), (9.0, 1.0));
        let table = RateProfile::Table {
            points: parse_rate_csv("t,rps\n0,2\n10,4\n").unwrap(),
        };
        assert_eq!(
            (table.rate_at(-5.0), table.rate_at(5.0), table.rate_at(50.0)),
            (2.0, 3.0, 4.0)
        );
        assert!(
            RateProfile::Diurnal {
                mean_rps: 1.0,
                amplitude_rps: 1.0,
                period_seconds: 0.0,
                peak_at_seconds: 0.0
            }
            .validate("/load/rate")
            .is_err()
        );
    }

    #[test]
    fn closed_loop_sends_one_request_per_free_client_up_to_the_limit() {
        let load = Load::ClosedLoop {
            clients: 3,
            requests: RequestShape::default(),
            max_requests: Some(4),
            think_time_seconds: 0.0,
        };
        let mut source = TrafficSource::new(&load, 1);
        let mut out = Vec::new();
        source.arrivals(0.0, 1.0, &mut out);
        assert_eq!(out.len(), 3);
        out.clear();
        source.arrivals(1.0, 1.0, &mut out);
        assert!(out.is_empty(), "no answer yet");
        source.answered(2, 1.5);
        source.arrivals(2.0, 1.0, &mut out);
        assert_eq!(out.len(), 1, "the limit of 4 requests");
        assert!(source.exhausted());
    }
}
