#!/usr/bin/env bash
# The sync benchmark: a full sync of a large sandbox tenant with quotas off, then an incremental sync after one
# emulated day (with the daily bulk read of logon users), then another an emulated hour later. The sandbox runs in its own JVM; the sync runs in `rampart sync` with a 1 GB heap.
#   scripts/sync-bench.sh [devices=100000] [vulns-per-device=40] [JDBC_URL]
# Without a JDBC URL the sync uses an embedded PostgreSQL in a temporary RAMPART_HOME (the laptop case).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
devices="${1:-100000}"
vulns="${2:-40}"
db="${3:-}"
port="${PORT:-18700}"
work="$(mktemp -d)"
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

. "$here/scripts/bench-sandbox.sh"
export RAMPART_HOME="$work/home"
db_opt=()
[ -n "$db" ] && db_opt=(--db "$db")

sync() {
  local name="$1"; shift
  local t0 t1
  t0=$(date +%s.%N)
  java -Xmx1g -jar "$app_jar" sync --connector-file "$work/connector.json" "${db_opt[@]}" "$@" \
    > "$work/$name.json" 2> "$work/$name.log" || { cat "$work/$name.log" >&2; cat "$work/$name.json"; exit 1; }
  t1=$(date +%s.%N)
  python3 - "$work/$name.json" "$name" "$t0" "$t1" <<'PY'
import json, sys
s = json.load(open(sys.argv[1])); wall = float(sys.argv[4]) - float(sys.argv[3])
f = s.get("fetched", {})
rows = f.get("findingsFetched", 0)
print(f"{sys.argv[2]}: {wall:.1f} s wall (process), run {s['durationMs']/1000:.1f} s; assets {s['assets']};"
      f" findings fetched {rows} ({rows / (s['durationMs']/1000):.0f}/s), opened {s['findingsOpened']},"
      f" fixed {s['findingsFixed']}, reopened {s['findingsReopened']}, archived {s['findingsArchived']};"
      f" software rows {f.get('softwareFetched', 0)}; alerts new {s['alertsNew']} updated {s['alertsUpdated']};"
      f" api calls {s.get('apiCalls')}; peak heap <= {s['peakHeapMb']} MB")
PY
}
sync full --full
curl -s -X POST -H 'Content-Type: application/json' -d '{"days": 1}' "http://127.0.0.1:$port/_emulator/clock/advance" >/dev/null
sync incremental --incremental
curl -s -X POST -H 'Content-Type: application/json' -d '{"hours": 1}' "http://127.0.0.1:$port/_emulator/clock/advance" >/dev/null
sync hourly --incremental
for run in full incremental hourly; do
  echo "--- $run: phases and apply steps" >&2
  grep -h "phase:\|apply:" "$work/$run.log" | sed 's/^/  /' >&2 || true
done
