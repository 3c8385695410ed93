#!/usr/bin/env bash
# Build time and peak memory at 10,000 kits with 500 learning paths, against the same kits
# without paths and Hugo on the same kits, interleaved: each round builds all three in turn.
#
#   bench/parcours_bench.sh [--rounds 3] [--mallette target/release/mallette]
#
# Sites: target/bench-sites/mallette-10000 and hugo-10000 (../shared/bench/gen_kits.py), and a
# copy with paths made by bench/gen_parcours.py. Prints one line per build: round, tool, seconds,
# peak KB (GNU time). A benchmark script, not a test.
set -euo pipefail

ROUNDS=3
MALLETTE=target/release/mallette
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) ROUNDS="$2"; shift 2 ;;
        --mallette) MALLETTE="$2"; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
GEN="${GEN_KITS:-$REPO/../shared/bench/gen_kits.py}"
SITES=target/bench-sites
export GIT_CEILING_DIRECTORIES="$REPO/$SITES"
for flavor in mallette hugo; do
    [[ -d "$SITES/$flavor-10000" ]] || python3 "$GEN" --kits 10000 --out "$SITES/$flavor-10000" --flavor "$flavor"
done
if [[ ! -d "$SITES/mallette-10000-parcours" ]]; then
    cp -r "$SITES/mallette-10000" "$SITES/mallette-10000-parcours"
    python3 bench/gen_parcours.py "$SITES/mallette-10000-parcours" --parcours 500
fi
OUT=$(mktemp -d)
for r in $(seq 1 "$ROUNDS"); do
    for which in parcours plain hugo; do
        case $which in
            parcours) cmd=("$MALLETTE" build --root "$SITES/mallette-10000-parcours" --out "$OUT/p" --force) ;;
            plain) cmd=("$MALLETTE" build --root "$SITES/mallette-10000" --out "$OUT/m" --force) ;;
            hugo) rm -rf "$OUT/h"; cmd=(hugo --quiet --source "$SITES/hugo-10000" --destination "$OUT/h") ;;
        esac
        /usr/bin/time -f "$r $which %e s %M KB" "${cmd[@]}" > /dev/null 2> "$OUT/time.txt" || echo "$r $which FAILED"
        tail -1 "$OUT/time.txt"
    done
done
rm -rf "$OUT"
