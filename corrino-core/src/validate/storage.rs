//! Storage: volume sizes, mount paths, Object Storage and File Storage sources.

use std::collections::BTreeMap;

use super::root;
use crate::diagnostic::{Code, Diagnostic, Pointer};
use crate::recipe::Recipe;
use crate::recipe::convert::Sink;

/// Checks storage sizes, mount paths and sources.
pub fn storage(recipe: &Recipe, sink: &mut Sink) {
    if recipe.recipe_ephemeral_storage_size == Some(0) {
        sink.note(
            Diagnostic::error(
                root("recipe_ephemeral_storage_size"),
                Code::InvalidValue,
                "`recipe_ephemeral_storage_size` is 0 GB: the pod's ephemeral-storage limit would be 0, and the kubelet evicts a pod over its limit at its first write (logs, caches, temporary files)",
            )
            .with_hint("give the GB the container writes to its own disk, such as 50 (upstream's samples use 200)"),
        );
    }
    if let (Some(ephemeral), Some(boot)) = (
        recipe.recipe_ephemeral_storage_size,
        recipe.recipe_node_boot_volume_size_in_gbs,
    ) && ephemeral > boot
        && !recipe.uses_shared_pool()
    {
        sink.note(
            Diagnostic::error(
                root("recipe_ephemeral_storage_size"),
                Code::EphemeralExceedsBootVolume,
                format!("{ephemeral} GB of ephemeral storage, but the node's boot volume is {boot} GB"),
            )
            .with_hint("ephemeral storage lives on the boot volume: lower it or raise `recipe_node_boot_volume_size_in_gbs`"),
        );
    }
    if recipe
        .recipe_node_boot_volume_size_in_gbs
        .is_some_and(|gb| gb < 50)
    {
        sink.note(Diagnostic::error(
            root("recipe_node_boot_volume_size_in_gbs"),
            Code::InvalidValue,
            "OCI boot volumes are at least 50 GB",
        ));
    }
    let mut mounts: BTreeMap<String, Pointer> = BTreeMap::new();
    let mut mount = |path: Option<&String>, at: Pointer, sink: &mut Sink| {
        let Some(path) = path else { return };
        if !path.starts_with('/') {
            sink.note(Diagnostic::error(
                &at,
                Code::InvalidPath,
                format!("the mount location `{path}` is not an absolute path"),
            ));
            return;
        }
        let normalised = path.trim_end_matches('/').to_owned();
        if let Some(first) = mounts.get(&normalised) {
            sink.note(Diagnostic::error(
                &at,
                Code::DuplicateMount,
                format!("`{path}` is already mounted by {first}"),
            ));
        } else {
            mounts.insert(normalised, at);
        }
    };
    for (i, item) in recipe.input_object_storage.iter().flatten().enumerate() {
        let at = root("input_object_storage").index(i);
        match (&item.par, &item.bucket_name) {
            (None, None) => sink.note(Diagnostic::error(
                &at,
                Code::StorageSource,
                "an object storage input needs `par` (a pre-authenticated URL) or `bucket_name`",
            )),
            (Some(_), Some(_)) => sink.note(Diagnostic::error(
                &at,
                Code::StorageSource,
                "give `par` or `bucket_name`, not both",
            )),
            // A URL's scheme is case-insensitive (RFC 3986, 3.1): `HTTPS://…` is an https URL too.
            (Some(par), None)
                if !par
                    .get(..8)
                    .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://")) =>
            {
                sink.note(Diagnostic::error(
                    at.key("par"),
                    Code::StorageSource,
                    "a pre-authenticated request is an https:// URL",
                ));
            }
            _ => {}
        }
        size_positive(item.volume_size_in_gbs, &at, sink);
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
    for (i, item) in recipe.output_object_storage.iter().flatten().enumerate() {
        let at = root("output_object_storage").index(i);
        size_positive(item.volume_size_in_gbs, &at, sink);
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
    for (i, item) in recipe.input_file_system.iter().flatten().enumerate() {
        let at = root("input_file_system").index(i);
        for (value, key, kind) in [
            (&item.file_system_ocid, "file_system_ocid", "filesystem"),
            (&item.mount_target_ocid, "mount_target_ocid", "mounttarget"),
        ] {
            if let Some(ocid) = value
                && !ocid.starts_with(&format!("ocid1.{kind}."))
            {
                sink.note(Diagnostic::error(
                    at.key(key),
                    Code::InvalidValue,
                    format!("`{ocid}` is not a {kind} OCID (`ocid1.{kind}.…`)"),
                ));
            }
        }
        size_positive(item.volume_size_in_gbs, &at, sink);
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
    for (i, item) in recipe.local_filesystem.iter().flatten().enumerate() {
        let at = root("local_filesystem").index(i);
        if let Some(path) = &item.node_directory_path
            && !path.starts_with('/')
        {
            sink.note(Diagnostic::error(
                at.key("node_directory_path"),
                Code::InvalidPath,
                format!("the node directory `{path}` is not an absolute path"),
            ));
        }
        mount(item.mount_location.as_ref(), at.key("mount_location"), sink);
    }
}

fn size_positive(size: Option<u32>, at: &Pointer, sink: &mut Sink) {
    if size == Some(0) {
        sink.note(Diagnostic::error(
            at.key("volume_size_in_gbs"),
            Code::InvalidValue,
            "a volume of 0 GB holds nothing",
        ));
    }
}

#[cfg(test)]
mod tests {
    use crate::document::Format;
    use crate::recipe::parse;
    use crate::{Code, PlanOptions, plan_bytes};

    #[test]
    fn no_ephemeral_storage_is_refused_however_it_is_written() {
        for zero in ["0", "-0", "0.0", "0e5"] {
            let json = format!(r#"{{"recipe_ephemeral_storage_size": {zero}}}"#);
            let (recipe, _) = parse(json.as_bytes(), Format::Json);
            assert_eq!(
                recipe.unwrap().recipe_ephemeral_storage_size,
                Some(0),
                "{zero}"
            );
            let d = plan_bytes(json.as_bytes(), &PlanOptions::default()).diagnostics;
            let found = d
                .iter()
                .find(|d| d.path == "/recipe_ephemeral_storage_size")
                .unwrap_or_else(|| panic!("{zero}: {d}"));
            assert_eq!(found.code, Code::InvalidValue);
            assert!(found.message.contains("0 GB") && found.hint.is_some());
        }
    }
}
