#!/usr/bin/env bash
# Installs what building and testing fnconsole needs, skipping whatever is already there at
# the right version, so a second run takes seconds. Safe to run again at any time.
#   scripts/setup.sh          everything the build needs
#   scripts/setup.sh --test   plus the browser-test tools (Chromium, npm packages)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

CARGO_LEPTOS_VERSION=0.3.9   # 0.3.11 needs rustc 1.96; 0.3.9 builds on 1.95 with --locked
want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

# apt-get as root, or through sudo when there is one.
apt_install() {
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  say "installing $* with apt"
  # Try with the package lists we have; on a new machine they are empty, so update once.
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 || {
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
  }
}

# 1. The WASM target.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# 2. cargo-leptos at the pinned version.
if [[ "$(cargo leptos --version 2>/dev/null || true)" != "cargo-leptos ${CARGO_LEPTOS_VERSION}" ]]; then
  say "installing cargo-leptos ${CARGO_LEPTOS_VERSION} (about 15 minutes the first time)"
  cargo install cargo-leptos --version "${CARGO_LEPTOS_VERSION}" --locked
fi

# 3. wasm-bindgen-cli at exactly the lockfile's wasm-bindgen, so cargo-leptos finds it on
#    PATH instead of downloading it. Without --locked: its own lockfile pins a crate version
#    the registry no longer serves.
WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [[ -z "$WB_VERSION" ]]; then echo "setup: no wasm-bindgen in Cargo.lock" >&2; exit 1; fi
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen ${WB_VERSION}" ]]; then
  say "installing wasm-bindgen-cli ${WB_VERSION}"
  cargo install wasm-bindgen-cli --version "${WB_VERSION}" --force
fi

# 4. wasm-opt for the release build, from npm's binaryen (pinned in tools/): Debian's
#    binaryen 108 corrupts the externref table wasm-bindgen emits, and cargo-leptos would
#    otherwise try to download one. scripts/env.sh puts tools/node_modules/.bin on PATH.
if [[ ! -x tools/node_modules/.bin/wasm-opt ]] || [[ tools/package-lock.json -nt tools/node_modules/.package-lock.json ]]; then
  say "installing the build tools' npm packages (wasm-opt)"
  (cd tools && npm ci --no-audit --no-fund --loglevel=error)
fi

# 5. The action editor's bundle (CodeMirror 6 from npm, bundled by esbuild from npm — its
#    binary ships inside the registry package): built into public/editor/ (hashed names and a
#    manifest) before cargo-leptos copies public/ into the site; rebuilt when its sources change.
if [[ ! -x editor/node_modules/.bin/esbuild ]] || [[ editor/package-lock.json -nt editor/node_modules/.package-lock.json ]]; then
  say "installing the editor bundle's npm packages (CodeMirror 6, esbuild)"
  (cd editor && npm ci --no-audit --no-fund --loglevel=error)
fi
if [[ ! -f public/editor/manifest.json ]] || [[ -n "$(find editor/src editor/build.mjs editor/package-lock.json -newer public/editor/manifest.json)" ]]; then
  say "building the editor bundle"
  (cd editor && node build.mjs)
fi

if $want_test; then
  # 5. Debian's Chromium for the browser tests (Playwright's own download cannot work here).
  if [[ ! -x /usr/bin/chromium ]]; then
    apt_install chromium
  fi
  # 6. The browser-test packages, exactly as locked.
  if [[ ! -d end2end/node_modules/playwright-core ]] || [[ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]]; then
    say "installing the browser-test npm packages"
    (cd end2end && npm ci --no-audit --no-fund --loglevel=error)
  fi
  # 7. The providers' official SDKs for the SDK tests: npm's openwhisk, and the Python SDKs in
  #    a virtual environment, every package pinned (constraints.txt).
  if [[ ! -d sdk-tests/node_modules/openwhisk ]] || [[ sdk-tests/package-lock.json -nt sdk-tests/node_modules/.package-lock.json ]]; then
    say "installing the official OpenWhisk client (npm)"
    (cd sdk-tests && npm ci --no-audit --no-fund --loglevel=error)
  fi
  stamp=sdk-tests/.venv/installed
  if [[ ! -f $stamp ]] || [[ sdk-tests/requirements.txt -nt $stamp ]] || [[ sdk-tests/constraints.txt -nt $stamp ]]; then
    say "installing the official Python SDKs (PyPI)"
    python3 -m venv sdk-tests/.venv
    sdk-tests/.venv/bin/pip install --quiet --disable-pip-version-check \
      -r sdk-tests/requirements.txt -c sdk-tests/constraints.txt
    touch "$stamp"
  fi
  # 8. PostgreSQL for the store's tests against its second backend and the two-replica test:
  #    Debian's server binaries (initdb, pg_ctl, postgres); the tests start a throwaway
  #    cluster of their own, so the package's own cluster and service are never used.
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql
  fi
fi
say "setup complete"
