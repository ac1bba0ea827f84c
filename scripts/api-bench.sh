#!/usr/bin/env bash
# API latency on a large inventory: a full sync of a sandbox tenant (quotas off), then `rampart serve` on the same
# database, then sequential requests to the asset list, asset detail and finding list, reporting median and p95.
#   scripts/api-bench.sh [devices=100000] [vulns-per-device=40] [requests-per-case=200] [JDBC_URL]
# Without a JDBC URL everything uses an embedded PostgreSQL in a temporary RAMPART_HOME (the laptop case).
# KEEP_HOME=dir keeps that RAMPART_HOME in dir and, when it already holds the inventory, skips the sync.
# ONLY=regex runs only the cases whose name matches (e.g. ONLY='query|graph'). GRAPH_EXPORT=1 also times the graph
# export (rampart export graph, JSON and Neo4j) in a 256 MB heap and reports its peak heap from the GC log.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
devices="${1:-100000}"
vulns="${2:-40}"
requests="${3:-200}"
db="${4:-}"
port="${PORT:-18700}"
api_port="${API_PORT:-18780}"
work="$(mktemp -d)"
trap 'kill "$emulator" "${server:-}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

. "$here/scripts/bench-sandbox.sh"
export RAMPART_HOME="${KEEP_HOME:-$work/home}"
db_opt=()
[ -n "$db" ] && db_opt=(--db "$db")

if [ -n "${KEEP_HOME:-}" ] && [ -s "$KEEP_HOME/sync.json" ]; then
  echo "reusing the inventory in $KEEP_HOME" >&2
  cp "$KEEP_HOME/sync.json" "$work/sync.json"
else
  echo "full sync of $devices devices..." >&2
  java -Xmx1g -jar "$app_jar" sync --connector-file "$work/connector.json" "${db_opt[@]}" --full > "$work/sync.json" \
    2> "$work/sync.log" || { cat "$work/sync.log" >&2; exit 1; }
  [ -n "${KEEP_HOME:-}" ] && cp "$work/sync.json" "$work/sync.log" "$KEEP_HOME/"
  RAMPART_PASSWORD='benchmark passphrase' java -jar "$app_jar" user add --name bench --admin "${db_opt[@]}" >&2
fi
token="$(java -jar "$app_jar" token create --user bench --project bench --role viewer --days 1 "${db_opt[@]}")"

serve_db=()
[ -n "$db" ] && serve_db=(--db "$db")
java -Xmx1g -jar "$app_jar" serve --port "$api_port" "${serve_db[@]}" --rampart.scheduler.enabled=false \
  > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$api_port/actuator/health/readiness" >/dev/null && break
  sleep 1
done

python3 - "http://127.0.0.1:$api_port" "$token" "$requests" "${ONLY:-}" <<'PY'
import json, random, re, statistics, sys, time, urllib.parse, urllib.request
base, token, n, only = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
def get(path):
    body = None
    if isinstance(path, tuple):  # (path, JSON body): a POST
        path, body = path[0], json.dumps(path[1]).encode()
    req = urllib.request.Request(base + path, data=body, headers={"Authorization": "Bearer " + token,
                                                                    "Content-Type": "application/json"})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req) as r:
        body = r.read()
    ms = (time.perf_counter() - t0) * 1000
    return ms, (json.loads(body) if r.headers.get_content_type().endswith("json") else body)
p = "/api/v1/projects/bench"
_, first = get(p + "/assets?limit=100")
ids = [a["id"] for a in get(p + "/assets?limit=1000&sort=id")[1]["items"]]
_, some = get(p + "/assets?limit=1")
os_platform = some["items"][0]["osPlatform"]
def cursors_of(path, first_page):
    out, c = [], first_page["nextCursor"]
    while c and len(out) < 50:
        out.append(c)
        c = get(path + "&cursor=" + c)[1]["nextCursor"]
    return out or [""]
cursors = cursors_of(p + "/assets?limit=100", first)
fcursors = cursors_of(p + "/findings?state=open&limit=100", get(p + "/findings?state=open&limit=100")[1])
rcursors = cursors_of(p + "/assets?limit=100&sort=-risk", get(p + "/assets?limit=100&sort=-risk")[1])
sw_common = get(p + "/software?limit=1&sort=-assets")[1]["items"][0]
sw_rare = get(p + "/software?limit=1&sort=assets")[1]["items"][0]
def sw(s, extra=""):
    return urllib.parse.quote(s["vendor"] + ":" + s["name"] + extra)
random.seed(1)
cases = {
    "asset list, first page (100, by name)": lambda i: p + "/assets?limit=100",
    "asset list, pages 2-51 (cursor)": lambda i: p + "/assets?limit=100&cursor=" + cursors[i % len(cursors)],
    "asset list, search q=ws-0001": lambda i: p + "/assets?limit=100&q=ws-0001",
    "asset list, metadata filter": lambda i: p + "/assets?limit=100&meta.osPlatform=" + os_platform,
    "asset detail": lambda i: p + "/assets/" + str(random.choice(ids)),
    "finding list, open, first page (100)": lambda i: p + "/findings?state=open&limit=100",
    "finding list, open, pages 2-51 (cursor)": lambda i: p + "/findings?state=open&limit=100&cursor=" + fcursors[i % len(fcursors)],
    "finding list, critical, by cvss": lambda i: p + "/findings?state=open&severity=Critical&sort=-cvss&limit=100",
    "asset list, by risk (highest first)": lambda i: p + "/assets?limit=100&sort=-risk",
    "asset list, by risk, pages 2-51 (cursor)": lambda i: p + "/assets?limit=100&sort=-risk&cursor=" + rcursors[i % len(rcursors)],
    "asset list, risk High or Critical": lambda i: p + "/assets?limit=100&risk=High,Critical&sort=-risk",
    "finding list, open, by exploitability": lambda i: p + "/findings?state=open&sort=-exploitability&limit=100",
    "risk summary": lambda i: p + "/risk",
    "asset list, by software (the most installed)": lambda i: p + "/assets?limit=100&software=" + sw(sw_common),
    "asset list, by software, exposed (the most installed)": lambda i: p + "/assets?limit=100&exposed=true&software=" + sw(sw_common),
    "asset list, by software, version range (the most installed)": lambda i: p + "/assets?limit=100&software=" + sw(sw_common, ":>=1"),
    "asset list, by software (the least installed)": lambda i: p + "/assets?limit=100&software=" + sw(sw_rare),
    # docs/queries.md, examples 1, 3, 5 and 7
    "query: critical devices with a verified exploit open": lambda i: (p + "/queries/run", {"query":
        "FIND Device WITH riskLevel = 'Critical' THAT HAS Finding WITH exploitVerified = true AND state = 'open'"
        " RETURN Device.name, Finding.cveId LIMIT 1000"}),
    "query: devices silent for 30 days": lambda i: (p + "/queries/run", {"query":
        "FIND Device WITH active = true AND lastSeen < NOW - 30 DAYS RETURN Device.name, Device.lastSeen LIMIT 1000"}),
    "query: software exposing the most devices": lambda i: (p + "/queries/run", {"query":
        "FIND Software THAT HAS Finding WITH state = 'open' AND exploitAvailable = true THAT HAS Device WITH"
        " active = true RETURN Software.name, COUNT(Device) ORDER BY COUNT(Device) DESC LIMIT 10"}),
    "query: devices per platform": lambda i: (p + "/queries/run", {"query":
        "FIND Device WITH active = true RETURN Device.osPlatform, COUNT(Device)"}),
    "graph: a device's neighbours": lambda i: p + "/graph/Device/" + str(random.choice(ids)),
    "graph: a device's neighbours, depth 2": lambda i: p + "/graph/Device/" + str(random.choice(ids)) + "?depth=2",
}
ui = "/projects/bench"
pages = {
    "page: asset list (50)": lambda i: ui + "/assets",
    "page: asset list, next pages": lambda i: ui + "/assets?cursor=" + cursors[i % len(cursors)],
    "page: asset detail, overview": lambda i: ui + "/assets/" + str(random.choice(ids)),
    "page: asset detail, risk": lambda i: ui + "/assets/" + str(random.choice(ids)) + "?tab=risk",
    "page: asset detail, response": lambda i: ui + "/assets/" + str(random.choice(ids)) + "?tab=response",
    "page: asset list by risk": lambda i: ui + "/assets?sort=-risk",
    "page: findings (open, 50)": lambda i: ui + "/findings",
    "page: dashboard": lambda i: ui,
    "page: asset list, metadata filter": lambda i: ui + "/assets?meta.exposureLevel=High",
    "page: vulnerabilities (50)": lambda i: ui + "/vulnerabilities",
    "page: software (50)": lambda i: ui + "/software",
    "page: alerts (50)": lambda i: ui + "/alerts",
    "page: tickets (50)": lambda i: ui + "/tickets",
    "page: changes (50)": lambda i: ui + "/events",
}
cases.update(pages)
for name, path in cases.items():
    if only and not re.search(only, name):
        continue
    for i in range(5):
        get(path(i))
    times = sorted(get(path(i))[0] for i in range(n))
    p95 = times[int(len(times) * 0.95) - 1]
    print(f"{name}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms ({n} requests)")
PY
if [ -n "${GRAPH_EXPORT:-}" ]; then
  kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; server=
  for format in json neo4j; do
    t0=$(date +%s.%N)
    java -Xmx256m -Xlog:gc:file="$work/gc-$format.log" -jar "$app_jar" export graph --project bench --format "$format" \
      "${db_opt[@]}" 2> "$work/export.err" | wc -c > "$work/export.bytes"
    t1=$(date +%s.%N)
    peak=$(grep -o '[0-9]*M->' "$work/gc-$format.log" | sed 's/M->//' | sort -n | tail -1)
    echo "graph export ($format): $(python3 -c "print(f'{$t1-$t0:.1f}')") s, $(cat "$work/export.bytes") bytes," \
      "peak heap ${peak:-?} MB of 256 MB; $(tail -1 "$work/export.err")"
  done
fi
python3 -c "import json,sys; s=json.load(open(sys.argv[1])); print(f\"inventory: {s['assets']} assets, {s['findingsOpened']} findings opened, {s.get('riskComputed')} assets scored\")" "$work/sync.json"
grep -h "apply: risk\|risk: " "$work/sync.log" "${KEEP_HOME:-$work}/sync.log" 2>/dev/null | tail -2 || true
