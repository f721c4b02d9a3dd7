//! The container: its image reference, environment variables and `$(NAME)` references in its arguments.

use std::collections::BTreeMap;

use super::root;
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::names::subdomain_problem;
use crate::recipe::Recipe;
use crate::recipe::convert::Sink;
use crate::recipe::image::parse_image;

/// Checks the image reference.
pub fn image(recipe: &Recipe, sink: &mut Sink) {
    let Some(image) = &recipe.recipe_image_uri else {
        return;
    };
    let at = root("recipe_image_uri");
    match parse_image(image) {
        Err(why) => sink.note(Diagnostic::error(
            &at,
            Code::InvalidImage,
            format!("`{image}` is not a valid image reference: {why}"),
        )),
        Ok(r) if r.digest.is_none() && matches!(r.tag, None | Some("latest")) => sink.note(
            Diagnostic::warning(
                &at,
                Code::UnpinnedImage,
                format!("`{image}` has no fixed tag: each new node may pull a different image"),
            )
            .with_hint("pin a version tag or a digest"),
        ),
        Ok(_) => {}
    }
}

/// Whether `name` is an environment variable name every supported cluster accepts: Kubernetes' long-standing
/// rule `[-._a-zA-Z][-._a-zA-Z0-9]*` (newer clusters relax it, older ones on OKE do not).
fn env_name_ok(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || matches!(c, '-' | '.' | '_'))
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_'))
}

/// Checks environment variable names, duplicates, and `$(NAME)` references in the arguments.
pub fn environment(recipe: &Recipe, sink: &mut Sink) {
    let mut seen: BTreeMap<String, Pointer> = BTreeMap::new();
    let mut check = |name: &str, at: Pointer, sink: &mut Sink| {
        if !env_name_ok(name) {
            sink.note(
                Diagnostic::error(
                    &at,
                    Code::InvalidEnvName,
                    format!("`{name}` is not a valid environment variable name"),
                )
                .with_hint(
                    "start with a letter, `_`, `-` or `.`, then letters, digits, `_`, `-` or `.`",
                ),
            );
        }
        if let Some(first) = seen.get(name) {
            sink.note(Diagnostic::warning(
                &at,
                Code::DuplicateEnv,
                format!("`{name}` is also set at {first}; the container sees only the last"),
            ));
        } else {
            seen.insert(name.to_owned(), at);
        }
    };
    for (i, var) in recipe.recipe_container_env.iter().flatten().enumerate() {
        if let Some(key) = &var.key {
            check(key, root("recipe_container_env").index(i).key("key"), sink);
        }
    }
    for (i, secret) in recipe
        .recipe_environment_secrets
        .iter()
        .flatten()
        .enumerate()
    {
        let at = root("recipe_environment_secrets").index(i);
        if let Some(name) = &secret.envvar_name {
            check(name, at.key("envvar_name"), sink);
        }
        if let Some(secret_name) = &secret.secret_name
            && let Some(problem) = subdomain_problem(secret_name)
        {
            sink.note(Diagnostic::error(
                at.key("secret_name"),
                Code::InvalidValue,
                format!("`{secret_name}` is not a valid Secret name: {problem}"),
            ));
        }
    }
    // Kubernetes expands `$(NAME)` in command and args only for variables defined in the container; any other
    // reference is passed through verbatim, which is rarely what the author meant.
    for (key, list) in [
        ("recipe_container_command", &recipe.recipe_container_command),
        (
            "recipe_container_command_args",
            &recipe.recipe_container_command_args,
        ),
    ] {
        for (i, arg) in list.iter().flatten().enumerate() {
            for reference in env_references(arg) {
                if !seen.contains_key(reference) {
                    sink.note(Diagnostic::warning(
                        root(key).index(i),
                        Code::InvalidEnvName,
                        format!("`$({reference})` names no variable of the container, so it is passed on literally"),
                    ).with_hint(format!("define `{reference}` in `recipe_container_env`")));
                }
            }
        }
    }
}

/// The `NAME`s of `$(NAME)` references in `arg`, skipping `$$(…)` escapes.
fn env_references(arg: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = arg.as_bytes();
    let mut i = 0;
    while i + 1 < bytes.len() {
        if bytes[i] == b'$' && bytes[i + 1] == b'$' {
            i += 2;
            continue;
        }
        if bytes[i] == b'$' && bytes[i + 1] == b'(' {
            // Without a `)` after this one there is none after any later `$(` either: stop rather than search the
            // rest of the text again from each (quadratic in a text of many `$(`).
            let Some(end) = arg[i + 2..].find(')') else {
                break;
            };
            out.push(&arg[i + 2..i + 2 + end]);
            i += end + 3;
            continue;
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_names_follow_kubernetes() {
        for ok in ["HF_TOKEN", "Model_Path", "_x", "a.b-c"] {
            assert!(env_name_ok(ok), "{ok}");
        }
        for bad in ["", "1BAD", "BAD NAME", "A=B", "é"] {
            assert!(!env_name_ok(bad), "{bad}");
        }
    }

    #[test]
    fn finds_env_references() {
        assert_eq!(env_references("$(A) x $(B_C)"), vec!["A", "B_C"]);
        assert_eq!(env_references("$$(A) $(B"), Vec::<&str>::new());
    }
}
