"""Rebuild data/gdp_power.csv from the public source files in ../shared/data.

Two measures, never to be mixed in one chart:
- maddison_2010: GDP in million 1990 Geary-Khamis dollars (Maddison Project, 2010 release);
- world_bank_current: GDP in current US dollars (World Bank, NY.GDP.MKTP.CD), converted to billions.
Rows of other measures (world_bank_ppp, curated by hand from the page each row names) are kept.

Run with `make data`; the curated CSV is committed, the source files are not.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT.parent / "shared" / "data"
OUT = ROOT / "data" / "gdp_power.csv"

MADDISON_ROWS = {"United States": "United States", "Total Former USSR": "USSR (former territory)", "China": "China"}
MADDISON_YEARS = range(1950, 1991)
WB_CODES = {"USA": "United States", "CHN": "China", "RUS": "Russia"}
WB_YEARS = range(1990, 2024)
HEADER = ["year", "country", "measure", "gdp_bn", "publisher", "document", "source_url", "grade", "note"]
MADDISON_COMMIT = "a3e05809642a5430ef27b07b66c115e1fa9723c6"
MADDISON_SOURCE = (
    "Maddison Project (Groningen Growth and Development Centre)",
    f"Maddison Project Database, 2010 release, horizontal file of GDP levels, as copied in the GitHub repository "
    f"riceissa/maddison-project-data (commit {MADDISON_COMMIT[:12]})",
    f"https://github.com/riceissa/maddison-project-data/blob/{MADDISON_COMMIT}/horizontal-file_02-2010-gdp.csv",
    "B", "A faithful copy of the GGDC file; million 1990 Geary-Khamis dollars divided by 1,000.",
)
WB_COMMIT = "822019c80142c162e4ca4eb1a63699ae36075078"
WB_SOURCE = (
    "World Bank",
    f"World Development Indicators, NY.GDP.MKTP.CD, as packaged in the GitHub repository datasets/gdp "
    f"(data/gdp.csv, commit {WB_COMMIT[:12]} of 20 Mar 2026)",
    f"https://github.com/datasets/gdp/blob/{WB_COMMIT}/data/gdp.csv",
    "B", "US dollars divided by 10^9. The World Bank revises back years; this is the vintage of that commit.",
)


def maddison_rows() -> list[list[str]]:
    path = SOURCES / "maddison-2010" / "horizontal-file_02-2010-gdp.csv"
    with path.open(encoding="latin-1") as fh:
        table = list(csv.reader(fh))
    header = table[0]
    out = []
    for row in table[1:]:
        label = row[0].strip()
        if label not in MADDISON_ROWS:
            continue
        for col, year in enumerate(header):
            if year.strip().isdigit() and int(year) in MADDISON_YEARS and row[col].strip():
                value = float(row[col].replace(",", ""))
                out.append([year.strip(), MADDISON_ROWS[label], "maddison_2010", f"{value / 1000:.3f}", *MADDISON_SOURCE])
    return out


def world_bank_rows() -> list[list[str]]:
    path = SOURCES / "worldbank-gdp" / "gdp.csv"
    out = []
    with path.open(encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            if rec["Country Code"] in WB_CODES and int(rec["Year"]) in WB_YEARS:
                value = float(rec["Value"]) / 1e9
                out.append([rec["Year"], WB_CODES[rec["Country Code"]], "world_bank_current", f"{value:.3f}", *WB_SOURCE])
    return out


def _existing() -> list[dict]:
    if not OUT.is_file():
        return []
    with OUT.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    return rows if rows and "publisher" in rows[0] else []


def main() -> int:
    if not SOURCES.is_dir():
        print(f"error: source folder {SOURCES} not found", file=sys.stderr)
        return 1
    curated = [[r[c] for c in HEADER] for r in _existing() if r["measure"] not in ("maddison_2010", "world_bank_current")]
    rows = sorted(maddison_rows() + world_bank_rows() + curated, key=lambda r: (r[2], r[1], int(r[0])))
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
