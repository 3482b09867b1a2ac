# Sourced by the scripts: tool paths and the package build shared by serve and test.
export PATH="$PWD/node_modules/.bin:$HOME/.cargo/bin:$PATH"   # npm's binaryen wasm-opt first

# Builds the npm package for the three wasm-pack targets: pkg/ (bundler, what npm publishes),
# pkg-node/ (nodejs) and www/pkg/ (web, what the browser tool loads).
build_packages() {
  local s=$SECONDS
  wasm-pack --log-level warn build --release --mode no-install --target bundler --out-dir pkg
  wasm-pack --log-level warn build --release --mode no-install --target nodejs --out-dir pkg-node
  wasm-pack --log-level warn build --release --mode no-install --target web --out-dir www/pkg
  echo "[build] $((SECONDS - s))s: wasm packages (pkg/, pkg-node/, www/pkg/)"
}
