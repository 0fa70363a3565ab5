#!/usr/bin/env bash
# Runs one of the package's commands with its own runtime and the CUDA library path:
#   run-train.sh train --backend cuda --data DIR --out model.ckpt ...
#   run-train.sh bench-train --backend cuda --arch vgg9 --input 2x48x48 --timesteps 20 --batch 128
#   run-train.sh eval ... | model inspect ... | gpu-check --out DIR | gpu-session --out DIR ...
# SPIKESTREAM_CUDA_STRICT_FP32=1 turns TF32 off; JAVA_OPTS replaces the JVM options (default -Xmx16g).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export LD_LIBRARY_PATH=/usr/local/cuda-13.0/targets/x86_64-linux/lib:/usr/local/cuda/lib64:/usr/lib/x86_64-linux-gnu:/usr/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
java=$here/jre/bin/java
[[ -x "$java" ]] || java=java
# JavaCPP unpacks its JNI libraries to a cache: keep it in /tmp, HOME may not be writable there
# shellcheck disable=SC2086  # JAVA_OPTS holds several words
exec "$java" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -Dorg.bytedeco.javacpp.cachedir="${JAVACPP_CACHE:-/tmp/javacpp-cache}" ${JAVA_OPTS:--Xmx16g} -cp "$here/lib/*" io.spikestream.trainer.cli.TrainerCli "$@"
