#!/usr/bin/env bash
# The GPU session's one command: GPU check, CUDA-vs-CPU equivalence (every primitive and short
# training runs, strict FP32, against the pure-Java reference), the training benchmark of issue 8
# (VGG9, 2x48x48, T=20, batch 128, TF32 and strict FP32) and the trainer's bench-train, all
# written to OUTDIR (default $OUT, else ./gpu-check-out).
#   run-gpu-check.sh [OUTDIR]
# SPIKESTREAM_CHECK_ARGS adds options to gpu-check (e.g. --quick, a smaller --arch); SPIKESTREAM_BENCH_ARGS
# replaces bench-train's (default: --arch vgg9 --input 2x48x48 --timesteps 20 --batch 128). The
# hostcuda dry run (dry-run.sh --hostcuda) sets both to small networks.
# Works from the unpacked package folder, or from the repository root with the packed archive at
# gpu-package/target/spikestream-gpu.tar.gz (it unpacks it to /tmp first).
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
run=$pkg/run-train.sh
# a crash inside a native library leaves its report with the results
export JAVA_OPTS="${JAVA_OPTS:--Xmx16g} -XX:ErrorFile=$out/hs_err_pid%p.log"
{ date -u; uname -a; nvidia-smi 2>&1; } > "$out/machine.txt"
"$pkg/jre/bin/java" -version > "$out/java-version.txt" 2>&1

echo "== gpu-check (equivalence + benchmark) ==" >&2
start=$(date +%s)
# shellcheck disable=SC2086  # the options are words
"$run" gpu-check --out "$out" ${SPIKESTREAM_CHECK_ARGS:-} 2> >(tee "$out/gpu-check.log" >&2)
status=$?
echo "gpu-check exit $status after $(( $(date +%s) - start )) s" | tee -a "$out/summary.txt" >&2

if [[ $status -ne 3 ]]; then
  echo "== bench-train (the trainer's command) ==" >&2
  start=$(date +%s)
  # shellcheck disable=SC2086
  "$run" bench-train --backend cuda ${SPIKESTREAM_BENCH_ARGS:---arch vgg9 --input 2x48x48 --timesteps 20 --batch 128} --json \
      > "$out/bench-train.json" 2> >(tee "$out/bench-train.log" >&2)
  echo "bench-train exit $? after $(( $(date +%s) - start )) s" | tee -a "$out/summary.txt" >&2
fi
grep -h "samples/s\|GPU CHECK\|CUDA is not usable" "$out/gpu-check.txt" 2>/dev/null | tee -a "$out/summary.txt" >&2
exit $status
