# Sourced by the benchmarks: builds the jars, starts a sandbox tenant in its own JVM (quotas off, clock stopped) and
# writes a connector file for it. Needs: here, devices, vulns, port, work. Sets: emu_jar, app_jar, emulator (its pid),
# BENCH_SECRET, and $work/connector.json (project and connector "bench").
(cd "$here" && mvn -q -B -DskipTests package) >&2
emu_jar="$(ls "$here"/defender-emulator/target/defender-emulator-*-standalone.jar | head -n 1)"
app_jar="$(ls "$here"/app/target/app-*-standalone.jar | head -n 1)"

java -Xmx1g -jar "$emu_jar" emulator --port "$port" --devices "$devices" --vulns-per-device "$vulns" --quotas off \
  --clock-speed 0 --start 2026-03-02T06:00:00Z > "$work/facts.json" 2> "$work/emulator.log" &
emulator=$!
for _ in $(seq 1 60); do [ -s "$work/facts.json" ] && break; sleep 1; done
field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$work/facts.json" "$1"; }
export BENCH_SECRET="$(field clientSecret)"
cat > "$work/connector.json" <<JSON
{"project": "bench", "name": "bench", "tenantId": "$(field tenantId)", "clientId": "$(field clientId)",
 "secretEnv": "BENCH_SECRET", "sandbox": "http://127.0.0.1:$port"}
JSON
