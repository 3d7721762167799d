#!/usr/bin/env bash
# The WASM bundle must not pull in server-only crates: no database, no JavaScript engine, no
# HTTP client, no signing keys' maths, no server framework. A crate listed here in the
# frontend's dependency tree means something server-side leaked into `app` or `providers`.
set -euo pipefail
cd "$(dirname "$0")/.."
forbidden='^(rusqlite|libsqlite3-sys|rquickjs|rquickjs-sys|reqwest|hmac|tokio|axum|leptos_axum|tower-http|hyper)$'
found=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal --prefix none \
  | awk '{print $1}' | sort -u | grep -E "$forbidden" || true)
if [[ -n "$found" ]]; then
  echo "check-wasm-deps: the WASM bundle depends on server-only crates:" >&2
  echo "$found" | sed 's/^/  /' >&2
  exit 1
fi
echo "check-wasm-deps: the WASM bundle pulls in no server-only crate"
