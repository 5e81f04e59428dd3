"""Shared fixtures: the project root, the built site, and a local web server for it."""

from __future__ import annotations

import functools
import http.server
import shutil
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


PROJECT_FILES = ["_config.yml", "_toc.yml", "CITATION.cff", "references.bib", "CHANGELOG.md", "jupytext.toml"]
PROJECT_DIRS = ["chapters", "data", "scripts", "seeds"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with a previously published site in _build/html."""
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, tmp_path / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__"))
    (tmp_path / "node_modules").symlink_to(ROOT / "node_modules")
    published = tmp_path / "_build" / "html"
    published.mkdir(parents=True)
    (published / "index.html").write_text("last good build", encoding="utf-8")
    return tmp_path


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
