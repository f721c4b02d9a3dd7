//! Any bytes rendered: objects or diagnostics, never a panic; the YAML written reads back as the JSON written.
#![no_main]

use corrino_core::PlanOptions;
use corrino_core::manifest::{self, RenderOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = RenderOptions {
        base_domain: Some("203-0-113-10.nip.io".into()),
        ..RenderOptions::default()
    };
    let Ok(rendered) = manifest::render_bytes(data, &PlanOptions::default(), &options) else {
        return;
    };
    let yaml = manifest::to_yaml(&rendered.manifests).expect("YAML");
    let json = manifest::to_json(&rendered.manifests).expect("JSON");
    let list: serde_json::Value = serde_json::from_str(&json).expect("our JSON reads back");
    // An empty stream (a shared node pool renders no Kubernetes object) is no document, though yaml_serde reads one.
    if yaml.is_empty() {
        assert_eq!(list["items"], serde_json::json!([]));
        return;
    }
    let from_yaml: Vec<serde_json::Value> = yaml_serde::Deserializer::from_str(&yaml)
        .map(|document| serde::Deserialize::deserialize(document).expect("our YAML reads back"))
        .collect();
    assert_eq!(serde_json::Value::Array(from_yaml), list["items"], "{yaml}");
});
