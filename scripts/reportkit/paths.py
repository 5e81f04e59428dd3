"""Where things are: the project (or an unpacked reproduction bundle) that holds ``data/datapackage.json``.

The root is, in order: ``RK_ROOT`` if set; the project this kit sits in (``scripts/reportkit``); else
the nearest folder at or above the working directory that holds ``data/datapackage.json``, which is
how notebooks of a reproduction bundle find its data with the kit installed as a wheel.
"""

import json
import os
import shutil
from pathlib import Path

MARKER = Path("data") / "datapackage.json"


def find_root(cwd: Path | None = None) -> Path:
    if os.environ.get("RK_ROOT"):
        return Path(os.environ["RK_ROOT"]).resolve()
    beside_kit = Path(__file__).resolve().parents[2]
    if (beside_kit / MARKER).is_file():
        return beside_kit
    here = (cwd or Path.cwd()).resolve()
    return next((folder for folder in (here, *here.parents) if (folder / MARKER).is_file()), beside_kit)


ROOT = find_root()
DATA_DIR = ROOT / "data"
PACKAGE_PATH = DATA_DIR / "datapackage.json"
CHAPTERS_DIR = ROOT / "chapters"
SEEDS_DIR = ROOT / "seeds"
KIT_DIR = Path(__file__).resolve().parent
CITATION_PATH = ROOT / "CITATION.cff"
# What a build needs: copied by the tests and the benchmark to work on a scratch project.
PROJECT_FILES = ("_config.yml", "_toc.yml", "CITATION.cff", "references.bib", "CHANGELOG.md", "jupytext.toml",
                 "Makefile", "requirements.txt", "pyproject.toml", "package.json", "package-lock.json")
PROJECT_DIRS = ("chapters", "data", "scripts", "seeds")


def read_package(path: Path = PACKAGE_PATH) -> dict:
    """The data package descriptor (plain JSON; no pandas, so the build extension stays quick to load)."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)


def data_files(data_dir: Path = DATA_DIR) -> list[Path]:
    """The data package as published: every CSV, then the descriptor."""
    return [*sorted(data_dir.glob("*.csv")), data_dir / "datapackage.json"]


def copy_project(dest: Path) -> Path:
    """Copy what a build needs, and the git history, into ``dest`` (node_modules linked); returns ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        shutil.copy2(ROOT / name, dest / name)
    for name in PROJECT_DIRS:
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("*.ipynb", "__pycache__", "*.egg-info"))
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    if (ROOT / ".git").is_dir():   # the history too: pages compare this edition with the previous one
        shutil.copytree(ROOT / ".git", dest / ".git")
    return dest
