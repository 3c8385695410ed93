#!/usr/bin/env python3
"""Build the printable PDF supports of the starter wiki from their Markdown sources.

Every `*.md` file beside a kit's `index.md` whose first lines hold a small header

    <!-- support: fiche-memo.pdf
         title: Mes mots de passe : la fiche mémo
         lang: fr
         layout: sheet            (sheet | cards)
    -->

is converted to the named PDF in the same folder: Markdown -> HTML with the print stylesheet
`print.css` (A4, 10 mm margins, 12 pt body) in a temporary folder -> PDF by headless Chromium,
which writes a tagged PDF carrying the document title and language.

Free tools only: Python 3 with the `markdown` package (Debian: python3-markdown, or
`pip install markdown`), Debian's `chromium`, and `pdfinfo` (poppler-utils) for the check.

Usage:
    scripts/supports/build.py                 # every support of content/
    scripts/supports/build.py path/to/x.md    # one support
    scripts/supports/build.py --check         # only check the existing PDFs

The HTML is a temporary file: the wiki refuses `.html` attachments, and the Markdown source is
the file to edit.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import markdown

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
HEADER = re.compile(r"\A<!--\s*support:(?P<body>.*?)-->\s*", re.S)


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    sys.exit("chromium is missing: apt-get install -y chromium")


def parse(source: Path) -> tuple[dict[str, str], str] | None:
    text = source.read_text(encoding="utf-8")
    match = HEADER.match(text)
    if not match:
        return None
    lines = ("output:" + match.group("body")).strip().splitlines()
    meta = {}
    for line in lines:
        key, _, value = line.strip().partition(":")
        if key:
            meta[key.strip()] = value.strip()
    for key in ("output", "title", "lang"):
        if not meta.get(key):
            sys.exit(f"{source}: the support header lacks `{key}`")
    return meta, text[match.end():]


def to_html(meta: dict[str, str], body: str) -> str:
    md = markdown.Markdown(extensions=["tables", "attr_list", "sane_lists", "md_in_html"])
    content = md.convert(body)
    layout = meta.get("layout", "sheet")
    css = (HERE / "print.css").read_text(encoding="utf-8")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(meta["lang"])}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(meta['title'])}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f'<body class="{html.escape(layout)}">\n<main>\n{content}\n</main>\n</body>\n</html>\n'
    )


def build(source: Path) -> Path | None:
    parsed = parse(source)
    if parsed is None:
        return None
    meta, body = parsed
    out = source.parent / meta["output"]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "support.html"
        page.write_text(to_html(meta, body), encoding="utf-8")
        subprocess.run(
            [
                chromium(), "--headless", "--no-sandbox", "--disable-gpu",
                "--no-pdf-header-footer", "--generate-pdf-document-outline",
                f"--print-to-pdf={out}", page.as_uri(),
            ],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
    check(out, meta["title"])
    return out


def check(pdf: Path, title: str | None = None) -> None:
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    fields = dict(
        (k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in info.splitlines())
    )
    problems = []
    if fields.get("Tagged") != "yes":
        problems.append("not tagged")
    if "A4" not in fields.get("Page size", ""):
        problems.append(f"page size {fields.get('Page size')}")
    if title is not None and fields.get("Title") != title:
        problems.append(f"title {fields.get('Title')!r}")
    status = "ok" if not problems else "PROBLEM: " + ", ".join(problems)
    print(f"{pdf.relative_to(ROOT)}: {fields.get('Pages')} page(s), {status}")
    if problems:
        sys.exit(1)


def sources(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).resolve() for a in args]
    return sorted(
        p for p in (ROOT / "content" / "kits").rglob("*.md")
        if not p.name.startswith("index.") and HEADER.match(p.read_text(encoding="utf-8"))
    )


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--check"]:
        for source in sources(args[1:]):
            meta, _ = parse(source)
            check(source.parent / meta["output"], meta["title"])
        return
    for source in sources(args):
        if build(source) is None:
            print(f"{source}: no support header, skipped")


if __name__ == "__main__":
    main()
