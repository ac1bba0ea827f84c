#!/usr/bin/env bash
# The risk benchmark: the time to compute endpoint risk on a large sandbox tenant (docs/risk.md).
#   1. a full sync (every asset new: risk computed and written for all of them, inside the run's apply step `risk`);
#   2. `rampart risk` twice: every asset recomputed, nothing changed (the model's cost without writes);
#   3. an incremental sync an emulated day later (the assets the day changed).
#   scripts/risk-bench.sh [devices=100000] [vulns-per-device=40] [JDBC_URL]
# Without a JDBC URL everything uses an embedded PostgreSQL in a temporary RAMPART_HOME (the laptop case).
# KEEP_HOME=dir keeps that RAMPART_HOME in dir (scripts/api-bench.sh can reuse it).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
devices="${1:-100000}"
vulns="${2:-40}"
db="${3:-}"
port="${PORT:-18700}"
work="$(mktemp -d)"
trap 'kill "$emulator" 2>/dev/null || true; rm -rf "$work"' EXIT

. "$here/scripts/bench-sandbox.sh"
export RAMPART_HOME="${KEEP_HOME:-$work/home}"
db_opt=()
[ -n "$db" ] && db_opt=(--db "$db")

risk_line() { grep -h "apply: risk took\|risk: .* assets computed" "$1" | sed 's/^[0-9:.]* INFO  [A-Za-z]* \[[^]]*\] /  /'; }

echo "full sync of $devices devices, $vulns vulnerabilities each..." >&2
java -Xmx1g -jar "$app_jar" sync --connector-file "$work/connector.json" "${db_opt[@]}" --full \
  > "$work/full.json" 2> "$work/full.log" || { cat "$work/full.log" >&2; exit 1; }
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(f\"full sync: {s['assets']} assets, {s['openFindings']} open findings, {s['riskComputed']} assets scored\")" "$work/full.json"
risk_line "$work/full.log"

for i in 1 2; do
  java -Xmx1g -jar "$app_jar" risk --project bench "${db_opt[@]}" > "$work/risk$i.json" 2> "$work/risk$i.log"
  echo "rampart risk ($i): $(cat "$work/risk$i.json")"
  risk_line "$work/risk$i.log"
done

curl -s -X POST -H 'Content-Type: application/json' -d '{"days": 1}' "http://127.0.0.1:$port/_emulator/clock/advance" >/dev/null
java -Xmx1g -jar "$app_jar" sync --connector-file "$work/connector.json" "${db_opt[@]}" --incremental \
  > "$work/incremental.json" 2> "$work/incremental.log" || { cat "$work/incremental.log" >&2; exit 1; }
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(f\"incremental sync a day later: {s['assetsUpdated']} assets updated, {s['findingsOpened']} findings opened, {s['findingsFixed']} fixed; {s['riskComputed']} assets scored, {s['riskRaised']} raised, {s['riskLowered']} lowered\")" "$work/incremental.json"
risk_line "$work/incremental.log"
if [ -n "${KEEP_HOME:-}" ]; then
  cp "$work/full.json" "$KEEP_HOME/sync.json"
  cp "$work/full.log" "$KEEP_HOME/sync.log"
  RAMPART_PASSWORD='benchmark passphrase' java -jar "$app_jar" user add --name bench --admin "${db_opt[@]}" >&2
fi
