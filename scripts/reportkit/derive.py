"""Derived tables the charts draw: ratios, steps and totals computed from the loaded rows.

Chapters call these instead of reshaping data themselves, so every derived number has one
definition, and the rows each table comes from stay the rows a chart's source line cites.
"""

from __future__ import annotations

import pandas as pd


def ratio(df: pd.DataFrame, *, index: str, column: str, value: str, numerator: str, denominator: str) -> pd.DataFrame:
    """``numerator`` ÷ ``denominator`` for each ``index`` value where both have a figure (column ``ratio``)."""
    wide = df.pivot_table(index=index, columns=column, values=value)
    out = (wide[numerator] / wide[denominator]).dropna().rename("ratio").reset_index()
    return out


def first_year_above(table: pd.DataFrame, *, x: str = "year", y: str = "ratio", level: float = 1.0) -> int | None:
    """The first ``x`` from which ``y`` stays above ``level`` (the year China's economy passed Russia's for good)."""
    below = table[table[y] <= level]
    later = table[table[x] > (below[x].max() if len(below) else table[x].min() - 1)]
    return int(later[x].min()) if len(later) else None


def accession_steps(members: pd.DataFrame, *, date: str = "accession_date", close: int = 2) -> pd.DataFrame:
    """Members by year of accession: ``joined``, the running total ``members`` and a ``label`` per wave.

    Accessions ``close`` years or less apart form one wave, labelled once on its last year ("+2");
    the founders are labelled with their number, and single accessions are left unlabelled, so labels
    never crowd on a phone. Every year and state stays in the data table."""
    per_year = members.assign(year=members[date].dt.year).groupby("year").size().rename("joined").reset_index()
    per_year["members"] = per_year["joined"].cumsum()
    wave = (per_year["year"].diff().fillna(close + 1) > close).cumsum()
    last_of_wave = wave != wave.shift(-1)
    size = per_year.groupby(wave)["joined"].transform("sum")
    labels = [
        str(n) if i == 0 else (f"+{total}" if last and total >= 2 else "")
        for i, (n, total, last) in enumerate(zip(per_year["joined"], size, last_of_wave, strict=True))
    ]
    return per_year.assign(label=labels)


def eu_trade_total(eu: pd.DataFrame) -> pd.DataFrame:
    """EU–Russia goods trade per year: exports plus imports, or the published total where only that is given."""
    summed = eu["eu_exports_eur_bn"] + eu["eu_imports_eur_bn"]
    return eu.assign(trade_eur_bn=summed.fillna(eu["total_eur_bn"]))


def counts(df: pd.DataFrame, *, rows: str, columns: str) -> pd.DataFrame:
    """How many records fall in each (``rows``, ``columns``) pair: one column per ``columns`` value, largest rows first."""
    table = df.groupby([rows, columns]).size().unstack(fill_value=0)
    return table.loc[table.sum(axis=1).sort_values(ascending=False).index].reset_index()


def panels(series: dict[str, pd.Series]) -> pd.DataFrame:
    """A tidy table (``panel``, ``year``, ``value``) from year-indexed series, one panel each, for small multiples."""
    return pd.concat(
        [pd.DataFrame({"panel": name, "year": s.index.astype(int), "value": s.to_numpy(dtype=float)}) for name, s in series.items()],
        ignore_index=True,
    )
