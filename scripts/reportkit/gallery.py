"""The "All charts" page: every chart's static image, title, chapter and data, in book order.

The images are the charts as printed (the vector PDF each ``show()`` makes for the LaTeX build),
converted to SVG with poppler's ``pdftocairo``; conversions are cached by content, so a build
converts only the charts that changed. The page itself (``chapters/gallery.md``) holds a placeholder
that the HTML build fills in.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

PLACEHOLDER = '<div id="rk-gallery"></div>'
_CHART = re.compile(r'<div class="rk-chart" id="chart-([a-z0-9-]+)">')
_TITLE = re.compile(r'<p class="rk-title">(.*?)</p>')
_ALT = re.compile(r'role="figure" aria-label="([^"]*)"')
_DATA = re.compile(r'<a class="rk-download" href="\.\./data/([^"]+)"')


def charts_in(notebook, chapter: str, chapter_title: str) -> list[dict]:
    """The charts an executed chapter notebook displays, in order, with their printed PDFs."""
    found = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            page = data.get("text/html", "")
            page = "".join(page) if isinstance(page, list) else page
            match = _CHART.search(page)
            if not match or "application/pdf" not in data:
                continue
            title, alt = _TITLE.search(page), _ALT.search(page)
            found.append({"name": match.group(1), "title": title.group(1) if title else match.group(1), "alt": alt.group(1) if alt else "",
                          "chapter": chapter, "chapter_title": chapter_title, "data": list(dict.fromkeys(_DATA.findall(page))),
                          "pdf": base64.b64decode(data["application/pdf"])})
    return found


def svg(pdf: bytes, cache: Path) -> str:
    """Convert a chart PDF to SVG in ``cache`` (once per content); return the file's name."""
    cache.mkdir(parents=True, exist_ok=True)
    target = cache / f"{hashlib.sha256(pdf).hexdigest()[:20]}.svg"
    if not target.is_file():
        if not shutil.which("pdftocairo"):
            raise RuntimeError("the chart gallery needs pdftocairo (Debian package poppler-utils); run `make setup`")
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "chart.pdf"
            source.write_bytes(pdf)
            subprocess.run(["pdftocairo", "-svg", str(source), str(Path(tmp) / "chart.svg")], check=True, capture_output=True)
            shutil.move(str(Path(tmp) / "chart.svg"), target)
    return target.name


def save(charts: list[dict], path: Path, cache: Path) -> None:
    """Record a chapter's charts beside its converted notebook, their images converted into ``cache``."""
    entries = [{**{k: v for k, v in c.items() if k != "pdf"}, "svg": svg(c["pdf"], cache)} for c in charts]
    path.write_text(json.dumps(entries, indent=1, ensure_ascii=False), encoding="utf-8")


def load(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else []


def _size(image: bytes) -> tuple[int, int]:
    match = re.search(rb'width="([\d.]+)(?:pt)?" height="([\d.]+)(?:pt)?"', image)
    return (round(float(match.group(1))), round(float(match.group(2)))) if match else (600, 420)


def write(charts: list[dict], outdir: Path, cache: Path) -> str:
    """Copy every chart's SVG to ``_static/gallery/`` and return the gallery's HTML."""
    folder = outdir / "_static" / "gallery"
    folder.mkdir(parents=True, exist_ok=True)
    items = []
    for chart in charts:
        image = (cache / chart["svg"]).read_bytes()
        (folder / f"{chart['name']}.svg").write_bytes(image)
        width, height = _size(image)
        page = f"{chart['chapter'].split('/')[-1]}.html#chart-{chart['name']}"
        data = " · ".join(f'<a href="../data/{html.escape(path)}" download>{html.escape(path)}</a>' for path in chart["data"])
        items.append(
            f'<figure id="gallery-{chart["name"]}"><a href="{page}">'
            f'<img src="../_static/gallery/{chart["name"]}.svg" alt="{chart["alt"]}" width="{width}" height="{height}" loading="lazy"></a>'
            f'<figcaption><a href="{page}">{chart["title"]}</a><br>In {html.escape(chart["chapter_title"])}'
            + (f" · Data: {data}" if data else "") + "</figcaption></figure>"
        )
    return '<div class="rk-gallery" id="rk-gallery">' + "".join(items) + "</div>"
