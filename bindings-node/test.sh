#!/usr/bin/env bash
# Tests the npm packages that scripts/package.sh put in target/dist/npm as a user gets them:
# the main package and the platform package installed from their tarballs into a fresh
# project with no Rust toolchain on PATH, then there:
#   - `node --test` (require and import, the conformance suite, errors, concurrency, the
#     fake, no secret in any output);
#   - the typings: `tsc --strict` over a typed example (nodenext: CommonJS and ESM), and
#     programs compiled with tsc --strict and run under ESM (nodenext), CommonJS with
#     esModuleInterop and CommonJS without it;
#   - a memory check over 20,000 calls;
#   - without the platform package, and installed from the checkout (no addon built
#     there), `require('larkmsg')` fails with an error naming the platform and what to do.
# scripts/package.sh also checks that `npm ci` accepts the committed lockfile and that the
# generated loader and native typings match the checked-in ones.
# Usage: bindings-node/test.sh   (runs scripts/package.sh node unless LARKMSG_PACKAGED=1;
#        needs node >= 18 and npm; only the package registries)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$here"

step() { printf '\n--> %s\n' "$*"; }

if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm
fi
node --version

[ "${LARKMSG_PACKAGED:-0}" = 1 ] || "$root/scripts/package.sh" node
version="$(node -p "require('./package.json').version")"
platform=linux-x64-gnu
main="$root/target/dist/npm/larkmsg-$version.tgz"
addon="$root/target/dist/npm/larkmsg-$platform-$version.tgz"
[ -f "$main" ] && [ -f "$addon" ] || { echo "no npm packages in target/dist/npm: run scripts/package.sh node" >&2; exit 1; }
# TypeScript comes from the devDependencies (npm ci; scripts/package.sh runs it too).
[ -x node_modules/.bin/tsc ] || npm ci --no-audit --no-fund --loglevel=error
tsc="$here/node_modules/.bin/tsc"

# PATH without any directory that holds cargo or rustc: nothing below may build Rust.
no_rust_path=()
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
  [ -x "$dir/cargo" ] || [ -x "$dir/rustc" ] || no_rust_path+=("$dir")
done
no_rust_path="$(IFS=:; echo "${no_rust_path[*]}")"
user() { env PATH="$no_rust_path" "$@"; }
if user sh -c 'command -v cargo || command -v rustc' >/dev/null; then
  echo "could not hide the Rust toolchain from PATH" >&2
  exit 1
fi

work="$(mktemp -d)"
# A Redis server for the shared store's test (test/shared.test.js).
redis_dir="$root/target/redis-node"
LARKMSG_TEST_REDIS_URL="$("$root/scripts/redis.sh" start "$redis_dir")"
export LARKMSG_TEST_REDIS_URL LARKMSG_REQUIRE_REDIS=1
trap '"$root/scripts/redis.sh" stop "$redis_dir"; rm -rf "$work"' EXIT
new_project() {
  mkdir -p "$1"
  printf '{"name": "larkmsg-install-check", "version": "1.0.0", "private": true}\n' >"$1/package.json"
}

step "npm install of the two tarballs into a fresh project (no Rust on PATH)"
project="$work/project"
new_project "$project"
cp -r test "$project/test"
cd "$project"
start=$(date +%s%N)
user npm install --no-audit --no-fund --loglevel=error "$main" "$addon"
echo "npm install: $((($(date +%s%N) - start) / 1000000)) ms"
installed_addon="node_modules/larkmsg-$platform/larkmsg.$platform.node"
[ -f "$installed_addon" ] || { echo "the platform package did not install its addon" >&2; exit 1; }
if find node_modules/larkmsg -name '*.node' | grep -q .; then echo "the main package holds an addon" >&2; exit 1; fi
ls -l "$installed_addon" | awk '{printf "addon: %.1f MB\n", $5 / 1048576}'

step "node --test"
LARKMSG_CONFORMANCE_DIR="$root/tests/conformance/cases" LARKMSG_BUILDER_CASES="$root/tests/builders/cases.json" \
  LARKMSG_TLS_DIR="$root/core/tests/tls" user node --test test/

step "typings: tsc --strict (nodenext example; ESM, CommonJS with and without esModuleInterop)"
user "$tsc" --noEmit -p test/types
for variant in esm cjs-interop cjs-plain; do
  user "$tsc" -p "test/types/run/tsconfig.$variant.json"
done
user node types-out/esm/esm.mjs
user node types-out/cjs-interop/cjs-interop.js
user node types-out/cjs-plain/cjs-plain.js

step "memory over 20,000 calls"
# (the full check: tools/memory-loop.js, 100,000 calls by default)
cp -r "$here/tools" "$project/tools"
user node tools/memory-loop.js --calls 20000

# Runs `require('larkmsg')` in $1, which must fail with a message holding each of $2...
expect_load_error() {
  local dir="$1" output
  shift
  if output="$(cd "$dir" && user node -e "require('larkmsg')" 2>&1)"; then
    echo "require('larkmsg') loaded in $dir, where it should have failed" >&2
    exit 1
  fi
  for wanted in "$@"; do
    grep -qF -- "$wanted" <<<"$output" || { printf 'the load error lacks "%s":\n%s\n' "$wanted" "$output" >&2; exit 1; }
  done
  printf '%s\n' "$output" | grep -m1 '^Error: larkmsg'
}

step "without the platform package: an error naming the platform and the package to install"
cp -r "$project" "$work/without-addon"
rm -rf "$work/without-addon/node_modules/larkmsg-$platform"
expect_load_error "$work/without-addon" "($platform, Node" "npm install larkmsg-$platform@$version"

step "installed from the checkout"
new_project "$work/from-checkout"
(cd "$work/from-checkout" && user npm install --no-audit --no-fund --loglevel=error "$here")
if ls "$here"/*.node >/dev/null 2>&1; then
  # An addon was built in the checkout (npm run build): it loads.
  (cd "$work/from-checkout" && user node -e "require('larkmsg')")
else
  expect_load_error "$work/from-checkout" "($platform, Node" "npm run build"
fi
echo "Node binding: all tests passed"
