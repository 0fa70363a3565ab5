#!/usr/bin/env bash
# The GPU session's one command (issue 8), made to fit one device call of at most ~540 s:
#
#   bash gpu-package/run-gpu-session.sh OUTDIR          (OUTDIR default: $OUT)
#
# from the repository root, with gpu-package/target/spikestream-gpu.tar.xz (gpu-package/build.sh)
# and gpu-package/target/spikestream-data.tar.xz (gpu-package/pack-data.sh) carried along. It
#   0. unpacks both to /tmp/spikestream-session (nothing is written into the working tree);
#   1. runs the package's run-gpu-check.sh (equivalence CUDA vs Java reference + benchmarks);
#   2. trains models/nmnist-bntt.ckpt's recipe on CUDA with a time budget, then evaluates it;
#   3. trains the VGG9-style network on CIFAR10-DVS emulated in memory from the CIFAR-10 test images
#      (90/10 split per class, 2x48x48, T = 20) with a time budget, then evaluates it.
# Every stage has its own timeout, capped so that the later stages keep their minimum time and the
# whole, each stage's 10 s kill grace and the final copies included, ends within
# SPIKESTREAM_SESSION_LIMIT_S (540); a stage left with less than its minimum is skipped ("no time
# left"). Stages 2-3 run when stage 1 fails an equivalence check (the summary says so) and are
# skipped only when CUDA is unusable (exit 3). Both archives are checked before anything runs.
# Checkpoints and logs are copied to OUTDIR while the stages run (every 5 s), so a cut-off call
# still returns what exists; SIGTERM/SIGINT stop the running stage, copy and summarise, exit 143/130.
# OUTDIR receives at most 7 files:
#   session-summary.json, session-summary.txt, gpu-check.json, gpu-check.txt,
#   nmnist-bntt.ckpt, cifar10dvs-emulated-vgg.ckpt, session-logs.tar.gz (every log and JSON output)
# Exit: 0 everything passed, 1 a stage failed, timed out or was skipped, 2 bad usage or a missing or
# unreadable archive, 3 CUDA unusable (stages 2-3 skipped).
#
# Overrides (the CPU dry run, gpu-package/README.md): SPIKESTREAM_SESSION_BACKEND (cuda; "reference"
# trains with the pure-Java backend and runs stages 2-3 whatever stage 1 says),
# SPIKESTREAM_SESSION_{LIMIT_S, CHECK_TIMEOUT_S, NMNIST_TIMEOUT_S, CIFAR_TIMEOUT_S, EVAL_TIMEOUT_S},
# SPIKESTREAM_SESSION_{NMNIST_EPOCHS, CIFAR_ARCH, CIFAR_BATCH, CIFAR_EPOCHS}, SPIKESTREAM_SESSION_SKIP_CHECK=1,
# SPIKESTREAM_SESSION_{PACKAGE, DATA, WORK} (archive and work folder paths), JAVA_OPTS (-Xmx16g).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-${OUT:-}}
if [[ -z "$out" || "$out" == -h || "$out" == --help ]]; then
  sed -n '2,30p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
mkdir -p "$out" && out=$(cd "$out" && pwd) || exit 2

start=$(date +%s)
limit=${SPIKESTREAM_SESSION_LIMIT_S:-540}
deadline=$((start + limit))
backend=${SPIKESTREAM_SESSION_BACKEND:-cuda}
pkg_tgz=${SPIKESTREAM_SESSION_PACKAGE:-$here/target/spikestream-gpu.tar.xz}
data_txz=${SPIKESTREAM_SESSION_DATA:-$here/target/spikestream-data.tar.xz}
work=${SPIKESTREAM_SESSION_WORK:-/tmp/spikestream-session}
check_max=${SPIKESTREAM_SESSION_CHECK_TIMEOUT_S:-150}
nmnist_max=${SPIKESTREAM_SESSION_NMNIST_TIMEOUT_S:-100}
cifar_max=${SPIKESTREAM_SESSION_CIFAR_TIMEOUT_S:-250}
eval_max=${SPIKESTREAM_SESSION_EVAL_TIMEOUT_S:-45}
nmnist_epochs=${SPIKESTREAM_SESSION_NMNIST_EPOCHS:-40}
cifar_arch=${SPIKESTREAM_SESSION_CIFAR_ARCH:-c64-c64-p2-c128-c128-p2-c256-c256-c256-p2-f192}
cifar_batch=${SPIKESTREAM_SESSION_CIFAR_BATCH:-128}
cifar_epochs=${SPIKESTREAM_SESSION_CIFAR_EPOCHS:-100}
# seconds of a training stage outside its --time-budget: JVM start, calibration, checkpoint writes
nmnist_overhead=30
cifar_overhead=50
# the least time a stage is started with; below it the stage is skipped as "no time left"
min_train=40
min_eval=15
min_check=10
min_inspect=5
inspect_max=20
# a stage's command gets SIGTERM at its timeout and SIGKILL kill_grace seconds later (timeout -k)
kill_grace=10
# seconds kept after the last stage for stopping the copier, the last copies and the summary
finish_s=5

logs=$work/logs
data=$work/data
rm -rf "$work" && mkdir -p "$logs" || { echo "run-gpu-session: cannot create $work" >&2; exit 2; }
export JAVA_OPTS="${JAVA_OPTS:--Xmx16g} -XX:ErrorFile=$logs/hs_err_pid%p.log"
declare -A R=()   # results: "<stage>.<key>" -> value
notes=()

say() { echo "== $(date -u +%H:%M:%S) [$(( $(date +%s) - start )) s] $*" >&2; echo "$*" >>"$logs/session.log"; }
left() { echo $(( deadline - $(date +%s) )); }
# the timeout of a stage: its own maximum, or less so that the stage's kill grace and `reserve`
# seconds (the later stages' minimum slots and the finish) stay before the deadline
cap() { local max=$1 reserve=$2 l; l=$(( $(left) - kill_grace - reserve )); (( l < max )) && echo "$l" || echo "$max"; }
slot() { echo $(( $1 + kill_grace )); }   # the most a stage started with timeout $1 can take

json_str() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}; s=${s//$'\n'/\\n}; s=${s//$'\t'/ }; s=${s//$'\r'/}
  printf '"%s"' "$s"
}
json_val() { # a number/true/false as is, an empty value as null, anything else as a string
  if [[ -z "$1" ]]; then printf 'null'
  elif [[ "$1" =~ ^-?[0-9]+(\.[0-9]+)?$ || "$1" == true || "$1" == false ]]; then printf '%s' "$1"
  else json_str "$1"; fi
}
json_file() { # the JSON object a command printed, or null
  if [[ -s "$1" && $(head -c1 "$1") == "{" ]] && tail -c 4 "$1" | grep -q '}'; then cat "$1"; else printf 'null'; fi
}
# the n-th (default first) scalar `"key" : value` of a pretty-printed JSON file
jget() { [[ -f "$1" ]] && sed -n "s/^ *\"$2\" : \"\{0,1\}\([^\",]*\)\"\{0,1\},\{0,1\}$/\1/p" "$1" | sed -n "${3:-1}p"; }
pct() { [[ -n "$1" && "$1" != null ]] && awk -v v="$1" 'BEGIN { printf "%.2f %%", 100 * v }' || echo "-"; }

# Copies into OUTDIR run in this shell (after each stage) and in the background copier. Each process
# writes its own "<name>.part.<pid>" and renames it into place, so no two write the same file and
# OUTDIR never holds a torn file; flock (when the image has it) also keeps them from interleaving.
# A file is copied when its bytes differ from OUTDIR's copy (cmp; cksum where cmp is missing):
# times cannot decide that, the copy is always newer than its source. The trainer replaces a
# checkpoint by an atomic rename, so a copy reads one whole checkpoint.
have_flock=0; command -v flock >/dev/null && have_flock=1
have_cmp=0; command -v cmp >/dev/null && have_cmp=1
lock=$work/.out.lock
locked() { # command...: run under the OUTDIR lock where flock exists (waits at most 20 s for it)
  if (( have_flock )); then { flock -w 20 9 || true; "$@"; } 9>>"$lock"; else "$@"; fi
}
same_bytes() {
  [[ -f "$2" ]] || return 1
  if (( have_cmp )); then cmp -s "$1" "$2"; else [[ "$(cksum <"$1")" == "$(cksum <"$2")" ]]; fi
}
copy_new() { # src name: into OUTDIR when new or changed, atomically there
  local src=$1 dst=$out/$2 part=$out/$2.part.$BASHPID
  [[ -f "$src" ]] || return 0
  same_bytes "$src" "$dst" && return 0
  { cp "$src" "$part" && mv -f "$part" "$dst"; } || rm -f "$part"
}
pack_logs_now() {
  local part=$work/session-logs.tar.gz.part.$BASHPID opart=$out/session-logs.tar.gz.part.$BASHPID
  tar -czf "$part" -C "$work" logs $( [[ -d "$work/check" ]] && echo check ) 2>/dev/null
  if [[ -s "$part" ]]; then { cp "$part" "$opart" && mv -f "$opart" "$out/session-logs.tar.gz"; } || rm -f "$opart"; fi
  rm -f "$part"
}
sync_out_now() {
  copy_new "$work/nmnist-bntt.ckpt" nmnist-bntt.ckpt
  copy_new "$work/cifar10dvs-emulated-vgg.ckpt" cifar10dvs-emulated-vgg.ckpt
  copy_new "$work/check/gpu-check.json" gpu-check.json
  copy_new "$work/check/gpu-check.txt" gpu-check.txt
}
sync_out() { locked sync_out_now; }
pack_logs() { locked pack_logs_now; }
copier() { # in the background while the stages run; SIGTERM ends it after the copy under way
  local i=0 stop=0 nap=
  trap 'stop=1; [[ -n "$nap" ]] && kill "$nap" 2>/dev/null' TERM
  while (( ! stop )); do
    sleep 5 & nap=$!
    wait "$nap"; nap=
    (( stop )) && break
    sync_out
    (( ++i % 4 == 0 )) && pack_logs
  done
  exit 0
}
stop_copier() { # and wait for it, so that no copy of it runs while the final ones do
  [[ -n "${copier_pid:-}" ]] || return 0
  kill -TERM "$copier_pid" 2>/dev/null
  wait "$copier_pid" 2>/dev/null
  copier_pid=
}

stage_json() { # name: the stage's results as one JSON object
  local st=$1 first=1 k
  printf '{'
  for k in status exit seconds timeout_s time_budget_s reason command; do
    [[ -v "R[$st.$k]" ]] || continue
    (( first )) || printf ', '
    first=0
    printf '"%s": ' "$k"
    json_val "${R[$st.$k]}"
  done
  for k in train eval; do
    [[ -v "R[$st.$k]" ]] || continue
    printf ', "%s": ' "$k"
    json_file "${R[$st.$k]}"
  done
  printf '}'
}

write_summary() { # session-summary.json and .txt; called after every stage
  local now n st x
  now=$(date +%s)
  {
    printf '{\n  "started_utc": %s,\n  "updated_utc": %s,\n  "seconds": %d,\n  "limit_s": %d,\n' \
      "$(json_str "$(date -u -d "@$start" +%FT%TZ)")" "$(json_str "$(date -u +%FT%TZ)")" $((now - start)) "$limit"
    printf '  "finished": %s,\n  "exit": %s,\n  "backend": %s,\n  "gpu": %s,\n  "cpus": %s,\n' \
      "${R[finished]:-false}" "$(json_val "${R[exit]:-}")" "$(json_str "$backend")" "$(json_str "${R[gpu]:-}")" "$(nproc)"
    printf '  "stages": {\n'
    n=0
    for st in unpack gpu_check nmnist nmnist_eval cifar10dvs cifar10dvs_eval; do
      [[ -v "R[$st.status]" ]] || continue
      (( n++ )) && printf ',\n'
      printf '    "%s": ' "$st"
      stage_json "$st"
    done
    printf '\n  },\n  "notes": ['
    n=0
    for x in "${notes[@]}"; do (( n++ )) && printf ', '; json_str "$x"; done
    printf ']\n}\n'
  } > "$out/session-summary.json.part" && mv -f "$out/session-summary.json.part" "$out/session-summary.json"
  {
    echo "spikestream GPU session, $(date -u -d "@$start" +%FT%TZ), $((now - start)) s of $limit s; backend $backend; ${R[gpu]:-no GPU seen}"
    for st in unpack gpu_check nmnist nmnist_eval cifar10dvs cifar10dvs_eval; do
      [[ -v "R[$st.status]" ]] || continue
      printf '%-16s %-10s exit %-4s %5s s%s\n' "$st" "${R[$st.status]}" "${R[$st.exit]:--}" "${R[$st.seconds]:--}" \
        "${R[$st.reason]:+  (${R[$st.reason]})}"
      local f=${R[$st.train]:-}
      if [[ -n "$f" && -s "$f" ]]; then
        echo "    trained $(jget "$f" epochs) of at most $(jget "$f" epochs_requested) epochs (budget $(jget "$f" time_budget_s) s;" \
          "data $(jget "$f" framing_s) s), $(jget "$f" samples_per_s) samples/s, best validation $(pct "$(jget "$f" best_accuracy)")," \
          "early exit $(pct "$(jget "$f" accuracy)") in $(jget "$f" mean_steps) steps"
      fi
      f=${R[$st.eval]:-}
      if [[ -n "$f" && -s "$f" ]]; then
        echo "    eval on $(jget "$f" samples) held-out samples: accuracy at T $(pct "$(jget "$f" accuracy)"); early exit" \
          "$(pct "$(jget "$f" accuracy 2)") in $(jget "$f" mean_steps) steps"
      fi
    done
    [[ -f "$work/check/summary.txt" ]] && sed 's/^/    gpu-check: /' "$work/check/summary.txt"
    for x in "${notes[@]}"; do echo "note: $x"; done
    echo "files: $(cd "$out" && ls | grep -Ev '\.part(\.[0-9]+)?$' | tr '\n' ' ')"
  } > "$out/session-summary.txt.part" && mv -f "$out/session-summary.txt.part" "$out/session-summary.txt"
}

finish() { # exit code
  trap '' TERM INT   # the last copies and the summary are written whatever arrives now
  R[exit]=$1
  R[finished]=true
  stop_copier
  sync_out
  pack_logs
  write_summary
  cat "$out/session-summary.txt" >&2
  exit "$1"
}

# timed T COMMAND...: COMMAND under `timeout -k kill_grace T`, in the background so that a signal to
# this shell is handled at once (on_signal) instead of after the stage. --foreground keeps timeout
# and its command in this shell's process group, so a signal to the whole group (a killed device
# call) reaches the Java process too; without it, timeout makes a group of its own that survives.
child=
current=
timed() {
  local t=$1 rc; shift
  timeout --foreground -k "$kill_grace" "$t" "$@" & child=$!
  wait "$child"; rc=$?
  child=
  return $rc
}
on_signal() { # name code: stop the running stage, copy what exists, summarise, exit
  trap '' TERM INT
  if [[ -n "$child" ]]; then
    kill -TERM "$child" 2>/dev/null   # timeout passes it on to the command
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do   # at most 5 s, then SIGKILL to the command and timeout
      [[ "$(cut -d' ' -f3 "/proc/$child/stat" 2>/dev/null)" =~ ^(Z|)$ ]] && break
      sleep 0.5
    done
    if [[ ! "$(cut -d' ' -f3 "/proc/$child/stat" 2>/dev/null)" =~ ^(Z|)$ ]]; then
      pkill -KILL -P "$child" 2>/dev/null; kill -KILL "$child" 2>/dev/null
    fi
    wait "$child" 2>/dev/null
  fi
  [[ -n "$current" ]] && { R[$current.status]=stopped; R[$current.reason]="session stopped by SIG$1"; }
  notes+=("stopped by SIG$1 after $(( $(date +%s) - start )) s")
  finish "$2"
}

# run_java STAGE TIMEOUT JSON_OUT -- ARGS...: one command of the package, its log in logs/STAGE.log
run_java() {
  local st=$1 t=$2 json=$3; shift 4
  local t0 rc
  if (( t < 1 )); then skip "$st" "no time left (${t} s)"; return 124; fi
  R[$st.timeout_s]=$t
  R[$st.command]="run-train.sh $*"
  t0=$(date +%s)
  R[$st.status]=running
  current=$st
  write_summary
  say "$st: timeout ${t} s: $*"
  timed "$t" "$pkg/run-train.sh" "$@" >"$json" 2> >(tee "$logs/$st.log" >&2)
  rc=$?
  current=
  R[$st.exit]=$rc
  R[$st.seconds]=$(( $(date +%s) - t0 ))
  case $rc in
    0) R[$st.status]=ok ;;
    124|137) R[$st.status]=timed-out ;;
    *) R[$st.status]=failed ;;
  esac
  say "$st: ${R[$st.status]} (exit $rc) after ${R[$st.seconds]} s"
  sync_out
  write_summary
  return $rc
}

skip() { R[$1.status]=skipped; R[$1.reason]=$2; say "$1: skipped: $2"; }

# --- 0: machine, package and data -------------------------------------------------------------
{ date -u; uname -a; nproc; free -g 2>/dev/null; nvidia-smi 2>&1; } >"$logs/machine.txt" 2>&1
R[gpu]=$(nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader 2>/dev/null | head -1)
t0=$(date +%s)
R[unpack.status]=ok
missing=()
[[ -f "$pkg_tgz" ]] || missing+=("no package archive $pkg_tgz (run gpu-package/build.sh and carry it)")
[[ -f "$data_txz" ]] || missing+=("no data archive $data_txz (run gpu-package/pack-data.sh and carry it)")
if (( ${#missing[@]} )); then
  R[unpack.status]=failed; R[unpack.reason]=$(IFS=';'; echo "${missing[*]}" | sed 's/;/; /g')
  say "unpack: ${R[unpack.reason]}"
  R[exit]=2; write_summary; cat "$out/session-summary.txt" >&2; exit 2
fi
unpack() { # archive (.tar.gz or .tar.xz) into the work folder; python3 (with lzma) where xz is missing
  case $1 in
    *.xz) if command -v xz >/dev/null; then tar -xJf "$1" -C "$work"
          else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1], "r:xz").extractall(sys.argv[2])' "$1" "$work"; fi ;;
    *) tar -xzf "$1" -C "$work" ;;
  esac
}
for a in "$pkg_tgz" "$data_txz"; do
  unpack "$a" && continue
  R[unpack.status]=failed; R[unpack.reason]="cannot unpack $a"
  say "unpack: ${R[unpack.reason]}"
  R[exit]=2; write_summary; cat "$out/session-summary.txt" >&2; exit 2
done
pkg=$work/spikestream-gpu
R[unpack.seconds]=$(( $(date +%s) - t0 ))
say "unpack: ${R[unpack.status]} in ${R[unpack.seconds]} s ($(du -sh "$work" | cut -f1) in $work)"
"$pkg/jre/bin/java" -version >"$logs/java-version.txt" 2>&1
write_summary
copier & copier_pid=$!
trap 'on_signal TERM 143' TERM
trap 'on_signal INT 130' INT
trap 'stop_copier; rm -f "$out"/*.part.[0-9]*' EXIT

# --- 1: GPU check -----------------------------------------------------------------------------
cuda_unusable=0
check_failed=0
t=$(cap "$check_max" $(( 2 * $(slot $min_train) + 2 * $(slot $min_eval) + finish_s + 60 )))
if [[ -n "${SPIKESTREAM_SESSION_SKIP_CHECK:-}" ]]; then
  skip gpu_check "SPIKESTREAM_SESSION_SKIP_CHECK is set"
elif (( t < min_check )); then
  skip gpu_check "no time left (${t} s)"
else
  R[gpu_check.timeout_s]=$t
  R[gpu_check.status]=running
  current=gpu_check
  write_summary
  say "gpu_check: timeout ${t} s"
  t0=$(date +%s)
  timed "$t" "$pkg/run-gpu-check.sh" "$work/check" > >(tee "$logs/gpu_check.log" >&2) 2>&1
  rc=$?
  current=
  R[gpu_check.exit]=$rc
  R[gpu_check.seconds]=$(( $(date +%s) - t0 ))
  case $rc in
    0) R[gpu_check.status]=passed ;;
    3) R[gpu_check.status]=cuda-unusable; cuda_unusable=1
       R[gpu_check.reason]=$(grep -o '"reason" *: *"[^"]*"' "$work/check/gpu-check.json" 2>/dev/null | head -1 | sed 's/.*: *"//; s/"$//') ;;
    124|137) R[gpu_check.status]=timed-out; check_failed=1 ;;
    *) R[gpu_check.status]=failed; check_failed=1 ;;
  esac
  say "gpu_check: ${R[gpu_check.status]} (exit $rc) after ${R[gpu_check.seconds]} s"
  sync_out
  write_summary
fi
if (( cuda_unusable )) && [[ "$backend" == cuda ]]; then
  notes+=("CUDA is not usable on this machine (gpu-check exit 3): stages 2-3 skipped")
  skip nmnist "CUDA unusable"
  skip cifar10dvs "CUDA unusable"
  finish 3
fi
if (( cuda_unusable )); then
  notes+=("gpu-check found CUDA unusable; stages 2-3 ran anyway with --backend $backend")
fi
if (( check_failed )); then
  notes+=("gpu-check ${R[gpu_check.status]} (exit ${R[gpu_check.exit]}) but CUDA loaded: stages 2-3 ran anyway; read gpu-check.txt before trusting the checkpoints")
fi
if [[ "${R[unpack.status]}" != ok ]]; then
  skip nmnist "no data: ${R[unpack.reason]}"
  skip cifar10dvs "no data: ${R[unpack.reason]}"
  finish 1
fi

# --- 2: N-MNIST, the recipe of models/nmnist-bntt.ckpt with a time budget -----------------------
t=$(cap "$nmnist_max" $(( $(slot $min_eval) + $(slot $min_train) + $(slot $min_eval) + finish_s )))
if (( t < min_train )); then
  skip nmnist "no time left (${t} s)"
else
  b=$(( t - nmnist_overhead )); (( b < 10 )) && b=10
  R[nmnist.time_budget_s]=$b
  R[nmnist.train]=$logs/nmnist-train.json
  run_java nmnist "$t" "$logs/nmnist-train.json" -- train --dataset nmnist --data "$data/nmnist-small/Train" --arch nmnist \
    --timesteps 15 --window-us 20000 --frame-size 17x17 --epochs "$nmnist_epochs" --batch 16 --lr 0.1 --roll 1 --seed 42 \
    --backend "$backend" --val-split 0.1 --time-budget "${b}s" --out "$work/nmnist-bntt.ckpt" --json
  if [[ -f "$work/nmnist-bntt.ckpt" ]]; then
    t=$(cap "$eval_max" $(( $(slot $min_train) + $(slot $min_eval) + finish_s )))
    if (( t < min_eval )); then
      skip nmnist_eval "no time left (${t} s)"
    else
      R[nmnist_eval.eval]=$logs/nmnist-eval.json
      run_java nmnist_eval "$t" "$logs/nmnist-eval.json" -- eval --model "$work/nmnist-bntt.ckpt" \
        --data "$data/nmnist-small/Train" --dataset nmnist --subset validation --backend "$backend" --json
      # the checkpoint's provenance (device, epochs run); under a timeout too, out of the eval's slot
      t=$(cap "$inspect_max" $(( $(slot $min_train) + $(slot $min_eval) + finish_s )))
      if (( t >= min_inspect )); then
        timed "$t" "$pkg/run-train.sh" model inspect "$work/nmnist-bntt.ckpt" --json >"$logs/nmnist-inspect.json" \
          2>>"$logs/nmnist_eval.log" || say "nmnist_eval: model inspect exit $? (timeout ${t} s)"
      else
        say "nmnist_eval: model inspect skipped: no time left (${t} s)"
      fi
    fi
  else
    skip nmnist_eval "no checkpoint"
  fi
fi

# --- 3: CIFAR10-DVS emulated in memory from the CIFAR-10 test images, VGG9-style -----------------
t=$(cap "$cifar_max" $(( $(slot $min_eval) + finish_s )))
if (( t < min_train )); then
  skip cifar10dvs "no time left (${t} s)"
else
  b=$(( t - cifar_overhead )); (( b < 10 )) && b=10
  R[cifar10dvs.time_budget_s]=$b
  R[cifar10dvs.train]=$logs/cifar10dvs-train.json
  run_java cifar10dvs "$t" "$logs/cifar10dvs-train.json" -- train --dataset emulated-images \
    --data "$data/cifar10/test" --arch "$cifar_arch" --timesteps 20 --window-us 57500 --frame-size 48x48 \
    --count clipped --clip-max 4 --epochs "$cifar_epochs" --batch "$cifar_batch" --lr 0.1 --flip --roll 3 --seed 42 \
    --backend "$backend" --val-split 0.1 --time-budget "${b}s" --out "$work/cifar10dvs-emulated-vgg.ckpt" --json
  if [[ -f "$work/cifar10dvs-emulated-vgg.ckpt" ]]; then
    t=$(cap "$eval_max" "$finish_s")
    if (( t < min_eval )); then
      skip cifar10dvs_eval "no time left (${t} s)"
    else
      R[cifar10dvs_eval.eval]=$logs/cifar10dvs-eval.json
      run_java cifar10dvs_eval "$t" "$logs/cifar10dvs-eval.json" -- eval --model "$work/cifar10dvs-emulated-vgg.ckpt" \
        --data "$data/cifar10/test" --dataset emulated-images --subset validation --batch 64 --backend "$backend" --json
    fi
  else
    skip cifar10dvs_eval "no checkpoint"
  fi
fi

ok=1
for st in nmnist nmnist_eval cifar10dvs cifar10dvs_eval; do [[ "${R[$st.status]:-}" == ok ]] || ok=0; done
[[ "${R[gpu_check.status]:-}" == passed || -n "${SPIKESTREAM_SESSION_SKIP_CHECK:-}" ]] || ok=0
(( ok )) && finish 0
finish 1
