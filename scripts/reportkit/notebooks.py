"""Chapters as notebooks for readers to download and run: converted from the MyST text, the source of truth."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat


def write_notebook(source: Path, target: Path) -> None:
    """Write ``source`` (a MyST chapter) as an unexecuted .ipynb, byte-identical from build to build."""
    notebook = jupytext.read(source)
    notebook.metadata.get("jupytext", {}).pop("text_representation", None)
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"   # nbformat would otherwise draw random ids
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
