#!/usr/bin/env bash
# Builds hostcuda (see hostcuda.h) into OUT:
#
#   build.sh OUT PRESET_JAR        (PRESET_JAR: org.bytedeco:cuda:13.1-9.19-1.5.13:linux-x86_64)
#
# libhostcuda.so holds the emulated entry points (runtime.cpp, dnn.cpp, blas.cpp) and, for every
# other CUDA, cuDNN, cuBLAS or NVRTC symbol that the preset's JNI libraries import, a stub that names
# itself on stderr and returns an error; the library names those JNI libraries link against are
# symbolic links to it (the dynamic linker then loads it once). Needs g++ (or $HOSTCUDA_CXX), nm and
# unzip.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=$1
jar=$2
cxx=${HOSTCUDA_CXX:-g++}
mkdir -p "$out/jni" "$out/obj"
unzip -o -j -q "$jar" 'org/bytedeco/cuda/linux-x86_64/libjnicudart.so' 'org/bytedeco/cuda/linux-x86_64/libjnicudnn.so' \
  'org/bytedeco/cuda/linux-x86_64/libjnicublas.so' 'org/bytedeco/cuda/linux-x86_64/libjninvrtc.so' -d "$out/jni"
flags=(-std=c++17 -O2 -ffp-contract=off -fPIC -Wall -Wextra -Wno-unused-parameter -DHOSTCUDA_DIR="\"$here\"")
for f in runtime dnn blas; do
  "$cxx" "${flags[@]}" -c -o "$out/obj/$f.o" "$here/$f.cpp" &
done
wait %1 && wait %2 && wait %3
nm -g --defined-only "$out"/obj/{runtime,dnn,blas}.o | awk '$2 == "T" {print $3}' | sort -u > "$out/defined.txt"
nm -D --undefined-only "$out"/jni/*.so | awk '{print $NF}' | sed 's/@.*//' | grep -E '^(cu|nvrtc)[A-Za-z0-9_]*$' \
  | sort -u > "$out/imported.txt"
comm -23 "$out/imported.txt" "$out/defined.txt" > "$out/stubbed.txt"
{
  echo '#include <cstdio>'
  echo 'static int stub(const char* name) { std::fprintf(stderr, "hostcuda: %s is not emulated\n", name); return 999; }'
  while read -r s; do echo "extern \"C\" int $s() { return stub(\"$s\"); }"; done < "$out/stubbed.txt"
} > "$out/stubs.cpp"
"$cxx" -fPIC -O1 -c -o "$out/obj/stubs.o" "$out/stubs.cpp"
"$cxx" -shared -o "$out/libhostcuda.so" "$out"/obj/{runtime,dnn,blas,stubs}.o -ldl -pthread
for name in libcuda.so.1 libcudart.so.13 libnvrtc.so.13 libcublas.so.13 libcublasLt.so.13 libcudnn.so.9 \
            libcudnn_cnn.so.9 libcudnn_adv.so.9 libcudnn_ops.so.9 libcudnn_graph.so.9; do
  ln -sf libhostcuda.so "$out/$name"
done
echo "hostcuda: $(wc -l < "$out/defined.txt") entry points emulated, $(wc -l < "$out/stubbed.txt") stubbed, in $out/libhostcuda.so" >&2
