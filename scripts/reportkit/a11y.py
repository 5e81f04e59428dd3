"""HTML for two elements whose stock markup fails axe-core's serious checks.

- MyST-NB's folded code cells label their <summary> "Toggle hidden content" while showing
  "Show code cell source" (label-content-name-mismatch): the visible text is the name here.
- docutils wraps citations in role="list" with role="doc-biblioentry" items, a pairing axe rejects
  (aria-required-children): plain elements, with the list's heading naming it.
"""

from __future__ import annotations

from html import escape

from docutils import nodes


def visit_hidden_input(self, node) -> None:
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>\n')
    self.body.append(f'<p class="collapsed admonition-title">{escape(node["prompt_show"])}</p>\n')
    self.body.append(f'<p class="expanded admonition-title">{escape(node["prompt_hide"])}</p>\n')
    self.body.append("</summary>\n")


def depart_hidden_input(self, node) -> None:
    self.body.append("</details>\n")


def visit_citation(self, node) -> None:
    if not isinstance(node.previous_sibling(), nodes.citation):
        self.body.append('<div class="citation-list">\n')
    self.body.append(self.starttag(node, "div", classes=[node.tagname]))


def depart_citation(self, node) -> None:
    self.body.append("</div>\n")
    if not isinstance(node.next_node(descend=False, siblings=True), nodes.citation):
        self.body.append("</div>\n")


def setup(app) -> None:
    from myst_nb.sphinx_ import HideCodeCellNode

    app.add_node(HideCodeCellNode, override=True, html=(visit_hidden_input, depart_hidden_input))
    app.add_node(nodes.citation, override=True, html=(visit_citation, depart_citation))
