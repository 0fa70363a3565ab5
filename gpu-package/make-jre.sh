#!/usr/bin/env bash
# Makes the Java runtime of the bare-GPU package with jlink: the modules the package's
# jars need (jdeps) plus java.base, java.logging, jdk.unsupported, java.management and java.desktop
# (ImageIO and BufferedImage: the DVS emulator behind `train --dataset emulated-images`), without
# debug data, headers or man pages; native libraries stripped where `strip` exists. The class data
# are stored uncompressed (JRE_COMPRESS, default zip-0; jlink 17-20 know only 0|1|2 and get 0, the
# zip-N levels map to 0 or 2 there, see below): the package archive compresses
# them as a whole far better than jlink does entry by entry, and the carried archives must fit in
# the device tool's 64 MiB (gpu-package/README.md has the sizes).
#
#   gpu-package/make-jre.sh [OUTPUT_DIR] [LIB_DIR]
#     OUTPUT_DIR  default gpu-package/target/spikestream-gpu/jre (replaced)
#     LIB_DIR     the package's jars, default gpu-package/target/spikestream-gpu/lib
#   JLINK=/path/to/jlink overrides the JDK (default: Temurin 25 if installed, else $JAVA_HOME, else PATH).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/target/spikestream-gpu/jre}
lib=${2:-$here/target/spikestream-gpu/lib}

jlink=${JLINK:-}
if [[ -z "$jlink" ]]; then
  for c in /usr/lib/jvm/temurin-25-jdk-amd64/bin/jlink "${JAVA_HOME:-/nonexistent}/bin/jlink" "$(command -v jlink || true)"; do
    if [[ -n "$c" && -x "$c" ]]; then jlink=$c; break; fi
  done
fi
[[ -n "$jlink" && -x "$jlink" ]] || { echo "make-jre: no jlink found (set JLINK=/path/to/jdk/bin/jlink)" >&2; exit 1; }
jdeps=$(dirname "$jlink")/jdeps

modules=java.base,java.logging,jdk.unsupported,java.management,java.desktop
# jdeps also lists java.sql: only jackson-databind's optional java.sql support refers to it, loaded
# by name and skipped when absent. java.desktop stays: the events module decodes images with ImageIO
# to emulate recordings in memory (gpu-package/run-gpu-session.sh trains on emulated CIFAR10-DVS).
# JRE_EXTRA_MODULES=a,b adds modules.
optional='^(java\.sql)$'
if [[ -d "$lib" ]] && ls "$lib"/*.jar >/dev/null 2>&1; then
  found=$("$jdeps" --ignore-missing-deps --print-module-deps --multi-release 17 "$lib"/*.jar 2>/dev/null | tail -1 || true)
  if [[ "$found" =~ ^[a-z.,]+$ ]]; then
    needed=$(tr ',' '\n' <<<"$found" | grep -Ev "$optional" | paste -sd, - || true)
    skipped=$(tr ',' '\n' <<<"$found" | grep -E "$optional" | paste -sd, - || true)
    [[ -n "$needed" ]] && modules="$modules,$needed"
    [[ -n "$skipped" ]] && echo "make-jre: leaving out $skipped (optional for jackson-databind)" >&2
  else
    echo "make-jre: jdeps gave no module list ('$found'); using the base list" >&2
  fi
else
  echo "make-jre: $lib has no jars; using the base module list only" >&2
fi
[[ -n "${JRE_EXTRA_MODULES:-}" ]] && modules="$modules,$JRE_EXTRA_MODULES"
modules=$(tr ',' '\n' <<<"$modules" | sed '/^$/d' | sort -u | paste -sd, -)
echo "make-jre: $jlink, modules $modules" >&2

# jlink 21 added --compress=zip-0..9 (and deprecated 0|1|2); jlink 17-20 accept only 0|1|2 and refuse
# zip-N ("Invalid compression level"). Give each the spelling it takes.
jv=$("$jlink" --version 2>/dev/null | head -1)
jmajor=${jv%%.*}
[[ "$jmajor" =~ ^[0-9]+$ ]] || { echo "make-jre: cannot read the version of $jlink ('$jv')" >&2; exit 1; }
(( jmajor >= 17 )) || { echo "make-jre: $jlink is version $jv; JDK 17 or newer is needed (set JLINK)" >&2; exit 1; }
compress=${JRE_COMPRESS:-zip-0}
if (( jmajor < 21 )); then
  case $compress in
    zip-0) compress=0 ;;
    zip-[1-9]) echo "make-jre: jlink $jv has no $compress; using its ZIP level 2" >&2; compress=2 ;;
    0|1|2) ;;
    *) echo "make-jre: JRE_COMPRESS=$compress: jlink $jv takes 0, 1, 2 (or zip-0..9, mapped)" >&2; exit 1 ;;
  esac
fi
echo "make-jre: jlink $jv, --compress=$compress" >&2

rm -rf "$out"
"$jlink" --add-modules "$modules" --compress="$compress" --strip-debug --no-header-files --no-man-pages --output "$out"
if command -v strip >/dev/null; then
  find "$out/lib" -name '*.so' -exec strip --strip-unneeded {} \;
fi
"$out/bin/java" -version >&2
du -sh "$out" >&2
