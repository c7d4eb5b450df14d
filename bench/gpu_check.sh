#!/usr/bin/env bash
# What only a GPU can check, in one command, in under 8 minutes on an H100:
#   1. tiled_attention's self-tests with kernels compiled on CUDA (the reference scores full
#      marks, each buggy kernel loses its points, each cheater scores zero);
#   2. the sample class's tiled_attention submissions graded;
#   3. bench/attention.py: the reference kernel against PyTorch's SDPA, fp16 and bf16, causal
#      and not, N = 1024..16384, D = 64 and 128, TFLOP/s side by side;
#   4. one log (OUT/gpu-check.log) and one JSON summary (OUT/gpu-check.json).
# It exits non-zero, naming the step, if anything fails.
#
# Usage, on a machine whose python3 has a CUDA PyTorch and Triton:
#   bench/gpu_check.sh [--wheels DIR] [--out DIR] [--dry-run]
#     --wheels DIR  first install ulp and what it needs beyond torch/triton from the wheels in
#                   DIR, with no package index (such a machine may have none)
#     --out DIR     where the log, the JSON and the graded class go (default: gpu-check)
#     --dry-run     show the steps (and the install command), run none
# On a machine with a package index, make DIR for a Python 3.12 x86-64 GPU machine with:
#   bench/gpu_check.sh --make-wheels DIR
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
wheels="" out="gpu-check" dry_run="" make_wheels=""
while [ $# -gt 0 ]; do
  case "$1" in
    --wheels) wheels=${2:?--wheels needs a folder}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --dry-run) dry_run=1; shift ;;
    --make-wheels) make_wheels=${2:?--make-wheels needs a folder}; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "gpu_check.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

if [ -n "$make_wheels" ]; then
  # ulp's own dependencies (pyproject.toml), torch and triton left out: the GPU machine has its
  # own CUDA builds. Binary wheels for CPython 3.12 on x86-64 Linux, with their dependencies.
  mapfile -t deps < <("$python" - <<'PY'
import re, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
for dep in project["dependencies"] + ["mpmath>=1.3", "ml_dtypes>=0.4"]:
    if not re.match(r"(torch|triton)\b", dep):
        print(dep.split(";")[0].strip())
PY
)
  set -x
  "$python" -m pip download --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
    --platform manylinux2014_x86_64 --platform any -d "$make_wheels" "${deps[@]}"
  exit 0
fi

if [ -n "$wheels" ]; then
  install=("$python" -m pip install --no-index --find-links "$wheels" --no-build-isolation -e .)
  echo "==> install ulp from $wheels (no package index)"
  echo "\$ ${install[*]}"
  if [ -z "$dry_run" ]; then
    "${install[@]}"
  fi
fi
exec "$python" bench/gpu_check.py --out "$out" ${dry_run:+--dry-run}
