"""The provenance stamp: every page and the PDF name the edition, commit, data package and environment."""

from __future__ import annotations

import hashlib
import re
import subprocess
from html import unescape

from conftest import ROOT
from reportkit.meta import citation, pdf_name
from reportkit.stamp import source_commit

STAMP = re.compile(r'<p class="rk-provenance" data-edition="([^"]*)" data-commit="([^"]*)" data-data="([^"]*)" '
                   r'data-environment="([^"]*)">([^<]*)</p>')


def _sha(name: str) -> str:
    return hashlib.sha256((ROOT / name).read_bytes()).hexdigest()


def test_every_page_names_what_it_was_built_from(site):
    expected = (citation()["version"], source_commit(), _sha("data/datapackage.json"), _sha("requirements.txt"))
    pages = [p for p in sorted(site.rglob("*.html")) if 'http-equiv="Refresh"' not in p.read_text(encoding="utf-8")]   # not redirects
    assert len(pages) >= 13
    for page in pages:
        found = STAMP.findall(page.read_text(encoding="utf-8"))
        assert len(found) == 1, f"{page.relative_to(site)}: {len(found)} provenance stamps"
        edition, commit, data, environment, text = (unescape(v) for v in found[0])
        assert (edition, commit, data, environment) == expected, page.relative_to(site)
        # What a reader sees: short forms a reader can match with git log and sha256sum.
        assert f"commit {commit[:12]}" in text and data[:12] in text and environment[:12] in text


def test_pdf_title_page_carries_the_stamp():
    pdf = ROOT / "_build" / "pdf" / pdf_name(citation()["version"])
    text = " ".join(subprocess.run(["pdftotext", "-l", "2", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    assert "Provenance. Edition " + citation()["version"] in text
    for value in (source_commit()[:12], _sha("data/datapackage.json")[:12], _sha("requirements.txt")[:12]):
        assert value in text


def test_the_stamp_says_when_installed_packages_differ_from_the_pins(tmp_path, monkeypatch):
    """Read off this environment's real packages: a pin it matches passes, a pin it does not is named."""
    from importlib import metadata

    from reportkit import stamp

    plotly = metadata.version("plotly")
    (tmp_path / "requirements.txt").write_text(f"# pins\nplotly=={plotly}\n    # via x\nPyYAML==0.0.1\nno-such-package==1.0\n",
                                               encoding="utf-8")
    monkeypatch.setattr(stamp, "ROOT", tmp_path)
    assert stamp.environment_differs() == [f"PyYAML==0.0.1 (installed: {metadata.version('pyyaml')})",
                                           "no-such-package==1.0 (installed: none)"]
