#!/usr/bin/env python3
"""Turn the Markdown source of a kit's printable support into an accessible A4 PDF.

Usage:
    python3 scripts/supports/md2pdf-new-kits.py content/kits/<theme>/<slug>/<support>.md [...]

Each `<support>.md` gives `<support>.pdf` beside it. The source is plain Markdown (tables,
`markdown="1"` blocks inside HTML, attribute lists), so anyone can adapt a handout and run the
script again. Its first line may hold options in an HTML comment, for example:

    <!-- md2pdf-new-kits: taille=grande -->

(a header of its own, so that scripts/supports/build.py, which reads `<!-- support: … -->`
headers, leaves these sources alone)

- `taille=normale` (default): 12 pt body text;
- `taille=grande`: 15 pt body text, for seniors and low vision;
- `taille=tres-grande`: 18 pt body text.

The title of the PDF is the first level-1 heading; the document language is French (`lang=fr`).
Blocks to cut out are written as `<div class="cartes" markdown="1">` holding
`<div class="carte" markdown="1">…</div>` items (two per row, dashed border); `<div
class="saut"></div>` forces a page break.

Needs Python 3 with the `markdown` package (`pip install markdown`) and Chromium
(`apt-get install chromium`). Chromium prints tagged PDFs (structure tree from the HTML headings,
lists and tables); check with `pdfinfo file.pdf` ("Tagged: yes", "Page size: … (A4)").
The intermediate HTML is written in a temporary folder and deleted: only the `.md` source and
the `.pdf` are committed.
"""

import html
import os
import re
import shutil
import subprocess
import sys
import tempfile

import markdown

SIZES = {"normale": 12, "grande": 15, "tres-grande": 18}

CSS = """
@page { size: A4; margin: 10mm; }
* { box-sizing: border-box; }
html { font-size: %(size)spt; }
body {
  font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif;
  line-height: 1.4; color: #000; margin: 0;
}
h1 { font-size: 1.6em; margin: 0 0 0.4em; padding-bottom: 0.2em; border-bottom: 2pt solid #1d4f91; color: #1d4f91; }
h2 { font-size: 1.25em; margin: 0.9em 0 0.3em; color: #1d4f91; break-after: avoid; }
h3 { font-size: 1.08em; margin: 0.7em 0 0.2em; break-after: avoid; }
p, li { margin: 0.2em 0; }
ul, ol { padding-left: 1.3em; margin: 0.3em 0; }
li { break-inside: avoid; }
table { border-collapse: collapse; width: 100%%; margin: 0.4em 0; break-inside: auto; }
tr { break-inside: avoid; }
th, td { border: 0.75pt solid #555; padding: 0.25em 0.4em; text-align: left; vertical-align: top; }
th { background: #e6edf6; }
strong { font-weight: bold; }
.encadre { border: 1.5pt solid #1d4f91; border-radius: 4pt; padding: 0.3em 0.6em; margin: 0.5em 0; break-inside: avoid; }
.alerte { border: 2pt solid #a40000; border-radius: 4pt; padding: 0.3em 0.6em; margin: 0.5em 0; break-inside: avoid; }
.cartes { display: grid; grid-template-columns: 1fr 1fr; gap: 0; }
.carte { border: 1pt dashed #333; padding: 0.5em 0.7em; min-height: 54mm; break-inside: avoid; }
.carte h2, .carte h3 { margin-top: 0.1em; }
.cartes.trois { grid-template-columns: 1fr 1fr 1fr; }
.cartes.une { grid-template-columns: 1fr; }
.cartes.une .carte { min-height: 0; }
.cartes.courtes .carte { min-height: 30mm; }
.petit { font-size: 0.85em; }
.case { font-size: 1.2em; }
.ligne { border-bottom: 0.75pt solid #555; height: 1.6em; }
.saut { break-after: page; }
.ecrire td { height: 13mm; }
.accord td:last-child { width: 55%%; }
.quiz td:last-child { width: 22%%; }
.quiz td { height: 8mm; }
.plan td:nth-child(3) { width: 40%%; }
.carnet td:nth-child(2) { width: 36%%; }
.pied { font-size: 11pt; color: #333; margin-top: 1em; border-top: 0.5pt solid #999; padding-top: 0.3em; }
"""


def options(text):
    m = re.match(r"\s*<!--\s*md2pdf-new-kits:(.*?)-->", text)
    opts = {}
    if m:
        for part in m.group(1).split():
            if "=" in part:
                k, v = part.split("=", 1)
                opts[k.strip()] = v.strip()
    return opts


def title_of(text, fallback):
    m = re.search(r"^# (.+)$", text, re.M)
    return m.group(1).strip() if m else fallback


def convert(src, chromium):
    with open(src, encoding="utf-8") as f:
        text = f.read()
    opts = options(text)
    size = SIZES.get(opts.get("taille", "normale"))
    if size is None:
        sys.exit(f"{src}: taille inconnue {opts.get('taille')!r} (valeurs : {', '.join(SIZES)})")
    title = title_of(text, os.path.basename(src))
    body = markdown.markdown(text, extensions=["tables", "md_in_html", "attr_list", "sane_lists"])
    page = (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        '<meta name="author" content="Équipe mallette">\n'
        f"<style>{CSS % {'size': size}}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    out = os.path.splitext(src)[0] + ".pdf"
    tmp = tempfile.mkdtemp(prefix="md2pdf-")
    try:
        page_path = os.path.join(tmp, "support.html")
        with open(page_path, "w", encoding="utf-8") as f:
            f.write(page)
        pdf_tmp = os.path.join(tmp, "support.pdf")
        subprocess.run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--no-pdf-header-footer", "--export-tagged-pdf", "--generate-pdf-document-outline",
                f"--print-to-pdf={pdf_tmp}", "file://" + page_path,
            ],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120,
        )
        shutil.move(pdf_tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"{src} -> {out}")


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if not chromium:
        sys.exit("Chromium introuvable : apt-get install chromium")
    for src in sys.argv[1:]:
        convert(src, chromium)


if __name__ == "__main__":
    main()
