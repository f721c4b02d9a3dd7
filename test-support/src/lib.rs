//! What the integration tests of every crate share: the workspace root, the fixture recipes, golden-file comparison,
//! the render options the goldens are made with, whether a service lands on a shared pool's nodes, and whether the
//! schema checks can run. A crate of its own, a dev-dependency of each crate with integration tests, so that each
//! test uses what it needs and nothing is compiled into a test as unused.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use corrino_core::manifest::{FileSystemExport, Manifest, RenderOptions};

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

/// Whether a service's pods fit the nodes of a shared pool: every label they select is on the nodes (the kubelet
/// adds the instance type), and they tolerate every taint the nodes register.
pub fn lands_on(service: &[Manifest], pool: &[Manifest]) -> bool {
    let Some(Manifest::NodePool(pool)) = pool.first() else {
        panic!("a shared pool recipe renders its node pool document");
    };
    let mut labels: BTreeMap<&str, &str> = pool
        .initial_node_labels
        .iter()
        .map(|l| (l.key.as_str(), l.value.as_str()))
        .collect();
    labels.insert("node.kubernetes.io/instance-type", &pool.node_shape);
    let pod = service
        .iter()
        .find_map(|m| match m {
            Manifest::Deployment(d) => d.spec.template.spec.clone(),
            Manifest::LeaderWorkerSet(l) => {
                l.spec.leader_worker_template.worker_template.spec.clone()
            }
            Manifest::Job(j) => j.spec.as_ref()?.template.spec.clone(),
            _ => None,
        })
        .expect("a Deployment, a LeaderWorkerSet or a Job");
    let selected = pod
        .node_selector
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k.as_str()) == Some(&v.as_str()));
    let tolerated = pool.node_metadata["kubelet-extra-args"]
        .trim_start_matches("--register-with-taints=")
        .split(',')
        .all(|taint| {
            let key = taint.split(['=', ':']).next().unwrap_or_default();
            pod.tolerations
                .iter()
                .flatten()
                .any(|t| t.key.as_deref() == Some(key))
        });
    selected && tolerated
}

/// Whether `node` runs and the schema checks' npm package `package` is installed in `tests/schema`; fails the test
/// when `CORRINO_REQUIRE_SCHEMA_CHECK` is set, so that CI never skips the check.
pub fn schema_package_ready(package: &str) -> bool {
    let installed = workspace()
        .join("tests/schema/node_modules")
        .join(package)
        .is_dir()
        && std::process::Command::new("node")
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
    if !installed {
        assert!(
            std::env::var_os("CORRINO_REQUIRE_SCHEMA_CHECK").is_none(),
            "{package} is not installed: run `npm ci --prefix tests/schema`"
        );
        eprintln!("{package} not installed (npm ci --prefix tests/schema): skipped");
    }
    installed
}
