"""Rebuild data/gdp_power.csv from the public source files in ../shared/data.

Two measures, never to be mixed in one chart:
- maddison_2010: GDP in million 1990 Geary-Khamis dollars (Maddison Project, 2010 release);
- world_bank_current: GDP in current US dollars (World Bank, NY.GDP.MKTP.CD), converted to billions.

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
MADDISON_SOURCE = (
    "Maddison Project, 2010 release (Groningen Growth and Development Centre)",
    "https://github.com/riceissa/maddison-project-data",
)
WB_SOURCE = ("World Bank, World Development Indicators (NY.GDP.MKTP.CD)", "https://data.worldbank.org/indicator/NY.GDP.MKTP.CD")


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
                out.append([rec["Year"], WB_CODES[rec["Country Code"]], "world_bank_current", f"{value:.1f}", *WB_SOURCE])
    return out


def main() -> int:
    if not SOURCES.is_dir():
        print(f"error: source folder {SOURCES} not found", file=sys.stderr)
        return 1
    rows = sorted(maddison_rows() + world_bank_rows(), key=lambda r: (r[2], r[1], int(r[0])))
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["year", "country", "measure", "gdp_bn", "source_publisher", "source_url"])
        writer.writerows(rows)
    print(f"wrote {len(rows)} rows to {OUT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
