#!/usr/bin/env bash
# Builds the Python package of corrino-py into a virtual environment (.venv) and runs its tests: the pytest suite
# (goldens of every fixture, inputs, errors, notebook tables, the notebook example, `mypy --strict` on a typed example,
# `mypy.stubtest` of the extension module) and `mypy --strict` over the package's Python files. Needs python3 (with
# venv and pip) and the Rust toolchain; installs the rest from PyPI. Safe on a fresh clone.
#
#   scripts/python-tests.sh            debug build, then the tests
#   scripts/python-tests.sh --release  optimized build (for the benchmark: corrino-py/benchmarks/bench_validate.py)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

build=(--profile dev)
for arg in "$@"; do
  case $arg in
    --release) build=(--release) ;;
    *) echo "unknown argument: $arg" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*"; }

step "virtual environment (.venv) and the Python tools"
[[ -x .venv/bin/python ]] || python3 -m venv .venv
python=$root/.venv/bin/python
"$python" -m pip install --quiet --disable-pip-version-check \
  maturin==1.16.0 pytest==9.2.0 mypy==2.4.1 pydantic==2.14.4 hypothesis==6.170.27
"$python" --version

step "maturin develop ${build[*]}"
start=$SECONDS
# maturin finds the environment through VIRTUAL_ENV.
(cd corrino-py && VIRTUAL_ENV=$root/.venv "$root/.venv/bin/maturin" develop "${build[@]}")
echo "built and installed in $((SECONDS - start)) s"

step "pytest"
# Any failure fails the script, and so does pytest's exit code 5 (no tests collected).
(cd corrino-py && "$python" -m pytest -q)

step "mypy --strict (package, tests, examples, benchmarks)"
(cd corrino-py && "$python" -m mypy --strict python/corrino tests examples benchmarks)
