#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder's image (Ubuntu), with the
# unzipped autograder in /autograder/source (written by `ulp release`; see ulp-release.env).
# It installs bubblewrap (the worker's sandbox), Python 3.11 or newer, and ulp with what this
# assignment's tests need into a virtual environment outside /autograder/source:
# run_autograder makes the source folder unreadable to everyone but root, and the sandboxed
# worker (user nobody) must still read Python and the engine.
set -euo pipefail

ROOT="${AUTOGRADER_ROOT:-/autograder}"
SOURCE="$ROOT/source"
ULP_VENV="${ULP_VENV:-/opt/ulp-venv}"
# torch for CPU: Gradescope's machines have no GPU, and the CUDA wheels are gigabytes.
TORCH_INDEX="${ULP_TORCH_INDEX:-https://download.pytorch.org/whl/cpu}"
# shellcheck source=/dev/null
. "$SOURCE/ulp-release.env"

export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends ca-certificates bubblewrap python3 python3-venv python3-pip

PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    # Ubuntu 22.04 ships Python 3.10; ulp needs 3.11 (its universe has python3.11).
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
    PYTHON=python3.11
fi

"$PYTHON" -m venv "$ULP_VENV"
"$ULP_VENV/bin/pip" install --no-cache-dir --upgrade pip
spec="$SOURCE"
if [ -n "$ULP_EXTRAS" ]; then
    "$ULP_VENV/bin/pip" install --no-cache-dir --index-url "$TORCH_INDEX" torch
    spec="$SOURCE[$ULP_EXTRAS]"
fi
# Not editable: the engine must live in the venv, readable by the worker, not in the source.
# shellcheck disable=SC2086 # ULP_REQUIREMENTS is a list of package names
"$ULP_VENV/bin/pip" install --no-cache-dir "$spec" $ULP_REQUIREMENTS
chmod -R a+rX "$ULP_VENV"
"$ULP_VENV/bin/ulp" --version
echo "ulp $ULP_VERSION is installed in $ULP_VENV for $ULP_ASSIGNMENT"
