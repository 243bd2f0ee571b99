#!/usr/bin/env bash
# Builds the `larkmsg` wheel with maturin, installs it into a fresh virtual environment
# (bindings-python/.venv) and runs pytest (every conformance case through the Python API,
# sync and async; no secret in any output), a memory check over 20,000 calls, mypy stubtest
# against the compiled module and mypy on a typed example.
# Usage: bindings-python/test.sh   (needs python3 with venv, cargo, and the package registries)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON="${PYTHON:-python3}"
VENV="$PWD/.venv"
WHEELS="$PWD/.wheels"

"$PYTHON" -m venv --clear "$VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
  "maturin==1.16.0" "pytest==9.2.0" "mypy==2.4.1"

rm -rf "$WHEELS"
# A debug build is enough for the tests; `--release` gives the wheel to ship.
"$VENV/bin/maturin" build --quiet --out "$WHEELS" ${MATURIN_ARGS:-}
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$WHEELS"/larkmsg-*.whl

cd tests
"$VENV/bin/python" -m pytest -q -p no:cacheprovider .
# Flat memory over 20,000 calls (the full check: memory_loop.py, 100,000 calls by default).
"$VENV/bin/python" memory_loop.py --calls 20000
"$VENV/bin/python" -m mypy.stubtest larkmsg
"$VENV/bin/python" -m mypy --strict typed_usage.py
