#!/usr/bin/env bash
# Reproduces the measured figures of gpu-package/README.md that are not produced by another script:
#
#   gpu-package/measure.sh emulate-cost [PER_CLASS]     (default 0 = all 10,000 CIFAR-10 test images)
#       CPU and wall time to read, emulate and frame CIFAR10-DVS recordings in memory, exactly as
#       stage 3 of run-gpu-session.sh does (the package's runtime, `train --dataset emulated-images`,
#       48x48, T = 20, window 57.5 ms, clipped counts, --loader-threads THREADS, default nproc). The
#       Java process is stopped once the trainer logs "data read, emulated and framed"; its CPU time
#       (utime + stime from /proc, JVM start included) is read at that moment.
#   gpu-package/measure.sh emulate-identical [PER_CLASS]   (default 4 = 40 images)
#       `events emulate --images ... --seed 1` run by the development JDK (java on PATH) and by the
#       package's runtime on the same images (the shaded app jar on both), outputs compared byte for byte.
#   gpu-package/measure.sh ckpt-size [WIDTH...]         (default 1024 256 192)
#       the checkpoint size of stage 3's network per fully connected width: one epoch of the stage-3
#       recipe (ND4J CPU backend of the shaded app jar, 2 images per class, half held out) writes the
#       checkpoint; its size does not depend on the values trained (about a minute per width on 2 cores).
#
# Images come from ${SPIKESTREAM_SHARED:-../shared}/data/cifar10/test; a subset is a folder of symbolic
# links in a temporary folder (removed at the end), never a copy. Needs the package
# (gpu-package/build.sh) and, for emulate-identical and ckpt-size, app/target/spikestream.jar (mvn -B -o package -DskipTests -pl app -am).
# Run it niced on a shared machine: nice gpu-package/measure.sh ...
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SPIKESTREAM_SHARED:-$root/../shared}
images=$shared/data/cifar10/test
pkg=$root/gpu-package/target/spikestream-gpu
appjar=$root/app/target/spikestream.jar
usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
[[ $# -ge 1 ]] || usage
cmd=$1; shift
[[ -d "$images" ]] || { echo "measure: $images does not exist (set SPIKESTREAM_SHARED)" >&2; exit 1; }
tmp=$(mktemp -d)
jpid=
cleanup() { [[ -n "$jpid" ]] && kill "$jpid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

subset() { # per_class dir: the folder to read (the original one for 0, else links to the first N per class)
  local n=$1 dir=$2 c f
  if [[ "$n" == 0 ]]; then echo "$images"; return; fi
  for c in $(cd "$images" && ls | sort); do
    [[ -d "$images/$c" ]] || continue
    mkdir -p "$dir/$c"
    for f in $(cd "$images/$c" && ls | sort -V | head -n "$n"); do ln -s "$images/$c/$f" "$dir/$c/$f"; done
  done
  echo "$dir"
}
need() { [[ -e "$1" ]] || { echo "measure: $1 is missing ($2)" >&2; exit 1; }; }

case $cmd in
emulate-cost)
  n=${1:-0}
  need "$pkg/run-train.sh" "build the package: gpu-package/build.sh"
  data=$(subset "$n" "$tmp/images")
  count=$(find -L "$data" -type f | wc -l)
  threads=${THREADS:-$(nproc)}
  log=$tmp/train.log
  t0=$(date +%s%N)
  JAVA_OPTS=${JAVA_OPTS:--Xmx3g} "$pkg/run-train.sh" train --dataset emulated-images --data "$data" --arch c4-p2-f16 \
    --timesteps 20 --window-us 57500 --frame-size 48x48 --count clipped --clip-max 4 --epochs 1 --batch 16 \
    --seed 42 --backend reference --val-split 0.1 --loader-threads "$threads" --out "$tmp/x.ckpt" 2>"$log" >/dev/null &
  jpid=$!
  tick=$(getconf CLK_TCK)
  while kill -0 "$jpid" 2>/dev/null; do
    if grep -q "emulated and framed" "$log"; then
      cpu=$(awk -v t="$tick" '{ printf "%.1f", ($14 + $15) / t }' "/proc/$jpid/stat")
      wall=$(( ($(date +%s%N) - t0) / 1000000 ))   # ms
      kill "$jpid"; wait "$jpid" 2>/dev/null || true; jpid=
      grep "emulated and framed" "$log" | sed 's/^/measure: /' >&2
      awk -v n="$count" -v c="$cpu" -v w="$(awk -v m="$wall" 'BEGIN { print m / 1000 }')" -v th="$threads" -v j="$("$pkg/jre/bin/java" -version 2>&1 | head -1)" 'BEGIN {
        printf "emulate-cost: %d recordings, %d loader threads, %s\n", n, th, j
        printf "emulate-cost: %.1f s wall, %.1f CPU-s (JVM start included) = %.1f ms of CPU per recording\n", w, c, 1000 * c / n }'
      exit 0
    fi
    sleep 0.2
  done
  cat "$log" >&2; echo "measure: train ended before framing was done" >&2; exit 1 ;;
emulate-identical)
  n=${1:-4}
  need "$pkg/jre/bin/java" "build the package: gpu-package/build.sh"
  need "$appjar" "build the app: mvn -B -o package -DskipTests -pl app -am"
  data=$(subset "$n" "$tmp/images")
  for r in dev pkg; do
    j=java; [[ $r == pkg ]] && j=$pkg/jre/bin/java
    echo "measure: $r runtime: $("$j" -version 2>&1 | head -1)" >&2
    "$j" -Xmx2g -Djava.awt.headless=true -jar "$appjar" events emulate --images "$data" --seed 1 --out "$tmp/$r" >/dev/null 2>"$tmp/$r.log" \
      || { cat "$tmp/$r.log" >&2; exit 1; }
  done
  files=$(find "$tmp/dev" -type f | wc -l)
  bytes=$(du -sb "$tmp/dev" | cut -f1)
  if diff -r "$tmp/dev" "$tmp/pkg" >/dev/null; then
    echo "emulate-identical: $files recordings ($bytes bytes) identical between the two runtimes"
  else
    diff -rq "$tmp/dev" "$tmp/pkg" | head >&2; echo "emulate-identical: the runtimes DIFFER" >&2; exit 1
  fi ;;
ckpt-size)
  [[ $# -gt 0 ]] || set -- 1024 256 192
  need "$appjar" "build the app: mvn -B -o package -DskipTests -pl app -am"
  data=$(subset 2 "$tmp/images")
  for w in "$@"; do
    [[ "$w" =~ ^[0-9]+$ ]] || { echo "measure: width '$w' is not a number" >&2; exit 2; }
    arch=c64-c64-p2-c128-c128-p2-c256-c256-c256-p2-f$w
    java ${JAVA_OPTS:--Xmx3g} -jar "$appjar" train --dataset emulated-images --data "$data" --arch "$arch" --timesteps 20 \
      --window-us 57500 --frame-size 48x48 --count clipped --clip-max 4 --epochs 1 --batch 10 --seed 42 --backend cpu \
      --val-split 0.5 --out "$tmp/f$w.ckpt" >/dev/null 2>"$tmp/f$w.log" || { tail -5 "$tmp/f$w.log" >&2; exit 1; }
    echo "ckpt-size: $arch: $(stat -c %s "$tmp/f$w.ckpt") bytes"
  done ;;
*) usage ;;
esac
