#!/bin/sh
# Installs mallette for this wiki's CI (GitHub Actions, GitLab CI, Forgejo Actions, Woodpecker),
# by the fastest route that works:
#   1. the release binary for this machine, checked against the release's SHA256SUMS;
#   2. else `cargo install --locked mallette --version <version>` from crates.io;
#   3. else `cargo install --locked --git <source> --tag v<version> mallette`.
# A binary whose checksum does not match is never installed: the script stops there.
# An installed mallette of the right version (restored from the CI cache) is kept as it is.
#
# To upgrade mallette, change MALLETTE_VERSION below and commit: the CI caches follow.
set -eu

MALLETTE_VERSION="${MALLETTE_VERSION:-@MALLETTE_VERSION@}"
MALLETTE_RELEASES="${MALLETTE_RELEASES:-@MALLETTE_RELEASES@}"
MALLETTE_GIT="${MALLETTE_GIT:-@MALLETTE_GIT@}"
# mallette goes to $MALLETTE_ROOT/bin (cargo install's --root), ~/.cargo/bin by default.
MALLETTE_ROOT="${MALLETTE_ROOT:-$HOME/.cargo}"
case "$MALLETTE_ROOT" in
  /*) ;;
  *) MALLETTE_ROOT="$(pwd)/$MALLETTE_ROOT" ;;
esac
bin="$MALLETTE_ROOT/bin"

say() { printf 'install-mallette: %s\n' "$*" >&2; }

is_wanted() { # <binary>: is it this version of mallette, and does it run here?
  [ -x "$1" ] && [ "$("$1" --version 2>/dev/null)" = "mallette $MALLETTE_VERSION" ]
}

if is_wanted "$bin/mallette"; then
  say "mallette $MALLETTE_VERSION is already in $bin"
  exit 0
fi
mkdir -p "$bin"

download() { # <url> <file>
  if command -v curl >/dev/null 2>&1; then
    curl --fail --silent --show-error --location --retry 3 --connect-timeout 30 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    say "neither curl nor wget is installed"
    return 1
  fi
}

sha256_of() { # <file>
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    openssl dgst -sha256 -r "$1" | cut -d ' ' -f 1
  fi
}

# The release target of this machine; none where no binary is published (the cargo routes then).
release_target() {
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) echo x86_64-unknown-linux-gnu ;;
    Linux-aarch64 | Linux-arm64) echo aarch64-unknown-linux-gnu ;;
    Darwin-x86_64) echo x86_64-apple-darwin ;;
    Darwin-arm64) echo aarch64-apple-darwin ;;
    *) return 1 ;;
  esac
}

from_release() {
  if ! target=$(release_target); then
    say "no release binary for $(uname -s) $(uname -m)"
    return 1
  fi
  name="mallette-$MALLETTE_VERSION-$target"
  url="$MALLETTE_RELEASES/v$MALLETTE_VERSION"
  tmp=$(mktemp -d)
  if ! download "$url/$name.tar.gz" "$tmp/$name.tar.gz" ||
    ! download "$url/SHA256SUMS" "$tmp/SHA256SUMS"; then
    say "no release binary at $url/$name.tar.gz"
    rm -rf "$tmp"
    return 1
  fi
  expected=$(awk -v f="$name.tar.gz" '$2 == f || $2 == "*" f { print $1 }' "$tmp/SHA256SUMS")
  if [ -z "$expected" ]; then
    say "$url/SHA256SUMS has no line for $name.tar.gz"
    rm -rf "$tmp"
    return 1
  fi
  actual=$(sha256_of "$tmp/$name.tar.gz")
  if [ "$actual" != "$expected" ]; then
    say "CHECKSUM MISMATCH for $url/$name.tar.gz: SHA256SUMS says $expected, the download is $actual."
    say "Nothing was installed. Run the job again; if it fails again, report it to mallette."
    rm -rf "$tmp"
    exit 1
  fi
  tar -xzf "$tmp/$name.tar.gz" -C "$tmp"
  if ! is_wanted "$tmp/$name/mallette"; then
    say "the release binary does not run here (another C library?)"
    rm -rf "$tmp"
    return 1
  fi
  cp "$tmp/$name/mallette" "$bin/mallette.new"
  chmod 755 "$bin/mallette.new"
  mv -f "$bin/mallette.new" "$bin/mallette"
  rm -rf "$tmp"
  say "installed mallette $MALLETTE_VERSION ($target, checksum verified) into $bin"
}

# cargo, and the C compiler some dependencies need; installed (rustup, apt-get) when missing.
rust_toolchain() {
  if [ -f "${CARGO_HOME:-$HOME/.cargo}/env" ]; then
    # shellcheck disable=SC1091
    . "${CARGO_HOME:-$HOME/.cargo}/env"
  fi
  if ! command -v cc >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    say "installing a C compiler (apt-get install gcc libc6-dev)"
    apt-get update -qq && apt-get install -y -qq --no-install-recommends gcc libc6-dev >/dev/null
  fi
  if command -v rustup >/dev/null 2>&1; then
    # The stable toolchain, whatever the runner's default: mallette needs a recent Rust.
    rustup toolchain install stable --profile minimal --no-self-update >/dev/null
    export RUSTUP_TOOLCHAIN=stable
  elif ! command -v cargo >/dev/null 2>&1; then
    say "installing Rust (rustup, minimal profile)"
    download https://sh.rustup.rs "${TMPDIR:-/tmp}/rustup-init.sh" || return 1
    sh "${TMPDIR:-/tmp}/rustup-init.sh" -y --profile minimal --no-modify-path >/dev/null
    # shellcheck disable=SC1091
    . "${CARGO_HOME:-$HOME/.cargo}/env"
  fi
  command -v cargo >/dev/null 2>&1
}

from_crates_io() {
  say "building mallette $MALLETTE_VERSION from crates.io (cargo install --locked)"
  cargo install --locked --force --root "$MALLETTE_ROOT" mallette --version "=$MALLETTE_VERSION"
}

from_git() {
  say "building mallette $MALLETTE_VERSION from $MALLETTE_GIT (tag v$MALLETTE_VERSION)"
  cargo install --locked --force --root "$MALLETTE_ROOT" --git "$MALLETTE_GIT" --tag "v$MALLETTE_VERSION" mallette
}

if from_release; then
  :
elif ! rust_toolchain; then
  say "no release binary and no Rust toolchain: cannot install mallette $MALLETTE_VERSION"
  exit 1
elif from_crates_io; then
  :
elif from_git; then
  :
else
  say "mallette $MALLETTE_VERSION could not be installed by any route"
  exit 1
fi
is_wanted "$bin/mallette" || {
  say "$bin/mallette is not mallette $MALLETTE_VERSION"
  exit 1
}
