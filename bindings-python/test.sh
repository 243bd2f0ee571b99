#!/usr/bin/env bash
# Tests the Python distributions that scripts/package.sh put in target/dist/python (which
# already checked the wheel with auditwheel: manylinux_2_17, abi3, stripped):
#   - the wheel installed into a fresh virtual environment (bindings-python/.venv), with no
#     Rust toolchain on PATH, then pytest against the installed package (every conformance
#     case through the Python API, sync and async; no secret in any output), a memory check
#     over 20,000 calls, mypy stubtest against the compiled module and mypy on a typed
#     example;
#   - the sdist: without cargo on PATH, `pip install` fails at once with a message saying
#     what to do (no toolchain download); with cargo, it builds from source and the built
#     package sends through the fake.
# Usage: bindings-python/test.sh   (runs scripts/package.sh python unless LARKMSG_PACKAGED=1;
#        needs python3 with venv and the package registries; cargo for the sdist build)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"

step() { printf '\n--> %s\n' "$*"; }

PYTHON="${PYTHON:-python3}"
VENV="$here/.venv"
dist="$root/target/dist/python"

[ "${LARKMSG_PACKAGED:-0}" = 1 ] || "$root/scripts/package.sh" python
wheel="$(ls "$dist"/larkmsg-*-cp39-abi3-manylinux*.whl)"
sdist="$(ls "$dist"/larkmsg-*.tar.gz)"

# PATH without any directory that holds cargo or rustc.
no_rust_path=()
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -x "$dir/cargo" ] || [ -x "$dir/rustc" ] || no_rust_path+=("$dir")
done
no_rust_path="$(IFS=:; echo "${no_rust_path[*]}")"
user() { env PATH="$no_rust_path" "$@"; }

step "the wheel in a fresh virtual environment (no Rust on PATH)"
"$PYTHON" -m venv --clear "$VENV"
pip=("$VENV/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" "pytest==9.2.0" "mypy==2.4.1"
start=$(date +%s%N)
user "${pip[@]}" --no-index "$wheel"
echo "pip install of $(basename "$wheel"): $((($(date +%s%N) - start) / 1000000)) ms"

# A Redis server for the shared store's tests (test_shared.py).
redis_dir="$root/target/redis-python"
LARKMSG_TEST_REDIS_URL="$("$root/scripts/redis.sh" start "$redis_dir")"
export LARKMSG_TEST_REDIS_URL LARKMSG_REQUIRE_REDIS=1
trap '"$root/scripts/redis.sh" stop "$redis_dir"' EXIT

cd tests
user "$VENV/bin/python" -c 'import larkmsg, sys; assert larkmsg.__file__.startswith(sys.prefix), larkmsg.__file__'
user "$VENV/bin/python" -m pytest -q -p no:cacheprovider .
# Flat memory over 20,000 calls (the full check: memory_loop.py, 100,000 calls by default).
user "$VENV/bin/python" memory_loop.py --calls 20000
user "$VENV/bin/python" -m mypy.stubtest larkmsg
user "$VENV/bin/python" -m mypy --strict typed_usage.py
cd "$here"

step "the sdist without cargo: fails at once, fetching no toolchain"
sdist_venv="$root/target/sdist-check"
"$PYTHON" -m venv --clear "$sdist_venv"
start=$SECONDS
if output="$(user "$sdist_venv/bin/python" -m pip install --disable-pip-version-check "$sdist" 2>&1)"; then
  echo "pip install of the sdist succeeded without cargo" >&2
  exit 1
fi
grep -q "larkmsg: building from source needs Rust's cargo on PATH" <<<"$output" \
  || { printf 'pip failed without the expected message:\n%s\n' "$output" >&2; exit 1; }
if grep -qiE 'puccinialin|Rust not found, installing' <<<"$output"; then
  printf 'pip tried to fetch a toolchain:\n%s\n' "$output" >&2
  exit 1
fi
echo "refused in $((SECONDS - start)) s: $(grep -m1 "larkmsg: building from source" <<<"$output")"

step "the sdist with cargo: pip builds it from source"
# A debug build is enough to prove that the sdist builds; its own target directory.
start=$SECONDS
CARGO_TARGET_DIR="$root/target/sdist-build" MATURIN_PEP517_ARGS="--profile dev" \
  "$sdist_venv/bin/python" -m pip install --quiet --disable-pip-version-check "$sdist"
echo "built and installed from the sdist in $((SECONDS - start)) s"
user "$sdist_venv/bin/python" - <<'EOF'
from larkmsg.testing import FakeServer

with FakeServer() as fake, fake.client() as client:
    message = client.send_text("open_id", "ou_sdist", "built from the sdist")
    assert message.message_id.startswith("om_"), message
    assert len(fake.inbox()["messages"]) == 1
print("the package built from the sdist sends through the fake")
EOF
