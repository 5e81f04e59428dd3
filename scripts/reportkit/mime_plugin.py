"""MyST-NB mime renderer for Plotly's JSON output.

``show()`` puts ``application/vnd.plotly.v1+json`` in each chart's bundle so that JupyterLab draws
the chart natively. The book draws the same chart from the bundle's ``text/html`` (web) or
``application/pdf`` (PDF), so in the book this mime type renders to nothing: a deliberate renderer,
registered through MyST-NB's plugin entry point, rather than a silenced warning.
"""

from __future__ import annotations

PLOTLY_MIME = "application/vnd.plotly.v1+json"


class PlotlyJsonForJupyterLab:
    # Lowest precedence, so the book always prefers text/html or application/pdf.
    mime_priority_overrides = [("*", PLOTLY_MIME, 1000)]

    @staticmethod
    def handle_mime(renderer, data, inline):
        return [] if data.mime_type == PLOTLY_MIME else None
