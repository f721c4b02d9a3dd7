//! What the integration tests share: the workspace root and the render options the goldens are made with.

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
