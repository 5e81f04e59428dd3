"""Where things are, resolved from this file so notebooks work from any directory."""

import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
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
