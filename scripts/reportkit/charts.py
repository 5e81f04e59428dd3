"""House chart builders. Chapters pass data and words; style lives here and in ``style``.

Text that comes from CSV files (labels, categories, hover text) is HTML-escaped here, because
Plotly interprets a subset of HTML in text: a cell holding ``<script>`` shows as text.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from reportkit import style


def esc(values) -> list[str]:
    """HTML-escape text values for use in Plotly labels and hover text."""
    return [html.escape(str(v)) for v in values]


def _colour(key: str, i: int) -> str:
    return style.ACTOR_COLOURS.get(key, style.PALETTE[i % len(style.PALETTE)])


def lines(
    df: pd.DataFrame, *, x: str, series: Mapping[str, str], title: str, x_title: str, y_title: str,
    unit: str, markers: bool = True, years: bool = True,
) -> go.Figure:
    """One line per column in ``series`` (column → legend name), with gaps where data are missing.

    With ``years``, every calendar year between the first and the last is on the axis: a year with no
    confirmed figure is a gap in the line, never bridged."""
    if years and len(df):
        span = pd.DataFrame({x: range(int(df[x].min()), int(df[x].max()) + 1)})
        df = span.merge(df.drop_duplicates(x), on=x, how="left")
    fig = go.Figure()
    for i, (col, label) in enumerate(series.items()):
        fig.add_trace(
            go.Scatter(
                x=df[x], y=df[col], name=html.escape(label), mode="lines+markers" if markers else "lines",
                line=dict(color=_colour(label, i), width=2.5), connectgaps=False,
                hovertemplate=f"%{{x}}: %{{y:,.1f}} {html.escape(unit)}<extra>{html.escape(label)}</extra>",
            )
        )
    style.apply(fig, title=title, x_title=x_title, y_title=y_title)
    return style.year_axis(fig) if years else fig


def long_lines(
    df: pd.DataFrame, *, x: str, y: str, group: str, title: str, x_title: str, y_title: str, unit: str,
    log_y: bool = False,
) -> go.Figure:
    """One line per value of ``group`` in a tidy table."""
    wide = df.pivot_table(index=x, columns=group, values=y).reset_index()
    groups = list(dict.fromkeys(df[group]))
    fig = lines(wide, x=x, series={g: g for g in groups}, title=title, x_title=x_title, y_title=y_title, unit=unit, markers=False)
    if log_y:
        fig.update_yaxes(type="log")
    return fig


def bars(
    df: pd.DataFrame, *, x: str, y: str | Mapping[str, str], title: str, x_title: str, y_title: str, unit: str,
    horizontal: bool = False, stacked: bool = False, text_format: str = ",.1f", colours: list[str] | None = None,
) -> go.Figure:
    """Bars of one or several numeric columns against a category or year column."""
    series = {y: y} if isinstance(y, str) else dict(y)
    cats = df[x].astype(str) if not pd.api.types.is_numeric_dtype(df[x]) else df[x]
    cats = esc(cats) if not pd.api.types.is_numeric_dtype(df[x]) else cats
    fig = go.Figure()
    for i, (col, label) in enumerate(series.items()):
        colour = colours[i] if colours else _colour(label, i)
        xy = dict(y=cats, x=df[col]) if horizontal else dict(x=cats, y=df[col])
        fig.add_trace(
            go.Bar(
                **xy, name=html.escape(label), marker_color=colour, orientation="h" if horizontal else "v",
                texttemplate=f"%{{{'x' if horizontal else 'y'}:{text_format}}}", textposition="auto",
                hovertemplate=f"%{{{'y' if horizontal else 'x'}}}: %{{{'x' if horizontal else 'y'}:{text_format}}} "
                f"{html.escape(unit)}<extra>{html.escape(label)}</extra>",
            )
        )
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=len(series) > 1)
    style.apply(fig, title=title, x_title=x_title, y_title=y_title)
    if horizontal:
        fig.update_yaxes(autorange="reversed", tickformat=None, type="category")
        fig.update_xaxes(showgrid=True, gridcolor="#e5e5e5")
    elif pd.api.types.is_numeric_dtype(df[x]):
        style.year_axis(fig)
    else:
        # Text categories stay categories, even when they look like numbers ("2013"): never a 2,021.5 tick.
        fig.update_xaxes(type="category", tickformat=None)
    return fig


def timeline(
    df: pd.DataFrame, *, date: str, label: str, lane: str, lanes: Mapping[str, str], title: str,
    end: str | None = None, height: int = 420,
) -> go.Figure:
    """Dated events as markers in labelled lanes; multi-day events as bars from start to end."""
    fig = go.Figure()
    for i, (key, lane_label) in enumerate(lanes.items()):
        rows = df[df[lane] == key]
        if rows.empty:
            continue
        colour = style.PALETTE[i % len(style.PALETTE)]
        hover = [
            f"{s:%d %b %Y}" + (f" – {e:%d %b %Y}" if end and pd.notna(e) else "") + f"<br>{t}"
            for s, e, t in zip(rows[date], rows[end] if end else rows[date], esc(rows[label]), strict=True)
        ]
        fig.add_trace(
            go.Scatter(
                x=rows[date], y=[html.escape(lane_label)] * len(rows), mode="markers", name=html.escape(lane_label),
                marker=dict(size=13, color=colour, symbol="diamond", line=dict(width=1, color="white")),
                text=hover, hovertemplate="%{text}<extra></extra>",
            )
        )
    fig.update_layout(height=height, showlegend=False)
    style.apply(fig, title=title, x_title="Date", y_title=None)
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=[html.escape(v) for v in reversed(list(lanes.values()))], tickformat=None)
    fig.update_xaxes(showgrid=True, gridcolor="#eee")
    return fig
