//! `${member.export}` references between the members of a deployment group, such as
//! `http://${vllm.internal_dns_name}/v1` in one member's environment. Validation checks that each names a member
//! and a value it exports; rendering replaces each with that value.
//!
//! Written by hand: the syntax is upstream's own, and a regex crate would be a dependency for one pattern.

use std::ops::Range;

use super::Recipe;
use crate::diagnostic::Pointer;

/// What a member can export to the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Export {
    /// Its public URL, from its Ingress: `https://<name>.<base domain>` (`http://` without TLS).
    ServiceUrl,
    /// Its name inside the cluster, from its Service: `recipe-<name>.<namespace>.svc`.
    InternalDnsName,
}

impl Export {
    /// Every export, in the order messages list them.
    pub const ALL: [Export; 2] = [Export::ServiceUrl, Export::InternalDnsName];

    /// The names recipes write, in the order of [`Export::ALL`].
    pub const NAMES: [&'static str; 2] = ["service_url", "internal_dns_name"];

    /// The name recipes write.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Export::ServiceUrl => "service_url",
            Export::InternalDnsName => "internal_dns_name",
        }
    }

    /// The export a recipe's text names, if any.
    #[must_use]
    pub fn parse(text: &str) -> Option<Export> {
        Export::ALL.into_iter().find(|e| e.as_str() == text)
    }
}

/// One `${member.export}` in a string.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference<'a> {
    /// Where it stands in the string, `${` to `}` included.
    pub range: Range<usize>,
    /// The member's name in the group.
    pub member: &'a str,
    /// What it asks of the member.
    pub export: &'a str,
}

/// A `${` that looks meant as a reference but is not read as one, so it reaches the container as written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Malformed {
    /// Where it stands in the string, from `${` to the `}` or to the end of the name.
    pub range: Range<usize>,
    /// What is wrong with it.
    pub problem: Problem,
    /// The reference it seems meant as, written as one: `${member.export}`.
    pub meant: String,
}

/// What keeps a `${…}` from being a reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Spaces inside the braces: `${ vllm.internal_dns_name }`.
    Spaces,
    /// No `}` closes it: `${vllm.internal_dns_name/v1`.
    Unterminated,
}

impl Problem {
    /// The problem in a few words, for messages.
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            Problem::Spaces => "it has spaces inside its braces",
            Problem::Unterminated => "no `}` closes it",
        }
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
}

/// `member.export`, when `inner` is that.
fn split_reference(inner: &str) -> Option<(&str, &str)> {
    inner
        .split_once('.')
        .filter(|(member, export)| is_name(member) && is_name(export))
}

/// The references of `text` and the `${` that look meant as references but are not, each in order.
///
/// One pass over the text: from each `${` it reads on to the first `}` or the next `${`, so that no byte is read
/// twice however the braces are placed (a search for `}` from each `${` would take quadratic time).
fn scan(text: &str) -> (Vec<Reference<'_>>, Vec<Malformed>) {
    let bytes = text.as_bytes();
    let (mut found, mut malformed) = (Vec::new(), Vec::new());
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|i| from + i) {
        let mut j = start + 2;
        while j < bytes.len()
            && bytes[j] != b'}'
            && !(bytes[j] == b'$' && bytes.get(j + 1) == Some(&b'{'))
        {
            j += 1;
        }
        let inner = &text[start + 2..j];
        if bytes.get(j) == Some(&b'}') {
            if let Some((member, export)) = split_reference(inner) {
                found.push(Reference {
                    range: start..j + 1,
                    member,
                    export,
                });
            } else if let Some((member, export)) = split_reference(inner.trim()) {
                malformed.push(Malformed {
                    range: start..j + 1,
                    problem: Problem::Spaces,
                    meant: format!("${{{member}.{export}}}"),
                });
            }
            from = j + 1;
        } else {
            // No `}` before the next `${` or the end: a reference meant here is the name that follows.
            let leading = inner.len() - inner.trim_start().len();
            let name_end = inner[leading..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')))
                .map_or(inner.len(), |i| leading + i);
            if let Some((member, export)) = split_reference(&inner[leading..name_end]) {
                malformed.push(Malformed {
                    range: start..start + 2 + name_end,
                    problem: Problem::Unterminated,
                    meant: format!("${{{member}.{export}}}"),
                });
            }
            from = j;
        }
    }
    (found, malformed)
}

/// Every reference in `text`, in order. `${…}` without a dot, or with characters no member name has, is left
/// alone: it is not a reference (shells and templating write `${VAR}` too).
#[must_use]
pub fn references(text: &str) -> Vec<Reference<'_>> {
    scan(text).0
}

/// Every `${` in `text` that looks meant as a reference but is not read as one: `${ member.export }` with spaces,
/// or `${member.export` with no closing brace. They reach the container as written.
#[must_use]
pub fn malformed_references(text: &str) -> Vec<Malformed> {
    scan(text).1
}

/// `text` with every reference that `value` resolves replaced by its value; the others are left as written.
#[must_use]
pub fn substitute(text: &str, value: impl Fn(&str, &str) -> Option<String>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for r in references(text) {
        if let Some(v) = value(r.member, r.export) {
            out.push_str(&text[last..r.range.start]);
            out.push_str(&v);
            last = r.range.end;
        }
    }
    out.push_str(&text[last..]);
    out
}

/// The strings of a member's recipe that reach its container, where references are resolved: environment values,
/// the command and its arguments. Each comes with its path inside the recipe.
#[must_use]
pub fn container_strings(recipe: &Recipe) -> Vec<(Pointer, String)> {
    let mut out = Vec::new();
    let root = Pointer::root();
    for (i, var) in recipe.recipe_container_env.iter().flatten().enumerate() {
        if let Some(value) = &var.value {
            out.push((
                root.key("recipe_container_env").index(i).key("value"),
                value.to_text(),
            ));
        }
    }
    for (key, list) in [
        ("recipe_container_command", &recipe.recipe_container_command),
        (
            "recipe_container_command_args",
            &recipe.recipe_container_command_args,
        ),
    ] {
        for (i, arg) in list.iter().flatten().enumerate() {
            out.push((root.key(key).index(i), arg.clone()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_references_and_leaves_other_braces_alone() {
        let text = "http://${vllm.internal_dns_name}/v1 ${HOME} ${a.b.c} ${x y.z} ${chroma-db.service_url}${";
        let found: Vec<(&str, &str, &str)> = references(text)
            .iter()
            .map(|r| (r.member, r.export, &text[r.range.clone()]))
            .collect();
        assert_eq!(
            found,
            [
                ("vllm", "internal_dns_name", "${vllm.internal_dns_name}"),
                ("chroma-db", "service_url", "${chroma-db.service_url}"),
            ]
        );
    }

    #[test]
    fn finds_references_meant_but_misspelled() {
        let text =
            "http://${ vllm.internal_dns_name }/v1 ${HOME} ${ HOME } ${chroma.service_url/x ${a.b}";
        let malformed = malformed_references(text);
        let found: Vec<(&str, Problem, &str)> = malformed
            .iter()
            .map(|m| (&text[m.range.clone()], m.problem, m.meant.as_str()))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "${ vllm.internal_dns_name }",
                    Problem::Spaces,
                    "${vllm.internal_dns_name}"
                ),
                (
                    "${chroma.service_url",
                    Problem::Unterminated,
                    "${chroma.service_url}"
                ),
            ]
        );
        assert_eq!(references(text).len(), 1);
        assert!(malformed_references("${a.b").len() == 1 && references("${a.b").is_empty());
    }

    #[test]
    fn scanning_takes_linear_time_whatever_the_braces() {
        // From each `${`, a search for `}` would read on to the one at the end: 10¹¹ steps here.
        let text = format!("{}}}", "${".repeat(300_000));
        assert!(references(&text).is_empty());
        let text = format!("{}a.b}}", "${".repeat(300_000));
        assert_eq!(references(&text).len(), 1);
    }

    #[test]
    fn substitutes_what_resolves_and_keeps_the_rest() {
        let value = |member: &str, export: &str| {
            (member == "vllm" && export == "internal_dns_name")
                .then(|| "recipe-vllm.default.svc".to_owned())
        };
        assert_eq!(
            substitute(
                "http://${vllm.internal_dns_name}/v1 ${db.internal_dns_name}",
                value
            ),
            "http://recipe-vllm.default.svc/v1 ${db.internal_dns_name}"
        );
        assert_eq!(substitute("no reference", value), "no reference");
    }
}
