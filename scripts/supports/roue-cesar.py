#!/usr/bin/env python3
"""Write content/kits/cryptoparty/code-de-cesar-debranche/roue-cesar.svg, the Caesar wheel of the
César kit: an A4 page (210 x 297 mm) whose every mark stays inside 10 mm margins, so that no
printer crops the title or the footer.

Usage: scripts/supports/roue-cesar.py   (Python 3 standard library only)
"""
import math
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "content/kits/cryptoparty/code-de-cesar-debranche/roue-cesar.svg"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def disc(cx, cy, outer, inner, size, fill, label, label_size, note):
    out = [f'<circle cx="{cx}" cy="{cy}" r="{outer}" fill="{fill}" stroke="#000" stroke-width="0.6"/>',
           f'<circle cx="{cx}" cy="{cy}" r="{inner}" fill="none" stroke="#000" stroke-width="0.4"/>']
    step = 360 / 26
    mid = (outer + inner) / 2
    for i, letter in enumerate(LETTERS):
        a = math.radians(i * step - step / 2 - 90)
        x1, y1 = cx + inner * math.cos(a), cy + inner * math.sin(a)
        x2, y2 = cx + outer * math.cos(a), cy + outer * math.sin(a)
        out.append(f'<line x1="{x1:.2f}" y1="{y1:.2f}" x2="{x2:.2f}" y2="{y2:.2f}" stroke="#000" stroke-width="0.3"/>')
        out.append(f'<text x="{cx}" y="{cy - mid:.2f}" transform="rotate({i * step:.2f} {cx} {cy})" '
                   f'font-size="{size}" text-anchor="middle" dominant-baseline="central" {FONT} '
                   f'font-weight="bold">{letter}</text>')
    out.append(f'<circle cx="{cx}" cy="{cy}" r="1.2" fill="#000"/>')
    out.append(f'<text x="{cx}" y="{cy - inner / 2.6:.2f}" font-size="{label_size}" text-anchor="middle" {FONT}>{label}</text>')
    out.append(f'<text x="{cx}" y="{cy + inner / 2.2:.2f}" font-size="{label_size}" text-anchor="middle" {FONT}>{note}</text>')
    return out


def main():
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<svg xmlns="http://www.w3.org/2000/svg" width="210mm" height="297mm" viewBox="0 0 210 297" role="img" aria-labelledby="t d">',
        '<title id="t">Roue de César à imprimer et découper</title>',
        '<desc id="d">Deux disques portant chacun les 26 lettres de l\'alphabet. Le grand disque sert de base ; '
        'le petit disque se pose dessus et tourne autour d\'une attache parisienne plantée au centre. '
        'Le décalage entre les deux alphabets est la clé du code.</desc>',
        '<rect width="210" height="297" fill="#fff"/>',
        f'<text x="105" y="18" font-size="7" text-anchor="middle" {FONT} font-weight="bold">Roue de César</text>',
        f'<text x="105" y="25" font-size="4.2" text-anchor="middle" {FONT}>Imprimer en A4, taille réelle (100 %), puis découper les deux disques</text>',
    ]
    parts += disc(105, 102, 72, 52, 7.5, "#fdf6e3", "Grand disque : message en clair", 4.2,
                  "Percer le centre : attache parisienne")
    parts += disc(105, 227, 49, 31, 6.5, "#e3f0fd", "Petit disque : message codé", 3.3,
                  "Clé 3 : le D en face du A")
    parts.append(f'<text x="105" y="284" font-size="3.9" text-anchor="middle" {FONT}>'
                 'Atelier « Code de César débranché » — Équipe mallette — licence CC BY-SA 4.0</text>')
    parts.append('</svg>')
    OUT.write_text("\n".join(parts) + "\n", encoding="utf-8")
    print(OUT)


if __name__ == "__main__":
    main()
