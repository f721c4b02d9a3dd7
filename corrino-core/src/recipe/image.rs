//! Container image references (`registry/repository:tag@digest`).
//!
//! The grammar is the one container runtimes apply (the distribution project's reference grammar). It is written
//! out here because the crates that parse it bring HTTP clients or regex engines with them, which the browser
//! build cannot afford, and the grammar is small.

/// The parts of a valid image reference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageReference<'a> {
    /// The registry host (and port), when the reference names one.
    pub domain: Option<&'a str>,
    /// The repository path.
    pub path: &'a str,
    /// The tag, when given.
    pub tag: Option<&'a str>,
    /// The digest, when given.
    pub digest: Option<&'a str>,
}

/// Parses an image reference, or says what is wrong with it.
///
/// # Errors
/// A sentence naming the first part that breaks the grammar.
pub fn parse_image(reference: &str) -> Result<ImageReference<'_>, String> {
    if reference.is_empty() {
        return Err("the image reference is empty".to_owned());
    }
    if reference.len() > 255 + 128 + 80 {
        return Err("the image reference is too long".to_owned());
    }
    let (rest, digest) = match reference.split_once('@') {
        Some((rest, digest)) => {
            check_digest(digest)?;
            (rest, Some(digest))
        }
        None => (reference, None),
    };
    // A tag follows the last `:` after the last `/` (a `:` before it belongs to a registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    let (name, tag) = match rest[last_slash..].find(':') {
        Some(i) => (&rest[..last_slash + i], Some(&rest[last_slash + i + 1..])),
        None => (rest, None),
    };
    if let Some(tag) = tag {
        check_tag(tag)?;
    }
    if name.len() > 255 {
        return Err("the image name is longer than 255 characters".to_owned());
    }
    let (domain, path) = match name.split_once('/') {
        Some((first, path))
            if first.contains(['.', ':'])
                || first == "localhost"
                || first.chars().any(|c| c.is_ascii_uppercase()) =>
        {
            check_domain(first)?;
            (Some(first), path)
        }
        _ => (None, name),
    };
    check_path(path)?;
    Ok(ImageReference {
        domain,
        path,
        tag,
        digest,
    })
}

fn check_domain(domain: &str) -> Result<(), String> {
    let (host, port) = match domain.rsplit_once(':') {
        Some((host, port)) if !host.ends_with(']') || domain.starts_with('[') => (host, Some(port)),
        _ => (domain, None),
    };
    if let Some(port) = port
        && (port.is_empty() || !port.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(format!("the registry port `{port}` is not a number"));
    }
    let ok = host.split('.').all(|part| {
        !part.is_empty()
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            && !part.starts_with('-')
            && !part.ends_with('-')
    });
    if ok {
        Ok(())
    } else {
        Err(format!("`{host}` is not a valid registry host name"))
    }
}

fn check_path(path: &str) -> Result<(), String> {
    for component in path.split('/') {
        if component.is_empty() {
            return Err(
                "the repository path has an empty component (`//` or a trailing `/`)".to_owned(),
            );
        }
        if let Some(bad) = component.chars().find(|c| {
            !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
        }) {
            let hint = if bad.is_ascii_uppercase() {
                " (repository names are lower-case)"
            } else {
                ""
            };
            return Err(format!("the repository `{path}` contains `{bad}`{hint}"));
        }
        let bytes = component.as_bytes();
        let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
        if !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
            return Err(format!(
                "the repository component `{component}` must start and end with a letter or digit"
            ));
        }
        // Separators: `.`, `_`, `__` or any run of `-`, each between alphanumerics.
        let mut i = 0;
        while i < bytes.len() {
            if alnum(bytes[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < bytes.len() && !alnum(bytes[i]) {
                i += 1;
            }
            let sep = &component[start..i];
            let valid = matches!(sep, "." | "_" | "__") || sep.chars().all(|c| c == '-');
            if !valid {
                return Err(format!(
                    "the repository component `{component}` has the separator `{sep}`"
                ));
            }
        }
    }
    Ok(())
}

fn check_tag(tag: &str) -> Result<(), String> {
    let mut chars = tag.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = tag.len() <= 128
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if first_ok && rest_ok {
        Ok(())
    } else {
        Err(format!(
            "the tag `{tag}` is not valid: up to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`"
        ))
    }
}

fn check_digest(digest: &str) -> Result<(), String> {
    let Some((algorithm, hex)) = digest.split_once(':') else {
        return Err(format!("the digest `{digest}` has no `algorithm:` prefix"));
    };
    let algorithm_ok = !algorithm.is_empty()
        && algorithm.split(['+', '.', '-', '_']).all(|part| {
            part.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && part.chars().all(|c| c.is_ascii_alphanumeric())
        });
    if !algorithm_ok {
        return Err(format!("the digest algorithm `{algorithm}` is not valid"));
    }
    if hex.len() < 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err("the digest must be at least 32 hexadecimal characters".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_references() {
        let r = parse_image("docker.io/vllm/vllm-openai:v0.9.1").unwrap();
        assert_eq!(
            (r.domain, r.path, r.tag),
            (Some("docker.io"), "vllm/vllm-openai", Some("v0.9.1"))
        );
        let r = parse_image("iad.ocir.io/iduyx1qnmway/corrino-devops-repository:ray2430_vllmv083")
            .unwrap();
        assert_eq!(r.tag, Some("ray2430_vllmv083"));
        let r = parse_image("localhost:5000/a/b").unwrap();
        assert_eq!((r.domain, r.tag), (Some("localhost:5000"), None));
        assert_eq!(parse_image("ubuntu").unwrap().path, "ubuntu");
        let digest = format!("busybox@sha256:{}", "a".repeat(64));
        assert!(parse_image(&digest).unwrap().digest.is_some());
        assert!(parse_image("rocm/vllm:rocm6.3.1_vllm_0.8.5_20250521").is_ok());
    }

    #[test]
    fn rejects_broken_references() {
        for bad in [
            "",
            "docker.io/vllm/VLLM-openai:latest",
            "docker.io/vllm/vllm-openai::latest",
            "vllm//openai",
            "vllm/openai:",
            "vllm/openai:-x",
            "vllm/-openai",
            "vllm/openai@sha256:abc",
            "vllm/open ai",
            "host:port/x",
        ] {
            assert!(parse_image(bad).is_err(), "{bad:?} should be rejected");
        }
    }
}
