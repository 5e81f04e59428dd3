"""The built site, read as files: pages, charts, sources, downloads, versions, no third-party hosts."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import APPENDICES, CHAPTERS, ROOT
from reportkit.appendix import read_seed_briefs
from reportkit.data import read_package
from reportkit.meta import citation

MIN_CHARTS = {"alignment": 3}


class Loads(HTMLParser):
    """Collects every URL a page makes the browser fetch (not plain links)."""

    def __init__(self):
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source") and a.get("src"):
            self.urls.append(a["src"])
        if tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {"stylesheet", "preload", "icon", "modulepreload", "prefetch"}:
            self.urls.append(a["href"])


def visible_text(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def page(site: Path, name: str) -> str:
    return (site / "chapters" / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTERS + APPENDICES)
def test_every_page_is_built_with_the_version(site, name):
    meta = citation()
    assert f'<p class="rk-version">Version {meta["version"]} ({meta["date-released"]})' in page(site, name)


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_holds_numbered_sourced_charts_with_downloads(site, name):
    html = page(site, name)
    charts = re.findall(r'class="rk-plotly" id="(rk-[a-z0-9-]+)"', html)
    assert len(charts) >= MIN_CHARTS.get(name, 2), name
    assert len(re.findall(r'<span class="caption-number">Fig\. [0-9.]+ </span>', html)) >= len(charts)
    assert html.count('class="rk-source"') == len(charts)
    sources = re.findall(r'<p class="rk-source"><span>(.*?)</span>', html, re.S)
    subtitles = re.findall(r'<p class="rk-subtitle">(.*?)</p>', html, re.S)
    # Each data chart says how recent its rows are; a chart of the report's own ledger names it as its source.
    dated = sum("Data to " in unescape(s) for s in subtitles)
    assert dated + sum("the report's" in unescape(s) for s in sources) >= len(charts), (subtitles, sources)
    for href in re.findall(r'class="rk-download" href="\.\./(data/[a-z0-9_]+\.csv)"', html):
        assert (site / href).is_file(), href
    assert "plotly-basic.min.js" in html and "rk-charts.js" in html


def test_pages_without_charts_do_not_load_plotly(site):
    assert "plotly" not in page(site, "glossary")


def test_no_page_loads_anything_from_another_host(site):
    offenders = []
    for path in site.rglob("*.html"):
        parser = Loads()
        parser.feed(path.read_text(encoding="utf-8"))
        offenders += [f"{path.relative_to(site)}: {u}" for u in parser.urls if re.match(r"^(https?:)?//", u)]
    assert offenders == []


def test_no_cdn_names_in_scripts_or_styles(site):
    pattern = re.compile(r"cdn\.jsdelivr|unpkg\.com|cdnjs|googleapis|mathjax", re.I)
    hits = [str(p.relative_to(site)) for p in site.rglob("*.html") if pattern.search(p.read_text(encoding="utf-8"))]
    assert hits == []


def test_plotly_bundle_is_served_once_from_static(site):
    assert (site / "_static" / "plotly-basic.min.js").stat().st_size > 500_000
    assert not any(len(p.read_bytes()) > 1_000_000 for p in (site / "chapters").glob("*.html"))


def test_data_appendix_describes_every_resource(site):
    html = page(site, "data-sources")
    text = visible_text(html).replace("\u2019", "'")
    for res in read_package(ROOT / "data" / "datapackage.json")["resources"]:
        assert res["title"] in text, res["title"]
        assert re.search(rf'<a class="reference download[^"]*"[^>]* href="[^"]*/{re.escape(res["path"])}"', html), res["path"]


def test_claims_ledger_shows_every_verdict(site):
    html = page(site, "claims-ledger")
    claims = [c for brief in read_seed_briefs() for c in brief["claims"]]
    assert len(claims) >= 12
    for claim in claims:
        row = re.search(rf'<tr[^>]*>\s*<td[^>]*>(?:<p>)?<a [^>]*href="#claim-{claim["id"].lower()}".*?</tr>', html, re.S)
        assert row, f"no ledger row for {claim['id']}"
        assert f"<strong>{claim['verdict']}</strong>" in row.group(0), f"{claim['id']}: verdict {claim['verdict']!r} not shown"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chart_data_on_the_page_cannot_close_its_script_element(site, name):
    blocks = re.findall(r'<script type="application/json" class="rk-plotly-data"[^>]*>(.*?)</script>', page(site, name), re.S)
    assert blocks
    for block in blocks:
        assert "<" not in block and ">" not in block   # every one escaped as \u003c / \u003e


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_glued_value_reaches_the_page(site, name):
    source = (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")
    html = page(site, name)
    pasted = re.findall(r'<span class="pasted-text">(.*?)</span>', html, re.S)
    assert len(pasted) == len(re.findall(r"\{glue(?::text)?\}`", source))
    assert all(value.strip() for value in pasted)
    assert "{glue" not in visible_text(html)


def _header_links(html: str) -> dict[str, str]:
    return {label: href for href, label in re.findall(r'<a href="([^"]+)" target="_blank"\s+class="btn btn-sm btn-([\w-]+)', html)}


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_offers_its_notebook_its_text_and_the_pdf(site, name):
    import nbformat

    links = _header_links(page(site, name))
    pages = site / "chapters"
    notebook = (pages / links["download-notebook-button"]).resolve()
    nbformat.validate(nbformat.read(notebook, as_version=4))
    source = (pages / links["download-source-button"]).resolve()
    assert source.read_text(encoding="utf-8") == (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")
    pdf = (pages / links["download-report-pdf-button"]).resolve()
    assert pdf.name == f"reverse-kissinger-{citation()['version']}.pdf" and pdf.is_file()


@pytest.mark.parametrize("name", CHAPTERS + APPENDICES)
def test_every_page_has_a_version_switcher(site, name):
    html = page(site, name)
    assert "dropdown-version-switcher" in html
    assert f"Version {citation()['version']}: other versions" in html


def test_changes_page_lists_every_table_chart_and_verdict_from_history(site):
    from reportkit import history

    html = page(site, "changes")
    text = visible_text(html)
    for res in read_package(ROOT / "data" / "datapackage.json")["resources"]:
        assert res["name"] in text, res["name"]
    old = history.old_verdicts()
    assert old, "the repository history of the previous edition is not readable"
    for brief in read_seed_briefs():
        for claim in brief["claims"]:
            row = re.search(rf'<tr[^>]*>\s*<td[^>]*>(?:<p>)?<a [^>]*#claim-{claim["id"].lower()}".*?</tr>', html, re.S)
            assert row, claim["id"]
            cells = visible_text(row.group(0)).split()
            assert ("yes" if old.get(claim["id"]) != claim["verdict"] else "no") == cells[-1], claim["id"]


def test_assessment_shows_the_tracker_with_a_status_for_every_indicator(site):
    from reportkit import tracker

    text = visible_text(page(site, "assessment")).replace("\u2019", "'")
    for indicator in tracker.INDICATORS:
        assert re.search(rf"{re.escape(indicator.name)}.*?(no signal|watch|signal)", text, re.S), indicator.name
