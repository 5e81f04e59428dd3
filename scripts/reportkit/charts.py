"""The house chart grammar. Chapters pass data and words; every chart is built here, styled by ``style``.

One grammar for every chart:
- the finding is the title and the measure is the subtitle; ``figures.show`` sets both, and the
  source line, as HTML around the plot (on paper they are drawn into the image);
- lines carry their names at their ends (a key only where labels would not fit);
- events that explain a series come from the events table (``data/chart_events.csv``) by topic,
  as dotted rules with short labels: never strings in a chapter;
- missing years are gaps, text categories stay categories, counts over time are steps,
  two-point comparisons are slopes, series on different scales are small multiples;
- timelines are labelled lists: each event's date and label are printed, phases are shaded bands,
  and nothing depends on hovering.

Text that comes from CSV files is HTML-escaped here, because Plotly reads a subset of HTML in text.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from reportkit import style
from reportkit.data import load

LABEL_WIDTH = 16        # characters per line of an end-of-line label
LINE_PX = 15            # height of a line of 12 px text, for spacing labels
TIMELINE_WRAP = 40      # characters per line of a timeline entry: fits a 390 px phone
EVENT_WRAP = 18         # characters per line of an event label on a time series


def esc(values) -> list[str]:
    """HTML-escape text values for use in Plotly labels and hover text."""
    return [html.escape(str(v)) for v in values]


def wrap(text: str, width: int) -> str:
    """Escaped ``text`` broken into lines of at most ``width`` characters (Plotly does not wrap)."""
    lines = textwrap.wrap(str(text), width=width, break_on_hyphens=False, break_long_words=False)
    return "<br>".join(html.escape(line) for line in lines) or html.escape(str(text))


def _colour(key: str, i: int) -> str:
    return style.ACTOR_COLOURS.get(key, style.PALETTE[i % len(style.PALETTE)])


def _finish(fig: go.Figure, *, title: str, subtitle: str | None, x_title: str | None, y_title: str | None,
            key: Sequence[tuple[str, str, str]] = ()) -> go.Figure:
    """House template, title and the grammar's metadata: the subtitle and the key (name, colour, symbol)."""
    style.apply(fig, title=title, x_title=x_title, y_title=y_title)
    meta = dict(fig.layout.meta or {})
    meta.update(subtitle=subtitle if subtitle is not None else (y_title or ""), key=[list(k) for k in key])
    fig.update_layout(meta=meta, showlegend=False)
    return fig


# ---------------------------------------------------------------- annotations shared by the builders

def events(topic: str, *, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Rows of the events table tagged with ``topic``, from year ``start`` to year ``end`` (inclusive)."""
    table = load("chart_events")
    rows = table[table["topics"].str.split().apply(lambda topics: topic in topics)]
    years = rows["date"].dt.year
    return rows[years.between(start if start is not None else years.min(), end if end is not None else years.max())]


def _decimal_year(day: pd.Timestamp) -> float:
    return day.year + (day.dayofyear - 1) / 366


def add_events(fig: go.Figure, rows: pd.DataFrame, *, years: bool = True) -> go.Figure:
    """Dotted rules at each event, with its short label at the top of the plot, inside it.

    Labels of events near the right edge sit left of their rule, so they never run into the labels
    at the line ends; a label close to the one before it hangs below it."""
    if rows is None or rows.empty:
        return fig
    xs = [_decimal_year(d) if years else d for d in rows["date"]]
    lo, hi = min(xs), max(xs)
    data_x = [float(x) for t in fig.data for x in (t.x if t.x is not None else []) if x is not None and x == x] if years else []
    if data_x:
        lo, hi = min(lo, *data_x), max(hi, *data_x)
    taken: list[list[tuple[float, float]]] = []     # per level, the stretches of axis its labels cover
    placed = []
    for x, row in sorted(zip(xs, rows.itertuples(), strict=True), key=lambda pair: pair[0]):
        frac = (x - lo) / (hi - lo) if hi > lo else 0.0
        right_edge = frac > 0.75
        text = wrap(f"{row.date:%b %Y}: {row.label}" if years else row.label, EVENT_WRAP)
        # The label's width as a share of a phone's plot (about 300 px at 11 px text).
        width = max(len(html.unescape(part)) for part in text.split("<br>")) * 6.2 / 300
        stretch = (frac - width, frac) if right_edge else (frac, frac + width)
        level = next((i for i, spans in enumerate(taken) if all(stretch[1] < s0 or stretch[0] > s1 for s0, s1 in spans)), len(taken))
        if level == len(taken):
            taken.append([])
        taken[level].append(stretch)
        placed.append((x, text, level, right_edge))
    # Each level hangs below the deepest label of the levels above it.
    depth = [max((t.count("<br>") + 1 for _, t, lv, _ in placed if lv == level), default=0) for level in range(len(taken))]
    for x, text, level, right_edge in placed:
        fig.add_shape(type="line", x0=x, x1=x, xref="x", y0=0, y1=1, yref="paper",
                      line=dict(color=style.MUTED, width=1, dash="dot"), layer="below")
        fig.add_annotation(
            x=x, xref="x", y=1, yref="paper", yanchor="top", xanchor="right" if right_edge else "left",
            xshift=-3 if right_edge else 3, yshift=-(LINE_PX * sum(depth[:level]) + 6 * level), showarrow=False,
            align="right" if right_edge else "left", text=text, font=dict(size=11, color=style.MUTED), name="muted",
        )
    return fig


def add_reference(fig: go.Figure, y: float, label: str) -> go.Figure:
    """A horizontal dashed rule at ``y`` (a threshold, parity, a design capacity), labelled at the left."""
    fig.add_shape(type="line", x0=0, x1=1, xref="paper", y0=y, y1=y, yref="y", line=dict(color=style.MUTED, width=1.2, dash="dash"))
    fig.add_annotation(x=0, xref="paper", y=y, yref="y", xanchor="left", yanchor="bottom", showarrow=False,
                       text=html.escape(label), font=dict(size=11, color=style.MUTED), name="muted")
    return fig


def _spread(positions: list[float], gap: float) -> list[float]:
    """Move sorted label positions (pixels, bottom up) apart until each is ``gap`` from the next."""
    order = sorted(range(len(positions)), key=lambda i: positions[i])
    placed = [positions[i] for i in order]
    for _ in range(50):
        moved = False
        for a in range(len(placed) - 1):
            overlap = gap - (placed[a + 1] - placed[a])
            if overlap > 0.01:
                placed[a] -= overlap / 2
                placed[a + 1] += overlap / 2
                moved = True
        if not moved:
            break
    out = [0.0] * len(positions)
    for rank, i in enumerate(order):
        out[i] = placed[rank]
    return out


def label_line_ends(fig: go.Figure, *, log_y: bool = False, y_floor: float | None = None) -> go.Figure:
    """Each line's name beside its last point, in its colour, nudged apart where they would touch."""
    ends = []
    for trace in fig.data:
        points = [(x, y) for x, y in zip(trace.x, trace.y, strict=True) if y is not None and y == y]
        if points and trace.name:
            ends.append((trace, *points[-1]))
    if not ends:
        return fig
    values = [float(y) for t in fig.data for y in t.y if y is not None and y == y]
    if y_floor is not None:
        values.append(y_floor)
    scale = (lambda v: math.log10(v)) if log_y else (lambda v: v)
    lo, hi = scale(min(values)), scale(max(values))
    height = int(fig.layout.height or style.HEIGHT) - style.MARGIN_TOP - style.MARGIN_BOTTOM
    px = [(scale(y) - lo) / ((hi - lo) or 1) * height for _, _, y in ends]
    lines = [wrap(t.name, LABEL_WIDTH).count("<br>") + 1 for t, _, _ in ends]
    placed = _spread(px, LINE_PX * max(lines) + 2)
    widest = 0
    for (trace, x, y), want, at in zip(ends, px, placed, strict=True):
        text = wrap(html.unescape(trace.name), LABEL_WIDTH)
        widest = max(widest, max(len(part) for part in html.unescape(text).split("<br>")))
        fig.add_annotation(x=x, y=math.log10(y) if log_y else y, xanchor="left", yanchor="middle", xshift=6, yshift=at - want,
                           showarrow=False, align="left", text=text, font=dict(size=12, color=trace.line.color))
    fig.update_layout(margin=dict(r=max(style.MARGIN_RIGHT, int(widest * 6.6) + 14)))
    return fig


# ---------------------------------------------------------------- builders

def _year_span(df: pd.DataFrame, x: str) -> pd.DataFrame:
    """Every calendar year from the first to the last, so a year without a figure is a gap."""
    span = pd.DataFrame({x: range(int(df[x].min()), int(df[x].max()) + 1)})
    return span.merge(df.drop_duplicates(x), on=x, how="left")


def lines(
    df: pd.DataFrame, *, x: str, series: Mapping[str, str], title: str, x_title: str | None, y_title: str,
    unit: str, subtitle: str | None = None, markers: bool = True, years: bool = True, log_y: bool = False,
    events: pd.DataFrame | None = None, reference: tuple[float, str] | None = None, colours: Mapping[str, str] | None = None,
) -> go.Figure:
    """One line per column in ``series`` (column → name), labelled at its end, with gaps where data are missing.

    With ``years``, every calendar year between the first and the last is on the axis: a year with no
    confirmed figure is a gap in the line, never bridged."""
    if years and len(df):
        df = _year_span(df, x)
    fig = go.Figure()
    for i, (col, label) in enumerate(series.items()):
        colour = (colours or {}).get(label) or _colour(label, i)
        fig.add_trace(
            go.Scatter(
                x=df[x], y=df[col], name=html.escape(label), mode="lines+markers" if markers else "lines",
                line=dict(color=colour, width=2.5), marker=dict(size=6), connectgaps=False,
                hovertemplate=f"%{{x}}: %{{y:,.2f}} {html.escape(unit)}<extra>{html.escape(label)}</extra>",
            )
        )
    _finish(fig, title=title, subtitle=subtitle, x_title=x_title, y_title=y_title)
    fig.update_yaxes(type="log") if log_y else fig.update_yaxes(rangemode="tozero")
    if years:
        style.year_axis(fig)
        if len(df):
            marks = [_decimal_year(d) for d in events["date"]] if events is not None and len(events) else []
            fig.update_xaxes(range=[min([float(df[x].min()), *marks]) - 0.6, max([float(df[x].max()), *marks]) + 0.6])
    if reference:
        add_reference(fig, *reference)
    add_events(fig, events, years=years)
    return label_line_ends(fig, log_y=log_y, y_floor=reference[0] if reference else None)


def mark_points(fig: go.Figure, df: pd.DataFrame, *, x: str, y: str, by: str, marks: Mapping[str, tuple[str, str]]) -> go.Figure:
    """Points of column ``y`` drawn in the symbol of their ``by`` value (how the US voted, say), with a key entry each."""
    meta = dict(fig.layout.meta or {})
    key = list(meta.get("key") or [])
    for value, (label, symbol) in marks.items():
        rows = df[df[by] == value]
        if rows.empty:
            continue
        fig.add_trace(go.Scatter(
            x=rows[x], y=rows[y], mode="markers", name=html.escape(label),
            marker=dict(symbol=symbol, size=11, color=style.INK, line=dict(width=2, color=style.INK)),
            hovertemplate=f"%{{x|%-d %b %Y}}: {html.escape(label)}<extra></extra>",
        ))
        key.append([html.escape(label), style.INK, symbol])
    meta["key"] = key
    fig.update_layout(meta=meta)
    return fig


def long_lines(
    df: pd.DataFrame, *, x: str, y: str, group: str, title: str, x_title: str | None, y_title: str, unit: str,
    subtitle: str | None = None, log_y: bool = False, events: pd.DataFrame | None = None, markers: bool = False,
) -> go.Figure:
    """One line per value of ``group`` in a tidy table."""
    wide = df.pivot_table(index=x, columns=group, values=y).reset_index()
    groups = list(dict.fromkeys(df[group]))
    return lines(wide, x=x, series={g: g for g in groups}, title=title, x_title=x_title, y_title=y_title, unit=unit,
                 subtitle=subtitle, markers=markers, log_y=log_y, events=events)


def bars(
    df: pd.DataFrame, *, x: str, y: str | Mapping[str, str], title: str, x_title: str | None, y_title: str | None, unit: str,
    subtitle: str | None = None, horizontal: bool = False, stacked: bool = False, text_format: str = ",.1f",
    colours: list[str] | None = None, reference: tuple[float, str] | None = None, height: int | None = None,
) -> go.Figure:
    """Bars of one or several numeric columns against a category or year column; several series get a key."""
    series = {y: y} if isinstance(y, str) else dict(y)
    numeric_x = pd.api.types.is_numeric_dtype(df[x])
    if numeric_x and not horizontal:
        df = _year_span(df, x)          # a missing year is an empty slot, not a closed-up axis
    cats = df[x] if numeric_x else esc(df[x].astype(str))
    if horizontal and not numeric_x:
        cats = [wrap(v, 16) for v in df[x]]     # category names wrap, so the bars keep the width of a phone
    fig = go.Figure()
    key = []
    for i, (col, label) in enumerate(series.items()):
        colour = colours[i] if colours else _colour(label, i)
        key.append((html.escape(label), colour, "square"))
        xy = dict(y=cats, x=df[col]) if horizontal else dict(x=cats, y=df[col])
        fig.add_trace(
            go.Bar(
                **xy, name=html.escape(label), marker_color=colour, orientation="h" if horizontal else "v",
                texttemplate=f"%{{{'x' if horizontal else 'y'}:{text_format}}}", textposition="auto",
                textfont=dict(size=11), cliponaxis=False,
                hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: %{{{'x' if horizontal else 'y'}:{text_format}}} "
                f"{html.escape(unit)}<extra>{html.escape(label)}</extra>",
            )
        )
    fig.update_layout(barmode="stack" if stacked else "group", uniformtext=dict(minsize=9, mode="hide"))
    if height:
        fig.update_layout(height=height)
    _finish(fig, title=title, subtitle=subtitle, x_title=x_title, y_title=y_title, key=key if len(series) > 1 else ())
    if horizontal:
        fig.update_yaxes(autorange="reversed", tickformat=None, type="category")
        fig.update_xaxes(showgrid=True, gridcolor=style.GRID)
    elif numeric_x:
        style.year_axis(fig)
    else:
        # Text categories stay categories, even when they look like numbers ("2013"): never a 2,021.5 tick.
        fig.update_xaxes(type="category", tickformat=None)
    if reference:
        add_reference(fig, *reference)
    return fig


def dots(
    df: pd.DataFrame, *, x: str, label: str, colour: str, categories: Sequence[str], colours: Mapping[str, str],
    title: str, subtitle: str | None = None, names: Mapping[str, str] | None = None,
) -> go.Figure:
    """A unit chart: one labelled dot per row, stacked in the column of its ``x`` category and coloured
    by ``colour`` (with a key), so each item can be read and counted."""
    fig = go.Figure()
    order = {c: i for i, c in enumerate(categories)}
    rows = df.assign(_col=df[x].map(order)).sort_values(["_col", colour, label])
    rows["_row"] = rows.groupby("_col").cumcount()
    symbols = ["circle", "diamond", "square", "triangle-up"]
    key = []
    for i, (kind, hue) in enumerate(colours.items()):
        mine = rows[rows[colour] == kind]
        if mine.empty:
            continue
        fig.add_trace(go.Scatter(
            x=mine["_col"], y=mine["_row"], mode="markers+text", name=html.escape(kind), text=esc(mine[label]),
            textposition="middle right", textfont=dict(size=11, color=style.INK), cliponaxis=False,
            marker=dict(size=14, color=hue, symbol=symbols[i % len(symbols)], line=dict(width=1, color="white")),
            hovertemplate="%{text}<extra>" + html.escape(kind) + "</extra>",
        ))
        key.append((html.escape((names or {}).get(kind, kind)), hue, symbols[i % len(symbols)]))
    tallest = int(rows["_row"].max()) + 1 if len(rows) else 1
    fig.update_layout(height=max(260, 26 * tallest + style.MARGIN_TOP + 80))
    _finish(fig, title=title, subtitle=subtitle, x_title=None, y_title=None, key=key)
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(categories))), ticktext=[wrap(c, 9) for c in categories],
                     range=[-0.5, len(categories) - 0.3], tickformat=None, showgrid=False, zeroline=False, tickangle=0, fixedrange=True)
    fig.update_yaxes(visible=False, range=[-0.8, tallest], fixedrange=True)
    fig.update_layout(margin=dict(l=10, r=10))
    return fig


def dumbbell(
    df: pd.DataFrame, *, group: str, x: str, period: str, first, last, title: str, unit: str, subtitle: str | None = None,
    names: Mapping | None = None, references: Sequence[tuple[float, str]] = (), highlight: Sequence[str] = (),
) -> go.Figure:
    """One row per ``group``, sorted by its ``last`` value: a hollow dot at ``first``, a filled one at
    ``last`` and a bar between, so both the level and the change read at a glance, on a phone too."""
    wide = df.pivot_table(index=group, columns=period, values=x).dropna(subset=[first, last]).sort_values(last)
    labels = [f"<b>{html.escape(g)}</b>" if g in highlight else html.escape(g) for g in wide.index]
    fig = go.Figure()
    for g, label in zip(wide.index, labels, strict=True):
        fig.add_trace(go.Scatter(x=[wide.loc[g, first], wide.loc[g, last]], y=[label, label], mode="lines",
                                 line=dict(color=style.GRID_STRONG, width=3), hoverinfo="skip", showlegend=False))
    ends = [(first, "circle-open", style.MUTED), (last, "circle", style.PALETTE[0])]
    key = []
    for when, symbol, colour in ends:
        name = html.escape(str((names or {}).get(when, when)))
        fig.add_trace(go.Scatter(x=wide[when], y=labels, mode="markers", name=name,
                                 marker=dict(symbol=symbol, size=9, color=colour, line=dict(width=2, color=colour)),
                                 hovertemplate=f"%{{y}}: %{{x:.2f}}{html.escape(unit)}<extra>{name}</extra>"))
        key.append((name, colour, symbol))
    fig.update_layout(height=17 * len(wide) + style.MARGIN_TOP + style.MARGIN_BOTTOM + 10)
    _finish(fig, title=title, subtitle=subtitle, x_title=None, y_title=None, key=key)
    fig.update_yaxes(type="category", tickformat=None, tickfont=dict(size=11), showgrid=False)
    fig.update_xaxes(showgrid=True, gridcolor=style.GRID, rangemode="tozero", ticksuffix=unit)
    for i, (value, label) in enumerate(references):
        # Labels under the axis, one line each, stepped down so neighbours never touch.
        fig.add_shape(type="line", x0=value, x1=value, xref="x", y0=0, y1=1, yref="paper", line=dict(color=style.MUTED, width=1.2, dash="dash"))
        right = value > float(wide[[first, last]].max().max()) / 2
        fig.add_annotation(x=value, xref="x", y=0, yref="paper", yanchor="top", xanchor="right" if right else "left",
                           xshift=4 if right else -4, yshift=-24 - 16 * i, showarrow=False,
                           text=f"{html.escape(label)} ↑" if right else f"↑ {html.escape(label)}",
                           font=dict(size=11, color=style.MUTED), name="muted")
    fig.update_layout(margin=dict(l=10, r=14, b=style.MARGIN_BOTTOM + 16 * len(references)))
    return fig


def step(
    df: pd.DataFrame, *, x: str, y: str, label: str, title: str, x_title: str | None, y_title: str, unit: str,
    subtitle: str | None = None, until: int | None = None,
) -> go.Figure:
    """A count over time as a step line; each rise marked and labelled from the ``label`` column."""
    xs, ys = list(df[x]), list(df[y])
    if until and until > xs[-1]:
        xs, ys = [*xs, until], [*ys, ys[-1]]
    fig = go.Figure(go.Scatter(x=xs, y=ys, mode="lines", line=dict(shape="hv", color=style.PALETTE[0], width=2.5),
                               hovertemplate=f"%{{x}}: %{{y}} {html.escape(unit)}<extra></extra>", name=""))
    marked = df[df[label].notna() & (df[label] != "")]
    fig.add_trace(go.Scatter(
        x=marked[x], y=marked[y], mode="markers+text", marker=dict(size=7, color=style.PALETTE[0]),
        text=[wrap(t, 14) for t in marked[label]], textposition=["top right"] + ["top left"] * (len(marked) - 1),
        textfont=dict(size=11, color=style.INK),
        hovertemplate=f"%{{x}}: %{{y}} {html.escape(unit)}<extra></extra>", name="", cliponaxis=False,
    ))
    _finish(fig, title=title, subtitle=subtitle, x_title=x_title, y_title=y_title)
    fig.update_yaxes(rangemode="tozero")
    style.year_axis(fig)
    return fig.update_xaxes(range=[xs[0] - 2, xs[-1] + 2])


def slope(
    df: pd.DataFrame, *, x: str, y: str, group: str, title: str, y_title: str, unit: str, subtitle: str | None = None,
    value_format: str = "{:.0f}",
) -> go.Figure:
    """Two-point comparisons: one line per ``group`` from the first ``x`` to the last, values at both ends."""
    points = sorted(df[x].unique())
    fig = go.Figure()
    for i, (name, rows) in enumerate(df.groupby(group, sort=False)):
        rows = rows.set_index(x).reindex(points)
        colour = _colour(name, i)
        cats = [str(p) for p in points]
        values = [value_format.format(v) + unit for v in rows[y]]
        # The name and value at the left end, the value and name at the right: no legend needed.
        text = [f"{html.escape(name)} {v}" if j == 0 else f"{v} {html.escape(name)}" for j, v in enumerate(values)]
        fig.add_trace(go.Scatter(
            x=cats, y=rows[y], mode="lines+markers+text", name=html.escape(name), line=dict(color=colour, width=3),
            marker=dict(size=9), text=text,
            textposition=["middle left"] + ["middle right"] * (len(points) - 1), textfont=dict(size=13, color=colour),
            hovertemplate=f"%{{x}}: %{{y}}{html.escape(unit)}<extra>{html.escape(name)}</extra>", cliponaxis=False,
        ))
    _finish(fig, title=title, subtitle=subtitle, x_title=None, y_title=y_title)
    fig.update_xaxes(type="category", tickformat=None)
    fig.update_yaxes(rangemode="tozero", showticklabels=False, showgrid=False, title_text=None)
    fig.update_layout(margin=dict(l=110, r=110))
    return fig


def small_multiples(
    df: pd.DataFrame, *, x: str, y: str, group: str, title: str, unit: str, subtitle: str | None = None,
    panel_height: int = 170, events: pd.DataFrame | None = None, value_format: str = ",.0f",
) -> go.Figure:
    """One panel per value of ``group``, stacked, each on its own scale, with the latest value at the end."""
    groups = list(dict.fromkeys(df[group]))
    fig = make_subplots(rows=len(groups), cols=1, shared_xaxes=True, vertical_spacing=0.12,
                        subplot_titles=[html.escape(g) for g in groups])
    for i, name in enumerate(groups, start=1):
        rows = _year_span(df[df[group] == name][[x, y]], x)
        colour = _colour(name, i - 1)
        fig.add_trace(go.Scatter(x=rows[x], y=rows[y], mode="lines+markers", line=dict(color=colour, width=2.5), marker=dict(size=5),
                                 connectgaps=False, name=html.escape(name),
                                 hovertemplate=f"%{{x}}: %{{y:{value_format}}} {html.escape(unit)}<extra>{html.escape(name)}</extra>"),
                      row=i, col=1)
        last = rows.dropna().iloc[-1]
        fig.add_annotation(x=last[x], y=last[y], xref=f"x{i if i > 1 else ''}", yref=f"y{i if i > 1 else ''}", xanchor="left", xshift=6,
                           showarrow=False, text=f"{last[y]:{value_format}}", font=dict(size=12, color=colour))
        fig.update_yaxes(rangemode="tozero", row=i, col=1)
    for ann in fig.layout.annotations:          # panel titles: left-aligned, like the chart's own title
        if ann.text in [html.escape(g) for g in groups]:
            ann.update(x=0, xanchor="left", font=dict(size=13, color=style.INK))
    fig.update_layout(height=panel_height * len(groups) + style.MARGIN_TOP + 22 + style.MARGIN_BOTTOM)
    _finish(fig, title=title, subtitle=subtitle, x_title=None, y_title=None)
    style.year_axis(fig)
    fig.update_xaxes(showticklabels=True)
    # Panel titles sit above their panels: the first one goes below the mode bar's strip.
    fig.update_layout(margin=dict(r=60, t=style.MARGIN_TOP + 22))
    if events is not None and len(events):
        # Panels are short: the rules carry no text; the subtitle names them.
        for day in events["date"]:
            fig.add_vline(x=_decimal_year(day), line=dict(color=style.MUTED, width=1, dash="dot"))
        named = "; ".join(f"{day:%b %Y}, {label}" for day, label in zip(events["date"], events["label"], strict=True))
        fig.update_layout(meta={**fig.layout.meta, "subtitle": f"{fig.layout.meta['subtitle']}. Dotted lines: {named}"})
    return fig


def timeline(
    df: pd.DataFrame, *, date: str, label: str, lane: str, lanes: Mapping[str, str], title: str, subtitle: str | None = None,
    end: str | None = None, phase: str | None = None, phases: Mapping[str, str] | None = None,
) -> go.Figure:
    """A labelled timeline: one row per event, newest last, its date and label printed beside a marker
    whose colour and shape give its lane; with ``phase``, consecutive events of a phase sit in a shaded
    band headed by the phase's name and years. Readable on a phone and on paper, without hovering."""
    rows = df.sort_values(date).reset_index(drop=True)
    symbols = ["circle", "diamond", "square", "triangle-up", "star"]
    lane_style = {k: (style.PALETTE[i % len(style.PALETTE)], symbols[i % len(symbols)]) for i, k in enumerate(lanes)}
    y, entries, bands = 0.0, [], []
    current = None
    for r in rows.itertuples():
        if phase and getattr(r, phase) != current:
            current = getattr(r, phase)
            block = rows[rows[phase] == current]
            years = f"{block[date].min():%Y}" + (f"–{block[date].max():%Y}" if block[date].max().year != block[date].min().year else "")
            bands.append({"name": (phases or {}).get(current, current), "years": years, "top": y})
            y += 1.0
        start, stop = getattr(r, date), getattr(r, end) if end else None
        when = f"{start:%-d %b %Y}" if stop is None or pd.isna(stop) else (
            f"{start:%-d}–{stop:%-d %b %Y}" if (start.month, start.year) == (stop.month, stop.year) else f"{start:%-d %b} – {stop:%-d %b %Y}")
        text = wrap(f"{when} · {getattr(r, label)}", TIMELINE_WRAP).replace(html.escape(when), f"<b>{html.escape(when)}</b>", 1)
        height = text.count("<br>") + 1
        entries.append({"y": y + (height - 1) / 2, "text": text, "lane": getattr(r, lane), "hover": html.escape(str(getattr(r, label)))})
        y += height
        if bands:
            bands[-1]["bottom"] = y
    fig = go.Figure()
    for key, lane_label in lanes.items():
        mine = [e for e in entries if e["lane"] == key]
        if not mine:
            continue
        colour, symbol = lane_style[key]
        fig.add_trace(go.Scatter(
            x=[0.03] * len(mine), y=[e["y"] for e in mine], mode="markers", name=html.escape(lane_label),
            marker=dict(size=11, color=colour, symbol=symbol, line=dict(width=1, color="white")),
            text=[e["hover"] for e in mine], hovertemplate=f"%{{text}}<extra>{html.escape(lane_label)}</extra>",
        ))
    fig.add_trace(go.Scatter(
        x=[0.07] * len(entries), y=[e["y"] for e in entries], mode="text", text=[e["text"] for e in entries],
        textposition="middle right", textfont=dict(size=12, color=style.INK), hoverinfo="skip", name="", cliponaxis=False,
    ))
    for i, band in enumerate(bands):
        fig.add_shape(type="rect", xref="paper", x0=0, x1=1, y0=band["top"] - 0.5, y1=band["bottom"] - 0.5,
                      fillcolor=style.BAND if i % 2 == 0 else "rgba(0,0,0,0)", line=dict(width=0), layer="below")
        fig.add_annotation(x=0, xref="paper", y=band["top"], xanchor="left", showarrow=False,
                           text=f"<b>{html.escape(band['name'])}</b>, {band['years']}", font=dict(size=12, color=style.MUTED), name="muted")
    present = [k for k in lanes if any(e["lane"] == k for e in entries)]
    key = [(html.escape(lanes[k]), *lane_style[k]) for k in present] if len(present) > 1 else []
    fig.update_layout(height=int(y * 21) + style.MARGIN_TOP + 20)
    _finish(fig, title=title, subtitle=subtitle, x_title=None, y_title=None, key=key)
    fig.update_xaxes(visible=False, range=[0, 1], fixedrange=True)
    fig.update_yaxes(visible=False, range=[y - 0.5, -0.6], fixedrange=True)
    fig.update_layout(margin=dict(l=8, r=8, t=style.MARGIN_TOP, b=10), hovermode="closest", meta={**fig.layout.meta, "timeline": True})
    return fig
