#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image; the zip
# is unpacked in $ROOT/source. It installs a Python of at least 3.11 with the pinned
# packages of requirements.txt in a virtual environment ($ROOT/venv), then draws the
# hidden properties' examples once so that every submission is graded from that cache.
set -euo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
export DEBIAN_FRONTEND=noninteractive

python_ok() { "$1" -c 'import sys; sys.exit(sys.version_info < (3, 11))' >/dev/null 2>&1; }

apt-get update -qq
command -v python3 >/dev/null || apt-get install -y -qq python3
PY=""
for candidate in python3 python3.13 python3.12 python3.11; do
    if command -v "$candidate" >/dev/null && python_ok "$candidate"; then
        PY="$candidate"
        break
    fi
done
if [ -z "$PY" ]; then
    # Ubuntu 22.04's python3 is 3.10; its python3.11 package is recent enough.
    apt-get install -y -qq python3.11 python3.11-venv
    PY=python3.11
else
    version="$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
    apt-get install -y -qq "python${version}-venv" || apt-get install -y -qq python3-venv
fi

"$PY" -m venv "$ROOT/venv"
"$ROOT/venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$SOURCE/requirements.txt"

AUTOGRADER_MATERIAL="$SOURCE" AUTOGRADER_CACHE_DIR="$SOURCE/.example-cache" PYTHONPATH="$SOURCE" \
    "$ROOT/venv/bin/python" -c "from autograder.grading.engine import fill_cache; fill_cache()"
echo "cs231n-autograder: setup done with $("$ROOT/venv/bin/python" --version)"
