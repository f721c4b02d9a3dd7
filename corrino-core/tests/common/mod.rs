//! What the integration tests share: the workspace root, the fixture recipes, golden-file comparison and the render
//! options the goldens are made with. The CLI's tests and the cross-crate tests include this file too (`#[path]`);
//! each test crate uses a part of it.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use corrino_core::manifest::{FileSystemExport, RenderOptions};

/// The workspace root, where the fixtures are.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The render options of the goldens: a base domain, TLS, and the File Storage export the fixtures mount.
pub fn fixture_render_options() -> RenderOptions {
    RenderOptions {
        base_domain: Some("203-0-113-10.nip.io".into()),
        tls_issuer: Some("letsencrypt-prod".into()),
        file_systems: BTreeMap::from([(
            "ocid1.filesystem.oc1.iad.aaaaaaaaexamplefilesystem0001".to_owned(),
            FileSystemExport {
                mount_target_ip: "10.0.10.20".into(),
                export_path: "/models".into(),
            },
        )]),
        ..RenderOptions::default()
    }
}

/// The JSON recipes of `fixtures/recipes/`, sorted.
pub fn json_recipes() -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(workspace().join("fixtures/recipes"))
        .expect("fixtures")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    paths
}

/// Compares `actual` with the golden file at `path`, or writes it when `UPDATE_GOLDEN` is set.
pub fn golden(path: &Path, actual: &str) {
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, actual).expect("write golden");
        return;
    }
    let expected = std::fs::read_to_string(path)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_GOLDEN=1", path.display()));
    assert!(
        expected == actual,
        "{} differs from the output; run with UPDATE_GOLDEN=1 and review the diff\n--- actual ---\n{actual}",
        path.display()
    );
}
