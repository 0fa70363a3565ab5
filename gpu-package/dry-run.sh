#!/usr/bin/env bash
# The GPU session rehearsed on a CPU machine (no GPU, no ND4J needed): run-gpu-session.sh for real,
# every stage, copy and summary, with the pure-Java reference backend, 10 recordings/images per class
# and tiny networks, then checks what came out. About 60 s on 2 cores once the package
# is built (measured 57-63 s wall with the machine shared, gpu-package/README.md).
#
#   gpu-package/dry-run.sh [OUTDIR]          (default gpu-package/target/dry-run-out)
#
# Builds the package (gpu-package/build.sh, NO_XZ unset) and the small data archive
# (pack-data.sh --per-class 10) when they are missing. Exit 0 when the session ran every stage and
# wrote the expected files; 1 otherwise (the reason is printed). Stage 1 exits 3 here (no CUDA),
# which is the point: stages 2-3 still run because they train with --backend reference.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${1:-$root/gpu-package/target/dry-run-out}
pkg=gpu-package/target/spikestream-gpu.tar.xz
data=gpu-package/target/spikestream-data-dryrun-10.tar.xz
[[ -f "$pkg" ]] || gpu-package/build.sh
[[ -f "$data" ]] || gpu-package/pack-data.sh --per-class 10 --out "$data"
rm -rf "$out"
work=${TMPDIR:-/tmp}/spikestream-session-dryrun
trap 'rm -rf "$work"' EXIT   # the unpacked package and data (about 100 MB)
rc=0
SPIKESTREAM_SESSION_BACKEND=reference SPIKESTREAM_SESSION_PACKAGE=$pkg SPIKESTREAM_SESSION_DATA=$data \
SPIKESTREAM_SESSION_WORK=$work \
SPIKESTREAM_SESSION_LIMIT_S=400 SPIKESTREAM_SESSION_CHECK_TIMEOUT_S=60 SPIKESTREAM_SESSION_NMNIST_TIMEOUT_S=80 \
SPIKESTREAM_SESSION_NMNIST_EPOCHS=3 SPIKESTREAM_SESSION_CIFAR_ARCH=c4-p2-f16 SPIKESTREAM_SESSION_CIFAR_BATCH=16 \
SPIKESTREAM_SESSION_CIFAR_EPOCHS=2 SPIKESTREAM_SESSION_CIFAR_TIMEOUT_S=100 SPIKESTREAM_SESSION_EVAL_TIMEOUT_S=40 \
JAVA_OPTS=${JAVA_OPTS:--Xmx3g} bash gpu-package/run-gpu-session.sh "$out" || rc=$?

fail() { echo "dry-run: FAILED: $*" >&2; exit 1; }
# no GPU here: stage 1 reports CUDA unusable (3), so the session as a whole exits 1, or 0 on a GPU
[[ $rc -eq 1 || $rc -eq 0 ]] || fail "run-gpu-session.sh exited $rc"
expected="cifar10dvs-emulated-vgg.ckpt gpu-check.json gpu-check.txt nmnist-bntt.ckpt session-logs.tar.gz session-summary.json session-summary.txt"
got=$(cd "$out" && ls | sort | tr '\n' ' ' | sed 's/ $//')
[[ "$got" == "$expected" ]] || fail "OUTDIR holds '$got', expected '$expected'"
python3 - "$out/session-summary.json" <<'PY' || fail "session-summary.json"
import json, sys
s = json.load(open(sys.argv[1]))
st = s["stages"]
assert s["finished"] is True, "not finished"
for k in ("nmnist", "nmnist_eval", "cifar10dvs", "cifar10dvs_eval"):
    assert st[k]["status"] == "ok", (k, st[k]["status"])
assert st["gpu_check"]["status"] in ("passed", "cuda-unusable"), st["gpu_check"]
for k in ("nmnist", "cifar10dvs"):
    t = st[k]["train"]
    assert t["epochs"] >= 1 and t["epochs"] <= t["epochs_requested"], t
    assert t["time_budget_s"] == st[k]["time_budget_s"], (t["time_budget_s"], st[k]["time_budget_s"])
for k in ("nmnist_eval", "cifar10dvs_eval"):
    assert st[k]["eval"]["samples"] == 10, st[k]["eval"]["samples"]
print("dry-run: summary ok:", {k: v["status"] for k, v in st.items()})
PY
# listed once: `tar | grep -q` would fail under pipefail whenever grep stops early (SIGPIPE to tar)
listing=$(tar -tzf "$out/session-logs.tar.gz") || fail "session-logs.tar.gz does not read"
for f in logs/nmnist-train.json logs/cifar10dvs-train.json logs/nmnist-eval.json logs/cifar10dvs-eval.json \
         logs/nmnist-inspect.json logs/nmnist.log logs/cifar10dvs.log logs/machine.txt check/gpu-check.json; do
  grep -qx "$f" <<<"$listing" || fail "session-logs.tar.gz lacks $f"
done
cifar_log=$(tar -xzOf "$out/session-logs.tar.gz" logs/cifar10dvs.log) || fail "logs/cifar10dvs.log does not read"
grep -q "data read, emulated and framed" <<<"$cifar_log" || fail "the CIFAR10-DVS stage did not emulate in memory"
# the returned checkpoints parse (the package's own runtime; no GPU needed)
for c in nmnist-bntt.ckpt cifar10dvs-emulated-vgg.ckpt; do
  JAVA_OPTS=-Xmx1g gpu-package/target/spikestream-gpu/run-train.sh model inspect "$out/$c" --json >/dev/null \
    || fail "$c does not parse (model inspect)"
done
echo "dry-run: ok ($out)" >&2
