#!/usr/bin/env bash
# Build benchmark: mallette vs Hugo on the same synthetic French kits.
#
#   bench/build_bench.sh [--kits "1000 10000"] [--runs 5] [--warmup 1] [--rev REV]
#
# Without --rev, mallette is built from the working tree (with whatever uncommitted edits it holds);
# with --rev (e.g. --rev HEAD) from a clean `git archive` of that commit in target/bench-src/, so the
# numbers belong to one commit.
#
# Needs: cargo, python3, hugo, hyperfine, GNU time (/usr/bin/time)
#   apt-get install -y hugo hyperfine time
#
# Sites come from ../shared/bench/gen_kits.py (deterministic: same N, same bytes) and are cached
# in target/bench-sites/. Results (hyperfine JSON, /usr/bin/time logs, stderr of each tool) go to
# target/bench-results/<timestamp>/; a Markdown table is printed on stdout at the end.
# This is a benchmark script, not a test: it never fails because a target is missed.
set -euo pipefail

KITS="1000 10000"
RUNS=5
WARMUP=1
REV=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kits) KITS="$2"; shift 2 ;;
        --runs) RUNS="$2"; shift 2 ;;
        --warmup) WARMUP="$2"; shift 2 ;;
        --rev) REV="$2"; shift 2 ;;
        -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
    esac
done

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
GEN="${GEN_KITS:-$REPO/../shared/bench/gen_kits.py}"
SITES="$REPO/target/bench-sites"
RESULTS="$REPO/target/bench-results/$(date -u +%Y%m%dT%H%M%SZ)"
OUTS="$REPO/target/bench-out"
export CARGO_TARGET_DIR="$REPO/target/bench"   # own target dir: no lock contention with other builds
MALLETTE="$CARGO_TARGET_DIR/release/mallette"
# The scratch sites sit inside this repository's target/: stop git (mallette reads `git log` for
# kit dates) from finding the mallette repository above them. The synthetic instances have no history.
export GIT_CEILING_DIRECTORIES="$SITES"

for tool in cargo python3 hugo hyperfine /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install -y hugo hyperfine time)" >&2; exit 2; }
done
[[ -f "$GEN" ]] || { echo "missing generator: $GEN" >&2; exit 2; }
mkdir -p "$SITES" "$RESULTS" "$OUTS"

log() { echo "==> $*" >&2; }

if [[ -n "$REV" ]]; then
    # A clean copy of one commit, so concurrent uncommitted edits in the working tree stay out.
    commit=$(git -C "$REPO" rev-parse --short "$REV^{commit}")
    dirty=""
    SRC="$REPO/target/bench-src/$commit"
    if [[ ! -f "$SRC/.complete" ]]; then
        rm -rf "$SRC" && mkdir -p "$SRC"
        git -C "$REPO" archive --format=tar "$commit" | tar -x -C "$SRC"
        touch "$SRC/.complete"
    fi
else
    SRC="$REPO"
    # What was built: HEAD, and whether the working tree (shared with other engineers) differed from it.
    commit=$(git -C "$REPO" rev-parse --short HEAD)
    dirty=$(git -C "$REPO" status --porcelain --untracked-files=no -- src crates themes Cargo.toml Cargo.lock build.rs \
        | grep -q . && echo " + uncommitted changes" || true)
fi
log "building mallette $commit$dirty (release, CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
(cd "$SRC" && cargo build --release --bin mallette) >&2
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# Generate a site once; a complete generation leaves a .complete stamp so an interrupted one is redone.
gen_site() { # flavor kits dir
    local flavor="$1" n="$2" dir="$3"
    if [[ -f "$dir/.complete" ]]; then return; fi
    log "generating $n kits, flavor $flavor -> $dir"
    rm -rf "$dir"
    python3 "$GEN" --kits "$n" --out "$dir" --flavor "$flavor"
    touch "$dir/.complete"
}

# Pages in an output folder: all HTML files, and kit pages (every generated kit slug ends in -NNNNN).
count_html() { find "$1" -name '*.html' | wc -l; }
count_kits() { find "$1" -name index.html -printf '/%P\n' | grep -cE '/[a-z0-9-]+-[0-9]{5}/index\.html$' || true; }

# Peak RSS of one run, in MB (GNU time reports kilobytes). Prints "MB exit_status".
peak_rss() { # logfile cmd...
    local logf="$1"; shift
    local status=0
    /usr/bin/time -v -o "$logf.time" "$@" >"$logf.out" 2>"$logf.err" || status=$?
    local kb
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$logf.time")
    echo "$(( (kb + 512) / 1024 )) $status"
}

# Median wall time (ms) and mean CPU time (user + system, s) from a hyperfine JSON export.
median_ms() { # json
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print(round(r["median"]*1000))' "$1"
}
cpu_s() { # json
    python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["results"][0]; print("%.1f" % (r["user"] + r["system"]))' "$1"
}

rows=()
notes=()
loads=()
for n in $KITS; do
    msite="$SITES/mallette-$n"
    hsite="$SITES/hugo-$n"
    gen_site mallette "$n" "$msite"
    gen_site hugo "$n" "$hsite"
    mout="$OUTS/mallette-$n"
    hout="$OUTS/hugo-$n"
    mcmd="$MALLETTE build --root $msite --out $mout"
    # --noBuildLock: no .hugo_build.lock in the source; --cleanDestinationDir: same output every run.
    hcmd="hugo --quiet --noBuildLock --cleanDestinationDir -s $hsite -d $hout"

    # One checked run of each first: exit code, errors, pages written.
    log "$n kits: check run of mallette"
    rm -rf "$mout"
    read -r m_mb m_status < <(peak_rss "$RESULTS/mallette-$n" $mcmd)
    log "$n kits: check run of hugo"
    rm -rf "$hout"
    read -r h_mb h_status < <(peak_rss "$RESULTS/hugo-$n" $hcmd)

    m_ok=1; h_ok=1
    if [[ "$m_status" != 0 ]]; then
        m_ok=0
        notes+=("mallette failed on $n kits (exit $m_status); first errors:")
        while IFS= read -r line; do notes+=("    $line"); done < <(head -n 20 "$RESULTS/mallette-$n.err")
        log "mallette failed on $n kits (exit $m_status), see $RESULTS/mallette-$n.err"
    fi
    if [[ "$h_status" != 0 ]]; then
        h_ok=0
        notes+=("hugo failed on $n kits (exit $h_status); first errors:")
        while IFS= read -r line; do notes+=("    $line"); done < <(head -n 20 "$RESULTS/hugo-$n.err")
        log "hugo failed on $n kits (exit $h_status), see $RESULTS/hugo-$n.err"
    fi
    m_html=$( ((m_ok)) && count_html "$mout" || echo 0 ); m_kits=$( ((m_ok)) && count_kits "$mout" || echo 0 )
    h_html=$( ((h_ok)) && count_html "$hout" || echo 0 ); h_kits=$( ((h_ok)) && count_kits "$hout" || echo 0 )
    ((m_ok)) && [[ "$m_kits" != "$n" ]] && notes+=("mallette wrote $m_kits kit pages for $n kits")
    ((h_ok)) && [[ "$h_kits" != "$n" ]] && notes+=("hugo wrote $h_kits kit pages for $n kits")

    # Timed runs: only the tools that succeeded.
    m_ms="—"; h_ms="—"; ratio="—"; m_cpu="—"; h_cpu="—"
    if ((m_ok)); then
        log "$n kits: timing mallette ($WARMUP warmup, $RUNS runs)"
        loads+=("$n kits, mallette: load average $(cut -d' ' -f1 /proc/loadavg) when its timing started")
        hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" -n "mallette-$n" \
            --export-json "$RESULTS/mallette-$n.json" "$mcmd" >&2
        m_ms=$(median_ms "$RESULTS/mallette-$n.json"); m_cpu=$(cpu_s "$RESULTS/mallette-$n.json")
    fi
    if ((h_ok)); then
        log "$n kits: timing hugo ($WARMUP warmup, $RUNS runs)"
        loads+=("$n kits, Hugo: load average $(cut -d' ' -f1 /proc/loadavg) when its timing started")
        hyperfine --style basic --warmup "$WARMUP" --runs "$RUNS" -n "hugo-$n" \
            --export-json "$RESULTS/hugo-$n.json" "$hcmd" >&2
        h_ms=$(median_ms "$RESULTS/hugo-$n.json"); h_cpu=$(cpu_s "$RESULTS/hugo-$n.json")
    fi
    if ((m_ok && h_ok)); then
        ratio=$(python3 -c "print(f'{$h_ms / $m_ms:.2f}')")
    fi
    ((m_ok)) || m_mb="— (exit $m_status)"
    ((h_ok)) || h_mb="— (exit $h_status)"
    rows+=("| $n | $m_ms | $h_ms | $ratio | $m_mb | $h_mb | $m_html ($m_kits) | $h_html ($h_kits) | $m_cpu | $h_cpu |")
done

echo
echo "Machine: $(nproc) cores, $(free -h | awk '/^Mem:/ {print $2}') RAM, shared with other builds (numbers are noisy);"
echo "load average (1/5/15 min) $load_before before, $(cut -d' ' -f1-3 /proc/loadavg) after."
echo "mallette $commit$dirty ($("$MALLETTE" --version)), $(hugo version | cut -d' ' -f1-2), $(hyperfine --version)."
echo "Median wall time of $RUNS runs after $WARMUP warm-up; peak RSS of one run (/usr/bin/time -v);"
echo "CPU = mean user + system time per run (it rises under contention too). Raw data: ${RESULTS#"$REPO"/}"
echo
echo "| Kits | mallette median (ms) | Hugo median (ms) | Hugo / mallette | mallette peak (MB) | Hugo peak (MB) | mallette HTML files (kit pages) | Hugo HTML files (kit pages) | mallette CPU (s) | Hugo CPU (s) |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
printf '%s\n' "${rows[@]}"
echo
printf -- '- %s\n' "${loads[@]}"
if ((${#notes[@]})); then
    echo
    printf '%s\n' "${notes[@]}"
fi
