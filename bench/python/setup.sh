#!/usr/bin/env bash
# Creates target/bench/venv with the release larkmsg wheel (built by bench/run.sh into
# target/bench/wheels) and the pinned official SDKs of requirements.txt.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/bench/venv"

python3 -m venv --clear "$venv"
pip=("$venv/bin/python" -m pip install --quiet --disable-pip-version-check)
"${pip[@]}" --no-deps "$root"/target/bench/wheels/larkmsg-*.whl
# Pinned official packages:
"${pip[@]}" -r "$root/bench/python/requirements.txt"
"$venv/bin/python" -c 'import larkmsg; print("python: larkmsg", larkmsg.__version__)'
