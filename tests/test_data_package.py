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


def test_package_metadata_is_complete():
    pkg = read_package(PACKAGE)
    assert len(pkg["resources"]) >= 7
    assert pkg["licenses"][0]["name"] == "CC-BY-4.0"
    for res in pkg["resources"]:
        assert res["description"] and res["title"], res["name"]
        assert res["schema"]["primaryKey"], res["name"]
        assert res["hash"].startswith("sha256:"), res["name"]
        assert all(s["path"].startswith("http") for s in res["sources"]), res["name"]
        assert all(f.get("description") for f in res["schema"]["fields"]), res["name"]


def test_every_row_names_its_source():
    for res in read_package(PACKAGE)["resources"]:
        df = load(res["name"])
        assert df["source_publisher"].notna().all() and df["source_url"].str.startswith("http").all(), res["name"]


def test_independently_checked_figures_are_in_the_data():
    trade = load("china_russia_trade").set_index("year")
    assert trade.loc[2024, "total_usd_bn"] == pytest.approx(244.81)
    assert trade.loc[2022, "china_imports_usd_bn"] == pytest.approx(114.15)
    votes = load("unga_ukraine_votes").set_index("resolution")
    assert tuple(votes.loc["ES-11/7", ["yes", "no", "abstain"]]) == (93, 18, 65)
    assert len(load("unga_2025_no_votes")) == 18
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
        "china_russia_trade.csv", "2024,244.81,", "2024,lots,", ["china_russia_trade.csv", "row 20", "total_usd_bn", "lots"]),
    "share over 100%": (
        "russia_partner_shares.csv", "2013,EU,exports,57,", "2013,EU,exports,157,", ["russia_partner_shares.csv", "share_pct", "157"]),
    "non-ISO date": (
        "nato_members.csv", "Finland,2023-04-04", "Finland,04/04/2023", ["nato_members.csv", "accession_date", "04/04/2023"]),
    "row without a source": (
        "military_expenditure.csv", "2024,Russia,149.0,SIPRI Military Expenditure Database (April 2025 release)",
        "2024,Russia,149.0,", ["military_expenditure.csv", "source_publisher", "constraint"]),
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
    path.write_text(path.read_text(encoding="utf-8").replace("67.7", "67.8"), encoding="utf-8")
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
