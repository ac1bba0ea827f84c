#!/usr/bin/env bash
# Full pull of a sandbox tenant with REAL quotas through `rampart pull`: machines, and machine vulnerabilities through
# each of the three routes. Prints, per route, the client's summary (items, pages, calls, retries, throttle waits).
#   scripts/pull-bench.sh [devices=100000] [port=18600]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
devices="${1:-100000}"
port="${2:-18600}"
work="$(mktemp -d)"
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

(cd "$here" && mvn -q -B -DskipTests package) >&2
emu_jar="$(ls "$here"/defender-emulator/target/defender-emulator-*-standalone.jar | head -n 1)"
cli_jar="$(ls "$here"/defender-client/target/defender-client-*-standalone.jar | head -n 1)"

java -Xmx1g -jar "$emu_jar" emulator --port "$port" --devices "$devices" --quotas real --clock-speed 0 \
  --start 2026-03-02T06:00:00Z > "$work/facts.json" 2> "$work/emulator.log" &
emulator=$!
for _ in $(seq 1 60); do [ -s "$work/facts.json" ] && break; sleep 1; done
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/facts.json" "$1"; }
export SANDBOX_SECRET="$(field clientSecret)"
opts=(--tenant "$(field tenantId)" --client "$(field clientId)" --secret-env SANDBOX_SECRET --sandbox "http://127.0.0.1:$port")

run() {
  local name="$1"; shift
  local t0 t1 lines
  t0=$(date +%s)
  lines=$(java -Xmx512m -jar "$cli_jar" pull "$@" "${opts[@]}" 2> "$work/$name.err" | wc -l)
  t1=$(date +%s)
  echo "$name: $lines lines, $((t1 - t0)) s wall :: $(cat "$work/$name.err")"
}
run machines machines
run export-json machine-vulnerabilities --via export-json --page-size 200000
run export-files machine-vulnerabilities --via export-files
run paged machine-vulnerabilities --via paged
curl -s "http://127.0.0.1:$port/_emulator/requests" \
  | python3 -c "import json,sys; d=json.load(sys.stdin); print('emulator: %d requests, %d throttled' % (d['total'], d['throttled']))"
