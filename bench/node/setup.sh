#!/usr/bin/env bash
# Creates target/bench/node: node_modules with the release larkmsg package (the tarball
# bench/run.sh packed, target/bench/larkmsg.tgz) and the pinned official SDK of package.json.
# Drivers run with NODE_PATH=target/bench/node/node_modules.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
project="$root/target/bench/node"

rm -rf "$project"
mkdir -p "$project"
cp "$root/bench/node/package.json" "$project/package.json"
cp "$root/target/bench/larkmsg.tgz" "$project/larkmsg.tgz"
(cd "$project" && npm install --no-audit --no-fund --loglevel=error)
NODE_PATH="$project/node_modules" node -e 'console.log("node: larkmsg", require("larkmsg/package.json").version)'
