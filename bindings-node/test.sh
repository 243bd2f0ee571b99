#!/usr/bin/env bash
# Builds the Node addon with the napi-rs CLI, packs the npm package, installs the tarball
# into a fresh project and runs the tests there as a user would: `node --test` (require
# and import, the conformance suite, errors, concurrency, the fake, no secret in any
# output), `tsc --strict` over a typed example and a memory check over 20,000 calls.
# Fails when the generated native typings drift from native.d.ts.
# Usage: bindings-node/test.sh   (needs node >= 18 and npm, cargo; only the package registries)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if ! command -v npm >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq nodejs npm
fi
node --version

# The napi CLI always passes --target; build everything for the host triple into one place.
CARGO_BUILD_TARGET="${CARGO_BUILD_TARGET:-$(rustc -vV | sed -n 's/^host: //p')}"
export CARGO_BUILD_TARGET

# npm ci would reject the lockfile (other platforms' optional binaries are not served here).
npm install --no-audit --no-fund --loglevel=error

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp native.d.ts "$work/native.d.ts.checked-in"
cp native.js "$work/native.js.checked-in"
npx napi build --platform --js native.js --dts native.d.ts
for file in native.d.ts native.js; do
  if ! diff -u "$work/$file.checked-in" "$file"; then
    echo "error: the generated $file differs from the checked-in copy; commit the regenerated file" >&2
    exit 1
  fi
done
if command -v strip >/dev/null 2>&1; then
  strip --strip-debug ./*.node
fi

npm pack --silent --pack-destination "$work" >/dev/null
tarball="$(ls "$work"/larkmsg-*.tgz)"

project="$work/project"
mkdir -p "$project"
cp -r test "$project/test"
cd "$project"
printf '{"name": "larkmsg-install-check", "version": "1.0.0", "private": true}\n' > package.json
npm install --no-audit --no-fund --loglevel=error "$tarball"

"$here/node_modules/.bin/tsc" --noEmit --strict -p test/types
echo "tsc --noEmit --strict: ok"

LARKMSG_CONFORMANCE_DIR="$here/../tests/conformance/cases" LARKMSG_BUILDER_CASES="$here/../tests/builders/cases.json" \
  LARKMSG_TLS_DIR="$here/../core/tests/tls" node --test test/

# Flat memory over 20,000 calls (the full check: tools/memory-loop.js, 100,000 calls by default).
cp -r "$here/tools" "$project/tools"
node --expose-gc tools/memory-loop.js --calls 20000
