#!/usr/bin/env bash
# The benchmark suite in one command: builds the release artifacts, installs the Python and
# Node columns, then runs every scenario against the fake (bench/run.py, options passed on).
# Usage: bench/run.sh [--quick] [--columns a,b] [--scenarios a,b] [--out DIR]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step() { printf '\n==> %s\n' "$*" >&2; }

bench="$root/target/bench"
release="$root/target/release"
mkdir -p "$bench"

# One target directory and one feature set for the core (every binding and the driver ask
# for `fake`): the fake, the Rust driver, the C library and the wheel share one build of
# the core and its dependencies. The Node addon's macros need more of `syn`, which changes
# the build of `tracing`'s macros and so of the core: it gets a second build.
step "release build: fake server, Rust driver, C library"
cargo build --release -p larkmsg --features fake --bin larkmsg-fake
cargo build --release -p larkmsg-bench -p larkmsg-c

step "C driver"
[ -f /usr/include/cjson/cJSON.h ] || {
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get install -y --no-install-recommends libcjson-dev \
    || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends libcjson-dev; }
}
# The library's soname is liblarkmsg.so.0 (bindings-c/build.rs); cargo writes only liblarkmsg.so.
ln -sf liblarkmsg.so "$release/liblarkmsg.so.0"
cc -std=c11 -O2 -Wall -Wextra -Werror -I "$root/bindings-c/include" bench/c/driver.c \
  -L "$release" -llarkmsg -lcjson -lpthread -Wl,-rpath,"$release" -o "$bench/c-driver"

step "Kotlin driver (release library in the larkmsg jar, bench/kotlin)"
cargo build --release -p larkmsg-kotlin
mkdir -p "$bench/kotlin-native/linux-x86-64"
strip -o "$bench/kotlin-native/linux-x86-64/liblarkmsg_kotlin.so" "$release/liblarkmsg_kotlin.so"
mvn -B -q -ntp -f bindings-kotlin/pom.xml install -DskipTests -Dnative.dir="$bench/kotlin-native"
mvn -B -q -ntp -f bench/kotlin/pom.xml package
classpath="$root/bench/kotlin/target/larkmsg-bench-driver-0.1.0.jar:$(cat bench/kotlin/target/runtime-classpath.txt)"
printf '#!/bin/sh\nexec java -cp "%s" DriverKt "$@"\n' "$classpath" > "$bench/kotlin-driver"
chmod +x "$bench/kotlin-driver"

step "Python wheel (maturin build --release)"
python3 -m venv "$bench/build-venv"
"$bench/build-venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin==1.16.0"
rm -rf "$bench/wheels"
"$bench/build-venv/bin/maturin" build --quiet --release --manifest-path bindings-python/Cargo.toml \
  --out "$bench/wheels"

# The napi CLI would build for an explicit --target into another directory (recompiling
# every dependency once more); on Linux its build is this cargo build plus a copy under the
# name the loader (native.js) looks for, so the package is staged from this build.
step "Node package (release addon, packed)"
cargo build --release -p larkmsg-node
package="$bench/node-package"
rm -rf "$package"
mkdir -p "$package"
(cd bindings-node && cp -L package.json $(node -p "require('./package.json').files.join(' ')") "$package/")
cp "$release/liblarkmsg_node.so" "$package/larkmsg.linux-x64-gnu.node"
# The published layout keeps the addon in a platform package; this one local package carries
# it itself, so it joins the packed files.
node -e 'const fs = require("fs"), file = process.argv[1], pkg = JSON.parse(fs.readFileSync(file));
  pkg.files.push("larkmsg.linux-x64-gnu.node"); delete pkg.optionalDependencies;
  fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n")' "$package/package.json"
rm -f "$bench"/larkmsg-*.tgz
(cd "$package" && npm pack --silent --pack-destination "$bench" >/dev/null)
mv "$bench"/larkmsg-*.tgz "$bench/larkmsg.tgz"

step "Python columns (bench/python/setup.sh)"
bench/python/setup.sh
step "Node columns (bench/node/setup.sh)"
bench/node/setup.sh

step "benchmark (bench/run.py $*)"
exec python3 bench/run.py "$@"
