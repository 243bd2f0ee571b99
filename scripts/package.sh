#!/usr/bin/env bash
# Builds every release artifact into target/dist/ and checks that each is what it claims:
#   python/  larkmsg-<v>-cp39-abi3-manylinux_2_17_x86_64.whl (release, stripped, linked
#            against glibc 2.17 with zig; auditwheel must report manylinux_2_17) and the
#            sdist larkmsg-<v>.tar.gz
#   npm/     larkmsg-<v>.tgz (the main package, with the built platforms as
#            optionalDependencies) and larkmsg-linux-x64-gnu-<v>.tgz (the stripped addon,
#            needing glibc 2.17 at most)
#   c/       the C install tree (cmake --install): include/, lib/liblarkmsg.so.<v> with
#            SONAME liblarkmsg.so.<major> and its symlinks, lib/liblarkmsg.a,
#            lib/pkgconfig/, lib/cmake/larkmsg/
#   rust/    larkmsg-<v>.crate (cargo package, verified by building it)
# Only x86_64 Linux (glibc) is built here; .github/workflows/release.yml builds the rest.
# Usage: scripts/package.sh [python|node|c|rust]...   (default: all; needs cargo, python3,
#        npm, cmake and the package registries)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

step() { printf '\n--> %s\n' "$*"; }
fail() { echo "package.sh: $*" >&2; exit 1; }

components=("$@")
[ ${#components[@]} -gt 0 ] || components=(python node c rust)
for component in "${components[@]}"; do
  case "$component" in python | node | c | rust) ;; *) fail "unknown component '$component' (python, node, c, rust)" ;; esac
done

dist="$root/target/dist"
version="$(grep -m1 '^version = ' Cargo.toml | cut -d'"' -f2)"
# Every build shares one target directory: cargo, maturin and the napi CLI (which always
# passes --target) all build for the host triple under target/<triple>/.
host="$(rustc -vV | sed -n 's/^host: //p')"
export CARGO_BUILD_TARGET="$host"
# The glibc the Linux artifacts are linked against (zig), and so the oldest they run on.
glibc=2.17
zig_target="$host.$glibc"
[ "$host" = x86_64-unknown-linux-gnu ] || fail "builds x86_64-unknown-linux-gnu only (this host: $host)"

timings=()
timed() {
  local name="$1" start=$SECONDS
  shift
  "$@"
  timings+=("$name: $((SECONDS - start)) s")
}

tools() {
  step "build tools (pinned: scripts/package-requirements.txt)"
  local venv="$root/target/package-tools"
  if ! cmp -s scripts/package-requirements.txt "$venv/requirements.txt" 2>/dev/null; then
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r scripts/package-requirements.txt
    cp scripts/package-requirements.txt "$venv/requirements.txt"
  fi
  export PATH="$venv/bin:$PATH"
  local missing=()
  command -v cmake >/dev/null || missing+=(cmake)
  command -v objdump >/dev/null || missing+=(binutils)
  if [ ${#missing[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends "${missing[@]}" \
      || { apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}"; }
  fi
}

# Fails unless every GLIBC_ symbol version that the ELF file $1 needs is $glibc or older.
check_glibc() {
  local newest
  newest="$(objdump -T "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/^GLIBC_//' | sort -uV | tail -1)"
  [ -n "$newest" ] || fail "$1 needs no versioned glibc symbol: not a glibc build?"
  if [ "$(printf '%s\n%s\n' "$newest" "$glibc" | sort -V | tail -1)" != "$glibc" ]; then
    fail "$1 needs GLIBC_$newest, newer than $glibc"
  fi
  echo "$(basename "$1"): newest glibc symbol GLIBC_$newest (<= $glibc)"
}

# Fails when the ELF file $1 still has a symbol table (not stripped).
check_stripped() {
  if readelf -S "$1" | grep -q '\.symtab'; then fail "$1 is not stripped"; fi
}

package_python() {
  step "Python: wheel (maturin --zig, manylinux2014) and sdist"
  rm -rf "$dist/python"
  (
    cd bindings-python
    maturin build --release --zig --compatibility manylinux2014 --strip --out "$dist/python"
    maturin sdist --out "$dist/python"
  )
  local wheel sdist
  wheel="$(ls "$dist"/python/larkmsg-"$version"-cp39-abi3-*.whl)"
  sdist="$dist/python/larkmsg-$version.tar.gz"
  [ -f "$sdist" ] || fail "no sdist at $sdist"
  auditwheel show "$wheel" | tee "$dist/python/auditwheel.txt"
  grep -q '"manylinux_2_17_x86_64"' "$dist/python/auditwheel.txt" \
    || fail "auditwheel does not accept $(basename "$wheel") as manylinux_2_17_x86_64"
  python3 - "$wheel" "$sdist" <<'EOF'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
names = zipfile.ZipFile(wheel).namelist()
info = next(n.split("/")[0] for n in names if n.endswith(".dist-info/METADATA"))
metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
for field in ("License-Expression: MIT OR Apache-2.0", "License-File: LICENSE-MIT", "License-File: LICENSE-APACHE",
              "Project-URL: Repository, ", "Description-Content-Type: text/markdown", "# larkmsg for Python"):
    assert field in metadata, f"wheel METADATA lacks {field!r}"
for license in ("LICENSE-MIT", "LICENSE-APACHE"):
    text = zipfile.ZipFile(wheel).read(f"{info}/licenses/{license}").decode()
    assert "Permission is hereby granted" in text or "Apache License" in text, f"{license} in the wheel is not a license"
native = [n for n in names if n.startswith("larkmsg/_native") and n.endswith(".so")]
assert native == ["larkmsg/_native.abi3.so"], native
members = tarfile.open(sdist).getnames()
for wanted in ("pyproject.toml", "build_backend/larkmsg_build.py", "LICENSE-MIT", "Cargo.lock", "core/Cargo.toml"):
    assert any(m.endswith("/" + wanted) for m in members), f"sdist lacks {wanted}"
print(f"{wheel.rsplit('/', 1)[-1]}: metadata, license files and the abi3 extension are in place; the sdist holds its build files")
EOF
  local so
  so="$(mktemp -d)"
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("larkmsg/_native.abi3.so", sys.argv[2])' "$wheel" "$so"
  check_glibc "$so/larkmsg/_native.abi3.so"
  check_stripped "$so/larkmsg/_native.abi3.so"
  rm -rf "$so"
}

package_node() {
  step "Node: release addon (napi build -x: zig, glibc $glibc) and the npm packages"
  rm -rf "$dist/npm"
  mkdir -p "$dist/npm"
  local stage
  stage="$(mktemp -d)"
  (
    cd bindings-node
    npm ci --no-audit --no-fund --loglevel=error
    npx napi build --platform --release --cross-compile --target "$zig_target" \
      --output-dir "$stage/addon" --js native.js --dts native.d.ts
    for file in native.js native.d.ts; do
      diff -u "$file" "$stage/addon/$file" \
        || fail "the generated bindings-node/$file differs from the checked-in one; commit the regenerated file"
    done
  )
  local platform=linux-x64-gnu addon="larkmsg.linux-x64-gnu.node"
  strip --strip-all "$stage/addon/$addon"
  check_glibc "$stage/addon/$addon"

  # The platform package: npm/<platform>/ and the addon.
  mkdir -p "$stage/$platform"
  cp "bindings-node/npm/$platform/package.json" "bindings-node/npm/$platform/README.md" "$stage/$platform/"
  cp -L LICENSE-MIT LICENSE-APACHE "$stage/addon/$addon" "$stage/$platform/"
  (cd "$stage/$platform" && npm pack --silent --pack-destination "$dist/npm" >/dev/null)

  # The main package: the checkout's files, with the platform packages built here as
  # optionalDependencies (the release adds every platform's).
  mkdir -p "$stage/main"
  local files
  files="$(cd bindings-node && node -p "require('./package.json').files.join('\n')")"
  (cd bindings-node && cp -L package.json README.md $files "$stage/main/")
  (cd "$stage/main" && npm pkg set "optionalDependencies.larkmsg-$platform=$version" && npm pack --silent --pack-destination "$dist/npm" >/dev/null)
  rm -rf "$stage"
  for tarball in "larkmsg-$version.tgz" "larkmsg-$platform-$version.tgz"; do
    [ -f "$dist/npm/$tarball" ] || fail "npm pack did not write $tarball"
  done
  if tar -tzf "$dist/npm/larkmsg-$version.tgz" | grep -q '\.node$'; then fail "the main npm package holds an addon"; fi
  echo "npm packages: $(cd "$dist/npm" && echo *.tgz)"
}

package_c() {
  step "C: liblarkmsg (cargo zigbuild, glibc $glibc) installed with CMake into target/dist/c"
  local build="$root/target/c-build"
  cmake -S bindings-c -B "$build" -DCMAKE_BUILD_TYPE=Release "-DLARKMSG_CARGO=cargo;zigbuild" \
    "-DLARKMSG_RUST_TARGET=$zig_target" >/dev/null
  cmake --build "$build"
  rm -rf "$dist/c"
  cmake --install "$build" --prefix "$dist/c" >/dev/null
  local lib="$dist/c/lib"
  for file in include/larkmsg.h include/larkmsg.hpp "lib/liblarkmsg.so.$version" lib/liblarkmsg.a \
    lib/pkgconfig/larkmsg.pc lib/pkgconfig/larkmsg-static.pc \
    lib/cmake/larkmsg/larkmsgConfig.cmake lib/cmake/larkmsg/larkmsgConfigVersion.cmake; do
    [ -f "$dist/c/$file" ] || fail "the C install lacks $file"
  done
  local major="${version%%.*}"
  [ "$(readlink "$lib/liblarkmsg.so")" = "liblarkmsg.so.$major" ] || fail "lib/liblarkmsg.so is not a link to liblarkmsg.so.$major"
  [ "$(readlink "$lib/liblarkmsg.so.$major")" = "liblarkmsg.so.$version" ] || fail "lib/liblarkmsg.so.$major is not a link to liblarkmsg.so.$version"
  readelf -d "$lib/liblarkmsg.so.$version" | grep -q "Library soname: \[liblarkmsg.so.$major\]" \
    || fail "liblarkmsg.so.$version has no SONAME liblarkmsg.so.$major"
  check_glibc "$lib/liblarkmsg.so.$version"
  check_stripped "$lib/liblarkmsg.so.$version"
  echo "C install: SONAME liblarkmsg.so.$major; $(cd "$dist/c" && find . -type f -o -type l | sort | tr '\n' ' ')"
}

package_rust() {
  step "Rust: cargo package -p larkmsg (builds the packaged crate)"
  rm -rf "$dist/rust"
  mkdir -p "$dist/rust"
  local listing
  listing="$(cargo package -p larkmsg --allow-dirty --list)"
  for file in README.md LICENSE-MIT LICENSE-APACHE Cargo.toml src/lib.rs; do
    grep -qx "$file" <<<"$listing" || fail "the larkmsg crate lacks $file"
  done
  cargo package -p larkmsg --allow-dirty
  cp "target/package/larkmsg-$version.crate" "$dist/rust/"
}

[ " ${components[*]} " = " rust " ] || tools
for component in "${components[@]}"; do
  timed "$component" "package_$component"
done

step "artifacts in target/dist"
(cd "$dist" && find . -type f \( -name '*.whl' -o -name '*.tar.gz' -o -name '*.tgz' -o -name '*.crate' -o -name 'liblarkmsg.*' \) \
  -exec ls -l {} + | awk '{printf "%10.1f MB  %s\n", $5 / 1048576, $9}')
printf 'built in: %s\n' "${timings[*]}"
