"""The report's version and release date: CITATION.cff is the single source of truth."""

from __future__ import annotations

import yaml

from reportkit.paths import CITATION_PATH

TEAM = "The Reverse Kissinger team"


def citation() -> dict:
    with CITATION_PATH.open(encoding="utf-8") as fh:
        meta = yaml.safe_load(fh)
    return {
        "version": str(meta["version"]), "date-released": str(meta["date-released"]), "title": meta["title"], "team": TEAM,
        "abstract": meta.get("abstract", ""), "keywords": list(meta.get("keywords", [])),
    }
