#!/usr/bin/env bash
# Load test of the engine's HTTP dialects: warm blocking invocations of a trivial action
# through OpenWhisk (basic auth) and NCP (signature v2) with wrk on loopback, beside the
# in-process engine invocation measured by `cargo bench` in the same run, so the HTTP and
# signature overhead reads as a ratio. Prints a Markdown table (docs/BENCHMARKS.md).
#   scripts/load.sh [seconds per run, default 10] [connections, default 8]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
DURATION=${1:-10}
CONNECTIONS=${2:-8}
say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian)"
  sudo=""; [[ $(id -u) -ne 0 ]] && sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null 2>&1 || {
    $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq wrk >/dev/null
  }
fi
key() { sed -n "s/^$1 = \"\(.*\)\"/\1/p" sdk-tests/engine.toml; }
work=$(mktemp -d)
trap 'kill $engine_pid 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT
if [[ -n "${ENGINE_SERVE_BIN:-}" ]]; then
  # The dialects' router alone (engine-http's `serve` example: the router `fnconsole engine`
  # serves, on axum::serve), when no release build of the whole console is at hand:
  #   cargo build --release -p engine-http --example serve --bin engine-http-worker
  #   ENGINE_SERVE_BIN=target/release/examples/serve scripts/load.sh
  NCP_AK="$(key ncp_access_key)" NCP_SK="$(key ncp_secret_key)" OW_AUTH="$(key openwhisk_auth)" \
    RUST_LOG=warn "$ENGINE_SERVE_BIN" >"$work/engine.log" 2>&1 &
else
  bin=${FNCONSOLE_BIN:-target/release/fnconsole}
  [[ -x "$bin" ]] || { say "building the release binary"; cargo leptos build --release --split >&2; }
  FNCONSOLE_CONFIG=sdk-tests/engine.toml FNCONSOLE_DATA_DIR="$work/data" \
    FNCONSOLE_ENGINE_LISTEN=127.0.0.1:0 RUST_LOG=warn \
    "$bin" engine >"$work/engine.log" 2>&1 &
fi
engine_pid=$!
for _ in $(seq 100); do
  url=$(grep -o 'running at http://[0-9.:]*' "$work/engine.log" | cut -d' ' -f3 || true)
  [[ -n "$url" ]] && break
  sleep 0.1
done
[[ -n "$url" ]] || { cat "$work/engine.log" >&2; exit 1; }
say "engine at $url"

ow_auth="Basic $(printf %s "$(key openwhisk_auth)" | base64 -w0)"
code='function main(p) { return { greeting: "Hello, " + (p.name || "World") + "!" }; }'
curl -fsS -X PUT -H "Authorization: $ow_auth" -H 'Content-Type: application/json' \
  "$url/api/v1/namespaces/_/actions/bench?overwrite=true" \
  -d "{\"exec\":{\"kind\":\"nodejs:default\",\"code\":$(printf %s "$code" | python3 -c 'import json,sys; print(json.dumps(sys.stdin.read()))')}}" >/dev/null

# NCP signature v2 over method, target, timestamp and access key; valid for 5 minutes,
# longer than one run.
ncp_target=/api/v2/packages/-/actions/bench
ncp_headers=$(NCP_AK="$(key ncp_access_key)" NCP_SK="$(key ncp_secret_key)" TARGET="$ncp_target" python3 - <<'PY'
import base64, hashlib, hmac, os, time
ts = str(int(time.time() * 1000))
msg = f"POST {os.environ['TARGET']}\n{ts}\n{os.environ['NCP_AK']}"
sig = base64.b64encode(hmac.new(os.environ["NCP_SK"].encode(), msg.encode(), hashlib.sha256).digest()).decode()
print(f"x-ncp-apigw-timestamp: {ts}\nx-ncp-iam-access-key: {os.environ['NCP_AK']}\nx-ncp-apigw-signature-v2: {sig}")
PY
)

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.body = '{"name":"Kim"}'
wrk.headers["Content-Type"] = "application/json"
LUA

# One wrk run: prints "requests/s p50 p99" (latencies in ms).
load() {
  local target=$1; shift
  local args=()
  while IFS= read -r h; do [[ -n "$h" ]] && args+=(-H "$h"); done <<<"$*"
  # Check the request is accepted before measuring it.
  local check
  check=$(curl -s -o /dev/null -w '%{http_code}' -X POST "${args[@]}" -H 'Content-Type: application/json' -d '{"name":"Kim"}' "$url$target")
  [[ "$check" == 200 ]] || { echo "load: $target answered $check" >&2; exit 1; }
  wrk -t"$(( CONNECTIONS < 2 ? 1 : 2 ))" -c"$CONNECTIONS" -d"${DURATION}s" --latency -s "$work/post.lua" "${args[@]}" "$url$target" >"$work/wrk.out"
  if grep -q 'Non-2xx' "$work/wrk.out"; then cat "$work/wrk.out" >&2; exit 1; fi
  python3 - "$work/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(label):
    v, unit = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M).groups()
    return float(v) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
print(f"{rps:.0f} {ms('50'):.3f} {ms('99'):.3f}")
PY
}

rows=()
for c in 1 "$CONNECTIONS"; do
  CONNECTIONS=$c
  say "OpenWhisk: ${DURATION}s, $c connection(s)"
  rows+=("OpenWhisk|$c|$(load "/api/v1/namespaces/_/actions/bench?blocking=true&result=true" "Authorization: $ow_auth")")
  say "NCP: ${DURATION}s, $c connection(s)"
  rows+=("NCP|$c|$(load "$ncp_target" "$ncp_headers")")
done

say "in-process baseline (cargo bench, engine invoke)"
bench_out=$(cargo bench -q -p engine --bench invocations -- "warm run, record .on disk" --warm-up-time 1 --measurement-time 4 2>/dev/null)
in_us=$(printf '%s\n' "$bench_out" | python3 -c '
import re, sys
t = sys.stdin.read()
v, unit = re.search(r"engine invoke: lookup.*?on disk.*?time:\s+\[\S+ \S+ ([\d.]+) (ns|µs|us|ms)", t, re.S).groups()
print(float(v) * {"ns": 0.001, "µs": 1, "us": 1, "ms": 1000}[unit])')

printf '%s\n' "${rows[@]}" | python3 -c '
import sys
in_us, secs = float(sys.argv[1]), sys.argv[2]
print(f"wrk (2 threads; 1 for 1 connection) -d{secs}s on loopback, blocking invocations of a trivial action; the baseline is one")
print("thread calling Engine::invoke (cargo bench) in the same run. Last column: wall time per")
print("invocation (1 / rate) over that of the baseline.\n")
print("| path | connections | invocations/s | p50 | p99 | time per invocation vs. in-process |")
print("|---|---:|---:|---:|---:|---:|")
print(f"| in-process `Engine::invoke` (on disk, warm) | 1 thread | {1e6/in_us:,.0f} | {in_us/1000:.2f} ms | — | 1× |")
for line in sys.stdin:
    name, conns, rest = line.strip().split("|")
    rps, p50, p99 = map(float, rest.split())
    label = {"OpenWhisk": "OpenWhisk dialect (basic auth)", "NCP": "NCP dialect (signature v2)"}[name]
    print(f"| {label} | {conns} | {rps:,.0f} | {p50:.2f} ms | {p99:.2f} ms | {1e6/rps/in_us:.2f}× |")
' "$in_us" "$DURATION"
