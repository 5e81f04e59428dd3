"""XeLaTeX passes (reportkit.typeset) on small documents, with real XeLaTeX: as many as the
cross-references need, no more, and a first pass broken by an earlier run's files does not stop the PDF."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from reportkit.typeset import TypesetFailed, typeset

# A contents page, a reference to a figure's number, and a label whose page nothing prints.
DOCUMENT = r"""\documentclass{article}
\begin{document}
\tableofcontents
\section{First}
%(first)s
See figure~\ref{fig}.
\section{Second}
\begin{figure}[h]\centering A chart.\caption{A figure}\label{fig}\end{figure}
\end{document}
"""


def write(folder: Path, first: str = "Text.", *, contents: bool = True) -> Path:
    tex = folder / "doc.tex"
    document = DOCUMENT if contents else DOCUMENT.replace("\\tableofcontents\n", "")
    tex.write_text(document % {"first": first}, encoding="utf-8")
    return tex


def text_of(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())


def test_a_fresh_document_gets_its_contents_and_references(tmp_path: Path):
    pdf, passes = typeset(write(tmp_path))
    assert passes >= 2   # the first pass only learns the sections and labels
    text = text_of(pdf)
    assert "1 First 1" in text and "2 Second 1" in text, text   # the contents, with page numbers
    assert "See figure 1." in text


def test_an_edit_that_moves_no_reference_takes_one_pass(tmp_path: Path):
    typeset(write(tmp_path))
    _, passes = typeset(write(tmp_path, "Other text, same references."))
    assert passes == 1


def test_an_edit_that_moves_a_section_to_another_page_takes_another_pass(tmp_path: Path):
    typeset(write(tmp_path))
    pdf, passes = typeset(write(tmp_path, r"Text.\newpage Text."))   # the second section moves to page 2
    assert passes == 2
    assert "2 Second 2" in text_of(pdf)


def test_a_label_moving_page_takes_no_extra_pass_when_no_page_reference_prints_it(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1796169600")   # as in the build: the PDFs' dates are fixed
    typeset(write(tmp_path, contents=False))
    before = (tmp_path / "doc.aux").read_text(encoding="utf-8")
    _, passes = typeset(write(tmp_path, r"Text.\newpage Text.", contents=False))   # the figure moves to page 2
    assert (tmp_path / "doc.aux").read_text(encoding="utf-8") != before
    assert passes == 1
    # The same PDF, byte for byte, as typesetting the edited document from nothing.
    fresh = tmp_path / "fresh"
    fresh.mkdir()
    clean, _ = typeset(write(fresh, r"Text.\newpage Text.", contents=False))
    assert clean.read_bytes() == (tmp_path / "doc.pdf").read_bytes()


def test_files_of_an_earlier_preamble_are_cleared_instead_of_failing(tmp_path: Path):
    tex = write(tmp_path)
    (tmp_path / "doc.aux").write_text("\\relax\n\\commandofapackagenolongerloaded\n", encoding="utf-8")
    pdf, _ = typeset(tex)
    assert "See figure 1." in text_of(pdf)


def test_an_error_in_the_document_fails_with_its_message(tmp_path: Path):
    tex = write(tmp_path, r"\undefinedcommandinatest")
    with pytest.raises(TypesetFailed, match="undefinedcommandinatest"):
        typeset(tex)
