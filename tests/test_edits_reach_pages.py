"""Every edit reaches the pages: real builds in a copy of the project, after the edits contributors make."""

from __future__ import annotations

import html as htmllib
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_script
from reportkit.paths import copy_project

CACHE = Path("_build/.stage/_build/.jupyter_cache")
pytestmark = pytest.mark.slow


@pytest.fixture
def warm(tmp_path: Path) -> Path:
    """A copy of the project with the execution cache of this checkout's last build, built once."""
    copy_project(tmp_path)
    if not (ROOT / CACHE).is_dir():
        pytest.fail("no execution cache: run `make book` first (`make test` does)")
    shutil.copytree(ROOT / CACHE, tmp_path / CACHE)
    build(tmp_path)
    return tmp_path


def build(project: Path, *args: str) -> str:
    result = run_script(project, "build_book.py", *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "Executing notebook" not in result.stdout + result.stderr, "MyST-NB missed the parallel execution's cache"
    return result.stdout


def text_of(project: Path, page: str) -> str:
    raw = (project / "_build" / "html" / "chapters" / f"{page}.html").read_text(encoding="utf-8")
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", raw))


def rehash(project: Path) -> None:
    """Record the edited file's hash, as `make data-rehash` does."""
    result = subprocess.run([sys.executable, "-m", "reportkit.validate", "--rehash"], cwd=project, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(project / "scripts")})
    assert result.returncode == 0, result.stdout + result.stderr


def add_sentence(project: Path, chapter: str, sentence: str) -> None:
    path = project / "chapters" / f"{chapter}.md"
    text = path.read_text(encoding="utf-8")
    edited = text.replace("\n## ", f"\n{sentence}\n\n## ", 1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")


def test_a_csv_value_and_its_prose_edited_together_both_reach_the_page(warm: Path):
    csv = warm / "data" / "military_expenditure.csv"
    lines = csv.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].split(",")
    year, country, value = header.index("year"), header.index("country"), header.index("milex_usd_bn_current")
    last_year = max(int(line.split(",")[year]) for line in lines[1:])
    row = next(i for i, line in enumerate(lines) if line.split(",")[year] == str(last_year) and line.split(",")[country] == "China")
    cells = lines[row].split(",")
    new = float(cells[value]) + 1000.4          # far from every other figure in the chapter
    cells[value] = f"{new:.1f}"
    lines[row] = ",".join(cells)
    csv.write_text("".join(lines), encoding="utf-8")
    rehash(warm)
    add_sentence(warm, "partial-deal", "A sentence written together with the data edit.")

    output = build(warm)

    assert "executing 1 chapter" in output or "executing 2 chapter" in output, output
    page = text_of(warm, "partial-deal")
    assert "A sentence written together with the data edit." in page
    assert f"{new:.0f}" in page, "the glued figure still shows the old value"


def test_a_changed_verdict_reaches_the_assessment_and_the_ledger(warm: Path):
    from reportkit.appendix import VERDICTS

    path = sorted((warm / "seeds").glob("*.yaml"))[0]
    brief = yaml.safe_load(path.read_text(encoding="utf-8"))
    claim = brief["claims"][0]
    new = next(v for v in VERDICTS if v not in (claim["verdict"], claim.get("verdict_0_2_0")))
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf"(id: {re.escape(claim['id'])}\b.*?verdict: )['\"]?{re.escape(claim['verdict'])}['\"]?", re.S)
    edited = pattern.sub(lambda m: m.group(1) + new, text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")

    output = build(warm)

    assert "executing 1 chapter" in output, "the assessment counts verdicts: it must re-execute"
    site = warm / "_build" / "html" / "chapters"
    ledger = (site / "claims-ledger.html").read_text(encoding="utf-8")
    assessment = (site / "assessment.html").read_text(encoding="utf-8")
    row = re.compile(rf"<tr[^>]*>\s*<td[^>]*>(?:<p>)?(?:<a [^>]*>)?(?:<span[^>]*>)?{re.escape(claim['id'])}\b.*?</tr>", re.S)
    for name, html in (("claims ledger", ledger), ("assessment", assessment)):
        found = row.search(html)
        assert found, f"no table row for {claim['id']} in the {name}"
        assert re.search(rf">\s*(?:<strong>)?{re.escape(new)}(?:</strong>)?\s*<", found.group(0)), f"{name} row: {found.group(0)[:300]}"


def test_a_chapter_removed_from_the_toc_is_gone_from_the_site(warm: Path):
    site = warm / "_build" / "html"
    assert (site / "chapters" / "changelog.html").is_file()
    toc = warm / "_toc.yml"
    text = toc.read_text(encoding="utf-8")
    edited = re.sub(r"\n\s*- file: chapters/changelog\n", "\n", text + "\n")
    assert edited != text + "\n"
    toc.write_text(edited, encoding="utf-8")
    build(warm)
    assert not (site / "chapters" / "changelog.html").exists()
    assert not list(site.rglob("changelog*")), list(site.rglob("changelog*"))


def pdf_text(project: Path) -> str:
    pdf = next((project / "_build" / "pdf").glob("*.pdf"))
    text = " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())
    return re.sub(r"(\w)- (\w)", r"\1\2", text)   # words hyphenated at a line end, joined again


def test_a_prose_edit_reaches_the_pdf_and_a_web_only_edit_keeps_it(warm: Path):
    """The PDF builds in its own process: a prose edit reaches it; an edit that changes only the web
    pages (the book's CSS) leaves the last PDF as it was, without typesetting it again."""
    build(warm, "--pdf")
    add_sentence(warm, "nato", "A sentence the printed report must carry.")
    build(warm, "--pdf")
    assert "A sentence the printed report must carry." in pdf_text(warm)
    assert "A sentence the printed report must carry." in text_of(warm, "nato")

    typeset = warm / "_build" / ".stage" / "print" / "latex" / "book.pdf"
    before = typeset.stat().st_mtime_ns, typeset.read_bytes()
    css = warm / "scripts" / "reportkit" / "static" / "rk.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n/* a web-only edit */\n", encoding="utf-8")
    output = build(warm, "--pdf")
    assert "keeping the last PDF" in output
    assert (typeset.stat().st_mtime_ns, typeset.read_bytes()) == before
    assert "a web-only edit" in (warm / "_build" / "html" / "_static" / "rk.css").read_text(encoding="utf-8")


def test_a_hand_edited_generated_page_is_made_again(warm: Path):
    """The appendix pages are generated only when their inputs change, and a hand edit counts as a change."""
    ledger = warm / "chapters" / "claims-ledger.md"
    generated = ledger.read_text(encoding="utf-8")
    ledger.write_text("# Claims ledger\n\nEdited by hand.\n", encoding="utf-8")
    build(warm)
    assert ledger.read_text(encoding="utf-8") == generated
    assert "Edited by hand" not in text_of(warm, "claims-ledger")


def fetch(url: str) -> str:
    """The page at ``url``, waiting up to 30 s for the server to accept connections."""
    deadline = time.monotonic() + 30
    while True:
        try:
            return urllib.request.urlopen(url, timeout=10).read().decode()
        except urllib.error.URLError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def test_make_serve_shows_a_saved_edit_by_itself(warm: Path):
    proc = subprocess.Popen([sys.executable, str(warm / "scripts" / "serve.py"), "--port", "0"], cwd=warm, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True,
                            env={**os.environ, "PYTHONPATH": str(warm / "scripts")})
    lines: list[str] = []
    try:
        address = None
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            found = re.search(r"live preview at (http://127\.0\.0\.1:\d+/)", line)
            address = address or (found and found.group(1))
            if "Waiting to detect changes" in line:
                break
        assert address, "".join(lines)
        url = address + "chapters/nato.html"
        assert "A saved sentence" not in fetch(url)
        add_sentence(warm, "nato", "A saved sentence.")
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if "A saved sentence" in fetch(url):
                break
            time.sleep(1)
        else:
            pytest.fail("the edit never reached the served page")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
        lines.append(rest)
    assert proc.returncode == 0, "".join(lines)[-3000:]
    assert "Traceback" not in "".join(lines)
