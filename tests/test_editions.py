"""Editions from the repository alone: editions.json, `make site`, and what stops it.

The slow test rebuilds 0.2.0 from its commit as an ordinary build of that commit would, in another
folder, and compares it with the edition in _build/site/ (`make site` builds it): the same files,
byte for byte (the PDF included), apart from the switcher's list of editions.
"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from reportkit.meta import pdf_name, sort_versions

SCRIPT = ROOT / "scripts" / "editions.py"
SITE = ROOT / "_build" / "site"
_spec = importlib.util.spec_from_file_location("rk_editions", SCRIPT)   # a script, not a package module
rk_editions = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(rk_editions)
EDITIONS = rk_editions.read_editions(ROOT / "editions.json")
SWITCHER_ENTRY = re.compile(r'\s*<li><a href="[^"]*" target="_blank"\s*class="btn btn-sm btn-version-link dropdown-item"\s*'
                            r'title="Version ([0-9.]+)".*?</li>', re.S)


def _run_site(tmp: Path, editions: dict, *, repo: Path = ROOT) -> subprocess.CompletedProcess:
    path = tmp / "editions.json"
    path.write_text(json.dumps(editions), encoding="utf-8")
    return subprocess.run([sys.executable, str(SCRIPT), "--editions", str(path), "--out", str(tmp / "site"), "--work", str(tmp / "work"),
                           "--repo", str(repo)], capture_output=True, text=True, timeout=1800)


@pytest.fixture
def last_good(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "0.2.0" / "html").mkdir(parents=True)
    (site / "index.html").write_text("last good site", encoding="utf-8")
    return site


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_every_edition_names_a_commit_whose_citation_agrees():
    assert "0.2.0" in EDITIONS
    for version, entry in EDITIONS.items():
        rk_editions.check_edition(version, entry, ROOT)


def test_a_missing_commit_stops_the_site_and_keeps_the_last_one(tmp_path, last_good):
    before = _snapshot(last_good)
    result = _run_site(tmp_path, {**EDITIONS, "9.9.9": {"commit": "0123456789abcdef0123456789abcdef01234567", "date": "2027-01-01"}})
    assert result.returncode == 1
    assert "edition 9.9.9: commit 0123456789abcdef0123456789abcdef01234567 is not in this repository" in result.stderr
    assert "was left as it was" in result.stderr
    assert _snapshot(last_good) == before
    assert not (tmp_path / "work").exists(), "nothing is built before every commit is checked"


def test_a_version_that_disagrees_with_its_commit_is_refused(tmp_path, last_good):
    result = _run_site(tmp_path, {"0.3.0": EDITIONS["0.2.0"]})
    assert result.returncode == 1
    assert "edition 0.3.0: CITATION.cff at commit 76a4893ff22d says version 0.2.0" in result.stderr


def test_a_malformed_versions_file_is_refused(tmp_path, last_good):
    result = _run_site(tmp_path, {"0.2.0": "76a4893"})
    assert result.returncode == 1 and 'edition 0.2.0: expected {"commit": "<40 hex digits>"' in result.stderr


def test_an_edition_that_fails_to_build_stops_the_site_and_keeps_the_last_one(tmp_path, last_good):
    """A commit whose data are invalid: its own build refuses it, and make site says which edition and why."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", "--shared", "--no-checkout", str(ROOT), str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "checkout", "--quiet", EDITIONS["0.2.0"]["commit"]], check=True)
    with (repo / "data" / "nato_members.csv").open("a", encoding="utf-8") as fh:
        fh.write("not,a,valid,row\n")
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "--quiet", "-am", "break"],
                   check=True)
    broken = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    before = _snapshot(last_good)
    result = _run_site(tmp_path, {"0.2.0": {"commit": broken, "date": "2026-11-24"}}, repo=repo)
    assert result.returncode == 1
    assert f"edition 0.2.0 (commit {broken[:12]}) failed to build" in result.stderr
    assert "data package invalid" in result.stderr and "nato_members.csv" in result.stderr, result.stderr[-2000:]
    assert _snapshot(last_good) == before


def test_record_writes_the_commit_and_date_and_refuses_a_wrong_version(tmp_path):
    path = tmp_path / "editions.json"
    done = subprocess.run([sys.executable, str(SCRIPT), "--editions", str(path), "--record", "0.2.0", "--commit", "76a4893"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(path.read_text(encoding="utf-8")) == {"0.2.0": EDITIONS["0.2.0"]}
    refused = subprocess.run([sys.executable, str(SCRIPT), "--editions", str(path), "--record", "0.3.0", "--commit", "76a4893"],
                             capture_output=True, text=True)
    assert refused.returncode == 1 and "CITATION.cff at commit 76a4893ff22d says version 0.2.0" in refused.stderr
    assert json.loads(path.read_text(encoding="utf-8")) == {"0.2.0": EDITIONS["0.2.0"]}


def _reference_build(tmp_path: Path, version: str) -> Path:
    """The edition's commit built on its own, as `make book` at that commit would (no list of other editions)."""
    entry = EDITIONS[version]
    tree = rk_editions.export(entry["commit"], tmp_path / version, ROOT)
    env = rk_editions.build_env(tree, [version], entry["commit"], entry["date"])
    env.pop("RK_RELEASE_VERSIONS")
    result = subprocess.run([sys.executable, str(tree / "scripts" / "build_book.py"), "--pdf"], cwd=tree, env=env,
                            capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return tree / "_build"


def _without_switcher_list(data: bytes) -> bytes:
    return SWITCHER_ENTRY.sub("", data.decode("utf-8")).encode()


@pytest.fixture(scope="module")
def site():
    if not (SITE / "index.html").is_file():
        pytest.fail("no versioned site in _build/site: run `make site` first")
    return SITE


def test_site_has_every_edition_latest_and_an_index(site):
    versions = sort_versions(EDITIONS)
    assert json.loads((site / "versions.json").read_text(encoding="utf-8")) == versions
    index = (site / "index.html").read_text(encoding="utf-8")
    assert 'href="latest/html/index.html"' in index
    for version in versions:
        assert f'href="{version}/html/index.html"' in index and EDITIONS[version]["commit"][:12] in index
        assert (site / version / pdf_name(version)).is_file()
    assert _snapshot(site / "latest") == _snapshot(site / versions[0])


def _assert_every_page_switches_to(site: Path, versions: list[str]) -> None:
    """Every chapter page of every edition lists ``versions`` in its switcher, and each link resolves."""
    for version in versions:
        for page in (site / version / "html" / "chapters").glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert SWITCHER_ENTRY.findall(text) == versions, page
            for href in re.findall(r'href="([^"]*)" target="_blank"\s*class="btn btn-sm btn-version-link', text):
                assert (page.parent / href).resolve().is_file(), (page, href)


def test_every_page_of_every_edition_switches_to_every_edition(site):
    versions = sort_versions(EDITIONS)
    _assert_every_page_switches_to(site, versions)


@pytest.mark.slow
def test_an_edition_rebuilt_from_its_commit_equals_a_build_of_that_commit(site, tmp_path):
    """Same files, same bytes (HTML apart from the switcher's list; the PDF exactly: dates from the release date)."""
    version = "0.2.0"
    reference = _reference_build(tmp_path, version)
    ours = site / version
    theirs = {f"html/{k}": v for k, v in _snapshot(reference / "html").items()}
    theirs[pdf_name(version)] = (reference / "pdf" / pdf_name(version)).read_bytes()
    mine = {k: v for k, v in _snapshot(ours).items() if not k.startswith("data/") and k != "SHA256SUMS"}
    assert set(mine) == set(theirs), f"only in the site: {sorted(set(mine) - set(theirs))[:5]}; in the build: {sorted(set(theirs) - set(mine))[:5]}"
    normalise = {k: _without_switcher_list for k in mine if k.endswith(".html")}
    differ = [k for k in sorted(mine) if normalise.get(k, bytes)(mine[k]) != normalise.get(k, bytes)(theirs[k])]
    assert not differ, f"differ from a build of {version}'s commit: {differ[:10]}"


@pytest.mark.slow
def test_a_new_edition_and_an_old_one_list_each_other(tmp_path):
    """The current code released as 9.0.0 beside 0.2.0: both switchers list both; the new one has its stamp and bundle."""
    repo = tmp_path / "repo"
    subprocess.run(["git", "clone", "--quiet", "--shared", str(ROOT), str(repo)], check=True)
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    subprocess.run(["git", "-C", str(repo), "checkout", "--quiet", head], check=True)
    citation = repo / "CITATION.cff"
    text = re.sub(r'^version: .*$', 'version: "9.0.0"', citation.read_text(encoding="utf-8"), flags=re.M)
    citation.write_text(re.sub(r"^date-released: .*$", 'date-released: "2026-12-01"', text, flags=re.M), encoding="utf-8")
    subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "--quiet", "-am", "9.0.0"],
                   check=True)
    new = subprocess.run(["git", "-C", str(repo), "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    result = _run_site(tmp_path, {**EDITIONS, "9.0.0": {"commit": new, "date": "2026-12-01"}}, repo=repo)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    site = tmp_path / "site"
    versions = ["9.0.0", *sort_versions(EDITIONS)]
    assert json.loads((site / "versions.json").read_text(encoding="utf-8")) == versions
    _assert_every_page_switches_to(site, versions)
    intro = (site / "9.0.0" / "html" / "chapters" / "intro.html").read_text(encoding="utf-8")
    assert f'data-edition="9.0.0" data-commit="{new}"' in intro
    assert (site / "9.0.0" / "reverse-kissinger-9.0.0-notebooks.zip").is_file()
    assert _snapshot(site / "latest") == _snapshot(site / "9.0.0")
