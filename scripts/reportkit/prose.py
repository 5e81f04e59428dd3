"""Measure a chapter as a reader sees it: prose words, figures, glued numbers, citations, glossary links.

Used by the tests (the chapter rules in CONTRIBUTING.md) and by `python -m reportkit.prose` for a table.
Prose is the Markdown outside code cells, without front matter, labels, directive fences and options,
headings, tables, figure captions and citation keys; a glued value or a cross-reference counts as one word.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

from reportkit.paths import ROOT

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_CODE_CELL = re.compile(r"^```\{code-cell\}.*?^```\s*$", re.S | re.M)
_CITE = re.compile(r"\{cite(?::\w+)?\}`[^`]*`")
_ONE_WORD_ROLE = re.compile(r"\{(?:glue(?::\w+)?|numref|ref|doc|download)\}`[^`]*`")
_TERM = re.compile(r"\{term\}`([^`<]*?)(?:\s*<[^`]*>)?`")
_LABEL = re.compile(r"^\([\w-]+\)=$")
_NOT_PROSE = ("#", ":::", "```", ":class:", ":name:", ":label:", "|")
_FIG_NAME = re.compile(r"^\s*name:\s*(fig-[\w-]+)", re.M)


@dataclass(frozen=True)
class ChapterStats:
    words: int
    figures: list[str]
    figure_refs: set[str]
    glued: set[str]
    citations: int
    terms: int
    has_key_points: bool
    has_change_note: bool


def prose_text(markdown: str) -> str:
    text = _CODE_CELL.sub("", _FRONT_MATTER.sub("", markdown))
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped or _LABEL.match(stripped) or stripped.startswith(_NOT_PROSE):
            continue
        lines.append(line)
    text = "\n".join(lines)
    text = _CITE.sub("", text)
    text = _ONE_WORD_ROLE.sub("X", text)
    return _TERM.sub(lambda m: m.group(1), text)


def count_words(text: str) -> int:
    return len(re.findall(r"[\w’'–-]+", text))


def chapter_stats(path: Path) -> ChapterStats:
    markdown = path.read_text(encoding="utf-8")
    code = "\n".join(m.group(0) for m in _CODE_CELL.finditer(markdown))
    return ChapterStats(
        words=count_words(prose_text(markdown)),
        figures=_FIG_NAME.findall(code),
        figure_refs=set(re.findall(r"\{numref\}`(fig-[\w-]+)`", markdown)),
        glued=set(re.findall(r"\{glue(?::\w+)?\}`([\w-]+)", markdown)),
        citations=len(_CITE.findall(markdown)),
        terms=len(re.findall(r"\{term\}`", markdown)),
        has_key_points=bool(re.search(r"^:::\{admonition\} Key points", markdown, re.M)),
        has_change_note=bool(re.search(r"^## What would change this assessment", markdown, re.M)),
    )


def main(names: list[str]) -> None:
    paths = [ROOT / "chapters" / f"{n}.md" for n in names] if names else sorted((ROOT / "chapters").glob("*.md"))
    print(f"{'chapter':<16}{'words':>7}{'figures':>9}{'glued':>7}{'cites':>7}{'terms':>7}")
    for path in paths:
        s = chapter_stats(path)
        print(f"{path.stem:<16}{s.words:>7}{len(s.figures):>9}{len(s.glued):>7}{s.citations:>7}{s.terms:>7}")


if __name__ == "__main__":
    main(sys.argv[1:])
