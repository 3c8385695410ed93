#!/usr/bin/env python3
"""Build benchmark: mallette (one or more commits) against Hugo on the same synthetic kits,
runs interleaved (A B H A B H ...), so that every ratio compares runs made under the same load.

    bench/build_bench.py [--kits 1000 10000] [--runs 5] [--warmup 1] [--rev REV ...]

Each --rev (default: HEAD) is built from a clean `git archive` of that commit (release profile),
so uncommitted edits never leak into the numbers; `--rev .` builds the working tree. Sites come
from ../shared/bench/gen_kits.py (deterministic) and are cached in target/bench-sites/. For every
round each tool builds once, measured with /usr/bin/time -v (wall time, CPU, peak RSS). Reported:
the median and the spread (min–max) of each tool, and the median of the per-round ratios
Hugo / mallette (> 1: mallette is faster). A benchmark, not a test: it never fails on a target.

Needs: cargo, hugo, GNU time (apt-get install -y hugo time).
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = Path(os.environ.get("GEN_KITS", REPO.parent / "shared/bench/gen_kits.py"))
SITES = REPO / "target/bench-sites"
OUTS = REPO / "target/bench-out"
BINS = REPO / "target/bench-bin"
TARGET = REPO / "target/bench"  # one cargo target dir for every commit: dependencies built once


def log(*args):
    print("==>", *args, file=sys.stderr, flush=True)


def build_rev(rev: str) -> tuple[str, Path]:
    """Build mallette at `rev` (or the working tree for `.`); returns (label, binary)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    if rev == ".":
        label = subprocess.check_output(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], text=True).strip()
        label += "+worktree"
        src = REPO
    else:
        label = subprocess.check_output(["git", "-C", REPO, "rev-parse", "--short", f"{rev}^{{commit}}"], text=True).strip()
        src = REPO / "target/bench-src" / label
        if not (src / ".complete").exists():
            shutil.rmtree(src, ignore_errors=True)
            src.mkdir(parents=True)
            archive = subprocess.Popen(["git", "-C", REPO, "archive", "--format=tar", label], stdout=subprocess.PIPE)
            subprocess.check_call(["tar", "-x", "-C", src], stdin=archive.stdout)
            archive.wait()
            (src / ".complete").touch()
    binary = BINS / f"mallette-{label}"
    if rev == "." or not binary.exists():
        log(f"building mallette {label} (release)")
        subprocess.check_call(["cargo", "build", "--release", "--bin", "mallette"], cwd=src, env=env,
                              stdout=sys.stderr)
        BINS.mkdir(parents=True, exist_ok=True)
        shutil.copy2(TARGET / "release/mallette", binary)
    return label, binary


def site(flavor: str, kits: int) -> Path:
    path = SITES / f"{flavor}-{kits}"
    if not (path / ".complete").exists():
        log(f"generating {kits} kits ({flavor})")
        shutil.rmtree(path, ignore_errors=True)
        subprocess.check_call([sys.executable, GEN, "--kits", str(kits), "--out", path, "--flavor", flavor],
                              stdout=sys.stderr)
        (path / ".complete").touch()
    return path


def timed(cmd: list, out: Path) -> dict:
    """One run: wall seconds, CPU seconds, peak RSS (MB), exit status."""
    with tempfile.NamedTemporaryFile(mode="r", suffix=".time") as t:
        start = time.perf_counter()
        done = subprocess.run(["/usr/bin/time", "-v", "-o", t.name, *map(str, cmd)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wall = time.perf_counter() - start
        fields = {}
        for line in t.read().splitlines():
            key, _, value = line.strip().rpartition(": ")
            fields[key] = value
    rss = int(fields.get("Maximum resident set size (kbytes)", "0")) / 1024
    cpu = float(fields.get("User time (seconds)", "0")) + float(fields.get("System time (seconds)", "0"))
    return {"wall": wall, "cpu": cpu, "rss": rss, "status": done.returncode, "stderr": done.stderr[-2000:]}


def spread(values):
    return f"{min(values):.2f}–{max(values):.2f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kits", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--rev", action="append", default=None)
    args = parser.parse_args()
    for tool in ["cargo", "hugo", "/usr/bin/time"]:
        if not shutil.which(tool):
            sys.exit(f"missing: {tool} (apt-get install -y hugo time)")
    # The scratch sites sit inside this repository's target/: stop git (mallette reads `git log`
    # for kit dates) from finding the mallette repository above them.
    os.environ["GIT_CEILING_DIRECTORIES"] = str(SITES)
    revs = [build_rev(r) for r in (args.rev or ["HEAD"])]
    load_before = Path("/proc/loadavg").read_text().split()[:3]
    rows = []
    for kits in args.kits:
        msite, hsite = site("mallette", kits), site("hugo", kits)
        tools = [(label, [binary, "build", "--root", msite, "--out", OUTS / f"m-{label}-{kits}"])
                 for label, binary in revs]
        tools.append(("hugo", ["hugo", "--quiet", "--noBuildLock", "--cleanDestinationDir",
                               "-s", hsite, "-d", OUTS / f"hugo-{kits}"]))
        results = {name: [] for name, _ in tools}
        for round_ in range(args.warmup + args.runs):
            for name, cmd in tools:
                r = timed(cmd, OUTS)
                if r["status"] != 0:
                    sys.exit(f"{name} failed on {kits} kits (exit {r['status']}):\n{r['stderr']}")
                if round_ >= args.warmup:
                    results[name].append(r)
            log(f"{kits} kits: round {round_ + 1}/{args.warmup + args.runs} "
                + " ".join(f"{n} {results[n][-1]['wall']:.2f}s" for n, _ in tools if results[n]))
        hugo = results["hugo"]
        for label, _ in revs:
            runs = results[label]
            ratios = [h["wall"] / m["wall"] for h, m in zip(hugo, runs)]
            rows.append((kits, label, statistics.median(r["wall"] for r in runs), spread([r["wall"] for r in runs]),
                         statistics.median(r["wall"] for r in hugo), spread([r["wall"] for r in hugo]),
                         statistics.median(ratios), spread(ratios),
                         max(r["rss"] for r in runs), max(r["rss"] for r in hugo),
                         statistics.median(r["cpu"] for r in runs), statistics.median(r["cpu"] for r in hugo)))
    load_after = Path("/proc/loadavg").read_text().split()[:3]
    hugo_version = subprocess.check_output(["hugo", "version"], text=True).split()[1]
    print(f"\nMachine: {os.cpu_count()} cores, shared (noisy); load average {' '.join(load_before)} before, "
          f"{' '.join(load_after)} after. Hugo {hugo_version}. {args.runs} interleaved rounds after "
          f"{args.warmup} warm-up (each round: every tool once, in turn).\n")
    print("| kits | mallette | median (s) | spread | Hugo median (s) | Hugo spread | Hugo / mallette (median of rounds) | ratio spread | peak MB | Hugo peak MB | CPU s | Hugo CPU s |")
    print("|---:|---|---:|---|---:|---|---:|---|---:|---:|---:|---:|")
    for row in rows:
        kits, label, m, ms, h, hs, ratio, rs, mrss, hrss, mcpu, hcpu = row
        print(f"| {kits} | {label} | {m:.2f} | {ms} | {h:.2f} | {hs} | {ratio:.2f} | {rs} | {mrss:.0f} | {hrss:.0f} | {mcpu:.1f} | {hcpu:.1f} |")


if __name__ == "__main__":
    main()
