//! Copying Object Storage inputs into the pod before the server starts.
//!
//! A recipe's `input_object_storage` names a bucket (read with the node's instance principal) or a
//! pre-authenticated request (PAR) URL, plus a mount location and a size. Each becomes an `emptyDir` of that size
//! and an init container that downloads the objects into it with the OCI CLI image (a render option), so the
//! model is on local disk when vLLM starts.

use k8s_openapi::api::core::v1::{Container, EnvVar, VolumeMount};

use super::RenderOptions;
use crate::recipe::ObjectStorageInput;

/// The download script for a PAR that covers a bucket or a prefix: list the objects (the PAR URL answers a GET
/// with a JSON listing, paginated by `nextStartWith`), then fetch each one.
const PAR_DOWNLOAD: &str = r#"
import json, os, sys, urllib.parse, urllib.request
par, dest = os.environ["PAR_URL"], os.environ["DEST"]
include = [p for p in os.environ.get("INCLUDE", "").split("\n") if p]
exclude = [p for p in os.environ.get("EXCLUDE", "").split("\n") if p]
start = None
while True:
    url = par + ("?start=" + urllib.parse.quote(start) if start else "")
    listing = json.load(urllib.request.urlopen(url))
    for obj in listing.get("objects", []):
        name = obj["name"]
        if include and not any(name.startswith(p) for p in include):
            continue
        if any(name.startswith(p) for p in exclude):
            continue
        target = os.path.join(dest, name)
        os.makedirs(os.path.dirname(target), exist_ok=True)
        urllib.request.urlretrieve(par + urllib.parse.quote(name), target)
    start = listing.get("nextStartWith")
    if not start:
        break
"#;

/// The init container that fills volume `volume` with input `index`.
#[must_use]
pub fn download_container(
    index: usize,
    input: &ObjectStorageInput,
    volume: &str,
    options: &RenderOptions,
) -> Container {
    let dest = "/download";
    let join = |items: &Option<Vec<String>>| items.as_deref().unwrap_or_default().join("\n");
    let (command, env) = match (&input.par, &input.bucket_name) {
        (Some(par), _) => (
            vec![
                "python3".into(),
                "-c".into(),
                PAR_DOWNLOAD.trim_start().into(),
            ],
            vec![
                env("PAR_URL", par),
                env("DEST", dest),
                env("INCLUDE", &join(&input.include)),
                env("EXCLUDE", &join(&input.exclude)),
            ],
        ),
        (None, bucket) => {
            let mut args: Vec<String> = vec![
                "oci".into(),
                "os".into(),
                "object".into(),
                "bulk-download".into(),
                "--auth".into(),
                "instance_principal".into(),
                "--bucket-name".into(),
                bucket.clone().unwrap_or_default(),
                "--download-dir".into(),
                dest.into(),
                "--overwrite".into(),
            ];
            for pattern in input.include.iter().flatten() {
                args.extend(["--include".into(), format!("{pattern}*")]);
            }
            for pattern in input.exclude.iter().flatten() {
                args.extend(["--exclude".into(), format!("{pattern}*")]);
            }
            (args, Vec::new())
        }
    };
    Container {
        name: format!("fetch-input-{index}"),
        image: Some(options.object_storage_image.clone()),
        command: Some(command),
        env: (!env.is_empty()).then_some(env),
        volume_mounts: Some(vec![VolumeMount {
            name: volume.to_owned(),
            mount_path: dest.into(),
            ..VolumeMount::default()
        }]),
        ..Container::default()
    }
}

fn env(name: &str, value: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..EnvVar::default()
    }
}
