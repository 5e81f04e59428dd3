"""The PDF: title page and metadata from CITATION.cff (the version's one source), and the book's parts."""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property

from docutils import nodes
from sphinx import addnodes
from sphinx.util.template import LaTeXRenderer
from sphinx.writers.latex import LaTeXTranslator

_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}",
            "~": r"\textasciitilde{}", "^": r"\textasciicircum{}"}


def tex(text: str) -> str:
    """Escape LaTeX's special characters in plain text."""
    return "".join(_SPECIAL.get(ch, ch) for ch in str(text))


def long_date(iso: str) -> str:
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {day:%B %Y}"


def how_to_cite(meta: dict) -> str:
    title = meta["title"] if meta["title"][-1] in ".?!" else meta["title"] + "."
    return f"{meta['team']} ({meta['date-released'][:4]}). {title} Version {meta['version']}, released {meta['date-released']}."


def elements(meta: dict, stamp: str = "") -> dict[str, str]:
    """Sphinx ``latex_elements`` entries: PDF metadata in the preamble, and a title page with the provenance stamp."""
    title, _, subtitle = meta["title"].partition(": ")
    subtitle = subtitle[:1].upper() + subtitle[1:]
    preamble = (
        "\\hypersetup{"
        f"pdftitle={{{tex(meta['title'])}}}, pdfauthor={{{tex(meta['team'])}}}, "
        f"pdfsubject={{{tex(meta['abstract'])}}}, pdfkeywords={{{tex(', '.join(meta['keywords']))}}}, "
        "pdfcreator={Jupyter Book, Sphinx and XeLaTeX}}\n"
        "\\addto\\captionsenglish{\\renewcommand{\\contentsname}{Contents}}\n"
        "\\setlength{\\headheight}{14.5pt}\n"
        f"\\newcommand{{\\rkversion}}{{{tex(meta['version'])}}}\n"
    )
    maketitle = rf"""
\begin{{titlepage}}
  \centering
  \vspace*{{3cm}}
  {{\Huge\bfseries {tex(title)}\par}}
  \vspace{{1.2em}}
  {{\LARGE {tex(subtitle)}\par}}
  \vspace{{3em}}
  {{\large {tex(meta['team'])}\par}}
  \vspace{{1em}}
  {{\large Version \rkversion{{}} \textbullet{{}} {tex(long_date(meta['date-released']))}\par}}
  \vfill
  \begin{{minipage}}{{0.86\textwidth}}\small\raggedright
  \textbf{{How to cite.}} {tex(how_to_cite(meta))}\par\medskip
  \textbf{{Licence.}} Text and data CC BY 4.0; code MIT.\par\medskip
  \textbf{{Data and notebooks.}} Every figure is drawn from the CSV files of the book's data package; the
  HTML edition of the same version links each chart to its table and each chapter to its notebook.\par\medskip
  \textbf{{Provenance.}} {tex(stamp)}.
  \end{{minipage}}
\end{{titlepage}}
"""
    return {"preamble": preamble, "maketitle": maketitle}


def shape_book(doctree, toc: dict, root_title: str) -> None:
    """Give the single LaTeX doctree the book's structure (Sphinx's LaTeX writer ignores toctree captions).

    The root page (the introduction) becomes an unnumbered chapter with figures numbered 1, 2, … as on
    the web; each part of ``_toc.yml`` opens with ``\\part``; the appendices get lettered chapters; and
    the bibliography page is dropped because LaTeX prints the bibliography at the end of the book.
    """
    starts = {node["docname"]: node for node in doctree.findall(addnodes.start_of_file)}
    root_section = next(iter(doctree.findall(nodes.section)))
    # The introduction's own sections come before the first included file: wrap them in a chapter.
    intro_parts = [child for child in root_section.children if not isinstance(child, (nodes.title, addnodes.start_of_file))
                   and not child.next_node(addnodes.start_of_file)]
    if intro_parts:
        chapter = nodes.section(ids=["rk-introduction"], names=["rk-introduction"])
        chapter += nodes.title(text=root_title)
        position = root_section.index(intro_parts[0])
        for child in intro_parts:
            root_section.remove(child)
            chapter += child
        root_section.insert(position, chapter)
        root_section.insert(position, _raw(r"\setcounter{secnumdepth}{-1}\renewcommand{\thefigure}{\arabic{figure}}"))
    for number, part in enumerate(toc.get("parts", [])):
        first = starts.get(part["chapters"][0]["file"])
        if first is None:
            continue
        appendix = not part.get("numbered", False)
        opening = (r"\setcounter{secnumdepth}{1}\renewcommand{\thefigure}{\thechapter.\arabic{figure}}" if number == 0 else "")
        opening += (r"\appendix" if appendix else "") + rf"\part{{{tex(part['caption'])}}}"
        first.parent.insert(first.parent.index(first), _raw(opening))
    bibliography = starts.get("chapters/bibliography")
    section = bibliography.next_node(nodes.section) if bibliography is not None else None
    if section is not None:
        for citation in list(section.findall(nodes.citation)):   # kept: LaTeX gathers them at the end
            citation.parent.remove(citation)
            doctree += citation
        section.parent.remove(section)


def _raw(latex: str) -> nodes.raw:
    return nodes.raw("", latex + "\n", format="latex")


class Translator(LaTeXTranslator):
    """Sphinx's LaTeX translator with one template renderer for the whole book.

    Sphinx makes a fresh renderer for every table, so it compiles the table's template again each time
    (some 8 ms, a few dozen times a build). The templates are looked up as Sphinx does.
    """

    @cached_property
    def _renderer(self) -> LaTeXRenderer:
        return LaTeXRenderer(latex_engine=self.config.latex_engine)

    def render(self, template_name: str, variables: dict) -> str:
        for template_dir in self.config.templates_path:
            template = os.path.join(self.builder.confdir, template_dir, template_name)
            if os.path.exists(template):
                return self._renderer.render(template, variables)
        return self._renderer.render(template_name, variables)
