"""The data package: valid as shipped, and every kind of bad input gets a precise error."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from reportkit.data import load, read_package
from reportkit.validate import validate_package

PACKAGE = ROOT / "data" / "datapackage.json"


def test_shipped_package_is_valid():
    assert validate_package(PACKAGE) == []


def test_every_row_names_publisher_document_page_and_grade():
    for res in read_package(PACKAGE)["resources"]:
        df = load(res["name"])
        assert df["publisher"].notna().all() and df["document"].notna().all(), res["name"]
        assert df["source_url"].str.match(r"https?://[^/]+/.").all(), res["name"]
        assert df["grade"].isin(["A", "B", "C"]).all(), res["name"]
        weak = df[df["grade"] == "C"]
        assert weak["note"].notna().all(), f"{res['name']}: a grade C row without a note"


def test_shipped_rows_break_no_source_rule():
    from reportkit.provenance import url_problem

    rules = read_package(PACKAGE)["sourceRules"]
    for res in read_package(PACKAGE)["resources"]:
        for url in load(res["name"])["source_url"]:
            assert url_problem(url, rules) is None, (res["name"], url)


# Figures checked by hand against the pages the rows cite (GACC via TASS, UN meetings coverage, NATO).
CHECKED = [
    ("china_russia_trade", {"year": 2024}, "total_usd_bn", 244.81),
    ("china_russia_trade", {"year": 2025}, "total_usd_bn", 228.105),
    ("unga_ukraine_votes", {"resolution": "ES-11/7"}, "yes", 93),
    ("unga_ukraine_votes", {"resolution": "ES-11/7"}, "no", 18),
    ("energy_ties", {"series": "power_of_siberia_gas", "year": 2025}, "value", 38.8),
]


@pytest.mark.parametrize(("name", "where", "column", "expected"), CHECKED)
def test_hand_checked_figures_are_in_the_data(name, where, column, expected):
    assert load(name, **where)[column].iloc[0] == pytest.approx(expected)


def test_counts_match_the_tables_they_summarise():
    votes = load("unga_ukraine_votes").set_index("resolution")
    noes = load("unga_2025_no_votes")
    for resolution, group in noes.groupby("resolution"):
        assert len(group) == votes.loc[resolution, "no"], resolution
    assert len(load("nato_members")) == 32


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ to corrupt."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


def _edit_csv(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _problems(data: Path) -> list[str]:
    return [str(p) for p in validate_package(data / "datapackage.json")]


CASES = {
    "text in a numeric column": (
        "china_russia_trade.csv", "2024,full year,244.81,", "2024,full year,lots,", ["china_russia_trade.csv", "total_usd_bn", "lots"]),
    "share over 100%": (
        "russia_partner_shares.csv", "2013,EU,exports,57,", "2013,EU,exports,157,", ["russia_partner_shares.csv", "share_pct", "157"]),
    "non-ISO date": (
        "nato_members.csv", "Finland,2023-04-04", "Finland,04/04/2023", ["nato_members.csv", "accession_date", "04/04/2023"]),
    "row without a publisher": (
        "military_expenditure.csv", "2024,Russia,148.9673,SIPRI,", "2024,Russia,148.9673,,", ["military_expenditure.csv", "publisher", "constraint"]),
    "duplicate primary key": (
        "nato_members.csv", "Sweden,2024-03-07", "Finland,2024-03-07", ["nato_members.csv", "primary-key"]),
    "ragged row": (
        "energy_ties.csv", "2020,power_of_siberia_gas,4.1,bcm,false,", "2020,power_of_siberia_gas,4.1,bcm,false,extra,",
        ["energy_ties.csv", "extra-cell"]),
    "missing required column": (
        "military_expenditure.csv", "year,country,milex_usd_bn_current,", "year,country,", ["military_expenditure.csv", "milex_usd_bn_current"]),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_corrupted_csv_is_reported_precisely(data_copy: Path, case: str):
    name, old, new, expected = CASES[case]
    _edit_csv(data_copy / name, old, new)
    problems = _problems(data_copy)
    assert problems, case
    text = "\n".join(problems)
    for fragment in expected:
        assert fragment in text, f"{case}: {fragment!r} not in {text}"


def test_empty_file_is_reported(data_copy: Path):
    (data_copy / "timeline_split.csv").write_text("", encoding="utf-8")
    assert any("timeline_split.csv" in p and "empty" in p for p in _problems(data_copy))


def test_changed_hash_is_reported(data_copy: Path):
    path = data_copy / "eu_russia_trade.csv"
    _edit_csv(path, "67.7", "67.8")
    assert any("eu_russia_trade.csv" in p and "sha256" in p for p in _problems(data_copy))


def test_described_file_missing_on_disk(data_copy: Path):
    (data_copy / "energy_ties.csv").unlink()
    assert any("energy_ties.csv" in p and "missing" in p for p in _problems(data_copy))


def test_undescribed_csv_on_disk(data_copy: Path):
    (data_copy / "stray.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    assert any("stray.csv" in p and "not described" in p for p in _problems(data_copy))


def test_resource_without_sources_url(data_copy: Path):
    pkg = json.loads((data_copy / "datapackage.json").read_text(encoding="utf-8"))
    pkg["resources"][0]["sources"][0]["path"] = "somewhere"
    (data_copy / "datapackage.json").write_text(json.dumps(pkg), encoding="utf-8")
    assert any("no URL" in p for p in _problems(data_copy))


def _set_cell(path: Path, column: str, value: str, row: int = -1) -> int:
    """Set one cell of a CSV (row counted over data rows); returns its line number (header = 1)."""
    import csv

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rows[row][column] = value
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return (row % len(rows)) + 2


SOURCE_CASES = {
    "wiki": ("source_url", "https://en.wikipedia.org/wiki/Power_of_Siberia", "wiki"),
    "wiki mirror": ("source_url", "https://www.wikiwand.com/en/articles/Power_of_Siberia", "wiki"),
    "bare homepage": ("source_url", "https://www.gazprom.com/", "bare homepage"),
    "raw IP address": ("source_url", "http://52.12.1.9/story/gas.html", "raw IP address"),
    "cloud host": ("source_url", "https://d1x2y3.cloudfront.net/news/gas-2025.html", "cloud host"),
    "state outlet alone": ("source_url", "https://www.rt.com/business/123456-gas-china/", "state outlet as only source"),
    "content farm": ("source_url", "https://www.fx.co/en/forex-humor/1234", "mirror or content farm"),
    "wiki as publisher": ("publisher", "Wikipedia", "wiki"),
}


@pytest.mark.parametrize("case", sorted(SOURCE_CASES))
def test_a_row_breaking_a_source_rule_is_rejected_with_file_row_column_and_rule(data_copy: Path, case: str):
    column, value, rule = SOURCE_CASES[case]
    line = _set_cell(data_copy / "energy_ties.csv", column, value)
    problems = [p for p in _problems(data_copy) if "source rule" in p]
    assert problems, case
    assert f"energy_ties.csv, row {line}, column '{column}', value '{value}': source rule broken: {rule}" in problems[0]


def test_a_grade_c_figure_without_a_note_is_rejected(data_copy: Path):
    path = data_copy / "energy_ties.csv"
    _set_cell(path, "grade", "C")
    line = _set_cell(path, "note", "")
    problems = [p for p in _problems(data_copy) if "grade C" in p]
    assert problems and f"row {line}" in problems[0] and "'note'" in problems[0]


def test_a_grade_outside_a_b_c_is_rejected(data_copy: Path):
    _set_cell(data_copy / "military_expenditure.csv", "grade", "D")
    assert any("military_expenditure.csv" in p and "grade" in p and "'D'" in p for p in _problems(data_copy))


def test_bibliography_entries_are_documents_not_homepages_mirrors_or_wikis():
    import re

    from reportkit.provenance import url_problem

    rules = read_package(PACKAGE)["sourceRules"]
    entries = re.findall(r"^@\w+\{([^,]+),(.*?)^\}", (ROOT / "references.bib").read_text(encoding="utf-8"), re.M | re.S)
    assert len(entries) >= 30
    for key, body in entries:
        url = re.search(r"^\s*url\s*=\s*\{([^}]+)\}", body, re.M)
        assert url, f"{key}: no address of the document"
        assert url_problem(url.group(1), rules) is None, (key, url.group(1))
        assert re.search(r"^\s*title\s*=", body, re.M), f"{key}: no title"
        assert re.search(r"^\s*(author|editor|organization|institution|publisher|howpublished)\s*=", body, re.M), f"{key}: no author or issuing body"
        assert re.search(r"^\s*(year|date)\s*=", body, re.M), f"{key}: no date"
        assert "wikipedia" not in body.lower(), key
