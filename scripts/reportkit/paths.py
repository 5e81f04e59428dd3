"""Where things are, resolved from this file so notebooks work from any directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
PACKAGE_PATH = DATA_DIR / "datapackage.json"
CHAPTERS_DIR = ROOT / "chapters"
SEEDS_DIR = ROOT / "seeds"
KIT_DIR = Path(__file__).resolve().parent
CITATION_PATH = ROOT / "CITATION.cff"
