#!/usr/bin/env bash
# Builds and tests everything: the Rust workspace, the release packages of every language
# (scripts/package.sh, into target/dist/), then each binding's tests against those packages.
# Usage: scripts/test-all.sh   (from any directory; needs only the package registries)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "toolchain"
cargo --version
for component in rustfmt clippy; do
  rustup component list --installed 2>/dev/null | grep -q "^${component}" || rustup component add "$component"
done

step "format"
cargo fmt --all --check

step "lint"
cargo clippy --workspace --all-targets --all-features -- -D warnings

step "redis-server (the shared store's tests start their own)"
scripts/redis.sh install
# Tests of the shared store fail, not skip, without it.
export LARKMSG_REQUIRE_REDIS=1

step "rust tests"
cargo test --workspace --all-features

step "packages (scripts/package.sh: wheel and sdist, npm packages, C install tree, crate)"
start=$SECONDS
scripts/package.sh
echo "scripts/package.sh took $((SECONDS - start)) s"
# The binding tests below test these artifacts instead of building their own.
export LARKMSG_PACKAGED=1

step "C binding"
bindings-c/test.sh

step "node binding"
bindings-node/test.sh

step "python binding"
bindings-python/test.sh

step "kotlin binding"
bindings-kotlin/test.sh

step "fuzz"
scripts/fuzz.sh 20

echo "scripts/test-all.sh: everything passed in $((SECONDS - started)) s"
