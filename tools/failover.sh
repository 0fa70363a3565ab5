#!/usr/bin/env bash
# Measures how long the stream app takes to fail over: a `broker`, two `serve` instances of one
# application, a real-time `bench` over N-MNIST recordings, and one instance stopped in the middle of
# the measured run, with SIGTERM (term) or SIGKILL (kill).
#
#   tools/failover.sh term|kill [JAR]        (JAR: app/target/spikestream.jar, built beforehand)
#
# Environment: DATA (../shared/data/nmnist-small), MODEL (models/nmnist-bntt.ckpt), CAMERAS (8),
# DURATION (40s of measured replay), STOP_AT (seconds into the measured run; 20), KEEP=1 keeps the
# work folder. Run it alone on the machine (cpu-slot --exclusive): the figure is a time.
#
# The figure is the bench's largest decision latency: a decision whose closing packet arrives while
# its partition moves to the other instance waits for the takeover, so the maximum minus the median
# is the failover as a consumer of classifications sees it (read_committed). The bench must still
# have classified every replayed sample exactly once; it exits 1 otherwise.
set -euo pipefail
mode=${1:?usage: tools/failover.sh term|kill [JAR]}
case "$mode" in term) signal=TERM ;; kill) signal=KILL ;; *) echo "mode must be term or kill" >&2; exit 2 ;; esac
root="$(cd "$(dirname "$0")/.." && pwd)"
jar=${2:-$root/app/target/spikestream.jar}
data=${DATA:-$root/../shared/data/nmnist-small}
model=${MODEL:-$root/models/nmnist-bntt.ckpt}
cameras=${CAMERAS:-8}
duration=${DURATION:-40s}
stop_at=${STOP_AT:-20}
[ -f "$jar" ] || { echo "no $jar: build it with mvn -B -q -o -DskipTests package -pl app -am" >&2; exit 2; }
[ -d "$data" ] || { echo "no data folder $data (set DATA)" >&2; exit 2; }
work=$(mktemp -d "${TMPDIR:-/tmp}/spikestream-failover-XXXXXX")
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ "${KEEP:-0}" = 1 ]; then echo "work folder kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
java=(java -Xmx1g -jar "$jar")

# waits (up to $2 s) until the file $1 matches the extended regex $3
await() {
    local i=0
    until grep -Eq "$3" "$1" 2>/dev/null; do
        i=$((i + 1))
        [ "$i" -le $(($2 * 10)) ] || { echo "timed out waiting for '$3' in $1:" >&2; tail -20 "$1" >&2; exit 1; }
        sleep 0.1
    done
}

"${java[@]}" broker --data-dir "$work/broker" --topic dvs-events:8 --topic classifications:8 \
    --topic dvs-events-dlq:1 >"$work/broker.out" 2>"$work/broker.log" &
pids+=($!)
await "$work/broker.out" 120 '^127\.0\.0\.1:[0-9]+$'
bootstrap=$(head -1 "$work/broker.out")
echo "broker at $bootstrap" >&2

serve_pids=()
for i in 1 2; do
    "${java[@]}" serve --bootstrap-servers "$bootstrap" --model "$model" --state-dir "$work/state-$i" \
        --metrics-port 0 2>"$work/serve-$i.log" &
    serve_pids+=($!)
    pids+=($!)
done
for i in 1 2; do
    await "$work/serve-$i.log" 120 'metrics at http://127\.0\.0\.1:[0-9]+/metrics'
    port=$(grep -Eo 'metrics at http://127\.0\.0\.1:[0-9]+' "$work/serve-$i.log" | grep -Eo '[0-9]+$')
    for _ in $(seq 1 600); do
        [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready")" = 200 ] && break
        sleep 0.2
    done
    echo "serve $i ready: $(curl -s "http://127.0.0.1:$port/health/ready")" >&2
done

"${java[@]}" bench --bootstrap-servers "$bootstrap" --model "$model" --data "$data" --cameras "$cameras" \
    --duration "$duration" --warmup 5s --loop --expect-failover 30s --report "$work/report" --json \
    >"$work/bench.json" 2>"$work/bench.log" &
bench_pid=$!
pids+=($bench_pid)
await "$work/bench.log" 180 'measuring'
sleep "$stop_at"
stopped_at=$(date -u +%H:%M:%S.%N)
kill -s "$signal" "${serve_pids[1]}"
echo "SIG$signal to serve 2 (pid ${serve_pids[1]}) at $stopped_at" >&2
bench_rc=0
wait "$bench_pid" || bench_rc=$?
if [ "$mode" = term ]; then
    wait "${serve_pids[1]}" 2>/dev/null || true
    grep -Eo 'stream app (closed and left its group|did not close)[^"]*' "$work/serve-2.log" >&2 || true
fi
jq -r --arg mode "$mode" '.loads[0] as $l | "failover (\($mode)): max decision latency \($l.latency_ms.max) ms, p50 \($l.latency_ms.p50) ms, p99 \($l.latency_ms.p99) ms; \($l.classified) of \($l.expected) samples classified, \($l.duplicates) duplicates, \($l.missing) missing"' "$work/bench.json"
exit "$bench_rc"
