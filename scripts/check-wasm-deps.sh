#!/usr/bin/env bash
# The WASM bundle must not pull in server-only crates: no database, no JavaScript engine, no
# HTTP client, no signing keys' maths, no server framework. A crate listed here in the
# frontend's dependency tree means something server-side leaked into `app` or `providers`.
# Nor may it turn on `providers`' server-side features: the four providers' wire types
# (`wire`), the signers (`sign`) or the clients (`client`); the browser gets the model only;
# nor `access`'s store (accounts, sessions, tokens): the browser gets the roles only.
set -euo pipefail
cd "$(dirname "$0")/.."
tree=$(cargo tree -p frontend --target wasm32-unknown-unknown -e normal,features --prefix none)
forbidden='^(rusqlite|libsqlite3-sys|rquickjs|rquickjs-sys|reqwest|hmac|tokio|axum|leptos_axum|tower-http|hyper)$'
found=$(echo "$tree" | grep -v ' feature "' | awk '{print $1}' | sort -u | grep -E "$forbidden" || true)
if [[ -n "$found" ]]; then
  echo "check-wasm-deps: the WASM bundle depends on server-only crates:" >&2
  echo "$found" | sed 's/^/  /' >&2
  exit 1
fi
features=$(echo "$tree" | grep -oE '^(providers feature "(wire|sign|client)"|access feature "store")' | sort -u || true)
if [[ -n "$features" ]]; then
  echo "check-wasm-deps: the WASM bundle turns on server-side features of providers:" >&2
  echo "$features" | sed 's/^/  /' >&2
  exit 1
fi
echo "check-wasm-deps: the WASM bundle pulls in no server-only crate and no provider wire types"
