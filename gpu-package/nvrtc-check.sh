#!/usr/bin/env bash
# The real NVRTC compile of the CUDA kernels on a machine without a GPU or a CUDA toolkit:
#
#   gpu-package/nvrtc-check.sh [CACHE_DIR]          (default ${XDG_CACHE_HOME:-~/.cache}/spikestream-nvrtc)
#
# 1. fetches org.bytedeco:cuda-redist:13.1-9.19-1.5.13:linux-x86_64 from Maven Central once (380 MB,
#    kept in CACHE_DIR, never in the repository) and extracts libnvrtc.so.13, its builtins and
#    libcudart.so.13 from it;
# 2. builds a stub libcuda.so.1 (the preset's libjnicudart.so links the driver): every driver symbol
#    the JNI library imports, each returning CUDA_ERROR_NO_DEVICE (100), so nothing can pretend to
#    run on a GPU;
# 3. runs trainer-cuda's NvrtcCompileTest with both on LD_LIBRARY_PATH: kernels.cu compiled through
#    the backend's own JavaCPP NVRTC code with its own options into sm_90 CUBIN (clean log, every
#    launched kernel present) and PTX (entry-point parameter types equal the host's launch code).
# Needs curl, unzip, gcc, nm and the project's dependencies in the local Maven repository. Exit 0 when the test ran and
# passed; 1 otherwise (a skipped test counts as a failure here).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/spikestream-nvrtc}
version=13.1-9.19-1.5.13
jar=$cache/cuda-redist-$version-linux-x86_64.jar
url=https://repo1.maven.org/maven2/org/bytedeco/cuda-redist/$version/cuda-redist-$version-linux-x86_64.jar
lib=$cache/lib
stub=$cache/stub
preset=$HOME/.m2/repository/org/bytedeco/cuda/$version/cuda-$version-linux-x86_64.jar
for tool in curl unzip gcc nm; do
  command -v "$tool" >/dev/null || { echo "nvrtc-check: $tool is needed" >&2; exit 1; }
done
[[ -f "$preset" ]] || { echo "nvrtc-check: $preset is missing (build the project once: mvn -B verify)" >&2; exit 1; }
mkdir -p "$lib" "$stub"

if [[ ! -f "$lib/libnvrtc.so.13" ]]; then
  if [[ ! -f "$jar" ]]; then
    echo "nvrtc-check: downloading $url (380 MB) ..." >&2
    curl -fL --progress-bar -o "$jar.part" "$url"
    mv "$jar.part" "$jar"
  fi
  unzip -o -j -q "$jar" 'org/bytedeco/cuda/linux-x86_64/libnvrtc*' 'org/bytedeco/cuda/linux-x86_64/libcudart.so*' -d "$lib"
fi

if [[ ! -f "$stub/libcuda.so.1" ]]; then
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  unzip -o -j -q "$preset" 'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' -d "$tmp"
  # the driver API symbols libjnicudart imports (cu*, not cuda* which libcudart provides)
  nm -D --undefined-only "$tmp/libjnicudart.so" | awk '{print $NF}' | sed 's/@.*//' | grep -E '^cu[A-Z]' | sort -u \
    > "$tmp/symbols.txt"
  [[ -s "$tmp/symbols.txt" ]] || { echo "nvrtc-check: no driver symbols found in libjnicudart.so" >&2; exit 1; }
  {
    echo "/* stub libcuda.so.1: every driver entry point reports CUDA_ERROR_NO_DEVICE */"
    while read -r s; do echo "int $s(void) { return 100; }"; done < "$tmp/symbols.txt"
  } > "$tmp/stub.c"
  gcc -shared -fPIC -o "$stub/libcuda.so.1" "$tmp/stub.c"
  echo "nvrtc-check: stub libcuda.so.1 with $(wc -l < "$tmp/symbols.txt") driver symbols" >&2
fi

cd "$root"
# a report left by an earlier run must not stand in for this one
rm -f trainer-cuda/target/surefire-reports/TEST-*NvrtcCompileTest.xml
LD_LIBRARY_PATH="$stub:$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
  mvn -B -o -q -pl trainer-cuda -am test -Dtest=NvrtcCompileTest -Dsurefire.failIfNoSpecifiedTests=false
report=$(ls trainer-cuda/target/surefire-reports/TEST-*NvrtcCompileTest.xml 2>/dev/null) \
  || { echo "nvrtc-check: FAILED: the test wrote no report (did it run?)" >&2; exit 1; }
counts=$(grep -o 'tests="[0-9]*" errors="[0-9]*" skipped="[0-9]*" failures="[0-9]*"' "$report" | head -1)
echo "nvrtc-check: $counts" >&2
[[ "$counts" =~ skipped=\"0\"\ failures=\"0\" && "$counts" =~ errors=\"0\" ]] \
  || { echo "nvrtc-check: FAILED (a skipped test means NVRTC did not load; see $report)" >&2; exit 1; }
grep -ho 'NVRTC [0-9.]*: [^<]*' "$report" | head -1 >&2 || true
echo "nvrtc-check: ok" >&2
