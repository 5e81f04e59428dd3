"""Shared fixtures: the project root, the built site, and a local web server for it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from reportkit.execution import chapter_sources
from reportkit.pageweight import serve
from reportkit.paths import copy_project

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "html"
CHAPTERS = [source.stem for source in chapter_sources()]   # the chapters with code, in _toc.yml order
APPENDICES = ["data-sources", "claims-ledger", "methodology", "glossary", "bibliography", "changelog"]


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "chapters" / "intro.html").is_file():
        pytest.fail("no built book in _build/html: run `make book` first (`make test` does)")
    return SITE


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project with a previously published site in _build/html."""
    copy_project(tmp_path)
    published = tmp_path / "_build" / "html"
    published.mkdir(parents=True)
    (published / "index.html").write_text("last good build", encoding="utf-8")
    return tmp_path


def run_script(project: Path, script: str, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run one of the copy's scripts with the copy's kit (not the installed one) on the path."""
    return subprocess.run([sys.executable, str(project / "scripts" / script), *args], cwd=project, capture_output=True, text=True,
                          timeout=1800, env={**os.environ, "PYTHONPATH": str(project / "scripts"), **(env or {})})


@pytest.fixture(scope="session")
def server(site: Path):
    with serve(site) as base:
        yield base


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test (Playwright's sync API allows one per thread)."""
    from reportkit.pageweight import chromium

    with chromium() as browser:
        yield browser
