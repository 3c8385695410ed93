#!/usr/bin/env bash
# Builds the browser modules — the search engine (crates/search-wasm) and the contribution form's
# validator (crates/validator-wasm) — into assets/mallette_<module>.wasm, with their SHA-256
# (.sha256) and a gzipped copy (.gz). The mallette binary embeds them.
#
#   scripts/build-wasm.sh           build, then copy into assets/
#   scripts/build-wasm.sh --check   build, then fail (exit 1) if the result differs from the committed
#                                   file; exit 3 when it cannot be built here (no target/toolchain)
#
# Reproducible: the pinned toolchain (below), --locked, one codegen unit, and every machine-specific
# path remapped (--remap-path-prefix), so the same commit gives the same bytes on any machine.
# Needs the wasm target: rustup target add wasm32-unknown-unknown
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# The toolchain the committed file was built with. Another version builds fine but not
# byte-identically: --check then says so.
PINNED_RUST="1.95.0"

check=0
[ "${1:-}" = "--check" ] && check=1

# The pinned toolchain: the default one when it is that version, else an installed `$PINNED_RUST`
# toolchain (installed here when possible).
toolchain=""
have=$(rustc --version | awk '{print $2}')
if [ "$have" != "$PINNED_RUST" ]; then
  if rustup toolchain list 2>/dev/null | grep -q "^$PINNED_RUST" ||
     timeout 300 rustup toolchain install "$PINNED_RUST" --profile minimal --target wasm32-unknown-unknown; then
    toolchain="+$PINNED_RUST"
  elif [ $check = 1 ]; then
    echo "build-wasm: rustc $have here, and Rust $PINNED_RUST (the pinned toolchain) cannot be installed:" >&2
    echo "build-wasm: the committed module cannot be checked byte for byte." >&2
    exit 3
  else
    echo "build-wasm: warning: building with rustc $have, not the pinned $PINNED_RUST: the result" >&2
    echo "build-wasm: will not be byte-identical to a pinned build (CI checks with $PINNED_RUST)." >&2
  fi
fi
if ! rustup $toolchain target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "build-wasm: the wasm32-unknown-unknown target is missing: rustup target add wasm32-unknown-unknown" >&2
  exit 3
fi

cargo_home=${CARGO_HOME:-$HOME/.cargo}
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
target_dir=${CARGO_TARGET_DIR:-$root/target}
# RUSTFLAGS replaces .cargo/config.toml's rustflags for the target: repeat the getrandom cfg.
export RUSTFLAGS="--cfg getrandom_backend=\"unsupported\" \
--remap-path-prefix=$cargo_home=/cargo \
--remap-path-prefix=$rustup_home=/rustup \
--remap-path-prefix=$root=/mallette"
export SOURCE_DATE_EPOCH=0
status=0
for module in search validator; do
  cargo $toolchain build --locked -p mallette-$module-wasm --target wasm32-unknown-unknown --profile wasm

  built="$target_dir/wasm32-unknown-unknown/wasm/mallette_${module}_wasm.wasm"
  asset="assets/mallette_$module.wasm"
  sum=$(sha256sum "$built" | awk '{print $1}')
  size=$(wc -c <"$built")
  if [ $check = 1 ]; then
    want=$(awk '{print $1}' "$asset.sha256" 2>/dev/null || true)
    if [ "$sum" != "$want" ]; then
      echo "build-wasm: MISMATCH: building crates/$module-wasm gives $sum ($size bytes)," >&2
      echo "build-wasm: but $asset.sha256 says ${want:-nothing}." >&2
      echo "build-wasm: run scripts/build-wasm.sh and commit assets/ (with rustc $PINNED_RUST)." >&2
      status=1
      continue
    fi
    if ! echo "$want  $asset" | sha256sum --check --status; then
      echo "build-wasm: MISMATCH: $asset does not match its checksum file." >&2
      status=1
      continue
    fi
    echo "build-wasm: $asset matches its source ($sum, $size bytes)"
  else
    cp "$built" "$asset"
    echo "$sum  mallette_$module.wasm" >"$asset.sha256"
    # Served to browsers that inflate it themselves; a test checks it.
    gzip -9 -n -c "$asset" >"$asset.gz"
    echo "build-wasm: $asset: $size bytes, sha256 $sum"
  fi
done
exit $status
