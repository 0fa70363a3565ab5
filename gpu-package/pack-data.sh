#!/usr/bin/env bash
# Packs the data the GPU session trains on into one archive that the device tool carries
# (gpu-package/target is ignored by git; the data are never committed):
#
#   gpu-package/pack-data.sh [--per-class N] [--out FILE]
#
# Holds data/nmnist-small/Train/<digit>/*.bin (the 1,000 N-MNIST recordings) and
# data/cifar10/test/<class>/*.jpg (the 10,000 CIFAR-10 test images, emulated into CIFAR10-DVS
# recordings in memory by `train --dataset emulated-images`), from ../shared next to the repository
# (SPIKESTREAM_SHARED=DIR overrides). xz -9e: the .bin recordings compress from 20.7 to 12.5 MB with
# it (16.7 MB with gzip -9), the JPEGs' repeated headers from 9.5 to 3.1 MB.
#   --per-class N   only the first N files (natural order) of every class folder: the small archive of
#                   the CPU dry run (gpu-package/README.md)
#   --out FILE      default gpu-package/target/spikestream-data.tar.xz (or ...-dryrun-N.tar.xz)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SPIKESTREAM_SHARED:-$root/../shared}
per_class=0
out=
while [[ $# -gt 0 ]]; do
  case $1 in
    --per-class) per_class=${2:?--per-class needs a number}; shift 2 ;;
    --out) out=${2:?--out needs a file}; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "pack-data: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$per_class" =~ ^[0-9]+$ ]] || { echo "pack-data: --per-class must be a number, got '$per_class'" >&2; exit 2; }
if [[ -z "$out" ]]; then
  out=$root/gpu-package/target/spikestream-data.tar.xz
  [[ $per_class -gt 0 ]] && out=$root/gpu-package/target/spikestream-data-dryrun-$per_class.tar.xz
fi
command -v xz >/dev/null || { echo "pack-data: xz is not installed" >&2; exit 1; }
parts=(data/nmnist-small/Train data/cifar10/test)
for p in "${parts[@]}"; do
  [[ -d "$shared/$p" ]] || { echo "pack-data: $shared/$p does not exist (set SPIKESTREAM_SHARED)" >&2; exit 1; }
done

list=$(mktemp)
trap 'rm -f "$list"' EXIT
for p in "${parts[@]}"; do
  for cls in $(cd "$shared/$p" && ls | sort -V); do
    [[ -d "$shared/$p/$cls" ]] || continue
    files=$(cd "$shared/$p/$cls" && ls | sort -V)
    [[ $per_class -gt 0 ]] && files=$(head -n "$per_class" <<<"$files")
    sed "s|^|$p/$cls/|" <<<"$files" >>"$list"
  done
done
mkdir -p "$(dirname "$out")"
# fixed order, owner and times: the same data give the same archive
tar -C "$shared" --no-recursion --owner=0 --group=0 --numeric-owner --mtime=@0 -cf - -T "$list" \
  | xz -9e -T1 > "$out.part"
mv "$out.part" "$out"
echo "pack-data: $(wc -l <"$list") files, $(du -b "$out" | cut -f1) bytes: $out" >&2
