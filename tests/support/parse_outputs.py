"""Parse a built site's feed, sitemap, catalog and JSON-LD with real parsers; print a JSON summary.

Used by tests/machine_readable.rs. Needs the PyPI packages feedparser and pyld (.ci/run installs
them). The schema.org context is served locally: the tests run without network.
"""
import json
import re
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
from pyld import jsonld

site = Path(sys.argv[1])
kit_pages = sys.argv[2:]

feed = feedparser.parse((site / "feed.xml").read_bytes())
summary = {
    "feed": {
        "bozo": bool(feed.bozo),
        "title": feed.feed.get("title"),
        "entries": [
            {"title": e.get("title"), "link": e.get("link"), "updated": e.get("updated"), "id": e.get("id"),
             "authors": [a.get("name") for a in e.get("authors", [])]}
            for e in feed.entries
        ],
    }
}

ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
root = ET.parse(site / "sitemap.xml").getroot()
summary["sitemap"] = [u.find("s:loc", ns).text for u in root.findall("s:url", ns)]

summary["catalog"] = json.loads((site / "catalog.json").read_text(encoding="utf-8"))


def local_loader(url, options=None):
    if url.rstrip("/") in ("https://schema.org", "http://schema.org"):
        return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
                "document": {"@context": {"@vocab": "https://schema.org/"}}}
    raise RuntimeError("no network in tests: " + url)


jsonld.set_document_loader(local_loader)
summary["jsonld"] = {}
for page in kit_pages:
    html = (site / page).read_text(encoding="utf-8")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    expanded = [jsonld.expand(json.loads(b)) for b in blocks]
    summary["jsonld"][page] = expanded
print(json.dumps(summary, ensure_ascii=False))
