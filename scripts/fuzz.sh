#!/usr/bin/env bash
# Builds the cargo-fuzz targets of fuzz/ and runs each one over its kept corpus for a while.
# Usage: scripts/fuzz.sh [seconds-per-target] [target...]   (defaults: 20 s, every target)
# New inputs go to a temporary directory: fuzz/corpus/ changes only when someone merges
# inputs into it on purpose (README, "Fuzzing"). A crash stops the script; its input is
# left under fuzz/artifacts/<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds="${1:-20}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(decode_response validate_request build_content c_api)

cargo_fuzz_version=0.13.2
tools="$PWD/target/tools"
export PATH="$tools/bin:$PATH"

# cargo-fuzz needs unstable compiler flags (sanitizer, coverage): a nightly toolchain if
# there is one or one can be installed, else the stable one with RUSTC_BOOTSTRAP=1.
if rustup run nightly rustc --version >/dev/null 2>&1 ||
  timeout 300 rustup toolchain install nightly --profile minimal >/dev/null 2>&1; then
  cargo=(cargo +nightly)
else
  echo "fuzz: no nightly toolchain; using stable with RUSTC_BOOTSTRAP=1"
  export RUSTC_BOOTSTRAP=1
  cargo=(cargo)
fi
if [ "$(cargo-fuzz --version 2>/dev/null)" != "cargo-fuzz $cargo_fuzz_version" ]; then
  cargo install cargo-fuzz --locked --version "$cargo_fuzz_version" --root "$tools"
fi

"${cargo[@]}" fuzz build

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for target in "${targets[@]}"; do
  mkdir -p "$work/$target" "fuzz/corpus/$target"
  log="$work/$target.log"
  if ! "${cargo[@]}" fuzz run "$target" "$work/$target" "fuzz/corpus/$target" -- \
    -max_total_time="$seconds" -timeout=30 -rss_limit_mb=2048 >"$log" 2>&1; then
    tail -n 80 "$log"
    echo "fuzz: $target failed; its input is under fuzz/artifacts/$target/"
    exit 1
  fi
  # "#1234 DONE cov: 10 ft: 20 corp: 30/4Kb ..." and "Done 1234 runs in 20 second(s)".
  coverage="$(grep 'DONE  *cov:' "$log" | tail -n 1 | grep -o 'cov: [0-9]* ft: [0-9]* corp: [^ ]*' || true)"
  printf 'fuzz: %-16s %s, %s\n' "$target" "$(grep '^Done ' "$log" | tail -n 1)" "$coverage"
done
