"""Charts a reader can read without hovering: on a phone, on a laptop, in dark mode and on paper.

Real builds in headless Debian Chromium; the PDF read back with poppler's pdftotext.
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
from contextlib import contextmanager

import pytest

from conftest import CHAPTERS, ROOT
from reportkit.meta import citation, pdf_name

VIEWPORTS = {"phone": (390, 844), "laptop": (1280, 800)}
TIMELINES = {"intro": ["feb-2025"], "split": ["split-timeline"], "since-2025": ["s25-chronology"]}

# Every chart's text boxes, the mode bar's box and the chart's box, measured in the page.
MEASURE = """
() => [...document.querySelectorAll('.rk-chart')].map(chart => {
  const plot = chart.querySelector('.rk-plotly');
  const box = r => { const b = r.getBoundingClientRect(); return [b.left, b.top, b.right, b.bottom]; };
  const texts = [...plot.querySelectorAll('svg text')]
    .filter(t => !t.closest('.hoverlayer') && t.textContent.trim() && t.getBoundingClientRect().width > 0)
    .map(t => ({text: t.textContent, box: box(t), labelled: !!t.closest('.annotation, .textpoint')}));
  const bar = plot.querySelector('.modebar');
  return {id: plot.id, plot: box(plot), modebar: bar ? box(bar) : null, texts,
          head: [...chart.querySelectorAll('.rk-title, .rk-subtitle, .rk-key')].map(box)};
})
"""


def overlap(a, b, slack=0.5) -> bool:
    return a[0] < b[2] - slack and b[0] < a[2] - slack and a[1] < b[3] - slack and b[1] < a[3] - slack


@contextmanager
def open_chapter(browser, server, name, viewport, theme="light"):
    """A chapter page with every chart drawn, in a browser context of its own (closed afterwards)."""
    width, height = VIEWPORTS[viewport]
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=theme)
    try:
        page = context.new_page()
        page.goto(f"{server}/chapters/{name}.html", wait_until="networkidle")
        page.wait_for_function("[...document.querySelectorAll('.rk-plotly')].every(p => p.querySelector('svg.main-svg'))")
        yield page
    finally:
        context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("name", CHAPTERS)
def test_charts_fit_and_no_text_collides(browser, server, name, viewport):
    with open_chapter(browser, server, name, viewport) as page:
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways"
        charts = page.evaluate(MEASURE)
        assert charts, name
        for chart in charts:
            left, top, right, bottom = chart["plot"]
            for item in chart["texts"]:
                x0, y0, x1, y1 = item["box"]
                assert x0 >= left - 1 and x1 <= right + 1 and y0 >= top - 1 and y1 <= bottom + 1, \
                    f"{chart['id']}: {item['text']!r} outside the chart's box"
                if chart["modebar"]:
                    assert not overlap(item["box"], chart["modebar"]), f"{chart['id']}: {item['text']!r} under the mode bar"
            labels = [t for t in chart["texts"] if t["labelled"]]
            for i, a in enumerate(labels):
                for b in labels[i + 1:]:
                    assert not overlap(a["box"], b["box"]), f"{chart['id']}: {a['text']!r} overlaps {b['text']!r}"
            for i, a in enumerate(chart["head"]):
                for b in chart["head"][i + 1:]:
                    assert not overlap(a, b), f"{chart['id']}: title, subtitle and key overlap"


@pytest.mark.parametrize("name", TIMELINES)
def test_timeline_labels_are_text_in_the_svg(browser, server, name):
    """Each event's date and label is printed in the chart itself, not only in a tooltip."""
    with open_chapter(browser, server, name, "phone") as page:
        for chart in TIMELINES[name]:
            # A wrapped label is split over lines (tspans): compare without white space.
            svg = re.sub(r"\s", "", page.locator(f"#rk-{chart} svg.main-svg").first.text_content())
            labels = table_column(page, chart, "label")
            assert len(labels) >= 5
            for label in labels:
                assert re.sub(r"\s", "", label) in svg, f"{chart}: {label!r} is not printed"


def table_column(page, chart: str, column: str) -> list[str]:
    """A column of the chart's own data table (the rows it draws)."""
    return page.evaluate(
        """([chart, column]) => {
          const table = document.querySelector(`#chart-${chart} .rk-table table`);
          const i = [...table.querySelectorAll('thead th')].findIndex(th => th.textContent === column);
          return [...table.querySelectorAll('tbody tr')].map(tr => tr.children[i].textContent);
        }""",
        [chart, column],
    )


def test_timeline_labels_are_in_the_pdf_text(browser, server):
    pdf = ROOT / "_build" / "pdf" / pdf_name(citation()["version"])
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    flat = [" ".join(unicodedata.normalize("NFKC", p).split()) for p in pages]   # NFKC: the "ﬁ" ligature reads "fi"
    for name, charts in TIMELINES.items():
        with open_chapter(browser, server, name, "laptop") as page:
            for chart in charts:
                title = " ".join(page.locator(f"#chart-{chart} .rk-title").text_content().split())
                where = [i for i, text in enumerate(flat) if title[:40] in text]
                assert where, f"{chart}: its title is not on any PDF page"
                text = flat[where[0]] + " " + (flat[where[0] + 1] if where[0] + 1 < len(flat) else "")
                # pdftotext breaks wrapped labels and drops some hyphens: compare letters and digits only
                bare = re.sub(r"[\s\-\u00ad\u2010]", "", text)
                for label in table_column(page, chart, "label"):
                    assert re.sub(r"[\s\-]", "", label) in bare, f"{chart}: {label!r} missing from its PDF page"


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(v) for v in re.findall(r"\d+", css)[:3])


def _luminance(rgb) -> float:
    return (0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2]) / 255


def switch_theme(page, theme: str) -> None:
    """Press the theme's own switch (light → auto → dark) until the page is in ``theme``."""
    for _ in range(3):
        if page.evaluate("document.documentElement.dataset.theme") == theme:
            return
        page.locator(".theme-switch-button").first.click()
    assert page.evaluate("document.documentElement.dataset.theme") == theme


@pytest.mark.parametrize("name", ["alignment", "split"])
def test_charts_follow_the_theme_switch(browser, server, name):
    colours = """() => { const svg = document.querySelector('.rk-plotly svg.main-svg');
        const tick = svg.querySelector('.xtick text, .textpoint text, .annotation-text');
        return [getComputedStyle(svg).backgroundColor, getComputedStyle(document.body).backgroundColor,
                getComputedStyle(tick).fill, getComputedStyle(document.querySelector('.rk-title')).color]; }"""
    with open_chapter(browser, server, name, "laptop") as page:
        background, body, ink, title = page.evaluate(colours)
        assert _luminance(_rgb(background)) > 0.9 and _luminance(_rgb(ink)) < 0.4
        switch_theme(page, "dark")
        page.wait_for_function("document.querySelector('.rk-plotly').dataset.theme === 'dark'")
        background, body, ink, title = page.evaluate(colours)
        assert _rgb(background) == _rgb(body), (background, body)
        assert _luminance(_rgb(background)) < 0.2 and _luminance(_rgb(ink)) > 0.6 and _luminance(_rgb(title)) > 0.6, (background, ink, title)
        switch_theme(page, "light")
        page.wait_for_function("document.querySelector('.rk-plotly').dataset.theme === 'light'")
        background, _, ink, title = page.evaluate(colours)
        assert _luminance(_rgb(background)) > 0.9 and _luminance(_rgb(ink)) < 0.4 and _luminance(_rgb(title)) < 0.4


@pytest.mark.parametrize("name", CHAPTERS)
def test_every_data_chart_has_its_rows_one_click_away(browser, server, name):
    with open_chapter(browser, server, name, "phone") as page:
        for chart in page.locator(".rk-chart:has(a.rk-download)").all():
            details = chart.locator("details.rk-table")
            summary = details.locator("summary").text_content()
            rows = int(re.search(r"\((\d+) rows?\)", summary).group(1))
            assert not details.locator("table").is_visible()
            details.locator("summary").click()
            assert details.locator("table").is_visible()
            assert details.locator("tbody tr").count() == rows >= 2
            assert details.locator("thead th[scope=col]").count() >= 2


def test_gallery_shows_every_chart_with_its_chapter_and_data(browser, server):
    names = set()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    try:
        for chapter in CHAPTERS:
            page.goto(f"{server}/chapters/{chapter}.html", wait_until="domcontentloaded")
            names |= {i.removeprefix("chart-") for i in page.eval_on_selector_all(".rk-chart", "els => els.map(e => e.id)")}
        page.goto(f"{server}/chapters/gallery.html", wait_until="networkidle")
        figures = page.locator("#rk-gallery figure")
        assert {f.removeprefix("gallery-") for f in figures.evaluate_all("els => els.map(e => e.id)")} == names
        for figure in figures.all():
            figure.scroll_into_view_if_needed()
            image = figure.locator("img")
            image.evaluate("img => img.decode()")
            assert image.evaluate("img => img.naturalWidth") > 100 and len(image.get_attribute("alt")) > 40
            link = figure.locator("figcaption a").first.get_attribute("href")
            assert re.fullmatch(r"[a-z0-9-]+\.html#chart-[a-z0-9-]+", link)
    finally:
        context.close()
