#!/usr/bin/env python3
"""Run the relevance suite (queries.yaml) through `mallette search` and report how it does.

Prints, per category and instance, how many queries have their best kit first (top-1) and in the
first three hits (top-3), then every query whose best kit is not first, with the rank it got.

    tests/relevance/baseline.py [--mallette PATH] [--build]
        [--site-starter DIR] [--site-real-fr DIR] [--root-starter DIR] [--root-real-fr DIR]
        [--queries FILE] [--only starter|real-fr] [--json]

Without --build the sites must already be built, e.g.:

    mallette build --root /work/main --out /tmp/rel-starter
    mallette build --root /work/shared/corpora/real-fr --out /tmp/rel-realfr

This script only measures: it never changes queries.yaml. Needs Python 3.8+ and PyYAML.
"""

import argparse
import collections
import json
import os
import subprocess
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
CATEGORIES = ["synonym", "question", "typo", "audience-duration", "english", "filter", "exact"]
INSTANCES = ["starter", "real-fr"]
FILTER_FIELDS = {
    "themes", "audiences", "level", "formats", "materials", "competences",
    "accessibility", "language", "duration",
}
DURATIONS = {"lt30", "30-60", "60-120", "gt120"}
LIMIT = 10


def load(path):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    if doc.get("version") != 1:
        sys.exit(f"{path}: expected version: 1")
    problems = []
    for i, q in enumerate(doc["queries"], 1):
        where = f"query {i} ({q.get('q')!r})"
        for key in ("q", "instance", "category", "best", "why"):
            if not isinstance(q.get(key), str) or not q[key].strip():
                problems.append(f"{where}: `{key}` missing or empty")
        if q.get("instance") not in INSTANCES:
            problems.append(f"{where}: unknown instance {q.get('instance')!r}")
        if q.get("category") not in CATEGORIES:
            problems.append(f"{where}: unknown category {q.get('category')!r}")
        filters = q.get("filters") or []
        for pair in filters:
            if not (isinstance(pair, list) and len(pair) == 2):
                problems.append(f"{where}: a filter must be [field, value], got {pair!r}")
                continue
            field, value = pair
            if field not in FILTER_FIELDS:
                problems.append(f"{where}: unknown filter field {field!r}")
            if field == "duration" and value not in DURATIONS:
                problems.append(f"{where}: duration must be one of {sorted(DURATIONS)}")
        if q.get("category") == "filter" and not filters:
            problems.append(f"{where}: a `filter` query needs filters")
        q["filters"] = filters
    if problems:
        sys.exit("\n".join(problems))
    return doc["queries"]


def build(mallette, root, out):
    run = subprocess.run([mallette, "build", "--root", root, "--out", out],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"build of {root} failed:\n{run.stderr}")


def search(mallette, site, q):
    cmd = [mallette, "search", "--site", site, "--json", "--limit", str(LIMIT)]
    for field, value in q["filters"]:
        cmd += ["--filter", f"{field}={value}"]
    cmd.append(q["q"])
    run = subprocess.run(cmd, capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"search failed for {q['q']!r}:\n{run.stderr}")
    return [h["slug"] for h in json.loads(run.stdout)["hits"]]


def rank_of(slugs, best):
    """1-based position of the first hit with the best kit's slug, or None if absent."""
    for i, slug in enumerate(slugs, 1):
        if slug == best:
            return i
    return None


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--queries", default=os.path.join(HERE, "queries.yaml"))
    p.add_argument("--mallette", default=os.environ.get("MALLETTE", "/work/tools/mallette"))
    p.add_argument("--site-starter", default="/tmp/rel-starter")
    p.add_argument("--site-real-fr", default="/tmp/rel-realfr")
    p.add_argument("--root-starter", default=os.path.dirname(os.path.dirname(HERE)))
    p.add_argument("--root-real-fr", default="/work/shared/corpora/real-fr")
    p.add_argument("--build", action="store_true", help="build both sites first")
    p.add_argument("--only", choices=INSTANCES, help="run one instance only")
    p.add_argument("--json", action="store_true", help="print every result as JSON")
    args = p.parse_args()

    queries = load(args.queries)
    sites = {"starter": args.site_starter, "real-fr": args.site_real_fr}
    roots = {"starter": args.root_starter, "real-fr": args.root_real_fr}
    instances = [args.only] if args.only else INSTANCES
    if args.build:
        for inst in instances:
            build(args.mallette, roots[inst], sites[inst])

    results = []
    for q in queries:
        if q["instance"] not in instances:
            continue
        slugs = search(args.mallette, sites[q["instance"]], q)
        results.append(dict(q, rank=rank_of(slugs, q["best"]), got=slugs))

    if args.json:
        json.dump(results, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return

    # Per category, per instance and together.
    table = collections.defaultdict(lambda: [0, 0, 0])  # (category, instance) -> n, top1, top3
    for r in results:
        for key in ((r["category"], r["instance"]), (r["category"], "all"),
                    ("ALL", r["instance"]), ("ALL", "all")):
            cell = table[key]
            cell[0] += 1
            cell[1] += r["rank"] == 1
            cell[2] += r["rank"] is not None and r["rank"] <= 3

    cols = instances + (["all"] if len(instances) > 1 else [])
    print(f"{'category':<18}" + "".join(f"{c + ' top-1/top-3':>26}" for c in cols))
    for cat in CATEGORIES + ["ALL"]:
        row = f"{cat:<18}"
        for c in cols:
            n, t1, t3 = table[(cat, c)]
            row += f"{'%d/%d  %d/%d' % (t1, n, t3, n) if n else '-':>26}"
        print(row)
    print()
    print("Queries whose best kit is not first (rank, or '-' when not in the first "
          f"{LIMIT}; then the first three hits):")
    for r in results:
        if r["rank"] != 1:
            filt = "".join(f" [{f}={v}]" for f, v in r["filters"])
            rank = str(r["rank"]) if r["rank"] else "-"
            print(f"  {rank:>2}  {r['instance']:<8} {r['category']:<18} "
                  f"\"{r['q']}\"{filt} -> {r['best']}   got: {', '.join(r['got'][:3]) or '(nothing)'}")


if __name__ == "__main__":
    main()
