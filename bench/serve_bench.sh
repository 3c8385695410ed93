#!/usr/bin/env bash
# Edit-to-served latency of `mallette serve` vs `hugo server`, on the same synthetic kits.
#
#   bench/serve_bench.sh [--kits "1000 10000"] [--runs 7]
#
# Uses ../shared/bench/serve_latency.py: it appends a token to one kit's file and polls the kit's
# page every 10 ms until the token is served. The sites are the ones build_bench.sh generates
# (target/bench-sites/, generated here if missing); each run works on a scratch copy so the cached
# sites stay untouched. A benchmark script, not a test.
set -euo pipefail

KITS="1000 10000"
RUNS=7
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kits) KITS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="${BENCH_DIR:-$REPO/../shared/bench}"
SITES="$REPO/target/bench-sites"
SCRATCH="$REPO/target/serve-bench"
export CARGO_TARGET_DIR="$REPO/target/bench"
MALLETTE="$CARGO_TARGET_DIR/release/mallette"
command -v hugo >/dev/null || { echo "missing: hugo (apt-get install -y hugo)" >&2; exit 2; }

(cd "$REPO" && cargo build --release --bin mallette) >&2
mkdir -p "$SITES" "$SCRATCH"

median() { grep -o 'median [0-9]* ms' | grep -o '[0-9]*'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "| kits | mallette serve median (ms) | hugo server median (ms) | ratio hugo/mallette |"
echo "|---:|---:|---:|---:|"
for n in $KITS; do
    for flavor in mallette hugo; do
        [[ -f "$SITES/$flavor-$n/.complete" ]] || {
            rm -rf "$SITES/$flavor-$n"
            python3 "$BENCH/gen_kits.py" --kits "$n" --out "$SITES/$flavor-$n" --flavor "$flavor" >&2
            touch "$SITES/$flavor-$n/.complete"
        }
        rm -rf "$SCRATCH/$flavor-$n"
        cp -r "$SITES/$flavor-$n" "$SCRATCH/$flavor-$n"
    done
    # The first kit of the first theme folder, in both flavors (same text, same slug).
    kit=$(cd "$SCRATCH/mallette-$n" && find content/kits -name '*.md' | sort | sed -n 1p)
    slug=$(basename "$kit" .md)
    hugo_kit=$(cd "$SCRATCH/hugo-$n" && find content -name "$slug.md" -print -quit)
    hugo_url_path=$(python3 - "$SCRATCH/hugo-$n" "$hugo_kit" <<'PY'
import sys, os
# Hugo's page URL: the content path without extension (the skeleton uses default permalinks).
path = sys.argv[2][len("content/"):-3]
print("/" + path + "/")
PY
)
    port=$(free_port)
    m=$(python3 "$BENCH/serve_latency.py" --dir "$SCRATCH/mallette-$n" --url "http://127.0.0.1:$port/kits/$slug/" \
        --file "$kit" --runs "$RUNS" -- "$MALLETTE" serve --port "$port" | tee /dev/stderr | median)
    port=$(free_port)
    h=$(python3 "$BENCH/serve_latency.py" --dir "$SCRATCH/hugo-$n" --url "http://127.0.0.1:$port$hugo_url_path" \
        --file "$hugo_kit" --runs "$RUNS" -- hugo server --port "$port" --bind 127.0.0.1 --disableFastRender=false \
        | tee /dev/stderr | median)
    ratio=$(python3 -c "print(f'{$h/$m:.1f}' if $m else 'n/a')")
    echo "| $n | $m | $h | $ratio |"
done
