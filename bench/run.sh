#!/usr/bin/env bash
# Starts a server on a scratch data dir and measures it. Loopback only; every load is bounded.
#   bench/run.sh            all of: ceiling, track, latency, idle
# Needs wrk (apt-get install wrk). Prints a human summary and one JSON line per scenario.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
command -v wrk >/dev/null || { echo "bench: needs wrk (apt-get install wrk)"; exit 2; }
[ -f target/tippen.jar ] || ./mvnw -q -B -DskipTests package
port=${BENCH_PORT:-18787}
data=$(mktemp -d)
java -jar target/tippen.jar keys create --name bench --json --data-dir "$data" > "$data/site.json"
pub=$(sed 's/.*"publicKey":"\([^"]*\)".*/\1/' "$data/site.json")
sec=$(sed 's/.*"secretKey":"\([^"]*\)".*/\1/' "$data/site.json")
ulimit -n "$(ulimit -Hn)"
java ${TIPPEN_JAVA_OPTS:--Xms64m -Xmx512m -XX:+UseSerialGC -Xss512k} -jar target/tippen.jar serve --port "$port" --data-dir "$data" > "$data/server.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.2; done
base="http://127.0.0.1:$port"

echo "== ceiling: GET /healthz, constant answer, same server and stack (10 s, 50 connections)"
wrk -t2 -c50 -d10s "$base/healthz" | tee "$data/ceiling.txt"
echo "== track: durable POST /track/visitor, one site, 10,000 visitor ids (10 s, 50 connections)"
TIPPEN_KEY=$pub wrk -t2 -c50 -d10s --latency -s bench/track.lua "$base/track/visitor" | tee "$data/track.txt"
ceil=$(awk '/Requests\/sec/ {print $2}' "$data/ceiling.txt")
track=$(awk '/Requests\/sec/ {print $2}' "$data/track.txt")
p99=$(awk '/ 99%/ {print $2}' "$data/track.txt")
echo "{\"scenario\":\"track\",\"requests_per_s\":$track,\"ceiling_per_s\":$ceil,\"ratio\":$(awk "BEGIN{printf \"%.3f\", $track/$ceil}"),\"p99\":\"$p99\"}"

echo "== latency: track -> dashboard at 500/s and 2000/s for 10 s"
java -cp target/tippen.jar bench/Probe.java latency "$base" "$pub" "$sec" 500 10
java -cp target/tippen.jar bench/Probe.java latency "$base" "$pub" "$sec" 2000 10
echo "== idle: 10,000 visitor sockets, server RSS growth"
java -Xss256k -cp target/tippen.jar bench/Probe.java idle "$base" "$pub" "$pid" "${BENCH_IDLE_SOCKETS:-10000}"
