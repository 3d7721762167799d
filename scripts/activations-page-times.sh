#!/usr/bin/env bash
# The activations page's server time with COUNT activations stored in the engine (default
# 1,000,000): fills a fresh data directory with synthetic activations
# (engine/examples/fill_activations.rs), starts the release console on it, and prints the
# median of 15 requests for each view: first page, next page, last page, one action, a status
# filter, on the engine's OpenWhisk and NCP connections. See docs/BENCHMARKS.md.
# Usage: scripts/activations-page-times.sh [COUNT]   (after `cargo leptos build --release --split`)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$repo_root"
count=${1:-1000000}
bin=target/release/fnconsole
[ -x "$bin" ] || { echo "$bin is missing: run cargo leptos build --release --split" >&2; exit 1; }
cargo build --release -q -p engine --example fill_activations
work=$(mktemp -d)
trap 'kill "${pid:-}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -m 700 "$work/data"
target/release/examples/fill_activations "$work/data/engine.db" "$count"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
engine_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
(cd "$work" && FNCONSOLE_LISTEN=127.0.0.1:$port FNCONSOLE_ENGINE_LISTEN=127.0.0.1:$engine_port \
  FNCONSOLE_DATA_DIR="$work/data" LEPTOS_SITE_ROOT="$repo_root/target/site" RUST_LOG=warn \
  exec "$repo_root/$bin" > "$work/log" 2>&1) &
pid=$!
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" > /dev/null && break; sleep 0.2; done
median() { sort -n | awk '{a[NR]=$1} END {printf "%.1f ms\n", a[int((NR+1)/2)]*1000}'; }
last=$(( (count + 19) / 20 ))
for conn in local-openwhisk local-ncp; do
  for q in "" "&page=2" "&page=$last" "&action=demo/bench-3" "&status=failure"; do
    url="http://127.0.0.1:$port/activations?connection=$conn$q"
    shown=$(curl -s "$url" | grep -o 'Activations [0-9–,]*\( of [0-9,]*\)\?' | head -1)
    t=$(for _ in $(seq 15); do curl -s -o /dev/null -w '%{time_total}\n' "$url"; done | median)
    printf '%-16s %-22s %9s  %s\n' "$conn" "${q:-(first page)}" "$t" "$shown"
  done
done
