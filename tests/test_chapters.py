"""Chapters as text: paired with notebooks, executable on their own, free of copied seed text."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import jupytext
import nbformat
import pytest
from nbclient import NotebookClient

from conftest import CHAPTERS, ROOT
from reportkit.appendix import CLAIM_TYPES, VERDICTS, read_seed_briefs
from reportkit.data import read_package
from reportkit.notebooks import canonical_text, glued_values
from reportkit.prose import chapter_stats, count_words, prose_text

SHARED = ROOT.parent / "shared"


def test_no_notebooks_are_committed():
    tracked = subprocess.run(["git", "ls-files", "*.ipynb"], cwd=ROOT, capture_output=True, text=True, check=True)
    assert tracked.stdout == ""


@pytest.mark.parametrize("name", CHAPTERS)
def test_jupytext_pairing_round_trips(name):
    path = ROOT / "chapters" / f"{name}.md"
    text = path.read_text(encoding="utf-8")
    rewritten = canonical_text(text)
    assert rewritten == text, f"{name}.md is not in Jupytext's canonical form: run `make format`"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_executes_on_its_own_and_gives_the_books_numbers(name, tmp_path):
    notebook = jupytext.read(ROOT / "chapters" / f"{name}.md")
    NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
    nbformat.validate(notebook)
    # MyST-NB keeps the book's glued values beside its executed notebook.
    book = json.loads((ROOT / "_build" / ".stage" / "_build" / "jupyter_execute" / "chapters" / f"{name}.glue.json").read_text(encoding="utf-8"))
    glued = glued_values(notebook)
    assert glued and all(glued.values())
    assert glued == {k: v["data"]["text/plain"] for k, v in book.items()}, "a chapter run on its own gives other numbers than the book"


def test_claims_ledger_points_at_real_chapters_and_data():
    resources = {r["name"] for r in read_package(ROOT / "data" / "datapackage.json")["resources"]}
    briefs = read_seed_briefs()
    claims = [c for b in briefs for c in b["claims"]]
    assert len(claims) >= 12
    assert len({c["id"] for c in claims}) == len(claims)
    for claim in claims:
        assert claim["verdict"] in VERDICTS and claim["type"] in CLAIM_TYPES, claim["id"]
        assert claim["chapters"] and all((ROOT / "chapters" / f"{c}.md").is_file() for c in claim["chapters"]), claim["id"]
        assert set(claim.get("resources", [])) <= resources, claim["id"]


def test_nothing_is_copied_from_the_seed_articles():
    if not (SHARED / "tools" / "seed_overlap.py").is_file():
        if os.environ.get("CI"):
            pytest.fail("../shared/tools/seed_overlap.py is missing: CI must check the chapters against the seed articles")
        pytest.skip("shared/ seed tools not beside the project")
    result = subprocess.run([sys.executable, str(SHARED / "tools" / "seed_overlap.py"), str(ROOT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_lint_passes():
    result = subprocess.run([sys.executable, str(ROOT / "scripts" / "lint.py")], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ})
    assert result.returncode == 0, result.stdout + result.stderr


GLOSSARY = (ROOT / "chapters" / "glossary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_follows_the_house_rules(name):
    """The chapter rules of CONTRIBUTING.md: key points, enough prose, numbered charts cited in the text."""
    path = ROOT / "chapters" / f"{name}.md"
    stats = chapter_stats(path)
    assert stats.has_key_points and stats.has_change_note, "a 'Key points' box and a 'What would change this assessment' section"
    assert stats.words >= (600 if name == "intro" else 900), f"{stats.words} words of prose"
    assert len(stats.figures) >= (3 if name == "alignment" else 2), stats.figures
    assert set(stats.figures) <= stats.figure_refs, f"figures never cross-referenced: {set(stats.figures) - stats.figure_refs}"
    assert stats.citations >= 3 and stats.terms >= 2 and len(stats.glued) >= 3
    text = path.read_text(encoding="utf-8")
    # glue("name", ...) or glue(f"name_{i}", ...): the second is matched as a pattern.
    patterns = [re.sub(r"\\\{[^}]*\\\}", r"\\w+", re.escape(n)) for n in re.findall(r'glue\(f?"([^"]+)"', text)]
    missing = {g for g in stats.glued if not any(re.fullmatch(p, g) for p in patterns)}
    assert not missing, f"glued names never computed: {missing}"
    for term in re.findall(r"\{term\}`([^`<]+?)\s*(?:<[^`]*>)?`", text):
        assert re.search(rf"^{re.escape(term)}$", GLOSSARY, re.M | re.I), f"term not in the glossary: {term}"


def test_every_citation_key_is_in_the_bibliography():
    keys = set(re.findall(r"^@\w+\{([^,]+),", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M))
    for md in (ROOT / "chapters").glob("*.md"):
        for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", md.read_text(encoding="utf-8")):
            assert set(k.strip() for k in group.split(",")) <= keys, f"{md.name}: {group}"


def test_prose_counter_ignores_code_and_markup():
    text = ("---\nx: 1\n---\n(lbl)=\n# Title\n\n```{code-cell} ipython3\nprint('many words here')\n```\n\n"
            "One two {cite:p}`k` {glue:text}`n`.\n| a | b |\n")
    assert count_words(prose_text(text)) == 3
