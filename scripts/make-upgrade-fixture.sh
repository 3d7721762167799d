#!/usr/bin/env bash
# Writes server/tests/fixtures/data-<version>/: a data directory exactly as this release of
# fnconsole leaves it (engine.db and the generated engine-keys.toml), with what the upgrade
# test expects to find in it (expected.json: every action and activation id). Run it once per
# release whose data directory later releases must open; commit what it writes.
#   scripts/make-upgrade-fixture.sh            # uses target/debug/fnconsole (built if missing)
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -1)
out=server/tests/fixtures/data-$version
bin=target/debug/fnconsole
[ -x "$bin" ] || cargo build -p server --bin fnconsole

work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
console_port=$(port); engine_port=$(port)
# No keys in the file: the engine generates them and keeps them in engine-keys.toml, as a
# fresh installation does. Demo data and the demo's first runs, as a fresh start gives them.
printf '[engine]\ndemo_runs = true\n' >"$work/fnconsole.toml"
FNCONSOLE_CONFIG="$work/fnconsole.toml" FNCONSOLE_DATA_DIR="$work/data" \
  FNCONSOLE_LISTEN="127.0.0.1:$console_port" FNCONSOLE_ENGINE_LISTEN="127.0.0.1:$engine_port" \
  RUST_LOG=warn "$bin" &
pid=$!
for _ in $(seq 200); do curl -fs "http://127.0.0.1:$console_port/healthz" >/dev/null && break; sleep 0.1; done

auth=$(python3 -c 'import sys, tomllib; print(tomllib.load(open(sys.argv[1], "rb"))["openwhisk_auth"])' "$work/data/engine-keys.toml")
ow() { curl -fsS -u "$auth" -H 'Content-Type: application/json' -X "$1" "http://127.0.0.1:$engine_port/api/v1/namespaces/_$2" ${3:+-d "$3"}; }
# Beside the demo: a package with a parameter, an action of our own, its runs (blocking and
# queued), a failure, and a sequence.
ow PUT '/packages/fixture?overwrite=true' '{"parameters":[{"key":"place","value":"Seoul"}]}' >/dev/null
ow PUT '/actions/fixture/kept?overwrite=true' \
  '{"exec":{"kind":"nodejs:20","code":"function main(p) { console.log(\"kept\", p.n); return { n: p.n, place: p.place }; }"},"limits":{"timeout":5000,"memory":128},"annotations":[{"key":"description","value":"kept across upgrades"}]}' >/dev/null
ow PUT '/actions/fixture/chain?overwrite=true' \
  '{"exec":{"kind":"sequence","components":["/_/fixture/kept","/_/demo/hello"]}}' >/dev/null
for n in 1 2 3; do ow POST '/actions/fixture/kept?blocking=true' "{\"n\":$n}" >/dev/null; done
ow POST '/actions/fixture/chain?blocking=true' '{"n":4}' >/dev/null
ow POST '/actions/fixture/kept?blocking=false' '{"n":5}' >/dev/null
ow POST '/actions/demo/always-fails?blocking=true' '{}' >/dev/null || true # a failed run: curl -f sees its 502
sleep 3 # the demo's first runs and the queued run end

ow GET '/actions?limit=200' >"$work/actions.json"
ow GET '/activations?limit=200' >"$work/activations.json"
kill -TERM "$pid"; wait "$pid" || true; pid=

rm -rf "$out"; mkdir -p "$out"
# One file, no -wal: checkpointed and vacuumed, so the fixture is small and complete.
python3 - "$work/data/engine.db" "$out/engine.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("VACUUM INTO ?", (sys.argv[2],))
PY
cp "$work/data/engine-keys.toml" "$out/"
python3 - "$work" "$out/expected.json" "$version" <<'PY'
import json, sys
work, out, version = sys.argv[1:]
actions = json.load(open(f"{work}/actions.json"))
activations = json.load(open(f"{work}/activations.json"))
def name(a):
    ns = a["namespace"]
    return f"{ns.split('/', 1)[1]}/{a['name']}" if "/" in ns else a["name"]
json.dump({
    "release": version,
    "actions": sorted(name(a) for a in actions),
    "activations": sorted(a["activationId"] for a in activations),
}, open(out, "w"), indent=1)
PY
chmod 600 "$out"/engine.db "$out"/engine-keys.toml
echo "wrote $out: $(du -sh "$out" | cut -f1), $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["actions"]), "actions,", len(d["activations"]), "activations")' "$out/expected.json")"
