#!/usr/bin/env bash
# Tests the installed C library that scripts/package.sh put in target/dist/c (release,
# glibc 2.17, stripped), as C and C++ programs use it:
#   - the header compiles as C99 and C++11, larkmsg.hpp as C++17 (-Wall -Wextra -Werror);
#   - tests/conformance.c (every conformance case against the fake), tests/api.c (NULL
#     arguments, invalid JSON and UTF-8, error objects, async callbacks, shutdown),
#     tests/secrets.c (logging at trace and every error kind: no secret or token in the
#     captured stdout and stderr), tests/stream.c (the card stream against the fake) and
#     tests/flows.c (uploads from bytes, 450 ids and 30 feed card users in one call, a
#     10,000-receiver campaign whose process is killed half-way and rerun), linked with
#     the installed liblarkmsg.a, under AddressSanitizer + UBSan (leak detection on);
#     api.c, secrets.c, stream.c and flows.c (a 500-receiver campaign there) also under
#     valgrind, where no leak, definite or possible, is allowed (conformance.c too with
#     LARKMSG_C_VALGRIND_ALL=1);
#   - tests/consumer/: a C and a C++17 (larkmsg.hpp) program built against the installed
#     prefix through find_package(larkmsg) and through pkg-config, each shared and static,
#     run against the fake; the static ones also under valgrind;
#   - examples/send_text.c built with CMake.
# The header drift test (tests/header.rs) runs with the workspace's cargo test.
# Usage: bindings-c/test.sh   (runs scripts/package.sh c unless LARKMSG_PACKAGED=1; installs
#        gcc, g++, pkg-config, cmake, valgrind and libcjson-dev if missing)
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

[ "${LARKMSG_PACKAGED:-0}" = 1 ] || scripts/package.sh c
prefix="$root/target/dist/c"
[ -f "$prefix/lib/liblarkmsg.a" ] || { echo "no C install in $prefix: run scripts/package.sh c" >&2; exit 1; }
include="$prefix/include"
out="$root/target/larkmsg-c-tests"
rm -rf "$out"
mkdir -p "$out"

# A Redis server for the shared store's test (tests/api.c).
redis_dir="$root/target/redis-c"
LARKMSG_TEST_REDIS_URL="$("$root/scripts/redis.sh" start "$redis_dir")"
export LARKMSG_TEST_REDIS_URL LARKMSG_REQUIRE_REDIS=1
trap '"$root/scripts/redis.sh" stop "$redis_dir"' EXIT

step "the headers compile: larkmsg.h as C99 and C++11, larkmsg.hpp as C++17"
echo '#include "larkmsg.h"' | cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -I "$include" -x c -
echo '#include "larkmsg.h"' | c++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -I "$include" -x c++ -
echo '#include "larkmsg.hpp"' | c++ -std=c++17 -Wall -Wextra -Werror -pedantic -fsyntax-only -I "$include" -x c++ -

# The native libraries a static link needs, as the installed pkg-config file says.
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
read -r -a static_libs <<<"$(pkg-config --static --libs-only-l larkmsg | sed 's/-llarkmsg//')"
archive="$prefix/lib/liblarkmsg.a"
cflags=(-std=c11 -g -Wall -Wextra -Werror -I "$include")
sanitize=(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)

step "C tests under AddressSanitizer and UBSan (static link)"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/conformance.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/conformance-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/api.c" "$archive" "${static_libs[@]}" -o "$out/api-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/secrets.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/secrets-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/stream.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/stream-asan"
cc "${cflags[@]}" "${sanitize[@]}" "$here/tests/flows.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/flows-asan"
# Leaks fail the run (LeakSanitizer), as do ASan and UBSan findings.
export ASAN_OPTIONS="detect_leaks=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
"$out/conformance-asan" "$root/tests/conformance/cases"
"$out/api-asan"
"$out/secrets-asan"
"$out/stream-asan"
"$out/flows-asan"

step "C API tests under valgrind (no leak, definite or possible)"
# The programs end with larkmsg_shutdown, which joins the runtime's threads: nothing of
# theirs may remain "possibly lost". Memory still reachable at exit is not a leak.
# tests/valgrind.supp lists the findings that are not bugs of the library (why: there).
vg=(valgrind -q --error-exitcode=1 --leak-check=full --show-leak-kinds=definite,possible
  --errors-for-leak-kinds=definite,possible --suppressions="$here/tests/valgrind.supp")
cc "${cflags[@]}" "$here/tests/api.c" "$archive" "${static_libs[@]}" -o "$out/api"
"${vg[@]}" "$out/api"
cc "${cflags[@]}" "$here/tests/secrets.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/secrets"
"${vg[@]}" "$out/secrets"
cc "${cflags[@]}" "$here/tests/stream.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/stream"
"${vg[@]}" "$out/stream"
cc "${cflags[@]}" "$here/tests/flows.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/flows"
# (the campaign's child processes run outside valgrind; the fake, in this process, inside)
LARKMSG_CAMPAIGN_RECEIVERS=500 "${vg[@]}" "$out/flows"
# The conformance runner takes minutes under valgrind (a 3 MB card case): opt in.
if [ "${LARKMSG_C_VALGRIND_ALL:-0}" = 1 ]; then
  cc "${cflags[@]}" "$here/tests/conformance.c" "$archive" -lcjson "${static_libs[@]}" -o "$out/conformance"
  CONFORMANCE_REQUEST_MS=30000 "${vg[@]}" "$out/conformance" "$root/tests/conformance/cases"
fi

# Fails unless the program $1 loads liblarkmsg.so.<major> ($2 = shared) or not at all (static).
check_linkage() {
  local needed
  needed="$(readelf -d "$1" | grep -o 'Shared library: \[liblarkmsg[^]]*\]' || true)"
  if [ "$2" = shared ]; then
    [ "$needed" = "Shared library: [liblarkmsg.so.0]" ] || { echo "$1 does not load liblarkmsg.so.0: '$needed'" >&2; exit 1; }
  else
    [ -z "$needed" ] || { echo "$1 is static but loads $needed" >&2; exit 1; }
  fi
}

consumers="$here/tests/consumer"
for linkage in shared static; do
  step "consumers through find_package(larkmsg), $linkage"
  build="$out/find-package-$linkage"
  static=OFF
  [ "$linkage" = shared ] || static=ON
  cmake -S "$consumers" -B "$build" -DCMAKE_PREFIX_PATH="$prefix" -DLARKMSG_STATIC="$static" >/dev/null
  cmake --build "$build" >/dev/null
  for program in consumer_c consumer_cpp; do
    check_linkage "$build/$program" "$linkage"
    "$build/$program"
  done
done
# (the static ones: the installed liblarkmsg.so is stripped, so valgrind.supp could not
# match its frames by name)
"${vg[@]}" "$out/find-package-static/consumer_c"
"${vg[@]}" "$out/find-package-static/consumer_cpp"

step "consumers through pkg-config: larkmsg (shared) and larkmsg-static"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$consumers/consumer.c" $(pkg-config --cflags --libs larkmsg) \
  -Wl,-rpath,"$prefix/lib" -o "$out/pc-shared-c"
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Wextra -Werror "$consumers/consumer.cpp" $(pkg-config --cflags --libs larkmsg) \
  -Wl,-rpath,"$prefix/lib" -o "$out/pc-shared-cpp"
# shellcheck disable=SC2046
cc -std=c11 -Wall -Wextra -Werror "$consumers/consumer.c" $(pkg-config --cflags --libs larkmsg-static) -o "$out/pc-static-c"
# shellcheck disable=SC2046
c++ -std=c++17 -Wall -Wextra -Werror "$consumers/consumer.cpp" $(pkg-config --cflags --libs larkmsg-static) \
  -o "$out/pc-static-cpp"
for linkage in shared static; do
  for program in c cpp; do
    check_linkage "$out/pc-$linkage-$program" "$linkage"
    "$out/pc-$linkage-$program"
  done
done

step "example with CMake"
cmake -S "$here/examples" -B "$out/example" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$out/example" >/dev/null
env -u LARK_APP_ID "$out/example/send_text"
echo "C binding: all tests passed"
