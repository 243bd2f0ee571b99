#!/usr/bin/env bash
# Builds liblarkmsg (shared and static), checks the header, and runs the C tests:
#   - tests/header.rs: include/larkmsg.h is what the pinned cbindgen makes of the code;
#   - the header compiles as C and as C++;
#   - tests/conformance.c (every conformance case against the fake), tests/api.c (NULL
#     arguments, invalid JSON and UTF-8, error objects, async callbacks) and
#     tests/secrets.c (logging at trace and every error kind: no secret or token in the
#     captured stdout and stderr), tests/flows.c (uploads from bytes, 450 ids and 30 feed
#     card users in one call, a 10,000-receiver campaign whose process is killed half-way), built with -Wall -Wextra -Werror and linked statically,
#     under AddressSanitizer + UBSan (leak detection on); api.c and secrets.c also under
#     valgrind (conformance.c too with LARKMSG_C_VALGRIND_ALL=1);
#   - examples/send_text.c built against liblarkmsg.so through pkg-config, and with CMake.
# Usage: bindings-c/test.sh   (installs gcc, pkg-config, cmake, valgrind, libcjson-dev if missing)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(dirname "$here")"
cd "$root"

step() { printf '\n--> %s\n' "$*"; }

step "system packages"
missing=()
command -v cc >/dev/null || missing+=(gcc)
command -v c++ >/dev/null || missing+=(g++)
command -v pkg-config >/dev/null || missing+=(pkg-config)
command -v cmake >/dev/null || missing+=(cmake)
command -v valgrind >/dev/null || missing+=(valgrind)
[ -f /usr/include/cjson/cJSON.h ] || missing+=(libcjson-dev)
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y --no-install-recommends "${missing[@]}" \
    || { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "${missing[@]}"; }
fi

step "library and header (cargo build and test -p larkmsg-c)"
cargo build -p larkmsg-c
cargo test -p larkmsg-c
target_dir="$(cargo metadata --format-version 1 --no-deps | grep -o '"target_directory":"[^"]*"' | cut -d'"' -f4)"
libdir="$target_dir/${CARGO_BUILD_TARGET:+$CARGO_BUILD_TARGET/}debug"
for lib in liblarkmsg.so liblarkmsg.a; do
  [ -f "$libdir/$lib" ] || { echo "missing $libdir/$lib" >&2; exit 1; }
done
include="$here/include"
out="$target_dir/larkmsg-c-tests"
mkdir -p "$out"

step "the header compiles as C and as C++"
echo '#include "larkmsg.h"' | cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -I "$include" -x c -
echo '#include "larkmsg.h"' | c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I "$include" -x c++ -

# The native libraries a static link needs (cargo rustc -- --print native-static-libs).
static_libs=(-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc)
cflags=(-std=c11 -g -Wall -Wextra -Werror -I "$include")
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

step "C tests under AddressSanitizer and UBSan (static link)"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/conformance.c" "$libdir/liblarkmsg.a" -lcjson "${static_libs[@]}" \
  -o "$out/conformance-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/api.c" "$libdir/liblarkmsg.a" "${static_libs[@]}" -o "$out/api-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/secrets.c" "$libdir/liblarkmsg.a" -lcjson "${static_libs[@]}" \
  -o "$out/secrets-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/flows.c" "$libdir/liblarkmsg.a" -lcjson "${static_libs[@]}" \
  -o "$out/flows-asan"
# Leaks fail the run (LeakSanitizer), as do ASan and UBSan findings.
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
"$out/conformance-asan" "$root/tests/conformance/cases"
"$out/api-asan"
"$out/secrets-asan"
"$out/flows-asan"

step "C API tests under valgrind"
# The shared runtime's worker threads live until the process exits (by design: never torn
# down), so their stacks and thread-locals show as "possibly lost" / "still reachable".
# Only definite leaks and invalid accesses fail the run; no suppression file is needed.
cc "${cflags[@]}" "$here/tests/api.c" "$libdir/liblarkmsg.a" "${static_libs[@]}" -o "$out/api"
vg=(valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite --errors-for-leak-kinds=definite)
"${vg[@]}" "$out/api"
cc "${cflags[@]}" "$here/tests/secrets.c" "$libdir/liblarkmsg.a" -lcjson "${static_libs[@]}" -o "$out/secrets"
"${vg[@]}" "$out/secrets"
# The conformance runner is clean under valgrind too, but takes about two minutes there
# (debug build, a 3 MB card case): opt in with LARKMSG_C_VALGRIND_ALL=1.
if [ "${LARKMSG_C_VALGRIND_ALL:-0}" = 1 ]; then
  cc "${cflags[@]}" "$here/tests/conformance.c" "$libdir/liblarkmsg.a" -lcjson "${static_libs[@]}" -o "$out/conformance"
  CONFORMANCE_REQUEST_MS=30000 "${vg[@]}" "$out/conformance" "$root/tests/conformance/cases"
fi

step "example against liblarkmsg.so through pkg-config"
pcdir="$out/pkgconfig"
mkdir -p "$pcdir"
version="$(grep -m1 '^version' "$root/Cargo.toml" | cut -d'"' -f2)"
sed -e "s|@PREFIX@|$target_dir|" -e "s|@LIBDIR@|$libdir|" -e "s|@INCLUDEDIR@|$include|" -e "s|@VERSION@|$version|" \
  "$here/larkmsg.pc.in" > "$pcdir/larkmsg.pc"
export PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$here/examples/send_text.c" $(pkg-config --cflags --libs larkmsg) \
  -Wl,-rpath,"$libdir" -o "$out/send_text"
env -u LARK_APP_ID "$out/send_text"

step "example with CMake"
cmake -S "$here/examples" -B "$out/cmake" -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$out/cmake" >/dev/null
env -u LARK_APP_ID "$out/cmake/send_text"
echo "C binding: all tests passed"
