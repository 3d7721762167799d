# Sourced by the Makefile's recipes and the scripts: the pinned build tools come first on
# PATH, so cargo-leptos finds our wasm-opt and wasm-bindgen rather than any other.
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$repo_root/tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"
