#!/usr/bin/env bash
# Installs what the tests need and runs every test of the project: formatting, lints, and the test suites.
# Safe to run on a fresh clone; CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "npm packages of the schema checks (tests/schema)"
npm ci --prefix tests/schema --no-audit --no-fund --loglevel=error
node --test tests/schema/

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
# The rendered-objects schema checks must run here, not be skipped.
CORRINO_REQUIRE_SCHEMA_CHECK=1 cargo test --workspace

step "corrino-core without the PromQL checker (as the browser builds it)"
cargo test -p corrino-core --no-default-features --lib

step "WebAssembly: build both modules, the Node.js tests and the browser test (scripts/wasm-tests.sh)"
./scripts/wasm-tests.sh

step "Python: build the package and run its tests (scripts/python-tests.sh)"
./scripts/python-tests.sh

step "docs (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
