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


def test_pdf_has_numbered_figures_with_drawn_charts():
    # Captions, not cross-references: "Fig. 2.1: The finding" starts a caption.
    plain = subprocess.run(["pdftotext", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    captions = set(re.findall(r"^Fig\. (\d+\.\d+): ", plain, re.M))
    assert len(captions) >= 12, captions
    # Each chart is a vector figure embedded as a form XObject with its own text (the source line).
    assert plain.count("Source: ") >= len(captions)


def test_pdf_pages_and_fonts_embedded():
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 40
    fonts = subprocess.run(["pdffonts", str(PDF)], capture_output=True, text=True, check=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts if line.strip()), fonts


def test_title_page_names_version_date_and_how_to_cite():
    meta = citation()
    first = subprocess.run(["pdftotext", "-l", "1", str(PDF), "-"], capture_output=True, text=True, check=True).stdout
    assert f"Version {meta['version']}" in first and "How to cite" in first and meta["title"].split(":")[0] in first


def test_pdf_metadata():
    info = subprocess.run(["pdfinfo", str(PDF)], capture_output=True, text=True, check=True).stdout
    fields = dict(line.split(":", 1) for line in info.splitlines() if ":" in line)
    assert fields["Title"].strip() == citation()["title"]
    assert fields["Author"].strip() and fields["Subject"].strip() and "Russia" in fields["Keywords"]


def test_pdf_is_a_report_not_code(text):
    assert "show(fig" not in text and "glue(" not in text
    assert not re.search(r"^\s*(from \w+ import|import \w+$)", text, re.M)
    assert "APPENDICES" in text.upper() and "CONTENTS" in text.upper()
