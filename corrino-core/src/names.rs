//! Kubernetes' rules for names, label keys and label values, in one place: validation checks recipes with them
//! and rendering checks its options with them, so both refuse the same things the API server refuses.
//!
//! Each function returns why a text breaks the rule (a sentence fragment for a message), or `None`.

/// Why `s` is not a DNS-1123 label of at most `max` characters, or `None` when it is one.
#[must_use]
pub fn dns_label_problem(s: &str, max: usize) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".to_owned());
    }
    if s.len() > max {
        return Some(format!(
            "it is {} characters long; at most {max} are allowed",
            s.len()
        ));
    }
    if let Some(bad) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Some(format!(
            "it contains `{bad}`; only lower-case letters, digits and `-` are allowed"
        ));
    }
    if s.starts_with('-') || s.ends_with('-') {
        return Some("it starts or ends with `-`".to_owned());
    }
    None
}

#[must_use]
/// Why `name` is not a DNS-1123 subdomain (the rule for Secret names and label-key prefixes).
pub fn subdomain_problem(name: &str) -> Option<String> {
    if name.len() > 253 {
        return Some(format!(
            "it is {} characters long; at most 253 are allowed",
            name.len()
        ));
    }
    name.split('.').find_map(|part| dns_label_problem(part, 63))
}

/// Why `value` is not a Kubernetes label value (at most 63 characters of `[A-Za-z0-9_.-]`, alphanumeric at both
/// ends, or empty).
#[must_use]
pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() {
        return None;
    }
    if value.len() > 63 {
        return Some(format!(
            "it is {} characters long; at most 63 are allowed",
            value.len()
        ));
    }
    if let Some(c) = value
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
    {
        return Some(format!("it contains `{c}`"));
    }
    let first_last = [value.chars().next(), value.chars().last()];
    if first_last
        .iter()
        .flatten()
        .any(|c| !c.is_ascii_alphanumeric())
    {
        return Some("it must start and end with a letter or digit".to_owned());
    }
    None
}

/// Why `key` is not a Kubernetes label key (`[prefix/]name`, the prefix a DNS subdomain).
#[must_use]
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(problem) = prefix.and_then(subdomain_problem) {
        return Some(format!("the prefix is not a DNS subdomain: {problem}"));
    }
    if name.is_empty() {
        return Some("the name part is empty".to_owned());
    }
    label_value_problem(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_labels() {
        assert!(dns_label_problem("recipe-a1", 63).is_none());
        assert!(dns_label_problem("", 63).is_some());
        assert!(dns_label_problem("-a", 63).is_some());
        assert!(dns_label_problem("A", 63).is_some());
        assert!(dns_label_problem(&"a".repeat(64), 63).is_some());
    }

    #[test]
    fn subdomains() {
        assert!(subdomain_problem("hf-token.v1").is_none());
        assert!(subdomain_problem("a..b").is_some());
        assert!(subdomain_problem(&"a.".repeat(130)).is_some());
    }

    #[test]
    fn label_syntax() {
        assert!(label_key_problem("corrino/pool-shared-any").is_none());
        assert!(label_key_problem("Bad Key").is_some());
        assert!(label_key_problem("x/").is_some());
        assert!(label_value_problem("true").is_none());
        assert!(label_value_problem("").is_none());
        assert!(label_value_problem("-x").is_some());
    }
}
