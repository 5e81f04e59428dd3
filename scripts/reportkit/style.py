"""The house chart style: one Plotly template, a colour-blind-safe palette, sizes and fonts."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

# Okabe–Ito palette: distinguishable with the common forms of colour blindness.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
# Fixed colours for actors, so a country keeps its colour in every chart.
ACTOR_COLOURS = {
    "United States": "#0072B2",
    "China": "#D55E00",
    "Russia": "#009E73",
    "USSR (former territory)": "#009E73",
    "EU": "#CC79A7",
}
FONT = "Helvetica, Arial, sans-serif"
WIDTH, HEIGHT = 760, 420
PRINT_WIDTH = 600   # px: a chart image this wide fills the A4 text block with its text at about 9 pt
INK, MUTED, GRID, BAND = "#222222", "#595959", "#e5e5e5", "rgba(0,0,0,0.045)"
GRID_STRONG = "#c8c8c8"
# The top margin is the mode bar's strip: nothing else is drawn there on the web.
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_RIGHT = 34, 50, 20
TEMPLATE_NAME = "reverse_kissinger"

TEMPLATE = go.layout.Template(
    layout=dict(
        font=dict(family=FONT, size=13, color=INK),
        title=dict(font=dict(size=16), x=0, xanchor="left", y=0.97),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=60, r=MARGIN_RIGHT, t=MARGIN_TOP, b=MARGIN_BOTTOM),
        hovermode="closest",
        hoverlabel=dict(font=dict(family=FONT, size=12)),
        legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title=None),
        separators=".,",
        xaxis=dict(showgrid=False, linecolor="#888", ticks="outside", tickcolor="#888", automargin=True),
        yaxis=dict(gridcolor=GRID, zeroline=False, automargin=True, tickformat=",~r"),
    )
)
pio.templates[TEMPLATE_NAME] = TEMPLATE


def apply(fig: go.Figure, *, title: str, x_title: str | None = None, y_title: str | None = None) -> go.Figure:
    """Give ``fig`` the house template, a finding as its title and axis titles with units."""
    fig.update_layout(template=TEMPLATE_NAME, title_text=title)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def year_axis(fig: go.Figure) -> go.Figure:
    """Years as whole numbers, each labelled once: ticks every 1, 2, 5 or 10 years by the span drawn."""
    years = [float(x) for trace in fig.data for x in (trace.x if trace.x is not None else []) if x is not None]
    span = max(years) - min(years) if years else 0
    step = next((s for limit, s in ((12, 1), (24, 2), (60, 5)) if span <= limit), 10)
    return fig.update_xaxes(tickformat="d", tick0=0, dtick=step, type="linear")
