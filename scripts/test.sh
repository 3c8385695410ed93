#!/usr/bin/env bash
# The whole test suite, with its own set-up: installs what the tests need when it is missing,
# then runs `cargo test --workspace`. `.ci/run` calls it.
#
#   scripts/test.sh                  set-up, then cargo test --workspace
#   scripts/test.sh --setup-only     set-up only
#   scripts/test.sh ARGS…            set-up, then cargo test ARGS… (e.g. --test ci_templates)
#
# What the tests need besides Rust:
#   Debian packages  chromium, a Java runtime (default-jre-headless), Node.js 20+ and npm, strace,
#                    ShellCheck, git, curl, python3 with pip
#   npm packages     the pinned ones of tests/gates/ and tests/browser/ (npm ci)
#   Python packages  feedparser, pyld, check-jsonschema, jactionlint (actionlint, from PyPI)
#   Rust target      wasm32-unknown-unknown, for the check of the committed WebAssembly modules
# On Debian and Ubuntu this script installs what is missing (as root, or with sudo); elsewhere
# it says what to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."

setup_only=0
if [ "${1:-}" = "--setup-only" ]; then
  setup_only=1
  shift
fi

# The virtual environment of an earlier run (see "Python packages" below).
if [ -x target/test-python/bin/python3 ]; then
  PATH="$(pwd)/target/test-python/bin:$PATH"
  export PATH
fi

say() { printf 'test.sh: %s\n' "$*"; }
fail() {
  printf 'test.sh: %s\n' "$@" >&2
  exit 1
}

# ---- Debian packages ----
missing=()
have() { command -v "$1" > /dev/null 2>&1; }
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
have java || missing+=(default-jre-headless)
have node || missing+=(nodejs)
have npm || missing+=(npm)
have strace || missing+=(strace)
have shellcheck || missing+=(shellcheck)
have git || missing+=(git)
have curl || missing+=(curl)
have python3 || missing+=(python3)
python3 -m pip --version > /dev/null 2>&1 || missing+=(python3-pip python3-venv)

debian_like=0
if [ -r /etc/os-release ] && have apt-get; then
  # shellcheck disable=SC1091
  . /etc/os-release
  case " ${ID:-} ${ID_LIKE:-} " in
    *" debian "* | *" ubuntu "*) debian_like=1 ;;
  esac
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ $debian_like = 1 ]; then
    sudo=()
    if [ "$(id -u)" != 0 ]; then
      have sudo || fail "missing: ${missing[*]}; run as root: apt-get install -y ${missing[*]}"
      sudo=(sudo)
    fi
    say "installing ${missing[*]} (apt-get)"
    "${sudo[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq "${missing[@]}" > /dev/null
    if [ "${ID:-}" = ubuntu ] && [[ " ${missing[*]} " = *" chromium "* ]]; then
      say "note: Ubuntu's chromium package is a snap; if the browser tests cannot start it, set"
      say "CHROMIUM to the path of a Chromium or Chrome binary"
    fi
  else
    fail "missing: ${missing[*]}" \
      "this system is not Debian or Ubuntu: install them with its package manager (names vary:" \
      "Chromium, a Java 11+ runtime, Node.js 20+ with npm, strace, ShellCheck, git, curl, Python 3" \
      "with pip), set CHROMIUM if Chromium is not /usr/bin/chromium, then run this script again"
  fi
fi

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 20 ]; then
  say "WARNING: Node.js $(node --version) is older than 20, which the browser tests are written for"
fi

# ---- npm packages (pinned; install scripts off: vnu-jar's would download a Java) ----
for dir in tests/gates tests/browser; do
  if [ ! -f "$dir/node_modules/.package-lock.json" ] ||
    [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    say "npm ci in $dir"
    npm ci --ignore-scripts --no-audit --no-fund --prefix "$dir" > /dev/null
  fi
done

# ---- Python packages ----
# Module names, then what pip installs them from.
python_modules=(feedparser pyld check_jsonschema jactionlint)
python_packages=(feedparser pyld check-jsonschema jactionlint)
python_missing() {
  local i
  for i in "${!python_modules[@]}"; do
    python3 -c "import ${python_modules[$i]}" 2> /dev/null || printf '%s\n' "${python_packages[$i]}"
  done
}
mapfile -t wanted < <(python_missing)
if [ ${#wanted[@]} -gt 0 ]; then
  say "installing ${wanted[*]} (pip)"
  if ! python3 -m pip install --quiet --disable-pip-version-check "${wanted[@]}" 2> /dev/null; then
    # A system Python that pip may not change (PEP 668): a virtual environment in target/,
    # first on PATH for the tests.
    venv=target/test-python
    say "pip may not install into this Python: using the virtual environment $venv"
    [ -x "$venv/bin/python3" ] || python3 -m venv "$venv"
    "$venv/bin/python3" -m pip install --quiet --disable-pip-version-check "${wanted[@]}"
    PATH="$(pwd)/$venv/bin:$PATH"
    export PATH
  fi
fi
mapfile -t still < <(python_missing)
[ ${#still[@]} -eq 0 ] || fail "the Python packages ${still[*]} could not be installed"

# ---- the WebAssembly target (scripts/build-wasm.sh --check, in .ci/run) ----
if have rustup; then
  # A timeout: the toolchain server may be out of reach, and rustup would then wait long.
  timeout 180 rustup target add wasm32-unknown-unknown > /dev/null 2>&1 ||
    say "warning: the wasm32-unknown-unknown target could not be installed"
fi

say "set-up done"
[ $setup_only = 1 ] && exit 0

if [ $# -gt 0 ]; then
  exec cargo test "$@"
fi
exec cargo test --workspace
