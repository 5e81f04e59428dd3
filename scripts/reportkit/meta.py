"""The report's version and release date: CITATION.cff is the single source of truth."""

from __future__ import annotations

import datetime as dt
import json
import os

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


def pdf_name(version: str) -> str:
    return f"reverse-kissinger-{version}.pdf"


def sort_versions(versions) -> list[str]:
    """Distinct versions, newest first (numeric, so 0.10.0 comes after 0.9.0)."""
    return sorted(set(versions), key=lambda v: tuple(int(p) for p in v.split(".")), reverse=True)


def release_versions(current: str) -> list[str]:
    """Versions the switcher lists: the current one, plus archived releases when building a release.

    scripts/release.py passes the archive's versions in RK_RELEASE_VERSIONS (a JSON list); an ordinary
    build lists only itself, so it never links to a site that is not beside it.
    """
    archived = json.loads(os.environ.get("RK_RELEASE_VERSIONS", "[]"))
    return sort_versions([current, *archived])


def bundle_name(version: str) -> str:
    """The edition's reproduction bundle: notebooks, data, kit and pinned requirements (reportkit.bundle)."""
    return f"reverse-kissinger-{version}-notebooks.zip"


def release_epoch(date: str) -> int:
    """SOURCE_DATE_EPOCH of a release: midnight UTC of its release date (YYYY-MM-DD)."""
    return int(dt.datetime.combine(dt.date.fromisoformat(date), dt.time(), tzinfo=dt.UTC).timestamp())
