"""Shared fixtures: the project root, the built site, and a local web server for it."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHAPTERS = ["intro", "split", "alignment", "partial-deal", "transatlantic", "nato", "assessment"]
APPENDICES = ["data-sources", "claims-ledger", "methodology", "glossary", "bibliography", "changelog"]


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "chapters" / "intro.html").is_file():
        pytest.fail("no built book in _build/html: run `make book` first (`make test` does)")
    return SITE


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site: Path):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
