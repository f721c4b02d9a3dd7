#!/usr/bin/env bash
# Builds the WebAssembly modules of corrino-wasm (the main module, the PromQL query module and the simulator module)
# for the web and for Node.js, prints their gzipped sizes, and runs their tests: the Node.js API tests against the
# fixtures and goldens of the Rust tests, the TypeScript check, and the validator page in headless Chromium. Installs
# what it needs; safe on a fresh clone.
#
#   scripts/wasm-tests.sh               build and test
#   scripts/wasm-tests.sh --build-only  build (pkg/, pkg-node/, www/generated/) and print the sizes
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
wasm_dir=$root/corrino-wasm

build_only=false
for arg in "$@"; do
  case $arg in
    --build-only) build_only=true ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

step "toolchain: wasm32 target and wasm-bindgen-cli"
rustup target add wasm32-unknown-unknown >/dev/null
# The CLI must be exactly the version of the wasm-bindgen crate in Cargo.lock.
wanted=$(awk '$0 == "name = \"wasm-bindgen\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[[ -n $wanted ]] || { echo "wasm-bindgen is not in Cargo.lock" >&2; exit 1; }
have=$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)
if [[ $have != "$wanted" ]]; then
  echo "installing wasm-bindgen-cli $wanted (found: ${have:-none})"
  cargo install wasm-bindgen-cli --version "$wanted"
fi
echo "wasm-bindgen $(wasm-bindgen --version | awk '{ print $2 }')"

step "npm packages (corrino-wasm)"
npm ci --prefix "$wasm_dir" --no-audit --no-fund --loglevel=error

# Size-tuned release builds, in their own profile so that they never disturb the workspace's release artifacts.
profile=(
  --profile wasm-release
  --config 'profile.wasm-release.inherits="release"'
  --config 'profile.wasm-release.opt-level="z"'
  --config 'profile.wasm-release.lto=true'
  --config 'profile.wasm-release.codegen-units=1'
  --config 'profile.wasm-release.panic="abort"'
)
target_dir=$(cargo metadata --format-version 1 --no-deps | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')
out_dir=$target_dir/wasm32-unknown-unknown/wasm-release

rm -rf "$wasm_dir/pkg" "$wasm_dir/pkg-node" "$wasm_dir/www/generated"
mkdir -p "$wasm_dir/pkg" "$wasm_dir/pkg-node" "$wasm_dir/www/generated"

# Each crate is built alone: built together, cargo would unify corrino-core's features and put the PromQL parser
# into the main module and the simulator module too.
for crate in corrino-wasm corrino-wasm-query corrino-wasm-sim; do
  lib=${crate//-/_}
  step "build $crate"
  cargo build -p "$crate" --target wasm32-unknown-unknown "${profile[@]}"
  wasm-bindgen --target web --out-dir "$wasm_dir/pkg" "$out_dir/$lib.wasm"
  wasm-bindgen --target nodejs --out-dir "$wasm_dir/pkg-node" "$out_dir/$lib.wasm"
  for pkg in pkg pkg-node; do
    npx --prefix "$wasm_dir" wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int \
      "$wasm_dir/$pkg/${lib}_bg.wasm" -o "$wasm_dir/$pkg/${lib}_bg.wasm"
  done
done

step "page data (www/generated) and the schema"
# The web build is ES modules, the Node.js build CommonJS: say so, for Node.js and TypeScript's node16/nodenext
# resolution (the package itself is ES modules).
echo '{ "type": "module" }' > "$wasm_dir/pkg/package.json"
echo '{ "type": "commonjs" }' > "$wasm_dir/pkg-node/package.json"
cp fixtures/recipe.schema.json "$wasm_dir/pkg/recipe.schema.json"
cp fixtures/recipe.schema.json "$wasm_dir/www/generated/recipe.schema.json"
node -e '
  const fs = require("fs"), path = require("path");
  const dir = process.argv[1];
  const examples = fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()
    .map((f) => ({ name: f.replace(/\.json$/, ""), text: fs.readFileSync(path.join(dir, f), "utf8") }));
  fs.writeFileSync(process.argv[2], JSON.stringify(examples, null, 1) + "\n");
  console.log(`${examples.length} example recipes`);
' fixtures/recipes "$wasm_dir/www/generated/examples.json"

step "sizes (after wasm-opt)"
for lib in corrino_wasm corrino_wasm_query corrino_wasm_sim; do
  file=$wasm_dir/pkg/${lib}_bg.wasm
  printf '%-22s %9d bytes, %8d bytes gzipped (gzip -9)\n' "$lib" "$(stat -c %s "$file")" "$(gzip -9 -c "$file" | wc -c)"
done

if $build_only; then
  exit 0
fi

step "headless Chromium"
if [[ ! -x /usr/bin/chromium ]]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
/usr/bin/chromium --version 2>/dev/null

step "node --test corrino-wasm/tests"
tap=$(mktemp)
trap 'rm -f "$tap"' EXIT
status=0
CORRINO_TARGET_DIR=$target_dir node --test \
  --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" \
  "$wasm_dir"/tests/*.test.mjs || status=$?
passed=$(awk '/^# pass / { print $3 }' "$tap")
failed=$(awk '/^# fail / { print $3 }' "$tap")
if [[ $status -ne 0 || ${failed:-1} -ne 0 ]]; then
  echo "wasm tests failed (exit $status, ${failed:-?} failed)" >&2
  exit 1
fi
# node counts a test file without tests as one passing test: ask for the whole suite, not for "something".
if [[ ${passed:-0} -lt 20 ]]; then
  echo "wasm tests: only ${passed:-0} tests ran, expected at least 20" >&2
  exit 1
fi
echo "${passed} passed, 0 failed"
