"""Chapters as notebooks for readers to download and run: converted from the MyST text, the source of truth."""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat


def canonical_text(text: str) -> str:
    """A MyST chapter as Jupytext writes it; the tool's own version is left out so upgrades are not diffs."""
    return re.sub(r"\n    jupytext_version: [^\n]+", "", jupytext.writes(jupytext.reads(text, fmt="md:myst"), fmt="md:myst"))


def write_notebook(source: Path, target: Path) -> None:
    """Write ``source`` (a MyST chapter) as an unexecuted .ipynb, byte-identical from build to build."""
    notebook = jupytext.read(source)
    notebook.metadata.get("jupytext", {}).pop("text_representation", None)
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"   # nbformat would otherwise draw random ids
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
