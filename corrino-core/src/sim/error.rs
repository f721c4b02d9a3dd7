//! Why a simulation could not run, and why a scenario is refused.
//!
//! A scenario is untrusted input, read from JSON in every face (the CLI's `--scenario` file, Python's dict,
//! JavaScript's object). [`ScenarioError`] says which field is wrong (a JSON pointer into the scenario), what it
//! holds and the bound it breaks, so that every face shows the same words and a program can read the parts.

use std::fmt;

use serde::Serialize;

use super::cluster_autoscaler::TimingError;

/// Why a simulation could not run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum SimError {
    /// The plan has no pod autoscaling: there is nothing to simulate.
    #[error("the recipe has no pod autoscaling (`recipe_pod_autoscaling_params`) to simulate")]
    NoPodAutoscaling,
    /// A deployment group in which more than one member scales pods: which to simulate is the caller's choice.
    #[error(
        "{} members of the group scale pods ({}); simulate their recipes one by one",
        members.len(),
        members.join(", ")
    )]
    SeveralAutoscaledMembers {
        /// The members' deployment names.
        members: Vec<String>,
    },
    /// The plan has no capacity plan (not a GPU workload, or its shape is unknown).
    #[error("the recipe has no GPU capacity plan (unknown shape, or no GPUs per replica)")]
    NoCapacity,
    /// A replica needs more than one node of the shape.
    #[error("a replica does not fit on one {shape} node")]
    ReplicaDoesNotFit {
        /// The node shape.
        shape: String,
    },
    /// The plan scales beyond what the simulator runs (see [`super::scenario::MAX_SIMULATED_REPLICAS`]).
    #[error("`{field}` is {value}; the simulator runs at most {max} {what}")]
    PlanTooLarge {
        /// The recipe's field, as a JSON pointer into the (member) recipe.
        field: String,
        /// Its value.
        value: u64,
        /// The most the simulator runs.
        max: u64,
        /// `replicas`, `nodes`, or pods per group.
        what: &'static str,
    },
    /// The run would step more replicas for longer than [`super::scenario::MAX_REPLICA_STEPS`] allows.
    #[error(
        "the run would step up to {replicas} replicas (`max_replicas`) {steps} times (`duration_seconds / step_seconds`): {} replica-steps, at most {max}; simulate at most {longest_duration_seconds} s at this step",
        replicas.saturating_mul(*steps)
    )]
    TooMuchWork {
        /// The recipe's `max_replicas`.
        replicas: u64,
        /// The steps of the run.
        steps: u64,
        /// [`super::scenario::MAX_REPLICA_STEPS`].
        max: u64,
        /// The longest run that fits, seconds.
        longest_duration_seconds: u64,
    },
    /// The scaling query is outside what the simulator evaluates.
    #[error("the scaling query cannot be simulated: {reason}")]
    UnsupportedQuery {
        /// The query.
        query: String,
        /// Why.
        reason: String,
    },
    /// The trigger or metric has no value the simulator can compute, and the scenario replays none.
    #[error(
        "{what} has no value the simulator can compute: replay recorded values with a metric trace (`--metric-trace FILE`, a scenario load of kind `metric-trace`)"
    )]
    MetricTraceNeeded {
        /// Where the trigger or metric is, as a JSON pointer into the input.
        at: String,
        /// The trigger or metric, in words.
        what: String,
    },
    /// The objects a recipe renders to cannot be read back as a deployment (a bug: rendering and reading disagree).
    #[error("the rendered objects cannot be simulated: {0}")]
    Deployment(crate::diagnostic::Diagnostics),
    /// The scenario breaks one of its bounds.
    #[error("bad scenario: {0}")]
    BadScenario(#[from] ScenarioError),
    /// A Cluster Autoscaler timing key is not a duration.
    #[error(transparent)]
    BadTiming(#[from] TimingError),
}

/// A scenario field that breaks its bound. `field` is a JSON pointer into the scenario (`/load/clients`,
/// `/load/rate/points/3/rps`).
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum ScenarioError {
    /// A number outside its range.
    #[error("`{field}` is {value}: it must be {range}")]
    OutOfRange {
        /// Where.
        field: String,
        /// What it holds.
        value: Number,
        /// What it may hold.
        range: Range,
    },
    /// A controller interval that is not a whole number of simulation steps.
    #[error(
        "`{field}` is {value} s: it must be a positive multiple of `step_seconds` ({step_seconds} s)"
    )]
    NotAMultiple {
        /// Where.
        field: String,
        /// What it holds, seconds.
        value: u64,
        /// The step, seconds.
        step_seconds: u64,
    },
    /// A table whose times do not increase.
    #[error("`{field}`: times must increase, but {t} follows {previous}")]
    NotIncreasing {
        /// The point that does not follow its predecessor.
        field: String,
        /// Its time, seconds.
        t: f64,
        /// The time before it, seconds.
        previous: f64,
    },
    /// A ramp that ends before it starts.
    #[error("`{field}` is {end}: a ramp must end after it starts ({start})")]
    RampBackwards {
        /// Where (`…/end_seconds`).
        field: String,
        /// `start_seconds`.
        start: f64,
        /// `end_seconds`.
        end: f64,
    },
    /// A table with no point.
    #[error("`{field}` has no point")]
    Empty {
        /// Where.
        field: String,
    },
    /// A table with more points than [`super::scenario::MAX_TABLE_POINTS`].
    #[error("`{field}` has {points} points; at most {max} are read")]
    TooManyPoints {
        /// Where.
        field: String,
        /// How many it has.
        points: u64,
        /// The most allowed.
        max: u64,
    },
    /// A timeline with more rows than [`super::scenario::MAX_TIMELINE_ROWS`].
    #[error(
        "`/sample_interval_seconds` is {sample_interval_seconds} s over {duration_seconds} s: {rows} timeline rows, at most {max} are recorded (a sample interval of at least {smallest_interval_seconds} s fits)"
    )]
    TooManyRows {
        /// `duration_seconds`.
        duration_seconds: u64,
        /// `sample_interval_seconds`.
        sample_interval_seconds: u64,
        /// The rows the timeline would have.
        rows: u64,
        /// The most allowed.
        max: u64,
        /// The shortest sample interval that fits.
        smallest_interval_seconds: u64,
    },
}

impl ScenarioError {
    /// The field, as a JSON pointer into the scenario (`/sample_interval_seconds` for [`Self::TooManyRows`]).
    #[must_use]
    pub fn field(&self) -> &str {
        match self {
            ScenarioError::OutOfRange { field, .. }
            | ScenarioError::NotAMultiple { field, .. }
            | ScenarioError::NotIncreasing { field, .. }
            | ScenarioError::RampBackwards { field, .. }
            | ScenarioError::Empty { field }
            | ScenarioError::TooManyPoints { field, .. } => field,
            ScenarioError::TooManyRows { .. } => "/sample_interval_seconds",
        }
    }
}

/// A value as the scenario holds it: a whole number (kept exact up to `u64::MAX`) or any other number.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ScenarioNumber"))]
#[serde(untagged)]
pub enum Number {
    /// A whole number.
    Integer(u64),
    /// Any other number (`NaN` and infinities included, serialized as `null`).
    Float(f64),
}

impl fmt::Display for Number {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Number::Integer(value) => write!(f, "{value}"),
            // Very large or small numbers in scientific notation (`1e300`, not three hundred digits).
            Number::Float(value)
                if value.is_finite() && *value != 0.0 && !(1e-4..1e15).contains(&value.abs()) =>
            {
                write!(f, "{value:e}")
            }
            Number::Float(value) => write!(f, "{value}"),
        }
    }
}

impl From<u64> for Number {
    fn from(value: u64) -> Self {
        Number::Integer(value)
    }
}

impl From<u32> for Number {
    fn from(value: u32) -> Self {
        Number::Integer(u64::from(value))
    }
}

impl From<f64> for Number {
    fn from(value: f64) -> Self {
        Number::Float(value)
    }
}

/// What a number reads as, for the words of a bound.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ScenarioUnit"))]
#[serde(rename_all = "kebab-case")]
pub enum Unit {
    /// Seconds, written as days, hours or minutes when they divide evenly (`31 days`).
    Seconds,
    /// Requests per second.
    RequestsPerSecond,
    /// Clients of a closed loop.
    Clients,
    /// Tokens.
    Tokens,
    /// Tokens per second.
    TokensPerSecond,
    /// Replicas.
    Replicas,
    /// Nodes.
    Nodes,
    /// Sequences in a batch.
    Sequences,
    /// Requests.
    Requests,
    /// A plain number.
    Plain,
}

impl Unit {
    fn write(self, f: &mut fmt::Formatter<'_>, value: Number) -> fmt::Result {
        let suffix = match self {
            Unit::Seconds => return write_seconds(f, value),
            Unit::RequestsPerSecond => " requests per second",
            Unit::Clients => " clients",
            Unit::Tokens => " tokens",
            Unit::TokensPerSecond => " tokens per second",
            Unit::Replicas => " replicas",
            Unit::Nodes => " nodes",
            Unit::Sequences => " sequences",
            Unit::Requests => " requests",
            Unit::Plain => "",
        };
        write!(f, "{value}{suffix}")
    }
}

/// `86400` as `1 day`, `2678400` as `31 days`, `3600` as `1 hour`, `90` as `90 s`.
fn write_seconds(f: &mut fmt::Formatter<'_>, value: Number) -> fmt::Result {
    let seconds = match value {
        Number::Integer(seconds) => seconds,
        // A whole number of seconds written as a float (a bound of ±31 days on a time) reads the same way.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Number::Float(x) if x.fract() == 0.0 && x.abs() < 9e15 => {
            if x < 0.0 {
                f.write_str("-")?;
            }
            x.abs() as u64
        }
        Number::Float(_) => return write!(f, "{value} s"),
    };
    for (size, name) in [(86_400, "day"), (3600, "hour"), (60, "minute")] {
        if seconds >= size && seconds % size == 0 {
            let count = seconds / size;
            let plural = if count == 1 { "" } else { "s" };
            return write!(f, "{count} {name}{plural}");
        }
    }
    write!(f, "{seconds} s")
}

/// The values a field may hold: `min` (or more than `min` when `min_exclusive`) up to `max`, in `unit`.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "schema", schemars(rename = "ScenarioRange"))]
pub struct Range {
    /// The smallest value, if any.
    pub min: Option<Number>,
    /// Whether `min` itself is excluded (a positive number: more than 0).
    pub min_exclusive: bool,
    /// The largest value, if any.
    pub max: Option<Number>,
    /// What the numbers count.
    pub unit: Unit,
}

impl Range {
    /// `min` to `max`, both included.
    #[must_use]
    pub fn between(min: impl Into<Number>, max: impl Into<Number>, unit: Unit) -> Self {
        Range {
            min: Some(min.into()),
            min_exclusive: false,
            max: Some(max.into()),
            unit,
        }
    }

    /// More than 0, up to `max`.
    #[must_use]
    pub fn positive_up_to(max: impl Into<Number>, unit: Unit) -> Self {
        Range {
            min: Some(Number::Integer(0)),
            min_exclusive: true,
            max: Some(max.into()),
            unit,
        }
    }

    /// Up to `max`, no lower bound beyond the type's.
    #[must_use]
    pub fn at_most(max: impl Into<Number>, unit: Unit) -> Self {
        Range {
            min: None,
            min_exclusive: false,
            max: Some(max.into()),
            unit,
        }
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.min, self.max) {
            (Some(min), Some(max)) => {
                f.write_str(if self.min_exclusive {
                    "more than "
                } else {
                    "between "
                })?;
                // Seconds are written with their unit each time (`1 s and 31 days`), counts once at the end.
                if self.unit == Unit::Seconds {
                    self.unit.write(f, min)?;
                } else {
                    write!(f, "{min}")?;
                }
                f.write_str(if self.min_exclusive {
                    " and at most "
                } else {
                    " and "
                })?;
                self.unit.write(f, max)
            }
            (Some(min), None) => {
                f.write_str(if self.min_exclusive {
                    "more than "
                } else {
                    "at least "
                })?;
                self.unit.write(f, min)
            }
            (None, Some(max)) => {
                f.write_str("at most ")?;
                self.unit.write(f, max)
            }
            (None, None) => f.write_str("a finite number"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_of_scenario_error_is_documented() {
        let field = || "/x".to_owned();
        let every = [
            ScenarioError::OutOfRange {
                field: field(),
                value: Number::Integer(0),
                range: Range::at_most(1u64, Unit::Plain),
            },
            ScenarioError::NotAMultiple {
                field: field(),
                value: 3,
                step_seconds: 2,
            },
            ScenarioError::NotIncreasing {
                field: field(),
                t: 1.0,
                previous: 2.0,
            },
            ScenarioError::RampBackwards {
                field: field(),
                start: 2.0,
                end: 1.0,
            },
            ScenarioError::Empty { field: field() },
            ScenarioError::TooManyPoints {
                field: field(),
                points: 3,
                max: 2,
            },
            ScenarioError::TooManyRows {
                duration_seconds: 3,
                sample_interval_seconds: 1,
                rows: 3,
                max: 2,
                smallest_interval_seconds: 2,
            },
        ];
        let docs = include_str!("../../../docs/diagnostics.md");
        for error in every {
            let json = serde_json::to_value(&error).expect("json");
            let kind = json["kind"].as_str().expect("kind");
            assert!(
                docs.contains(&format!("| `{kind}` |")),
                "docs/diagnostics.md does not document the scenario error `{kind}`"
            );
        }
    }

    #[test]
    fn bounds_read_as_people_write_them() {
        let error = ScenarioError::OutOfRange {
            field: "/duration_seconds".into(),
            value: Number::Integer(0),
            range: Range::between(1u64, 31 * 86_400u64, Unit::Seconds),
        };
        assert_eq!(
            error.to_string(),
            "`/duration_seconds` is 0: it must be between 1 s and 31 days"
        );
        let error = ScenarioError::OutOfRange {
            field: "/load/clients".into(),
            value: Number::Integer(100_000_000),
            range: Range::between(1u64, 10_000u64, Unit::Clients),
        };
        assert_eq!(
            error.to_string(),
            "`/load/clients` is 100000000: it must be between 1 and 10000 clients"
        );
        let error = ScenarioError::OutOfRange {
            field: "/latency_bound_seconds".into(),
            value: Number::Float(-1.5),
            range: Range::positive_up_to(3600u64, Unit::Seconds),
        };
        assert_eq!(
            error.to_string(),
            "`/latency_bound_seconds` is -1.5: it must be more than 0 s and at most 1 hour"
        );
        assert_eq!(error.field(), "/latency_bound_seconds");
        let json = serde_json::to_value(&error).expect("json");
        assert_eq!(json["kind"], "out-of-range");
        assert_eq!(json["range"]["max"], 3600);
        assert_eq!(json["range"]["unit"], "seconds");
    }
}
