"""Earlier editions' data, read from git history, to compare this edition with the last one.

The edition compared against is the newest entry of ``editions.json`` other than the version being
built (falling back to 0.2.0's commit). Without git or that commit (a source bundle), the functions
return None and the pages say that the history is not available.
"""

from __future__ import annotations

import io
import json
import subprocess
from functools import cache

import yaml

from reportkit.paths import ROOT

FALLBACK = ("0.2.0", "76a4893ff22d7c8deba6afe352ee8c85d8a20ce6")


@cache
def previous_edition() -> tuple[str, str]:
    """(version, commit) of the edition this one is compared with."""
    path = ROOT / "editions.json"   # {"0.2.0": {"commit": "...", "date": "..."}, ...}
    if path.is_file():
        from reportkit.meta import citation, sort_versions

        current = citation()["version"]
        by_version = {v: e["commit"] for v, e in json.loads(path.read_text(encoding="utf-8")).items() if v != current}
        if by_version:
            version = sort_versions(by_version)[0]
            return version, by_version[version]
    return FALLBACK


def _git_show(commit: str, path: str) -> bytes | None:
    """A file of ``commit`` from git, or from the copy a reproduction bundle ships (``history/<commit>/``)."""
    try:
        proc = subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, timeout=30)
        if proc.returncode == 0:
            return proc.stdout
    except (OSError, subprocess.SubprocessError):
        pass
    shipped = ROOT / "history" / commit[:12] / path
    return shipped.read_bytes() if shipped.is_file() else None


def snapshot_files() -> dict[str, bytes]:
    """The previous edition's data package, for a bundle to ship where there is no git history."""
    package = old_package()
    if not package:
        return {}
    commit = previous_edition()[1][:12]
    paths = ["data/datapackage.json", *(f"data/{r['path']}" for r in package["resources"])]
    return {f"history/{commit}/{path}": content for path in paths if (content := _git_show(previous_edition()[1], path))}


@cache
def old_package() -> dict | None:
    raw = _git_show(previous_edition()[1], "data/datapackage.json")
    return json.loads(raw) if raw else None


@cache
def old_table(name: str):
    """Table ``name`` (a DataFrame of text) as the previous edition published it, or None if it had no such table."""
    package = old_package()
    if not package:
        return None
    resource = next((r for r in package["resources"] if r["name"] == name), None)
    raw = resource and _git_show(previous_edition()[1], f"data/{resource['path']}")
    if not raw:
        return None
    import pandas as pd  # not at import: the build extension reads this module too

    return pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False)


@cache
def old_verdicts() -> dict[str, str] | None:
    """Claim id → verdict in the previous edition's seed briefs."""
    listing = _git_show(previous_edition()[1], "seeds")
    if listing is None:
        return None
    verdicts = {}
    for line in listing.decode().splitlines():
        if line.endswith(".yaml"):
            brief = yaml.safe_load(_git_show(previous_edition()[1], f"seeds/{line}") or b"{}")
            verdicts.update({c["id"]: c["verdict"] for c in brief.get("claims", [])})
    return verdicts
