"""What a reader's browser shows: headless Debian Chromium driven by Playwright, no network."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from conftest import APPENDICES, CHAPTERS, ROOT
from reportkit.data import read_package
from reportkit.pageweight import first_view, later_view

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
PACKAGE = read_package(ROOT / "data" / "datapackage.json")



@pytest.fixture
def open_page(browser, server):
    """Open a page, recording console errors and every request that leaves 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    record = {"errors": [], "external": []}

    def route(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            record["external"].append(route.request.url)
            route.abort()

    context.route("**/*", route)

    def _open(path: str):
        page = context.new_page()
        page.on("console", lambda m: m.type == "error" and record["errors"].append(m.text))
        page.on("pageerror", lambda e: record["errors"].append(str(e)))
        page.goto(f"{server}/{path}", wait_until="networkidle")
        return page, record

    yield _open
    context.close()


@pytest.mark.parametrize("name", CHAPTERS + APPENDICES)
def test_page_loads_cleanly_and_every_chart_renders(open_page, name):
    page, record = open_page(f"chapters/{name}.html")
    charts = page.locator(".rk-plotly")
    for i in range(charts.count()):
        charts.nth(i).locator("svg.main-svg").first.wait_for(state="attached", timeout=10_000)
    assert record["errors"] == [], record["errors"]
    assert record["external"] == [], record["external"]


def test_hover_shows_a_tooltip(open_page):
    page, _ = open_page("chapters/alignment.html")
    chart = page.locator("#rk-al-energy")
    chart.scroll_into_view_if_needed()
    bars = chart.locator("g.point path")
    bars.first.wait_for(timeout=10_000)
    bars.last.hover(force=True)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
    assert page.locator(".hoverlayer .hovertext").count() >= 1


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_csv_download_link_works(open_page, name):
    import urllib.request

    page, _ = open_page(f"chapters/{name}.html")
    hrefs = page.eval_on_selector_all("a.rk-download", "els => els.map(e => e.href)")
    assert hrefs, name
    for href in hrefs:
        resource = next(r for r in PACKAGE["resources"] if href.endswith("/" + r["path"]))
        first_field = resource["schema"]["fields"][0]["name"]
        with urllib.request.urlopen(href) as resp:
            assert resp.status == 200
            assert resp.read().decode("utf-8").splitlines()[0].split(",")[0] == first_field, href


def test_search_finds_a_chapter(open_page):
    page, _ = open_page("search.html?q=Riyadh")
    page.wait_for_selector("#search-results li", timeout=15_000)
    text = page.locator("#search-results").inner_text()
    assert re.search(r"Reverse Kissinger|Transatlantic|Introduction", text)


def test_chart_data_links_are_reachable_by_keyboard(open_page):
    """Pressing Tab from the top of the page reaches every chart's data link, in order."""
    page, _ = open_page("chapters/alignment.html")
    wanted = page.locator("a.rk-download").count()
    reached = []
    for _ in range(400):
        page.keyboard.press("Tab")
        index = page.evaluate("Array.from(document.querySelectorAll('a.rk-download')).indexOf(document.activeElement)")
        if index >= 0 and index not in reached:
            reached.append(index)
        if len(reached) == wanted:
            break
    assert wanted >= 2 and reached == list(range(wanted)), reached


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_chart_has_a_text_alternative_and_a_data_link(open_page, name):
    page, _ = open_page(f"chapters/{name}.html")
    charts = page.locator(".rk-chart")
    assert charts.count() >= 2
    for i in range(charts.count()):
        chart = charts.nth(i)
        plot = chart.locator(".rk-plotly")
        assert plot.get_attribute("role") == "figure" and len(plot.get_attribute("aria-label") or "") > 40
        assert chart.locator("a.rk-download").count() >= (0 if name == "assessment" and i == 0 else 1)


@pytest.mark.parametrize("name", ["index", *(f"chapters/{n}" for n in CHAPTERS + APPENDICES), "search", "genindex"])
def test_no_serious_accessibility_violations(open_page, name):
    """axe-core, injected from node_modules, on every page: no serious or critical violations."""
    page, _ = open_page(f"{name}.html")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
           for v in result["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(bad)


@pytest.mark.parametrize("name", CHAPTERS)
def test_first_view_weight_within_budget(browser, server, name):
    """gzip-compressed, as a server would send it: at most 800 KB in all and 60 KB of HTML."""
    weight = first_view(browser, f"{server}/chapters/{name}.html")
    assert weight.html_gz <= 60 * 1024, weight.html_gz
    assert weight.total_gz <= 800 * 1024, (weight.total_gz, weight.largest())


def test_later_pages_reuse_the_cached_plotly_bundle(browser, server):
    transferred = later_view(browser, f"{server}/chapters/alignment.html", f"{server}/chapters/nato.html")
    bundle = [size for url, size in transferred.items() if "plotly-basic.min.js" in url]
    assert bundle and max(bundle) < 1024, bundle
