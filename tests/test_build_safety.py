"""A bad input never produces a half-published book: the last good _build/html stays whole."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import run_script


def _build(project: Path) -> subprocess.CompletedProcess:
    return run_script(project, "build_book.py")


def _fails_publishing_nothing(project: Path, *messages: str) -> None:
    """`make book` (HTML and PDF) of the one page chapters/broken.md fails with ``messages`` and leaves
    the last good book as it was."""
    (project / "_toc.yml").write_text("format: jb-book\nroot: chapters/broken\n", encoding="utf-8")
    result = run_script(project, "build_book.py", "--pdf")
    output = result.stdout + result.stderr
    assert result.returncode != 0
    for message in (*messages, "nothing was published"):
        assert message in output, message
    assert (project / "_build" / "html" / "index.html").read_text(encoding="utf-8") == "last good build"
    assert not (project / "_build" / "pdf").exists()


def test_bad_csv_stops_the_build_and_keeps_the_published_site(project: Path):
    csv = project / "data" / "china_russia_trade.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    column = lines[0].split(",").index("total_usd_bn")
    cells = lines[-1].split(",")
    cells[column] = "n/a"
    lines[-1] = ",".join(cells)
    csv.write_text("".join(lines), encoding="utf-8")
    result = _build(project)
    assert result.returncode != 0
    assert "china_russia_trade.csv" in result.stderr
    assert f"row {len(lines)}" in result.stderr
    assert "total_usd_bn" in result.stderr
    assert "nothing was built or published" in result.stderr
    assert (project / "_build" / "html" / "index.html").read_text(encoding="utf-8") == "last good build"
    assert not (project / "_build" / ".stage").exists()


@pytest.mark.slow
def test_failing_chapter_fails_the_build_naming_chapter_and_cell(project: Path):
    chapter = project / "chapters" / "broken.md"
    header = (project / "chapters" / "nato.md").read_text(encoding="utf-8").split("---\n", 2)[1]
    chapter.write_text(
        f"---\n{header}---\n\n# Broken\n\n```{{code-cell}} ipython3\nvalue = 1\n```\n\n"
        "```{code-cell} ipython3\nraise ValueError('deliberate failure in a test chapter')\n```\n",
        encoding="utf-8",
    )
    # The PDF's process, started beside the execution, stops before it reads anything.
    _fails_publishing_nothing(project, "broken", "deliberate failure in a test chapter")
    assert not (project / "_build" / ".stage" / "print" / "latex" / "book.tex").exists(), "the PDF's Sphinx read the sources"


def test_a_row_citing_a_wiki_stops_the_build_naming_file_row_and_column(project: Path):
    csv = project / "data" / "nato_members.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    assert "https://" in lines[-1]
    lines[-1] = lines[-1].replace(lines[-1].split("https://", 1)[1].split(",", 1)[0], "en.wikipedia.org/wiki/Sweden", 1)
    csv.write_text("".join(lines), encoding="utf-8")
    result = _build(project)
    assert result.returncode != 0
    assert f"nato_members.csv, row {len(lines)}, column 'source_url'" in result.stderr
    assert "source rule broken: wiki" in result.stderr
    assert (project / "_build" / "html" / "index.html").read_text(encoding="utf-8") == "last good build"


@pytest.mark.slow
def test_a_failing_pdf_stops_the_build_and_publishes_nothing(project: Path):
    """The PDF builds in a second process; when XeLaTeX fails there, neither HTML nor PDF is published."""
    (project / "chapters" / "broken.md").write_text(
        "# Broken\n\nA page the PDF cannot typeset.\n\n```{raw} latex\n\\undefinedcommandinatest\n```\n", encoding="utf-8")
    _fails_publishing_nothing(project, "XeLaTeX failed", "undefinedcommandinatest")
