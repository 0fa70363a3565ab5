#!/usr/bin/env bash
# The GPU check alone: gpu-check (CUDA against the pure-Java reference, strict FP32 and TF32; the
# training benchmark with its profile), then the trainer's bench-train, all written to OUTDIR
# (default $OUT, else ./gpu-check-out):
#   run-gpu-check.sh [OUTDIR]
# SPIKESTREAM_CHECK_ARGS adds options to gpu-check (e.g. --quick, a smaller --arch); SPIKESTREAM_BENCH_ARGS
# replaces bench-train's (default: --arch vgg9 --input 2x48x48 --timesteps 20 --batch 128).
# Works from the unpacked package folder, or from the repository root with the packed archive at
# gpu-package/target/spikestream-gpu.tar.gz (it unpacks it to /tmp first).
# Exit: gpu-check's (0 passed, 1 a check failed, 3 CUDA not usable here).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${OUT:-$PWD/gpu-check-out}}
mkdir -p "$out"
pkg=$here
if [[ ! -d "$pkg/lib" ]]; then
  tgz=$here/target/spikestream-gpu.tar.gz
  [[ -f "$tgz" ]] || { echo "run-gpu-check: no package next to this script and no $tgz (build it with gpu-package/build.sh)" | tee "$out/error.txt" >&2; exit 2; }
  tmp=$(mktemp -d /tmp/spikestream-gpu.XXXXXX)
  tar xzf "$tgz" -C "$tmp"
  pkg=$tmp/spikestream-gpu
fi
exec "$pkg/run-train.sh" gpu-session --check-only --out "$out" --launcher "$pkg/run-train.sh"
