"""Measure what a reader's browser downloads: serve the built site locally, open a page in Debian's
Chromium with an empty cache, and add up every response, gzip-compressed as a web server would send it.

Used by the tests (weight budgets) and by `make bench` (the figures in the benchmark report).
"""

from __future__ import annotations

import functools
import gzip
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run", "--disable-sync"]


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@contextmanager
def chromium() -> Iterator[object]:
    """Headless Debian Chromium through Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


@dataclass
class Weight:
    """One page's first view: bytes per response, as sent gzip-compressed."""

    url: str
    html_gz: int = 0
    responses: dict[str, int] = field(default_factory=dict)

    @property
    def total_gz(self) -> int:
        return sum(self.responses.values())

    def largest(self, n: int = 5) -> list[tuple[str, int]]:
        return sorted(self.responses.items(), key=lambda kv: kv[1], reverse=True)[:n]


def first_view(browser, url: str) -> Weight:
    """Open ``url`` in a fresh browser context (empty cache) and weigh everything it fetches."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    weight = Weight(url)
    bodies: list = []
    page = context.new_page()
    page.on("response", lambda response: bodies.append(response))
    page.goto(url, wait_until="networkidle")
    for response in bodies:
        if response.status != 200 or response.url.startswith("data:"):
            continue
        size = gzipped(response.body())
        weight.responses[response.url] = weight.responses.get(response.url, 0) + size
        if response.url == url:
            weight.html_gz = size
    context.close()
    return weight


def later_view(browser, first_url: str, url: str) -> dict[str, int]:
    """Open ``first_url``, then ``url`` in the same browser: bytes each of its requests transferred
    (0 for a response served from the browser's cache)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(first_url, wait_until="networkidle")
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    urls: dict[str, str] = {}
    sizes: dict[str, int] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], int(e["encodedDataLength"])))
    page.goto(url, wait_until="networkidle")
    context.close()
    return {urls[rid]: size for rid, size in sizes.items() if rid in urls}
