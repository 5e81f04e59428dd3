"""The PDF as a reader gets it: named with the version, every chapter, figures, embedded fonts."""

from __future__ import annotations

import re
import subprocess

import pytest

from conftest import ROOT
from reportkit.meta import citation

PDF = ROOT / "_build" / "pdf" / f"reverse-kissinger-{citation()['version']}.pdf"
TITLES = ["The original", "The alignment today", "What a partial reverse Kissinger could buy", "Transatlantic effects", "NATO",
          "Assessment and outlook", "Claims ledger", "Glossary"]


@pytest.fixture(scope="module")
def text() -> str:
    if not PDF.is_file():
        pytest.fail(f"{PDF.name} missing: `make book` builds it")
    return subprocess.run(["pdftotext", "-layout", str(PDF), "-"], capture_output=True, text=True, check=True).stdout


def test_pdf_has_every_chapter(text):
    for title in TITLES:
        assert title in text, title


def test_pdf_has_numbered_figures(text):
    assert len(set(re.findall(r"Fig(?:ure|\.) ?(\d+\.\d+)", text))) >= 12


def test_pdf_pages_and_fonts_embedded():
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 20
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts if line.strip()), fonts
