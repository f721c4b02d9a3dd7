//! Any bytes, read as JSON, YAML or either: a tree or diagnostics, never a panic; the tree converts into a recipe.
#![no_main]

use corrino_core::document::{self, Format};
use corrino_core::recipe;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for format in [Format::Auto, Format::Json, Format::Yaml] {
        let (node, diagnostics) = document::read(data, format);
        assert!(node.is_some() || diagnostics.has_errors());
        if let Some(node) = node {
            let _ = recipe::from_node(&node);
        }
    }
});
