# fnconsole: the two commands a newcomer needs, and a few more.
#   make run    install what is missing, build, and serve the console on http://127.0.0.1:3000
#   make test   run every test (unit, integration, browser)
.PHONY: setup run build test size check-wasm-deps

setup:
	scripts/setup.sh

build: setup
	cargo leptos build --release

run: setup
	cargo leptos serve --release

test:
	scripts/test.sh

size: build
	scripts/setup.sh --test
	cd end2end && node size-report.mjs

check-wasm-deps:
	scripts/check-wasm-deps.sh
