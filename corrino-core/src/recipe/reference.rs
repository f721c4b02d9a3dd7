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

/// Every reference in `text`, in order. `${…}` without a dot, or with characters no member name has, is left
/// alone: it is not a reference (shells and templating write `${VAR}` too).
#[must_use]
pub fn references(text: &str) -> Vec<Reference<'_>> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(start) = text[from..].find("${").map(|i| from + i) {
        let Some(end) = text[start..].find('}').map(|i| start + i) else {
            break;
        };
        let inner = &text[start + 2..end];
        let is_name = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-'))
        };
        match inner.split_once('.') {
            Some((member, export)) if is_name(member) && is_name(export) => {
                found.push(Reference {
                    range: start..end + 1,
                    member,
                    export,
                });
                from = end + 1;
            }
            _ => from = start + 2,
        }
    }
    found
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
