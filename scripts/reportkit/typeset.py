"""XeLaTeX on the book's LaTeX sources: as many passes as the cross-references need, then one PDF.

latexmk does the same, but before and after every pass it hashes each file XeLaTeX read (some six
hundred fonts, packages and images), which costs more than half a second per build. The sources are
fingerprinted by the build already, so here only the files XeLaTeX writes for its next pass count:
when a pass leaves them as they were, the references have settled.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

# Written by one pass, read by the next: the labels, contents, PDF outline and index.
PASS_FILES = (".aux", ".toc", ".out", ".ind")
MAX_PASSES = 5
OPTIONS = ("-interaction=nonstopmode", "-halt-on-error", "-no-pdf")


class TypesetFailed(RuntimeError):
    """XeLaTeX, makeindex or xdvipdfmx failed; the message ends with the tool's last output."""


def _state(folder: Path, stem: str) -> str:
    digest = hashlib.sha256()
    for suffix in PASS_FILES:
        path = folder / (stem + suffix)
        digest.update(suffix.encode() + (path.read_bytes() if path.is_file() else b"<missing>"))
    return digest.hexdigest()


def _run(args: list[str], folder: Path) -> None:
    # No terminal: on an error XeLaTeX stops at once instead of waiting for an answer nobody sees.
    proc = subprocess.run(args, cwd=folder, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                          env={**os.environ, "max_print_line": "1000"})
    if proc.returncode != 0:
        raise TypesetFailed(f"{args[0]} failed:\n{(proc.stdout + proc.stderr)[-6000:]}")


def typeset(tex: Path) -> tuple[Path, int]:
    """Typeset ``tex`` into a PDF beside it; return the PDF and the number of XeLaTeX passes."""
    folder, stem = tex.parent, tex.stem
    for passes in range(1, MAX_PASSES + 1):  # noqa: B007 (returned)
        before = _state(folder, stem)
        _run(["xelatex", *OPTIONS, tex.name], folder)
        if (folder / f"{stem}.idx").is_file():
            _run(["makeindex", "-q", "-s", "python.ist", "-o", f"{stem}.ind", f"{stem}.idx"], folder)
        if _state(folder, stem) == before:
            break
    else:
        raise TypesetFailed(f"cross-references still changing after {MAX_PASSES} XeLaTeX passes")
    # -E embeds every font, as XeLaTeX does when it writes the PDF itself.
    _run(["xdvipdfmx", "-q", "-E", "-o", f"{stem}.pdf", f"{stem}.xdv"], folder)
    return folder / f"{stem}.pdf", passes
