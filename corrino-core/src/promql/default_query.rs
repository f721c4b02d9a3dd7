//! The default scaling query: the fraction of a deployment's requests slower than the latency bound.
//!
//! `1 - (sum(rate(<e2e>_bucket{le="<bound>",…}[<window>])) / sum(rate(<e2e>_bucket{le="+Inf",…}[<window>])))`.
//! The value is a ratio in [0, 1]. Without traffic it is NaN (0 / 0), and empty before vLLM exported anything; KEDA
//! reads both as 0 while its `ignoreNullValues` is on, the default.
//!
//! Which series belong to the deployment depends on how Prometheus scrapes vLLM ([`ScrapeMode`]): a static target
//! per Service carries `instance="recipe-<name>.<namespace>:80"` (upstream's setup); the pod annotations of the plain
//! Prometheus chart and the Prometheus Operator's monitors label series with `namespace` and the recipe label.

use std::fmt;

use super::{format_duration, is_plain_label_name, parse_duration_seconds, push_escaped};
use crate::manifest::ScrapeMode;
use crate::manifest::labels::{RECIPE_LABEL, prometheus_label_name};
use crate::manifest::service::DEFAULT_SERVICE_PORT;
use crate::recipe::CanonicalName;
use crate::vllm;

/// The query window upstream documents as the default for `collect_metrics_timespan` (`5m`), as a Prometheus
/// duration.
#[must_use]
pub fn default_window() -> String {
    format_duration(crate::autoscaling::defaults::COLLECT_METRICS_TIMESPAN_SECONDS)
}

/// The latency bound of the default query, in seconds: the service level the default query and the simulator
/// measure against.
pub const LATENCY_BOUND_SECONDS: f64 = 5.0;

/// [`LATENCY_BOUND_SECONDS`] spelled as vLLM spells the end-to-end latency bucket (`5.0`, not `5`: a bucket ratio
/// matches `le` as text). A test holds the two together.
pub const LATENCY_BOUND: &str = "5.0";

/// The default scaling query of one deployment: which series are its own, over what window, and which latency bound
/// counts as slow. [`Display`](fmt::Display) writes the PromQL text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DefaultQuery {
    /// Equality matchers selecting the deployment's series, in the order they are written (escaped when written).
    pub labels: Vec<(String, String)>,
    /// The `rate()` window, in seconds (the recipe's `collect_metrics_timespan`).
    pub window_seconds: u64,
    /// The latency bound, spelled as one of vLLM's `le` values.
    pub latency_bound: String,
}

/// Why [`DefaultQuery::from_text`] cannot build a query.
#[derive(Debug, thiserror::Error)]
pub enum DefaultQueryError {
    /// The name does not canonicalise into a usable deployment name.
    #[error("`{name}` cannot name a deployment (`{canonical}`: {reason})")]
    Name {
        /// The name given.
        name: String,
        /// Its canonical form.
        canonical: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The window is not a Prometheus duration.
    #[error("`{0}` is not a Prometheus duration")]
    Window(String),
}

impl DefaultQuery {
    /// The query of the deployment `name` in `namespace`, over `window_seconds`, selecting the series by the labels
    /// the scrape mode puts on them.
    #[must_use]
    pub fn for_deployment(
        name: &CanonicalName,
        namespace: &str,
        window_seconds: u64,
        scrape: ScrapeMode,
    ) -> Self {
        let labels = match scrape {
            ScrapeMode::None => vec![(
                "instance".into(),
                instance_label(&name.service_name(), namespace, DEFAULT_SERVICE_PORT),
            )],
            ScrapeMode::Annotations | ScrapeMode::PodMonitor | ScrapeMode::ServiceMonitor => vec![
                ("namespace".into(), namespace.to_owned()),
                (
                    prometheus_label_name(RECIPE_LABEL),
                    name.as_str().to_owned(),
                ),
            ],
        };
        DefaultQuery {
            labels,
            window_seconds,
            latency_bound: LATENCY_BOUND.to_owned(),
        }
    }

    /// [`DefaultQuery::for_deployment`] from text, as the bindings receive it: the deployment name as written
    /// (canonicalised here) and the window as a Prometheus duration.
    ///
    /// # Errors
    /// When the name cannot be canonicalised into a DNS label or the window is not a duration.
    pub fn from_text(
        name: &str,
        namespace: &str,
        window: &str,
        scrape: ScrapeMode,
    ) -> Result<Self, DefaultQueryError> {
        let canonical = CanonicalName::new(name).map_err(|e| DefaultQueryError::Name {
            name: name.to_owned(),
            canonical: e.canonical,
            reason: e.reason,
        })?;
        let seconds = parse_duration_seconds(window)
            .ok_or_else(|| DefaultQueryError::Window(window.to_owned()))?;
        Ok(Self::for_deployment(&canonical, namespace, seconds, scrape))
    }

    /// The default query that `text` is, exactly as [`Display`](fmt::Display) writes it (any labels, window and
    /// bound), or `None`. This is how the simulator knows that a deployed ScaledObject scales on the default query,
    /// which it evaluates on its own histograms, in builds without the PromQL parser too; so it is a small reader of
    /// this one form rather than a PromQL parse, and it accepts a text only if writing what it read gives the text
    /// back.
    #[must_use]
    pub fn recognize(text: &str) -> Option<Self> {
        let prefix = format!("1 - (sum(rate({}_bucket{{le=\"", vllm::E2E_REQUEST_LATENCY);
        let rest = text.strip_prefix(prefix.as_str())?;
        let (latency_bound, mut rest) = read_quoted(rest)?;
        let mut labels = Vec::new();
        while let Some(after) = rest.strip_prefix(',') {
            let (name, after) = if after.starts_with('"') {
                read_quoted(after.strip_prefix('"')?)?
            } else {
                let end = after.find('=')?;
                (after[..end].to_owned(), &after[end..])
            };
            let (value, after) = read_quoted(after.strip_prefix("=\"")?)?;
            labels.push((name, value));
            rest = after;
        }
        let rest = rest.strip_prefix("}[")?;
        let window = &rest[..rest.find(']')?];
        let query = DefaultQuery {
            labels,
            window_seconds: parse_duration_seconds(window)?,
            latency_bound,
        };
        (query.to_string() == text).then_some(query)
    }

    /// Whether the latency bound is one of the default end-to-end latency buckets (else the query reads nothing).
    #[must_use]
    pub fn latency_bound_is_bucket(&self) -> bool {
        vllm::REQUEST_LATENCY_BUCKETS.contains(&self.latency_bound.as_str())
    }

    /// One of the two selectors: the latency histogram's bucket `le` over the window.
    fn selector(&self, out: &mut String, le: &str) {
        out.push_str(vllm::E2E_REQUEST_LATENCY);
        out.push_str("_bucket{le=\"");
        push_escaped(out, le);
        out.push('"');
        for (name, value) in &self.labels {
            out.push(',');
            if is_plain_label_name(name) {
                out.push_str(name);
            } else {
                out.push('"');
                push_escaped(out, name);
                out.push('"');
            }
            out.push_str("=\"");
            push_escaped(out, value);
            out.push('"');
        }
        out.push_str("}[");
        out.push_str(&format_duration(self.window_seconds));
        out.push(']');
    }
}

impl fmt::Display for DefaultQuery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = String::with_capacity(256);
        out.push_str("1 - (sum(rate(");
        self.selector(&mut out, &self.latency_bound);
        out.push_str(")) / sum(rate(");
        self.selector(&mut out, "+Inf");
        out.push_str(")))");
        f.write_str(&out)
    }
}

/// A double-quoted PromQL string's content, from just after its opening quote: the unescaped text and what follows
/// the closing quote.
fn read_quoted(text: &str) -> Option<(String, &str)> {
    let mut out = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, &text[i + 1..])),
            '\\' => match chars.next()?.1 {
                'n' => out.push('\n'),
                'r' => out.push('\r'),
                't' => out.push('\t'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// The `instance` label of a Service scraped as a static target: `<service>.<namespace>:<port>`.
#[must_use]
pub fn instance_label(service: &str, namespace: &str, port: u16) -> String {
    format!("{service}.{namespace}:{port}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> CanonicalName {
        CanonicalName::new(text).expect("a valid name")
    }

    #[test]
    fn written_default_queries_are_recognized_and_nothing_else() {
        for scrape in [ScrapeMode::None, ScrapeMode::Annotations] {
            for window in [60, 300, 5400] {
                let q = DefaultQuery::for_deployment(&name("chat-a"), "team \"b\"", window, scrape);
                assert_eq!(DefaultQuery::recognize(&q.to_string()), Some(q));
            }
        }
        let odd = DefaultQuery {
            labels: vec![("app.kubernetes.io/name".to_string(), "v\\x".to_string())],
            window_seconds: 90,
            latency_bound: "10.0".into(),
        };
        assert_eq!(DefaultQuery::recognize(&odd.to_string()), Some(odd.clone()));
        let text = odd.to_string();
        for changed in [
            text.replace("[1m30s]", "[90s]"),
            text.replace("+Inf", "20.0"),
            format!("{text} * 2"),
            text.replace("sum(", "max("),
            String::new(),
            "sum(vllm:num_requests_waiting)".to_owned(),
        ] {
            assert_eq!(DefaultQuery::recognize(&changed), None, "{changed}");
        }
    }

    #[test]
    fn the_query_has_the_documented_form() {
        let q = DefaultQuery::for_deployment(&name("x"), "default", 300, ScrapeMode::None);
        assert_eq!(
            q.to_string(),
            r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0",instance="recipe-x.default:80"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",instance="recipe-x.default:80"}[5m])))"#
        );
        assert!(q.latency_bound_is_bucket());
    }

    #[test]
    fn the_query_follows_its_inputs() {
        let mut q = DefaultQuery::for_deployment(
            &name("autoscale_vllm_example"),
            "inference",
            60,
            ScrapeMode::None,
        );
        q.latency_bound = "10.0".to_string();
        assert_eq!(
            q.to_string(),
            r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="10.0",instance="recipe-autoscalevllmexample.inference:80"}[1m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",instance="recipe-autoscalevllmexample.inference:80"}[1m])))"#
        );

        let q = DefaultQuery::for_deployment(&name("llama"), "team-a", 300, ScrapeMode::PodMonitor);
        assert_eq!(
            q.to_string(),
            r#"1 - (sum(rate(vllm:e2e_request_latency_seconds_bucket{le="5.0",namespace="team-a",corrino_oci_recipe="llama"}[5m])) / sum(rate(vllm:e2e_request_latency_seconds_bucket{le="+Inf",namespace="team-a",corrino_oci_recipe="llama"}[5m])))"#
        );

        let odd = DefaultQuery {
            labels: vec![("app.kubernetes.io/name".to_string(), "v".to_string())],
            window_seconds: 300,
            latency_bound: LATENCY_BOUND.into(),
        };
        assert!(
            odd.to_string()
                .contains(r#","app.kubernetes.io/name"="v"}"#)
        );

        let mut off_bucket = q.clone();
        off_bucket.latency_bound = "5".to_string();
        assert!(!off_bucket.latency_bound_is_bucket());
    }

    #[test]
    fn text_arguments_are_checked() {
        let q = DefaultQuery::from_text("My Model", "default", "90s", ScrapeMode::Annotations)
            .expect("a query");
        assert_eq!(q.window_seconds, 90);
        assert!(
            q.to_string()
                .contains(r#"corrino_oci_recipe="my-model"}[1m30s]"#)
        );
        assert!(matches!(
            DefaultQuery::from_text("bad/name", "default", "5m", ScrapeMode::None),
            Err(DefaultQueryError::Name { .. })
        ));
        assert!(matches!(
            DefaultQuery::from_text("x", "default", "5 minutes", ScrapeMode::None),
            Err(DefaultQueryError::Window(_))
        ));
    }

    #[test]
    fn the_latency_bound_is_one_figure_and_a_bucket_of_vllm() {
        assert_eq!(LATENCY_BOUND.parse::<f64>(), Ok(LATENCY_BOUND_SECONDS));
        assert!(vllm::REQUEST_LATENCY_BUCKETS.contains(&LATENCY_BOUND));
        assert_eq!(default_window(), "5m");
    }
}
