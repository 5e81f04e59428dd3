"""Notebooks that travel: downloads carry their outputs, and the reproduction bundle runs outside the project.

The slow test unpacks the bundle in an empty folder, installs its requirements into a fresh venv,
executes every notebook there and checks that the glued numbers equal the site's.
"""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import nbformat
import pytest

from conftest import CHAPTERS, ROOT
from reportkit.bundle import RUN_STEPS
from reportkit.meta import bundle_name, citation
from reportkit.notebooks import glued_values

GLUE_TEXT = re.compile(r"\{glue:text\}`([a-z0-9_]+)(?::([^`]+))?`")
GLUE_USE = re.compile(r"\{glue(?::\w+)?\}`([a-z0-9_]+)")
PLOTLY = "application/vnd.plotly.v1+json"


def _notebook(site: Path, name: str):
    return nbformat.read(site / "_sources" / "chapters" / f"{name}.ipynb", as_version=4)


def _outputs(notebook, mime: str) -> int:
    return sum(mime in o.get("data", {}) for c in notebook.cells for o in c.get("outputs", []))


def test_downloaded_notebooks_carry_the_outputs_of_the_build(site):
    for name in CHAPTERS:
        source = (ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8")
        notebook = _notebook(site, name)
        assert set(GLUE_USE.findall(source)) <= set(glued_values(notebook)), name
        # Every chart viewable without running (JupyterLab's plotly renderer); no PDF images.
        assert _outputs(notebook, PLOTLY) == source.count("show(") >= 1, name
        assert _outputs(notebook, "application/pdf") == 0, name
        assert not [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"], name


def test_each_notebook_opens_with_how_to_run_it(site):
    version = citation()["version"]
    for name in CHAPTERS:
        first = _notebook(site, name).cells[0]
        assert first.cell_type == "markdown", name
        assert f"edition {version}" in first.source and bundle_name(version) in first.source, name
        assert "pip install -r requirements.txt" in first.source and "nbconvert --to notebook --execute" in first.source, name


def test_every_chapter_page_links_the_bundle(site):
    name = bundle_name(citation()["version"])
    assert (site / "_downloads" / name).is_file()
    for chapter in CHAPTERS:
        assert f'href="../_downloads/{name}"' in (site / "chapters" / f"{chapter}.html").read_text(encoding="utf-8"), chapter


def test_bundle_holds_notebooks_data_kit_pins_and_readme(site):
    with zipfile.ZipFile(site / "_downloads" / bundle_name(citation()["version"])) as archive:
        names = set(archive.namelist())
        top = {n.split("/", 1)[0] for n in names}
        assert len(top) == 1, top
        folder = top.pop()
        pins = archive.read(f"{folder}/requirements.txt").decode().split()
        readme = archive.read(f"{folder}/README.md").decode()
    expected = {f"{folder}/chapters/{c}.ipynb" for c in CHAPTERS} | {f"{folder}/data/datapackage.json", f"{folder}/kit/pyproject.toml",
                                                                      f"{folder}/kit/scripts/reportkit/paths.py"}
    assert expected <= names
    assert {f"{folder}/data/{p.name}" for p in (ROOT / "data").glob("*.csv")} <= names
    assert pins and all(re.fullmatch(r"[A-Za-z0-9_.-]+==[^=\s]+", p) for p in pins), pins
    assert {"pandas", "plotly", "myst-nb", "ipykernel", "nbconvert"} <= {p.split("==")[0].lower() for p in pins}
    assert "pip install -r requirements.txt ./kit" in readme


@pytest.mark.slow
def test_bundle_runs_in_a_fresh_venv_outside_the_project(site, tmp_path):
    """Unpack, install into a fresh venv, execute every notebook: the glued numbers are the site's."""
    with zipfile.ZipFile(site / "_downloads" / bundle_name(citation()["version"])) as archive:
        archive.extractall(tmp_path)
    bundle = next(tmp_path.iterdir())
    assert ROOT not in bundle.resolve().parents
    # Nothing of the project's environment (its .venv off PATH, no PYTHONPATH); the user's python3 and pip settings stay.
    path = os.pathsep.join(p for p in os.environ["PATH"].split(os.pathsep) if p and str(ROOT) not in p and sys.prefix not in p)
    env = {"PATH": path, "HOME": os.environ["HOME"], "LANG": "C.UTF-8",
           **{f"JUPYTER_{d}_DIR": str(tmp_path / d.lower()) for d in ("CONFIG", "DATA", "RUNTIME")}, "IPYTHONDIR": str(tmp_path / "ipython")}
    timings = []
    for command in RUN_STEPS[:4]:   # the README's commands, up to `jupyter lab`
        started = time.monotonic()
        result = subprocess.run(["bash", "-c", command], cwd=bundle, env=env, capture_output=True, text=True, timeout=1200)
        assert result.returncode == 0, f"{command}\n{result.stderr[-3000:]}"
        timings.append(f"{command.split('#')[0].strip()}: {time.monotonic() - started:.0f} s")
    print("bundle:", "; ".join(timings))
    for name in CHAPTERS:
        fresh = glued_values(nbformat.read(bundle / "chapters" / f"{name}.ipynb", as_version=4))
        published = glued_values(_notebook(site, name))
        assert fresh == published, name
        # The notebooks' numbers are the pages' numbers, formatted as the text asks ({glue:text}`name:.1f`).
        # Sphinx sets apostrophes typographically in glued text too.
        page = (site / "chapters" / f"{name}.html").read_text(encoding="utf-8").replace("\u2019", "'")
        uses = GLUE_TEXT.findall((ROOT / "chapters" / f"{name}.md").read_text(encoding="utf-8"))
        assert uses, name
        for glued, spec in uses:
            value = fresh[glued].strip("'\"")
            number = int(value) if re.fullmatch(r"-?\d+", value) else float(value) if spec else value   # as glued
            shown = format(number, spec) if spec else value
            assert html.escape(shown, quote=False) in page, (name, glued, shown)
