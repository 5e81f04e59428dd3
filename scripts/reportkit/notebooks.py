"""Chapters as notebooks for readers: converted from the MyST text (the source of truth), carrying the
outputs of the build's execution, with a first cell that says how to run them."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jupytext
import nbformat

# The LaTeX build's chart images: large, and of no use in a notebook viewer.
DROPPED_OUTPUTS = ("application/pdf",)


def canonical_text(text: str) -> str:
    """A MyST chapter as Jupytext writes it; the tool's own version is left out so upgrades are not diffs."""
    return re.sub(r"\n    jupytext_version: [^\n]+", "", jupytext.writes(jupytext.reads(text, fmt="md:myst"), fmt="md:myst"))


def _text_notebook(source: Path):
    notebook = jupytext.read(source)
    notebook.metadata.get("jupytext", {}).pop("text_representation", None)
    return notebook


def _write(notebook, target: Path) -> None:
    for number, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{number}"   # nbformat would otherwise draw random ids
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")


def _outputs(outputs: list) -> list:
    kept = []
    for output in copy.deepcopy(outputs):
        for mime in DROPPED_OUTPUTS:
            output.get("data", {}).pop(mime, None)
        if output.get("output_type") in ("display_data", "execute_result") and not output.get("data"):
            continue
        kept.append(output)
    return kept


def write_executed_notebook(source: Path, executed, target: Path, header: str) -> None:
    """Write ``source`` as a notebook with the outputs of ``executed`` (the same chapter as the build ran it)
    and ``header`` (Markdown) as its first cell."""
    notebook = _text_notebook(source)
    ours = [c for c in notebook.cells if c.cell_type == "code"]
    theirs = [c for c in executed.cells if c.cell_type == "code"]
    if [c.source.strip() for c in ours] != [c.source.strip() for c in theirs]:
        raise ValueError(f"{source.name}: the executed notebook's code cells differ from the chapter's")
    for cell, ran in zip(ours, theirs, strict=True):
        cell.outputs = _outputs(ran.get("outputs", []))
        cell.execution_count = ran.get("execution_count")
    notebook.cells.insert(0, nbformat.v4.new_markdown_cell(header))
    _write(notebook, target)


def glued_values(notebook) -> dict[str, str]:
    """Every value a notebook glues (myst_nb.glue), as its plain text."""
    values = {}
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            record = output.get("metadata", {}).get("scrapbook", {})
            if record.get("name"):   # display=False values sit under a prefixed MIME type
                values[record["name"]] = output["data"][record.get("mime_prefix", "") + "text/plain"]
    return values
