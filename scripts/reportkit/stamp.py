"""The provenance stamp: which edition, commit, data package and environment a page or PDF was built from.

A reader matches it to the repository with ``git checkout <commit>`` and
``sha256sum data/datapackage.json requirements.txt`` (the descriptor holds the sha256 of every CSV,
and the build checks each CSV against it; requirements.txt holds the exact pins).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from functools import cache

from packaging.utils import canonicalize_name

from reportkit.meta import citation
from reportkit.paths import PACKAGE_PATH, ROOT

LOCAL_CHANGES = "+local changes"
SHORT = 12


def _git(*args: str) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


@cache
def source_commit() -> str:
    """``RK_SOURCE_COMMIT`` if set (scripts/editions.py builds exported trees), else the checkout's HEAD,
    marked when tracked or new files differ from it; "unknown" outside a repository."""
    if os.environ.get("RK_SOURCE_COMMIT"):
        return os.environ["RK_SOURCE_COMMIT"]
    head = _git("rev-parse", "HEAD")
    if not head:
        return "unknown"
    return head + (f" {LOCAL_CHANGES}" if _git("status", "--porcelain") else "")


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _metadata_folders() -> tuple[str, ...]:
    """The installed distributions' metadata folders (name-version.dist-info), in ``sys.path`` order.

    Listing the folders takes a millisecond; reading every package's metadata would take a tenth of a second.
    """
    return tuple(entry.name for folder in sys.path if os.path.isdir(folder)
                 for entry in sorted(os.scandir(folder), key=lambda e: e.name)
                 if entry.name.endswith((".dist-info", ".egg-info")))


def installed_packages() -> str:
    """Every installed distribution and its version, as one string: changes when any package does."""
    return " ".join(sorted(_metadata_folders()))


def _installed_versions() -> dict[str, str]:
    """Installed version of each distribution, by canonical name (the first on ``sys.path`` wins, as for an import)."""
    versions: dict[str, str] = {}
    for name in _metadata_folders():
        if name.endswith(".dist-info"):
            dist, _, version = name.removesuffix(".dist-info").partition("-")
            versions.setdefault(canonicalize_name(dist), version)
    return versions


def environment_differs() -> list[str]:
    """Pins of requirements.txt that the running environment does not match."""
    differ = []
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^([A-Za-z0-9_.-]+)==(\S+)", line)
        if not match:
            continue
        installed = _installed_versions().get(canonicalize_name(match.group(1)))
        if installed != match.group(2):
            differ.append(f"{match.group(1)}=={match.group(2)} (installed: {installed or 'none'})")
    return differ


@cache
def stamp() -> dict[str, str]:
    """The stamp's fields, full length."""
    return {
        "edition": citation()["version"],
        "commit": source_commit(),
        "data": sha256(PACKAGE_PATH),
        "environment": sha256(ROOT / "requirements.txt") + (" (installed packages differ)" if environment_differs() else ""),
    }


def _short(value: str) -> str:
    head, _, rest = value.partition(" ")
    return head[:SHORT] + (f" {rest}" if rest else "")


def stamp_text(fields: dict[str, str] | None = None) -> str:
    """One line for readers: Edition 0.2.0 · commit 76a4893… · data sha256 … · environment sha256 …"""
    fields = fields or stamp()
    return (f"Edition {fields['edition']} · commit {_short(fields['commit'])} · data package sha256 {_short(fields['data'])}"
            f" · environment (requirements.txt) sha256 {_short(fields['environment'])}")
