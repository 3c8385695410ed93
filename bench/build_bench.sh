#!/usr/bin/env bash
# Build benchmark: mallette against Hugo on the same synthetic kits, runs interleaved.
#
#   bench/build_bench.sh [--kits "1000 10000"] [--runs 5] [--warmup 1] [--rev REV]...
#
# A wrapper around bench/build_bench.py (see there): several --rev compare commits in the same run.
set -euo pipefail
args=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kits) args+=(--kits); for n in $2; do args+=("$n"); done; shift 2 ;;
        *) args+=("$1"); shift ;;
    esac
done
exec python3 "$(dirname "${BASH_SOURCE[0]}")/build_bench.py" "${args[@]}"
