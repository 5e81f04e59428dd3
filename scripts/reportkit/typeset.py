"""XeLaTeX on the book's LaTeX sources: as many passes as the cross-references need, then one PDF.

latexmk does the same, but before and after every pass it hashes each file XeLaTeX read (some six
hundred fonts, packages and images), which costs more than half a second per build. The sources are
fingerprinted by the build already, so here only the files XeLaTeX writes for its next pass count:
when a pass leaves them as they were, the references have settled (see ``_state``).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
from pathlib import Path

# Written by one pass, read by the next: labels, contents, lists of figures and tables, PDF outline, index.
PASS_FILES = (".aux", ".toc", ".lof", ".lot", ".out", ".ind")
MAX_PASSES = 5
OPTIONS = ("-interaction=nonstopmode", "-halt-on-error", "-no-pdf")


class TypesetFailed(RuntimeError):
    """XeLaTeX, makeindex or xdvipdfmx failed; the message ends with the tool's last output."""


# In the .aux, what no pass prints unless the document asks for it: a label's page (read by \pageref)
# and the page count (\PreviousTotalPages). Lines the .aux writes into other files (\@writefile{toc}…)
# count there: each pass writes them into the .toc, .lof or .lot it hashes too.
LABEL_PAGE = re.compile(rb"(\\newlabel\{[^{}]*\}\{\{[^{}]*\})\{[^{}]*\}")
WRITEFILE = re.compile(rb"^\\@writefile\{[a-z]+\}.*\n", re.M)
PAGE_COUNT = re.compile(rb"^\\gdef \\@abspage@last\{\d+\}\n", re.M)


def _state(folder: Path, stem: str) -> str:
    """What the next pass would print differently: when a pass leaves it as it was, the PDF is final.

    Without this, a sentence that moves a figure to the next page would cost a whole pass that changes nothing.
    """
    read = {suffix: (folder / (stem + suffix)).read_bytes() if (folder / (stem + suffix)).is_file() else b"<missing>"
            for suffix in PASS_FILES}
    asked = (folder / f"{stem}.tex").read_bytes() + read[".ind"]
    aux = WRITEFILE.sub(b"", read[".aux"])
    if b"pageref" not in asked:
        aux = LABEL_PAGE.sub(rb"\1{}", aux)
    if b"TotalPages" not in asked:
        aux = PAGE_COUNT.sub(b"", aux)
    read[".aux"] = aux
    digest = hashlib.sha256()
    for suffix, text in read.items():
        digest.update(suffix.encode() + b"\0" + text)
    return digest.hexdigest()


def _run(args: list[str], folder: Path) -> None:
    # No terminal: on an error XeLaTeX stops at once instead of waiting for an answer nobody sees.
    env = {**os.environ, "max_print_line": "1000"}   # error messages unwrapped in the log
    if "SOURCE_DATE_EPOCH" in env:
        env["FORCE_SOURCE_DATE"] = "1"   # the XDV's own date too, which reaches the PDF: reproducible to the byte
    proc = subprocess.run(args, cwd=folder, capture_output=True, text=True, stdin=subprocess.DEVNULL, env=env)
    if proc.returncode != 0:
        raise TypesetFailed(f"{args[0]} failed:\n{(proc.stdout + proc.stderr)[-6000:]}")


def typeset(tex: Path, *, afresh: bool = False) -> tuple[Path, int]:
    """Typeset ``tex`` into a PDF beside it; return the PDF and the number of XeLaTeX passes.

    With ``afresh``, the files an earlier run left are removed first; without, a first pass that fails
    with such files present is tried once more afresh.
    """
    folder, stem = tex.parent, tex.stem
    left = [folder / (stem + suffix) for suffix in (*PASS_FILES, ".idx")]
    earlier = any(path.is_file() for path in left)
    if afresh:
        for path in left:
            path.unlink(missing_ok=True)
    for passes in range(1, MAX_PASSES + 1):  # noqa: B007 (returned)
        before = _state(folder, stem)
        try:
            _run(["xelatex", *OPTIONS, tex.name], folder)
        except TypesetFailed:
            # What an earlier preamble wrote can break the first pass (a package since removed): try afresh.
            if afresh or passes > 1 or not earlier:
                raise
            return typeset(tex, afresh=True)
        if (folder / f"{stem}.idx").is_file():
            _run(["makeindex", "-q", "-s", "python.ist", "-o", f"{stem}.ind", f"{stem}.idx"], folder)
        if _state(folder, stem) == before:
            break
    else:
        raise TypesetFailed(f"cross-references still changing after {MAX_PASSES} XeLaTeX passes")
    # -E embeds every font, as XeLaTeX does when it writes the PDF itself.
    _run(["xdvipdfmx", "-q", "-E", "-o", f"{stem}.pdf", f"{stem}.xdv"], folder)
    return folder / f"{stem}.pdf", passes
