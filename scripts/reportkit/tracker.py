"""The indicator tracker: for each sign of a Sino-Russian rift, its threshold, latest value, the value
the previous edition showed, and a status computed from the data (no signal, watch, signal).

Thresholds are the authors' judgments, written down before the figures are read, so that the data
decide the status. Each indicator reads one table through ``load`` and the previous edition's copy
of it through ``reportkit.history``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from reportkit import history
from reportkit.data import load

NO_SIGNAL, WATCH, SIGNAL = "no signal", "watch", "signal"


@dataclass(frozen=True)
class Reading:
    value: str       # the latest value, with its unit
    when: str        # the period it covers
    release: str     # the document it comes from
    status: str
    grade: str


@dataclass(frozen=True)
class Indicator:
    name: str
    threshold: str                       # what would count as watch / signal, in words
    read: Callable[[], Reading]
    before: Callable[[], str]            # the value the previous edition showed


def _change_status(series: pd.Series, signal_drop: float) -> str:
    """Signal if the last value fell by more than ``signal_drop`` (a share) on the one before, watch if it fell at all."""
    if len(series) < 2:
        return NO_SIGNAL
    change = series.iloc[-1] / series.iloc[-2] - 1
    return SIGNAL if change <= -signal_drop else WATCH if change < 0 else NO_SIGNAL


def _old_value(table: str, key: dict, column: str, unit: str) -> str:
    old = history.old_table(table)
    if old is None:
        return "not in the previous edition"
    for col, value in key.items():
        if col not in old.columns:
            return "not in the previous edition"
        old = old[old[col] == value]
    if old.empty:
        return "not in the previous edition"
    row = old.loc[old["year"].astype(int).idxmax()] if "year" in old.columns else old.iloc[-1]
    when = f" ({row['year']})" if "year" in old.columns else ""
    return f"{float(row[column]):,.1f} {unit}{when}"


def _trade() -> Reading:
    rows = load("china_russia_trade", period="full year")
    series = rows.set_index("year")["total_usd_bn"]
    last = rows.iloc[-1]
    change = 100 * (series.iloc[-1] / series.iloc[-2] - 1)
    return Reading(f"{last['total_usd_bn']:.1f} bn USD ({change:+.1f}% on the year before)", str(last["year"]), last["document"],
                   _change_status(series, 0.15), last["grade"])


def _gas() -> Reading:
    rows = load("energy_ties", series="power_of_siberia_gas")
    series = rows.set_index("year")["value"]
    last = rows.iloc[-1]
    return Reading(f"{last['value']:.1f} bcm", str(last["year"]), last["document"], _change_status(series, 0.10), last["grade"])


def _share(rows: pd.DataFrame, column: str, floor: float, fall: float, text: str) -> Reading:
    """A share in per cent: signal below ``floor``, watch when it fell by ``fall`` points or more in a year."""
    series = rows.set_index("year")[column]
    last = rows.iloc[-1]
    drop = series.iloc[-2] - series.iloc[-1] if len(series) > 1 else 0
    status = SIGNAL if last[column] < floor else WATCH if drop >= fall else NO_SIGNAL
    return Reading(text.format(last[column]), str(last["year"]), last["document"], status, last["grade"])


def _crude_share() -> Reading:
    return _share(load("energy_ties", series="russia_share_of_china_crude_imports_pct"), "value", 12, 2, "{:.1f}% (derived)")


def _export_share() -> Reading:
    return _share(load("russia_partner_shares", partner="China", flow="exports"), "share_pct", 20, 3,
                  "about {:.0f}% of Russia's exports")


def _china_vote() -> Reading:
    rows = load("unga_ukraine_votes", scope="broad")
    last = rows.iloc[-1]
    apart = last["china_vote"] == "yes" and last["russia_vote"] == "no"
    return Reading(f"China {last['china_vote']}, Russia {last['russia_vote']} on {last['resolution']}", f"{last['date']:%b %Y}",
                   last["document"], SIGNAL if apart else NO_SIGNAL, last["grade"])


def _summits() -> Reading:
    rows = load("chronology_2025_2026", lane="russia_china")
    last = rows["date"].max()
    year = int(last.year) if last.month == 12 else int(last.year) - 1   # the last calendar year the chronology covers whole
    met = rows[(rows["date"].dt.year == year) & rows["label"].str.contains("Xi|Putin")]
    status = SIGNAL if met.empty else NO_SIGNAL
    return Reading(f"{len(met)} leaders' meetings, visits or calls", str(year), "the chronology of this report (one page cited per event)",
                   status, max(met["grade"]) if len(met) else "B")


def _eu_trade() -> Reading:
    rows = load("eu_russia_trade").dropna(subset=["total_eur_bn"])
    full = rows[rows["period"] == "full year"]
    last = rows.iloc[-1]
    rebound = len(full) > 1 and full["total_eur_bn"].iloc[-1] > 1.25 * full["total_eur_bn"].iloc[-2]
    period = str(last["year"]) if last["period"] == "full year" else f"{last['period'].replace('-', '–')} {last['year']}"
    return Reading(f"{last['total_eur_bn']:.1f} bn EUR", period, last["document"], SIGNAL if rebound else NO_SIGNAL, last["grade"])


INDICATORS = [
    Indicator("China–Russia trade", "signal: a fall of more than 15% in a year not explained by prices; watch: any fall", _trade,
              lambda: _old_value("china_russia_trade", {}, "total_usd_bn", "bn USD")),
    Indicator("Gas through Power of Siberia", "signal: a fall of more than 10% in a year; watch: any fall", _gas,
              lambda: _old_value("energy_ties", {"series": "power_of_siberia_gas"}, "value", "bcm")),
    Indicator("Russia's share of China's crude imports", "signal: below 12%; watch: down 2 points or more in a year", _crude_share,
              lambda: "not in the previous edition"),
    Indicator("China's share of Russia's exports", "signal: below 20%; watch: down 3 points or more in a year", _export_share,
              lambda: "not in the previous edition"),
    Indicator("China and Russia at the UN", "signal: China votes for a broad Ukraine resolution that Russia opposes", _china_vote,
              lambda: "China abstain, Russia no on ES-11/7 (Feb 2025)" if history.old_table("unga_ukraine_votes") is not None
              else "not in the previous edition"),
    Indicator("Putin–Xi contacts", "signal: a calendar year without a meeting or call", _summits,
              lambda: "not in the previous edition"),
    Indicator("EU–Russia trade", "signal: a rise of more than 25% in a year (sanctions relief)", _eu_trade,
              lambda: _old_value("eu_russia_trade", {}, "total_eur_bn", "bn EUR")),
]


def readings() -> pd.DataFrame:
    """One row per indicator: name, threshold, latest value, period, release, grade, previous edition's value, status."""
    rows = []
    for ind in INDICATORS:
        r = ind.read()
        rows.append({"indicator": ind.name, "threshold": ind.threshold, "latest": r.value, "period": r.when,
                     "release": r.release, "grade": r.grade, "before": ind.before(), "status": r.status})
    return pd.DataFrame(rows)


def markdown(table: pd.DataFrame) -> str:
    """The tracker as a Markdown table for the assessment chapter."""
    def cell(text) -> str:
        return str(text).replace("|", "/").replace("\n", " ")

    lines = ["| Indicator | Rift threshold | Latest (period; release; grade) | Previous edition | Status |", "|---|---|---|---|---|"]
    lines += [f"| {cell(r.indicator)} | {cell(r.threshold)} | {cell(r.latest)} ({cell(r.period)}; {cell(r.release)}; {r.grade}) | "
              f"{cell(r.before)} | **{r.status}** |" for r in table.itertuples()]
    return "\n".join(lines)
