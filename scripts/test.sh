#!/usr/bin/env bash
# Every test fnconsole has: unit and integration tests, the WASM dependency rule, a
# warning-free release build, and the browser tests in real Chromium. `make test` runs this;
# so does CI (.ci/run).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

scripts/setup.sh --test

say "unit and integration tests"
# `frontend` is the WASM entry point; built for the host it would unify `hydrate` with `ssr`.
cargo test --workspace --exclude frontend

say "dependency rule for the WASM bundle"
scripts/check-wasm-deps.sh

say "release build of the server and the WASM bundle"
mkdir -p target
cargo leptos build --release --split 2>&1 | tee target/build.log
# Warnings fail the build: a warning ignored today hides tomorrow's bug.
if grep -E '^warning: ' target/build.log | grep -v 'warning: .* generated [0-9]+ warning' >/dev/null; then
  echo "test: the release build printed warnings (see target/build.log)" >&2
  grep -E -A6 '^warning: ' target/build.log >&2
  exit 1
fi
# The Brotli and gzip files the server sends for /pkg and /editor: the browser tests get the
# bundle as a visitor does.
node scripts/precompress.mjs

say "the providers' official SDKs against fnconsole engine"
(cd sdk-tests && node --test --test-concurrency=1 openwhisk.test.mjs)
(cd sdk-tests && .venv/bin/python -m unittest --verbose 2>&1)

say "browser tests (Chromium)"
cd end2end
node --test --test-concurrency=1 tests/
