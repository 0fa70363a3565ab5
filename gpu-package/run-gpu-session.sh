#!/usr/bin/env bash
# The GPU session in one device call (gpu-package/README.md):
#
#   bash gpu-package/run-gpu-session.sh OUTDIR          (OUTDIR default: $OUT)
#
# from the repository root, with gpu-package/target/spikestream-gpu.tar.xz (build.sh) and
# gpu-package/target/spikestream-data.tar.xz (pack-data.sh) carried along. Unpacks both to the work
# folder (nothing is written into the working tree) and hands over to the package's `gpu-session`
# command, which runs the GPU check and the two time-budgeted trainings with their evaluation, each
# under its own timeout, copies results to OUTDIR as they appear, and on SIGTERM/SIGINT stops the
# running stage, copies and summarises. `run-train.sh gpu-session --help` lists its options; each
# has a SPIKESTREAM_SESSION_* variable (the CPU dry run sets them).
# Exit: 0 everything passed, 1 a stage failed, timed out or was skipped, 2 bad usage or a missing or
# unreadable archive, 3 CUDA unusable, 143 stopped by a signal.
#
# Variables read here: SPIKESTREAM_SESSION_{PACKAGE, DATA} (the archives), SPIKESTREAM_SESSION_WORK
# (the work folder, default /tmp/spikestream-session).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${OUT:-}}
if [[ -z "$out" || "$out" == -h || "$out" == --help ]]; then
  sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2
start=$(date +%s)
pkg_archive=${SPIKESTREAM_SESSION_PACKAGE:-$here/target/spikestream-gpu.tar.xz}
data_archive=${SPIKESTREAM_SESSION_DATA:-$here/target/spikestream-data.tar.xz}
work=${SPIKESTREAM_SESSION_WORK:-/tmp/spikestream-session}

fail() { # the reason, also as the session's summary (there is no Java to write one yet)
  echo "run-gpu-session: $*" | tee "$out/session-summary.txt" >&2
  exit 2
}
[[ -f "$pkg_archive" ]] || fail "no package archive $pkg_archive (run gpu-package/build.sh and carry it)"
[[ -f "$data_archive" ]] || fail "no data archive $data_archive (run gpu-package/pack-data.sh and carry it)"
rm -rf "$work" && mkdir -p "$work" || fail "cannot create $work"
unpack() { # archive (.tar.gz or .tar.xz) into the work folder; python3 (with lzma) where xz is missing
  case $1 in
    *.xz) if command -v xz >/dev/null; then tar -xJf "$1" -C "$work"
          else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$1" "$work"; fi ;;
    *) tar -xzf "$1" -C "$work" ;;
  esac
}
for a in "$pkg_archive" "$data_archive"; do
  unpack "$a" || fail "cannot unpack $a"
done
launcher=$work/spikestream-gpu/run-train.sh
[[ -x "$launcher" ]] || fail "$pkg_archive holds no spikestream-gpu/run-train.sh"
echo "run-gpu-session: unpacked in $(( $(date +%s) - start )) s ($(du -sh "$work" | cut -f1) in $work)" >&2
exec "$launcher" gpu-session --out "$out" --work "$work" --data "$work/data" --launcher "$launcher" \
  --started-at "$start" --unpacked-in-s "$(( $(date +%s) - start ))"
