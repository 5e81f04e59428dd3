"""``show()``: one figure, three audiences.

The display bundle holds
- ``text/html``: a chart container with a stable id, the figure as JSON data, and a source line
  with a link to the CSV. The book's own script (``static/rk-charts.js``) draws it with the
  plotly.js bundle served once from ``_static``: nothing inline, nothing from a CDN;
- ``application/vnd.plotly.v1+json``: the interactive chart when the notebook is opened in JupyterLab;
- ``application/pdf``: a vector image for the PDF, exported with kaleido and Debian's Chromium,
  with the source line drawn under the chart and a fixed creation date (reproducible builds).
  Only the book's build asks for it (``RK_STATIC_FIGURES=1``), so a reader runs a notebook without Chromium.
  With ``RK_STATIC_FIGURES=deferred`` the kernel leaves the printable figure instead (``PRINT_MIME``)
  and the build exports every chart of every chapter in one Chromium (``export_deferred``): starting
  Chromium and plotly.js costs about 2 s, each chart after that about 0.2 s.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import textwrap
import time

import pandas as pd
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
PRINT_MIME = "application/vnd.reportkit.print+json"   # a chart waiting for its PDF export
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
    years = [(int(r["year"]), r.get("period") or "full year") for r in records if r.get("year") is not None and r["year"] == r["year"]]
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


SYMBOLS = {"circle": "●", "diamond": "◆", "square": "■", "triangle-up": "▲", "star": "★", "x-thin-open": "✕", "circle-open": "○", "square-open": "□"}


def titles(fig: go.Figure, records: list[dict] | None) -> tuple[str, str, list]:
    """The chart's title (its finding), subtitle (measure and unit, and how recent the data are) and key."""
    meta = fig.layout.meta or {}
    title = fig.layout.title.text or ""
    subtitle = meta.get("subtitle") or ""
    when = data_as_of(records) if records else "Undated data"
    if when != "Undated data":
        subtitle = f"{subtitle}. {when}" if subtitle else when
    return title, subtitle, meta.get("key") or []


def _key_html(key: list) -> str:
    if not key:
        return ""
    items = "".join(
        f'<li><span class="rk-swatch" style="color:{html.escape(colour)}" aria-hidden="true">{SYMBOLS.get(symbol, "■")}</span>{name}</li>'
        for name, colour, symbol in key
    )
    return f'<ul class="rk-key" aria-label="Key">{items}</ul>'


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value) or value is pd.NaT:
        return "–"
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, float):
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    return html.escape(str(value))


def table_html(records: list[dict], *, caption: str) -> str:
    """The drawn rows as an accessible HTML table behind a toggle: what the chart shows, from the same data."""
    if not records:
        return ""
    columns = [c for c in records[0] if c not in provenance.FIELDS or c == "publisher"]
    head = "".join(f'<th scope="col">{html.escape(c.replace("_", " "))}</th>' for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{_cell(r.get(c))}</td>" for c in columns) + "</tr>" for r in records)
    return (
        f'<details class="rk-table"><summary>Show the data ({len(records)} row{"s" if len(records) != 1 else ""})</summary>'
        f'<div class="rk-table-scroll"><table><caption>{html.escape(caption)}</caption><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></details>"
    )


def web_figure(fig: go.Figure) -> go.Figure:
    """The figure as the page draws it: title, subtitle and key are HTML around it, so the plot has none."""
    web = go.Figure(fig)
    web.update_layout(title_text=None, showlegend=False)
    return web


def chart_html(fig: go.Figure, *, name: str, alt: str, resources: list[str], source: str | None = None, rows=None) -> str:
    div_id = f"rk-{name}"
    height = int(fig.layout.height or style.HEIGHT)
    records = drawn_rows(resources, rows) if rows is not None else None
    title, subtitle, key = titles(fig, records)
    return (
        f'<div class="rk-chart" id="chart-{name}">'
        f'<div class="rk-head"><p class="rk-title">{html.escape(title)}</p>'
        + (f'<p class="rk-subtitle">{html.escape(subtitle)}</p>' if subtitle else "")
        + _key_html(key)
        + "</div>"
        f'<div class="rk-plotly" id="{div_id}" role="figure" aria-label="{html.escape(alt)}" '
        f'style="min-height:{height}px"></div>'
        f'<script type="application/json" class="rk-plotly-data" data-target="{div_id}">{figure_json(web_figure(fig))}</script>'
        f'<noscript><p>{html.escape(alt)}</p></noscript>'
        f"{_source_html(resources, source, rows)}"
        + (table_html(records, caption=title) if records else "")
        + "</div>"
    )


def _pin_pdf_dates(pdf: bytes) -> bytes:
    """Replace the creation and modification dates with SOURCE_DATE_EPOCH (same byte length)."""
    epoch = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(epoch)).encode()
    return re.sub(rb"(/(?:CreationDate|ModDate) \(D:)\d{14}", lambda m: m.group(1) + stamp, pdf)


def printable_figure(fig: go.Figure, *, resources: list[str], source: str | None = None, rows=None) -> go.Figure:
    """The chart for paper: title, subtitle and key drawn above the plot, the source line wrapped below.

    All three are annotations anchored to the plot's top and bottom edges (a multi-line Plotly title
    would be clipped at the top of the image)."""
    records = drawn_rows(resources, rows) if rows is not None else None
    title, subtitle, key = titles(fig, records)
    head = textwrap.wrap(title, width=56)
    sub = textwrap.wrap(subtitle, width=84)
    foot = textwrap.wrap(f"Source: {source_line(resources, source, rows)}", width=100)
    printable = go.Figure(fig)
    printable.update_layout(title_text=None, showlegend=False)
    top_extra = int(fig.layout.margin.t or style.MARGIN_TOP) - style.MARGIN_TOP   # room the chart keeps for itself
    lifted = 8 + top_extra
    if key:
        printable.add_annotation(
            text="   ".join(f'<span style="color:{c}">{SYMBOLS.get(sym, "■")}</span> {n}' for n, c, sym in key),
            xref="paper", yref="paper", x=0, y=1, yanchor="bottom", xanchor="left", yshift=lifted,
            showarrow=False, font=dict(size=12, color=style.INK), align="left",
        )
        lifted += 24
    text = "<br>".join(f"<b>{html.escape(line)}</b>" for line in head)
    if sub:
        text += "<br>" + "<br>".join(f'<span style="font-size:12px;color:{style.MUTED}">{html.escape(line)}</span>' for line in sub)
    printable.add_annotation(text=text, xref="paper", yref="paper", x=0, y=1, yanchor="bottom", xanchor="left", yshift=lifted,
                             showarrow=False, align="left", font=dict(size=16, color=style.INK))
    header = lifted + 21 * len(head) + 17 * len(sub) + 12
    bottom = int(fig.layout.margin.b if fig.layout.margin.b is not None else style.MARGIN_BOTTOM)
    printable.add_annotation(
        text="<br>".join(html.escape(line) for line in foot), align="left",
        xref="paper", yref="paper", x=0, y=0, yshift=-(bottom + 4), xanchor="left", yanchor="top",
        showarrow=False, font=dict(size=10, color=style.MUTED),
    )
    extra = header - 8 - top_extra + 14 + 13 * len(foot)   # the header and the source line, added to the plot's height
    printable.update_layout(margin=dict(t=style.MARGIN_TOP + header - 8, b=bottom + 14 + 13 * len(foot)),
                            height=int(fig.layout.height or style.HEIGHT) + extra)
    return printable


def print_spec(fig: go.Figure, *, resources: list[str], source: str | None = None, rows=None) -> dict:
    """What the PDF export needs: the printable figure as JSON and the image's size."""
    printable = printable_figure(fig, resources=resources, source=source, rows=rows)
    return {"figure": json.loads(pio.to_json(printable)), "width": style.PRINT_WIDTH, "height": int(printable.layout.height)}


def render_pdf(spec: dict) -> bytes:
    """A print spec as a vector PDF, exported by kaleido in the Chromium this process keeps running."""
    global _kaleido_ready
    import kaleido

    if not _kaleido_ready:
        os.environ.setdefault("BROWSER_PATH", "/usr/bin/chromium")
        kaleido.start_sync_server(mathjax=False, silence_warnings=True)
        pio.defaults.headers = {}
        _kaleido_ready = True
    return _pin_pdf_dates(pio.to_image(spec["figure"], format="pdf", width=spec["width"], height=spec["height"]))


def stop_export() -> None:
    """Close the Chromium that ``render_pdf`` started, if it did."""
    global _kaleido_ready
    if _kaleido_ready:
        import kaleido

        kaleido.stop_sync_server(silence_warnings=True)
        _kaleido_ready = False


def static_pdf(fig: go.Figure, *, resources: list[str], source: str | None = None, rows=None) -> bytes:
    """The chart as a vector PDF with its title, subtitle and source line, for the LaTeX build."""
    return render_pdf(print_spec(fig, resources=resources, source=source, rows=rows))


def export_deferred(notebook) -> int:
    """Replace every deferred chart of an executed notebook by its PDF; returns how many there were."""
    count = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if PRINT_MIME in data:
                pdf = render_pdf(data.pop(PRINT_MIME))
                data["application/pdf"] = base64.b64encode(pdf).decode("ascii")
                count += 1
    return count


def bundle(fig: go.Figure, *, name: str, alt: str, resources: list[str], source: str | None = None, static: str | None = None,
           rows=None) -> dict:
    """The display bundle; ``static`` ("1", "deferred" or empty) defaults to ``RK_STATIC_FIGURES``."""
    check_traces(fig)
    if static is None:
        static = os.environ.get("RK_STATIC_FIGURES", "")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"figure name {name!r}: use lower-case letters, digits and hyphens")
    data = {
        "text/plain": f"{alt} (source: {source_line(resources, source, rows)})",
        "text/html": chart_html(fig, name=name, alt=alt, resources=resources, source=source, rows=rows),
        "application/vnd.plotly.v1+json": json.loads(figure_json(fig)),
    }
    if static == "1":
        data["application/pdf"] = static_pdf(fig, resources=resources, source=source, rows=rows)
    elif static == "deferred":
        data[PRINT_MIME] = print_spec(fig, resources=resources, source=source, rows=rows)
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
