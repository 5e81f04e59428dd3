"""Releases: one version in one place, a refusal without a changelog entry, and a verifiable archive.

The slow test cuts a real release in a copy of the project, a second clean build of the same
sources, and checks that its HTML is byte-identical to the published _build/html.
"""

from __future__ import annotations

import filecmp
import hashlib
import re
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, SITE, run_script
from reportkit.meta import citation, pdf_name
from reportkit.stamp import source_commit

RELEASE = ROOT / "scripts" / "release.py"


def _release(project: Path, version: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return run_script(project, "release.py", version, env=env)


def test_the_current_version_has_a_changelog_entry():
    meta = citation()
    entry = re.search(rf"^## \[{re.escape(meta['version'])}\] - (\S+)$", (ROOT / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)
    assert entry, f"CHANGELOG.md has no entry for {meta['version']}"
    assert entry.group(1) == meta["date-released"], "CITATION.cff's date-released differs from the changelog's date"


def test_release_refuses_without_a_changelog_entry(project):
    before = (project / "CITATION.cff").read_text(encoding="utf-8")
    result = _release(project, "99.0.0")
    assert result.returncode == 2
    assert "CHANGELOG.md has no entry '## [99.0.0]" in result.stderr
    assert (project / "CITATION.cff").read_text(encoding="utf-8") == before
    assert not (project / "_build" / "release").exists()


def test_release_refuses_a_malformed_version(project):
    result = _release(project, "v1.0")
    assert result.returncode == 2 and "must look like 1.2.3" in result.stderr


def _site_files(site: Path) -> set[str]:
    return {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_release_archives_a_byte_identical_site_with_checksums(project):
    """A clean release build of the same sources reproduces the published HTML byte for byte."""
    if not (SITE / "chapters" / "intro.html").is_file():
        pytest.fail("no built book in _build/html: run `make book` first (`make test` does)")
    meta = citation()
    # As `make book` built the published site: the provenance stamp names this checkout's commit.
    result = _release(project, meta["version"], {"RK_SOURCE_COMMIT": source_commit()})
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]

    release = project / "_build" / "release" / meta["version"]
    assert (release / "html" / "chapters" / "intro.html").is_file()
    assert (release / pdf_name(meta["version"])).is_file()
    assert (release / "data" / "datapackage.json").is_file()
    sums = (release / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    assert len(sums) == sum(1 for p in release.rglob("*") if p.is_file()) - 1
    for line in sums:
        digest, name = line.split("  ", 1)
        assert hashlib.sha256((release / name).read_bytes()).hexdigest() == digest, name
    assert (project / "_build" / "release" / "latest" / "html" / "index.html").is_file()
    assert meta["version"] in (project / "_build" / "release" / "versions.json").read_text(encoding="utf-8")

    # Reproducible: the same files, byte for byte, the PDFs included (dates from the release date).
    rebuilt = release / "html"
    published, fresh = _site_files(SITE), _site_files(rebuilt)
    assert published == fresh, f"only published: {sorted(published - fresh)[:10]}; only rebuilt: {sorted(fresh - published)[:10]}"
    differ = [name for name in sorted(fresh) if not filecmp.cmp(SITE / name, rebuilt / name, shallow=False)]
    assert not differ, f"files differ between two builds of the same sources: {differ[:10]}"
    published_pdf = ROOT / "_build" / "pdf" / pdf_name(meta["version"])
    assert (release / pdf_name(meta["version"])).read_bytes() == published_pdf.read_bytes(), "the release PDF is not reproducible"
