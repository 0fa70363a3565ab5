#!/usr/bin/env bash
# Builds the bare-GPU package on a machine with a JDK and Maven (no GPU needed):
#   gpu-package/build.sh            (offline Maven; MVN_ONLINE=1 to let Maven download)
# Result: gpu-package/target/spikestream-gpu/ (lib/, jre/, run-train.sh, run-gpu-check.sh) and two
# archives of it: spikestream-gpu.tar.gz (what run-gpu-check.sh unpacks when run from the
# repository) and spikestream-gpu.tar.xz (smaller; what run-gpu-session.sh unpacks, carried together
# with the data archive of pack-data.sh). NO_XZ=1 skips the .tar.xz (about a minute of one core).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
offline=-o
[[ -n "${MVN_ONLINE:-}" ]] && offline=
pkg=gpu-package/target/spikestream-gpu

# the package module and what it depends on (trainer-cli, trainer-cuda): lib/ is its runtime class
# path; the reactor build installs nothing into the local Maven repository
rm -rf "$pkg"
mvn -B -q $offline package -DskipTests -pl gpu-package -am

# Repack jars whose JNI libraries are mostly not needed here: of the CUDA presets only
# cudart (driver + runtime API), cuBLAS, cuDNN and NVRTC; of zstd-jni only linux/amd64.
repack() { # jar, then the entries to delete (zip patterns)
  local jar=$1; shift
  zip -q -d "$jar" "$@" >/dev/null || true
}
cudajar=$(ls "$pkg"/lib/cuda-*-linux-x86_64.jar)
keep='libjnicudart.so|libjnicublas.so|libjnicudnn.so|libjninvrtc.so'
drop=$(unzip -Z1 "$cudajar" | grep -E '\.so$|^META-INF/native-image/' | grep -vE "$keep" || true)
if [[ -n "$drop" ]]; then
  # shellcheck disable=SC2086
  repack "$cudajar" $drop
fi
for z in "$pkg"/lib/zstd-jni-*.jar; do
  [[ -f "$z" ]] || continue
  drop=$(unzip -Z1 "$z" | grep -E '^(darwin|freebsd|win|aix|linux/(aarch64|arm|i386|loongarch64|mips64|ppc64|ppc64le|riscv64|s390x))/' || true)
  # shellcheck disable=SC2086
  [[ -n "$drop" ]] && repack "$z" $drop
done

cp gpu-package/run-train.sh gpu-package/run-gpu-check.sh gpu-package/README.md "$pkg"/
gpu-package/make-jre.sh "$pkg/jre" "$pkg/lib"
tar czf gpu-package/target/spikestream-gpu.tar.gz -C gpu-package/target spikestream-gpu
if [[ -z "${NO_XZ:-}" ]]; then
  tar cf - -C gpu-package/target spikestream-gpu | xz -9 -T0 > gpu-package/target/spikestream-gpu.tar.xz.part
  mv gpu-package/target/spikestream-gpu.tar.xz.part gpu-package/target/spikestream-gpu.tar.xz
else
  rm -f gpu-package/target/spikestream-gpu.tar.xz   # never leave an archive of an older build
fi

echo "package: $(du -sh "$pkg" | cut -f1) unpacked (jre $(du -sh "$pkg/jre" | cut -f1), lib $(du -sh "$pkg/lib" | cut -f1)),"\
     "$(du -b gpu-package/target/spikestream-gpu.tar.gz | cut -f1) bytes as gpu-package/target/spikestream-gpu.tar.gz" \
     "$( [[ -f gpu-package/target/spikestream-gpu.tar.xz ]] && du -b gpu-package/target/spikestream-gpu.tar.xz | cut -f1) bytes as .tar.xz" >&2
