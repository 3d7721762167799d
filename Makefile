# fnconsole: the two commands a newcomer needs, and a few more.
#   make run    install what is missing, build, and serve the console on http://127.0.0.1:3000
#   make test   run every test (unit, integration, browser)
SHELL := /bin/bash
ENV := source scripts/env.sh &&

.PHONY: setup run engine build test size load check-wasm-deps

setup:
	scripts/setup.sh

# The release site, then its /pkg and /editor files precompressed (Brotli and gzip).
build: setup
	$(ENV) cargo leptos build --release --split && node scripts/precompress.mjs

run: build
	target/release/fnconsole

# The embedded engine alone, for the providers' CLIs and SDKs (default http://127.0.0.1:3233).
engine: build
	target/release/fnconsole engine

test:
	scripts/test.sh

# HTTP load on the engine's dialects beside the in-process figure (docs/BENCHMARKS.md).
load: build
	scripts/load.sh

size: build
	scripts/setup.sh --test
	cd end2end && node size-report.mjs / && node size-report.mjs /actions && node size-report.mjs /settings \
	  && node size-report.mjs '/actions/demo/hello?connection=local-ncp' && node editor-timing.mjs

check-wasm-deps:
	scripts/check-wasm-deps.sh
