#!/usr/bin/env bash
# Writes the Kotlin and Swift sources that uniffi generates from the built library:
#   src/main/kotlin/io/github/larkmsg/larkmsg.kt           (the Kotlin records, native client, fake)
#   swift/Sources/LarkMsg/LarkMsg.swift                     (the same API in Swift)
#   swift/Sources/LarkMsgFFI/include/{LarkMsgFFI.h,module.modulemap}
# Run it after `cargo run -p larkmsg-codegen` changed bindings-kotlin/src/*.rs.
# Usage: bindings-kotlin/generate.sh [--check]   (--check: fail when a checked-in file differs)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here/.."

# One feature set for the library and the generator, so that neither rebuilds the other.
cargo build -q -p larkmsg-kotlin --features cli --lib --bin uniffi-bindgen
target_dir="$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)"
profile_dir="$target_dir/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}debug"

out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
"$profile_dir/uniffi-bindgen" generate --library "$profile_dir/liblarkmsg_kotlin.so" \
  --language kotlin --language swift --no-format --out-dir "$out/raw" >/dev/null

staged="$out/staged"
mkdir -p "$staged/src/main/kotlin/io/github/larkmsg" "$staged/swift/Sources/LarkMsg" \
  "$staged/swift/Sources/LarkMsgFFI/include"
cp "$out/raw/io/github/larkmsg/larkmsg.kt" "$staged/src/main/kotlin/io/github/larkmsg/larkmsg.kt"
cp "$out/raw/LarkMsg.swift" "$staged/swift/Sources/LarkMsg/LarkMsg.swift"
cp "$out/raw/LarkMsgFFI.h" "$staged/swift/Sources/LarkMsgFFI/include/LarkMsgFFI.h"
cp "$out/raw/LarkMsgFFI.modulemap" "$staged/swift/Sources/LarkMsgFFI/include/module.modulemap"

status=0
for file in src/main/kotlin/io/github/larkmsg/larkmsg.kt swift/Sources/LarkMsg/LarkMsg.swift \
  swift/Sources/LarkMsgFFI/include/LarkMsgFFI.h swift/Sources/LarkMsgFFI/include/module.modulemap; do
  if [ "${1:-}" = "--check" ]; then
    if ! diff -q "$staged/$file" "$here/$file" >/dev/null 2>&1; then
      echo "error: bindings-kotlin/$file differs from what uniffi generates; run bindings-kotlin/generate.sh and commit" >&2
      status=1
    fi
  elif ! cmp -s "$staged/$file" "$here/$file"; then
    mkdir -p "$(dirname "$here/$file")"
    cp "$staged/$file" "$here/$file"
    echo "wrote bindings-kotlin/$file"
  fi
done
[ "${1:-}" != "--check" ] || [ "$status" -ne 0 ] || echo "uniffi sources: up to date"
exit "$status"
