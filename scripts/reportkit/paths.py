"""Where things are, resolved from this file so notebooks work from any directory."""

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
PACKAGE_PATH = DATA_DIR / "datapackage.json"
CHAPTERS_DIR = ROOT / "chapters"
SEEDS_DIR = ROOT / "seeds"
KIT_DIR = Path(__file__).resolve().parent
CITATION_PATH = ROOT / "CITATION.cff"


def read_package(path: Path = PACKAGE_PATH) -> dict:
    """The data package descriptor (plain JSON; no pandas, so the build extension stays quick to load)."""
    with path.open(encoding="utf-8") as fh:
        return json.load(fh)
