#!/usr/bin/env bash
# Builds liblarkmsg_kotlin.so, checks that the checked-in uniffi sources (Kotlin and Swift)
# are what uniffi generates from it, packages the jar with the library for linux-x86-64
# where JNA finds it, and runs `mvn verify`: the JUnit tests (every conformance case,
# blocking and suspending; the typed operations, errors, the card stream, 1,000
# coroutines on one client, cancellation, panics, the fake, the builder cases; no secret
# in any output at trace level). Then compiles examples/java/SendText.java against the packaged jar and runs it.
# Usage: bindings-kotlin/test.sh   (installs Maven and a JDK with apt-get if missing; needs
# cargo and the package registries)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

step() { printf '\n--> %s\n' "$*"; }

step "JDK and Maven"
if ! command -v mvn >/dev/null 2>&1 || ! command -v javac >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  packages=(maven openjdk-17-jdk-headless)
  $sudo apt-get install -y --no-install-recommends "${packages[@]}" \
    || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "${packages[@]}"; }
fi
java -version
mvn -v

step "library and uniffi sources (bindings-kotlin/generate.sh --check)"
"$here/generate.sh" --check
target_dir="$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)"
library="$target_dir/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}debug/liblarkmsg_kotlin.so"
native="$here/target/native/linux-x86-64"
mkdir -p "$native"
# A debug build is enough for the tests; without its debug info it is a quarter the size.
strip --strip-debug -o "$native/liblarkmsg_kotlin.so" "$library"

step "jar and JUnit tests (mvn verify)"
# A Redis server for the shared store's test (SharedStoreTest.kt).
redis_dir="$root/target/redis-kotlin"
LARKMSG_TEST_REDIS_URL="$("$root/scripts/redis.sh" start "$redis_dir")"
export LARKMSG_TEST_REDIS_URL LARKMSG_REQUIRE_REDIS=1
trap '"$root/scripts/redis.sh" stop "$redis_dir"' EXIT
cd "$here"
mvn -B -ntp verify
jar="$here/target/larkmsg-0.1.0.jar"
jar tf "$jar" | grep -qx 'linux-x86-64/liblarkmsg_kotlin.so' || { echo "the jar lacks the native library" >&2; exit 1; }

step "Java example against the jar"
classpath="$jar:$(cat target/runtime-classpath.txt)"
rm -rf target/example
javac -Xlint:all -Werror -d target/example -cp "$classpath" examples/java/SendText.java
env -u LARK_APP_ID java -cp "target/example:$classpath" SendText
echo "Kotlin binding: all tests passed"
