#!/usr/bin/env bash
# Installs what the tests need and runs every test of the project: formatting, lints, and the test suites.
# Safe to run on a fresh clone; CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
# A one-shot run gains nothing from incremental caches, which would take gigabytes of disk.
export CARGO_INCREMENTAL=${CARGO_INCREMENTAL:-0}

step() { printf '\n==> %s\n' "$*"; }

step "toolchain components"
rustup component add rustfmt clippy >/dev/null 2>&1 || true

step "Prometheus (the default query is asked of a real one)"
if ! command -v prometheus >/dev/null; then
  apt-get update -qq
  # The package's own service is not wanted: the test starts its own server on a free port.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >/dev/null
fi
prometheus --version 2>&1 | head -n 1

step "Python jsonschema in .venv (upstream's schema judges the agreement test's mutants)"
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check jsonschema==4.26.0
.venv/bin/python -c 'import importlib.metadata as m; print("jsonschema", m.version("jsonschema"))'

step "npm packages of the schema checks (tests/schema)"
npm ci --prefix tests/schema --no-audit --no-fund --loglevel=error
node --test tests/schema/

step "PyYAML for the YAML readers' test (in .venv, which scripts/python-tests.sh shares)"
[[ -x .venv/bin/python ]] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check pyyaml==6.0.3

step "cargo fmt --check"
cargo fmt --all -- --check

step "cargo clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets -- -D warnings

step "cargo test"
# The pruning check walks the KEDA CRDs of ../shared/reference: required where they are, as in CI.
if [[ -d ../shared/reference/keda-2.17 ]]; then
  export CORRINO_REQUIRE_KEDA_CRDS=1
fi
# The rendered-objects schema checks, the Prometheus test and the YAML readers' test must run here, not be skipped; the agreement with
# upstream's schema runs in the next step, where its counts are shown.
CORRINO_REQUIRE_SCHEMA_CHECK=1 CORRINO_REQUIRE_PROMETHEUS=1 CORRINO_REQUIRE_YAML_READERS=1 cargo test --workspace -- --skip mutants_of_upstream_samples

step "agreement with upstream's schema (seeded mutants of upstream's samples)"
# Required where upstream's reference files are beside the project, as in CI; a clone without them skips it.
if [[ -d ../shared/reference/oci-ai-blueprints/samples || -n ${CORRINO_UPSTREAM_REFERENCE:-} ]]; then
  export CORRINO_REQUIRE_AGREEMENT=1
fi
cargo test -p corrino-tests --test upstream_agreement -- --nocapture

step "corrino-core without the PromQL checker (as the browser builds it)"
cargo test -p corrino-core --no-default-features --lib

step "WebAssembly: build both modules, the Node.js tests and the browser test (scripts/wasm-tests.sh)"
./scripts/wasm-tests.sh

step "Python: build the package and run its tests (scripts/python-tests.sh)"
./scripts/python-tests.sh

step "fuzzing: each target of fuzz/ for ${FUZZ_SECONDS:=30} s (cargo-fuzz on the nightly toolchain)"
# A crash is saved under fuzz/artifacts/<target>/ and fails the step; it then becomes a test of the normal suite.
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --version 0.13.2 --locked
rustup toolchain list | grep -q '^nightly' || { echo "a nightly toolchain is needed: rustup toolchain install nightly" >&2; exit 1; }
(cd fuzz && cargo +nightly fuzz build)
for target in $(cd fuzz && cargo +nightly fuzz list); do
  # New inputs go to a scratch corpus under fuzz/target; the committed seeds (fuzz/corpus/) are read only.
  mkdir -p "fuzz/target/corpus/$target"
  log=fuzz/target/$target.log
  if (cd fuzz && cargo +nightly fuzz run "$target" "target/corpus/$target" "corpus/$target" -- \
      -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048) >"$log" 2>&1; then
    echo "$target: $(grep -o 'Done [0-9]* runs in [0-9]* second(s)' "$log" || tail -n 1 "$log")"
  else
    tail -n 40 "$log"
    echo "fuzz target $target failed; the input is in fuzz/artifacts/$target/" >&2
    exit 1
  fi
done

step "docs (warnings are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
