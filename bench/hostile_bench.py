#!/usr/bin/env python3
"""Hostile and clumsy input, measured: for each case of the reliability issue, what `mallette
build` does (exit code, first line of its message), how long it takes and its peak memory
(GNU time's maximum resident set size). The outcomes themselves are asserted by
tests/reliability.rs; this script gives the cost, for BENCHMARKS.md. A benchmark, not a test.

    bench/hostile_bench.py [--mallette target/release/mallette]

Needs /usr/bin/time (Debian package `time`).
"""

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path


def kit(title: str, slug: str = "", body: str = "Texte.") -> str:
    slug_line = f"slug: {slug}\n" if slug else ""
    return (
        f"---\ntitle: {title}\n{slug_line}summary: Un résumé.\nthemes: [securite]\n"
        f"audiences: [adultes]\nlevel: debutant\nduration: 30\nlicense: CC-BY-SA-4.0\n"
        f"authors: [Test]\n---\n\n{body}\n"
    )


def instance(files: dict, config: str = 'title = "Test"\n') -> Path:
    root = Path(tempfile.mkdtemp(prefix="mallette-hostile-"))
    (root / "mallette.toml").write_text(config)
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def catalog(n: int) -> str:
    kits = ",".join(
        f'{{"slug":"k{i}","url":"https://autre.example/kits/k{i}/","title":"Distant {i}",'
        f'"level":"debutant","themes":["securite"]}}'
        for i in range(n)
    )
    return f'{{"catalog_version":1,"kits":[{kits}]}}'


FEDERATION = (
    'title = "Test"\n[[federation]]\nname = "Autre réseau"\n'
    'catalog = "https://autre.example/catalog.json"\n'
)


THEMED = 'title = "Test"\ntheme = "t"\n'


def cases():
    yield "federated catalog of 100,000 kits (default cap)", instance(
        {"content/kits/local.md": kit("Local"), "federation/autre-reseau.json": catalog(100_000)},
        FEDERATION,
    ), None
    yield "federated catalog of 1,000,000 kits", instance(
        {"content/kits/local.md": kit("Local"), "federation/autre-reseau.json": catalog(1_000_000)},
        FEDERATION,
    ), None
    yield "a template that includes itself", instance(
        {"content/kits/local.md": kit("Local"), "themes/t/templates/404.html": '{% include "404.html" %}'},
        THEMED,
    ), None
    yield "range(end=1000000000) in a template", instance(
        {"content/kits/local.md": kit("Local"),
         "themes/t/templates/404.html": "{% for i in range(end=1000000000) %}x{% endfor %}"},
        THEMED,
    ), None
    yield "index.md among 1,000 kits of content/kits/", instance(
        {**{f"content/kits/k{i}.md": kit(f"Kit {i}") for i in range(1000)},
         "content/kits/index.md": kit("Index")},
    ), None
    yield "a kit folder's index.html beside its .md", instance(
        {"content/kits/a/kit.md": kit("Kit A", body="[page](index.html)"),
         "content/kits/a/index.html": "<script>alert(1)</script>"},
    ), None
    yield "a kit file whose slug is 252 bytes", instance({f"content/kits/{'a' * 252}.md": kit("Kit")}), None
    root = instance({"content/kits/local.md": kit("Local")})
    (root / "elsewhere/.git").mkdir(parents=True)
    (root / "elsewhere/.git/HEAD").write_text("ref: refs/heads/main\n")
    yield "--out a folder mallette did not write (a .git)", root, root / "elsewhere"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mallette", default="target/release/mallette")
    args = ap.parse_args()
    binary = str(Path(args.mallette).resolve())
    print("| input | outcome | time | peak RSS |\n|---|---|---|---|")
    for name, root, out in cases():
        out = out or root / "public"
        stats = root / "time.txt"
        run = subprocess.run(
            ["/usr/bin/time", "-f", "%e %M", "-o", str(stats), binary, "build",
             "--root", str(root), "--out", str(out)],
            capture_output=True, text=True,
        )
        seconds, kb = stats.read_text().split()[-2:]
        lines = [l.strip() for l in run.stderr.splitlines() if l.strip()]
        message = next((l for l in lines if "erreur" in l or "error" in l or "avertissement" in l), lines[-1] if lines else "")
        outcome = f"exit {run.returncode}: {message[:110]}"
        print(f"| {name} | {outcome.replace('|', '/')} | {float(seconds):.2f} s | {int(kb) / 1024:.0f} MB |")
        sys.stdout.flush()
        subprocess.run(["rm", "-rf", str(root)])


if __name__ == "__main__":
    main()
