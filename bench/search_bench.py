#!/usr/bin/env python3
"""Search benchmark, two mallette binaries side by side (A = before, B = after), interleaved
(A B A B ...) so that every ratio compares runs made under the same load:

  1. index build time: each binary builds the same synthetic site; the search stage's own timings
     (`stats.index_ms`: the tantivy index and lexicon; `stats.total_ms`: every search file) are
     read from the manifest (they are written only when MALLETTE_SEARCH_TIMINGS=1);
  2. in headless Chromium (tests/browser/search-bench.mjs): bytes of a first one-word query
     (engine, index, result files) and warm query times, on each binary's site.

    bench/search_bench.py --a BIN_BEFORE --b BIN_AFTER [--kits 10000] [--runs 3]

A binary from before the search stage reported timings gets them from bench/before-timings.patch
(applied to that commit's src/index/mod.rs: it only adds the two timings). Sites come from
../shared/bench/gen_kits.py --flavor mallette (deterministic), cached in target/bench-sites/.
Prints medians, spreads and per-round ratios B / A. A benchmark, not a test.

Needs: node and `npm ci --prefix tests/browser` (playwright-core), Debian's chromium.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = Path(os.environ.get("GEN_KITS", REPO.parent / "shared/bench/gen_kits.py"))
SITES = REPO / "target/bench-sites"
OUTS = REPO / "target/bench-out"


def log(*args):
    print("==>", *args, file=sys.stderr, flush=True)


def kits_root(n: int) -> Path:
    root = SITES / f"mallette-{n}"
    if not (root / ".complete").exists():
        log(f"generating {n} kits")
        subprocess.check_call([sys.executable, GEN, "--kits", str(n), "--out", root, "--flavor", "mallette"],
                              stdout=sys.stderr)
        (root / ".complete").touch()
    return root


def build(binary: str, root: Path, out: Path) -> dict:
    env = dict(os.environ, MALLETTE_SEARCH_TIMINGS="1", GIT_CEILING_DIRECTORIES=str(REPO / "target"))
    t = time.monotonic()
    subprocess.check_call([binary, "build", "--root", root, "--out", out, "--force"], env=env,
                          stdout=subprocess.DEVNULL, stderr=sys.stderr)
    wall = time.monotonic() - t
    manifest = next((out / "search").glob("manifest.*.json"))
    stats = json.loads(manifest.read_text())["stats"]
    return {"wall_s": wall, "index_ms": stats.get("index_ms"), "total_ms": stats.get("total_ms"),
            "base_gz_bytes": stats.get("base_gz_bytes"), "index_bytes": stats.get("index_bytes")}


def browser(site: Path) -> dict:
    out = subprocess.check_output(["node", REPO / "tests/browser/search-bench.mjs", site, "--compress", "none"],
                                  text=True)
    return json.loads(out)


def med(xs):
    xs = [x for x in xs if x is not None]
    return (statistics.median(xs), min(xs), max(xs)) if xs else (None, None, None)


def fmt(m, unit=""):
    if m[0] is None:
        return "n/a"
    return f"{m[0]:.1f}{unit} ({m[1]:.1f}–{m[2]:.1f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--a", required=True, help="binary before")
    ap.add_argument("--b", required=True, help="binary after")
    ap.add_argument("--kits", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    root = kits_root(args.kits)
    OUTS.mkdir(parents=True, exist_ok=True)
    sites = {"A": OUTS / f"search-a-{args.kits}", "B": OUTS / f"search-b-{args.kits}"}
    builds = {"A": [], "B": []}
    for r in range(args.runs):
        for label, binary in (("A", args.a), ("B", args.b)):
            log(f"round {r + 1}: build {label}")
            builds[label].append(build(binary, root, sites[label]))
    queries = {"A": [], "B": []}
    for r in range(args.runs):
        for label in ("A", "B"):
            log(f"round {r + 1}: browser {label}")
            queries[label].append(browser(sites[label]))

    report = {"kits": args.kits, "runs": args.runs, "a": args.a, "b": args.b, "builds": builds}
    print(f"\n{args.kits} kits, {args.runs} rounds, A = {args.a}, B = {args.b}")
    print("median (min–max)")
    for key, unit in (("wall_s", " s"), ("index_ms", " ms"), ("total_ms", " ms")):
        a = med([b[key] for b in builds["A"]])
        b = med([b[key] for b in builds["B"]])
        ratios = [y[key] / x[key] for x, y in zip(builds["A"], builds["B"]) if x[key] and y[key]]
        print(f"build {key:<10} A {fmt(a, unit):<28} B {fmt(b, unit):<28} B/A {fmt(med(ratios))}")
    for view in ("mallette", "mallette_box"):
        for part in ("engine", "index", "results"):
            a = med([q[view]["first"][part] / 1000 for q in queries["A"]])
            b = med([q[view]["first"][part] / 1000 for q in queries["B"]])
            print(f"{view:<13} first query {part:<8} A {fmt(a, ' KB'):<24} B {fmt(b, ' KB'):<24}")
        a = med([q[view]["warm_ms"]["p50"] for q in queries["A"]])
        b = med([q[view]["warm_ms"]["p50"] for q in queries["B"]])
        ratios = [y[view]["warm_ms"]["p50"] / x[view]["warm_ms"]["p50"] for x, y in zip(queries["A"], queries["B"])]
        print(f"{view:<13} warm p50          A {fmt(a, ' ms'):<24} B {fmt(b, ' ms'):<24} B/A {fmt(med(ratios))}")
        a = med([q[view]["warm_ms"]["p90"] for q in queries["A"]])
        b = med([q[view]["warm_ms"]["p90"] for q in queries["B"]])
        print(f"{view:<13} warm p90          A {fmt(a, ' ms'):<24} B {fmt(b, ' ms'):<24}")
    report["queries"] = queries
    (OUTS / f"search-bench-{args.kits}.json").write_text(json.dumps(report, indent=1))
    log(f"raw numbers: {OUTS / f'search-bench-{args.kits}.json'}")


if __name__ == "__main__":
    main()
