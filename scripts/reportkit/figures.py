"""``show()``: one figure, three audiences.

The display bundle holds
- ``text/html``: a chart container with a stable id, the figure as JSON data, and a source line
  with a link to the CSV. The book's own script (``static/rk-charts.js``) draws it with the
  plotly.js bundle served once from ``_static``: nothing inline, nothing from a CDN;
- ``application/vnd.plotly.v1+json``: the interactive chart when the notebook is opened in JupyterLab;
- ``application/pdf``: a vector image for the PDF, exported with kaleido and Debian's Chromium,
  with the source line drawn under the chart and a fixed creation date (reproducible builds).
  Only the book's build asks for it (``RK_STATIC_FIGURES=1``), so a reader runs a notebook without Chromium.
"""

from __future__ import annotations

import html
import json
import os
import re
import textwrap
import time

import plotly.graph_objects as go
import plotly.io as pio
from IPython.display import display
from plotly.utils import PlotlyJSONEncoder

from reportkit import provenance, style
from reportkit.data import load, resource

# Trace types in plotly.js-basic-dist-min; a chart using another type would be drawn wrongly
# or not at all on the web, so it fails the build instead.
BUNDLE_TRACES = frozenset({"bar", "pie", "scatter"})
MAX_SOURCE_CHARS = 120   # with the date and any grade note, two lines under a chart on a laptop
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}
_kaleido_ready = False


def figure_json(fig: go.Figure) -> str:
    """The figure as JSON that is safe inside a ``<script>`` element, with sorted keys."""
    text = json.dumps(fig.to_plotly_json(), cls=PlotlyJSONEncoder, sort_keys=True, separators=(",", ":"))
    return re.sub(r"[<>&]", lambda m: _JSON_ESCAPES[m.group()], text)


def check_traces(fig: go.Figure) -> None:
    bad = sorted({t.type for t in fig.data} - BUNDLE_TRACES)
    if bad:
        raise ValueError(f"trace type(s) {bad} are not in the plotly.js basic bundle the book serves")


def drawn_rows(resources: list[str], rows) -> list[dict]:
    """The rows a chart draws: ``rows`` (a DataFrame or a list of them) if given, else every row of its resources."""
    frames = [load(name) for name in resources] if rows is None else (rows if isinstance(rows, (list, tuple)) else [rows])
    return [record for frame in frames for record in frame.to_dict("records")]


def source_line(resources: list[str], source: str | None, rows=None) -> str:
    """What a chart's source line says: ``source`` if given, else the original publishers of the rows it
    draws, and a warning when any of them rests on a weaker (grade C) page."""
    if source:
        return source
    records = drawn_rows(resources, rows)
    names = provenance.publishers(records)
    text = "; ".join(names)
    while len(text) > MAX_SOURCE_CHARS and len(names) > 2:   # two lines on a laptop; every row is in the CSV
        names = names[:-1]
        text = "; ".join(names) + f" and {len(provenance.publishers(records)) - len(names)} more (see the CSV)"
    text += f". {data_as_of(records)}"
    weak = provenance.weak_rows(records)
    if weak:
        text += f". {weak} figure{'s' if weak > 1 else ''} graded C (weaker page{'s' if weak > 1 else ''}; see the notes)"
    return text


DATE_COLUMNS = ("date", "action_date", "accession_date", "meeting_date")


def data_as_of(records: list[dict]) -> str:
    """What date the drawn rows run to: "Data to 2025", "Data to Jan–Feb 2026", "Data to 24 Feb 2026"."""
    dates = [r[c] for r in records for c in DATE_COLUMNS if c in r and r[c] == r[c] and r[c] is not None]
    if dates:
        return f"Data to {max(dates):%-d %b %Y}"
    years = [(int(r["year"]), r.get("period") or "full year") for r in records if r.get("year") == r.get("year")]
    if not years:
        return "Undated data"
    year, period = max(years, key=lambda yp: (yp[0], yp[1] == "full year"))
    return f"Data to {year}" if period == "full year" else f"Data to {period.replace('-', '–')} {year} (partial year)"


def _source_html(resources: list[str], source: str | None = None, rows=None) -> str:
    text = source_line(resources, source, rows)
    links = " · ".join(
        f'<a class="rk-download" href="../data/{html.escape(resource(n)["path"])}" download>'
        f"Download the data: {html.escape(resource(n)['path'])}</a>"
        for n in resources
    )
    return f'<p class="rk-source"><span>Source: {html.escape(text)}.</span> {links}</p>'


def chart_html(fig: go.Figure, *, name: str, alt: str, resources: list[str], source: str | None = None, rows=None) -> str:
    div_id = f"rk-{name}"
    height = int(fig.layout.height or style.HEIGHT)
    return (
        f'<div class="rk-chart">'
        f'<div class="rk-plotly" id="{div_id}" role="figure" aria-label="{html.escape(alt)}" '
        f'style="min-height:{height}px"></div>'
        f'<script type="application/json" class="rk-plotly-data" data-target="{div_id}">{figure_json(fig)}</script>'
        f'<noscript><p>{html.escape(alt)}</p></noscript>'
        f"{_source_html(resources, source, rows)}</div>"
    )


def _pin_pdf_dates(pdf: bytes) -> bytes:
    """Replace the creation and modification dates with SOURCE_DATE_EPOCH (same byte length)."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode()
    return re.sub(rb"(/(?:CreationDate|ModDate) \(D:)\d{14}", lambda m: m.group(1) + stamp, pdf)


def static_pdf(fig: go.Figure, *, resources: list[str], source: str | None = None, rows=None) -> bytes:
    """The chart as a vector PDF with its source line, for the LaTeX build."""
    global _kaleido_ready
    import kaleido

    if not _kaleido_ready:
        os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        pio.defaults.headers = {}
        _kaleido_ready = True
    printable = go.Figure(fig)
    # Paper has no tooltips or scrolling: the source line wraps under the chart.
    lines = textwrap.wrap(f"Source: {source_line(resources, source, rows)}", width=130)
    printable.add_annotation(
        text="<br>".join(html.escape(line) for line in lines), align="left",
        xref="paper", yref="paper", x=0, y=0, yshift=-70, xanchor="left", yanchor="top",
        showarrow=False, font=dict(size=10, color="#555"),
    )
    printable.update_layout(margin=dict(b=80 + 14 * len(lines)))
    height = int(fig.layout.height or style.HEIGHT) + 30 + 14 * len(lines)
    return _pin_pdf_dates(pio.to_image(printable, format="pdf", width=style.WIDTH, height=height))


def bundle(fig: go.Figure, *, name: str, alt: str, resources: list[str], source: str | None = None, static: bool | None = None,
           rows=None) -> dict:
    check_traces(fig)
    if static is None:
        static = os.environ.get("RK_STATIC_FIGURES") == "1"
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"figure name {name!r}: use lower-case letters, digits and hyphens")
    data = {
        "text/plain": f"{alt} (source: {source_line(resources, source, rows)})",
        "text/html": chart_html(fig, name=name, alt=alt, resources=resources, source=source, rows=rows),
        "application/vnd.plotly.v1+json": json.loads(figure_json(fig)),
    }
    if static:
        data["application/pdf"] = static_pdf(fig, resources=resources, source=source, rows=rows)
    return data


def show(fig: go.Figure, *, name: str, alt: str, resources: str | list[str], source: str | None = None, rows=None) -> None:
    """Display ``fig``: ``name`` gives its stable page id, ``alt`` its text alternative, and
    ``resources`` the data resource(s) it draws on, for the download link. ``rows`` (a DataFrame, or a
    list of them, as loaded) are the rows the chart draws: the source line names their publishers only.
    ``source`` replaces the source line for charts drawn from the book's own metadata."""
    resources = [resources] if isinstance(resources, str) else list(resources)
    if not resources and not source:
        raise ValueError(f"figure {name!r}: name its data resources or its source")
    if rows is None and not source:
        raise ValueError(f"figure {name!r}: pass rows=, the rows it draws as loaded, so its source line names their publishers")
    display(bundle(fig, name=name, alt=alt, resources=resources, source=source, rows=rows), raw=True)
