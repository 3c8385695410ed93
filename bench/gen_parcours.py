#!/usr/bin/env python3
"""Adds N learning paths to a mallette instance made by gen_kits.py (deterministic): each path
strings 3 to 8 of the instance's kits, with a note on some steps and a short body.

    bench/gen_parcours.py ROOT [--parcours 500] [--seed 7]

Writes ROOT/content/parcours/parcours-<i>.md. For the benchmark of a build at 10,000 kits with
500 paths (BENCHMARKS.md, learning paths).
"""

import argparse
import random
import re
from pathlib import Path


def kit_slugs(root: Path):
    slugs = []
    for path in sorted((root / "content/kits").rglob("*.md")):
        if path.name == "index.md":
            slugs.append(path.parent.name)
        elif not re.search(r"\.[a-z]{2}\.md$", path.name):
            slugs.append(path.stem)
    return slugs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root", type=Path)
    ap.add_argument("--parcours", type=int, default=500)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    slugs = kit_slugs(args.root)
    out = args.root / "content/parcours"
    out.mkdir(parents=True, exist_ok=True)
    audiences = ["adultes", "seniors", "adolescents", "enfants", "tous-publics"]
    for i in range(args.parcours):
        steps = rng.sample(slugs, rng.randint(3, 8))
        lines = [
            "---",
            f"title: \"Parcours d'ateliers numéro {i + 1}\"",
            f"summary: \"Un cycle de {len(steps)} séances pour progresser pas à pas, du premier contact à l'autonomie.\"",
            f"audiences: [{rng.choice(audiences)}]",
            "license: CC-BY-SA-4.0",
            "authors: [\"Réseau de test\"]",
            "kits:",
        ]
        for j, slug in enumerate(steps):
            if j % 3 == 1:
                lines.append(f"  - {{kit: {slug}, note: \"Reprendre les exemples de la séance précédente.\"}}")
            else:
                lines.append(f"  - {slug}")
        lines += ["---", "", "Une séance par semaine ; chaque séance rappelle la précédente.", ""]
        (out / f"parcours-{i + 1:04d}.md").write_text("\n".join(lines), encoding="utf-8")
    print(f"{args.parcours} paths over {len(slugs)} kits in {out}")


if __name__ == "__main__":
    main()
