"""reportkit: the small kit every chapter of the report uses.

- ``load(name)``: a data resource from ``data/datapackage.json`` as a typed DataFrame;
- ``charts``: the house chart builders (``lines``, ``bars``, ``timeline``);
- ``show(fig, ...)``: one call that displays a figure for the web, JupyterLab and the PDF.

Imports are lazy so that data validation runs without loading Plotly.
"""

__all__ = ["load", "resource", "show"]


def __getattr__(name):
    if name in ("load", "resource"):
        from reportkit import data

        return getattr(data, name)
    if name == "show":
        from reportkit.figures import show

        return show
    raise AttributeError(name)
