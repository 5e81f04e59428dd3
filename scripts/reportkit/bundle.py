"""The reproduction bundle: one zip per edition that runs outside the repository.

It holds the chapter notebooks (executed, first cell saying how to run them), the data package, the
seed briefs, the kit as source (``kit/``, installed with pip), an exact-pinned ``requirements.txt``
and a README. The zip is byte-identical from build to build (sorted entries, dates from
SOURCE_DATE_EPOCH).
"""

from __future__ import annotations

import hashlib
import os
import platform
import re
import shutil
import time
import zipfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from reportkit import history
from reportkit.meta import bundle_name
from reportkit.paths import KIT_DIR, ROOT, SEEDS_DIR, data_files
from reportkit.stamp import installed_packages

# What running the notebooks needs: the kit's imports, glue, a kernel, nbconvert, and JupyterLab to read them.
ROOTS = ("pandas", "plotly", "pyyaml", "ipython", "myst-nb", "ipykernel", "nbconvert", "jupyterlab")
# The README's commands; tests/test_notebooks.py runs the first four in an empty folder.
RUN_STEPS = ("python3 -m venv .venv",
             ".venv/bin/python -m pip install --upgrade pip   # older pips miss some of the pinned versions",
             ".venv/bin/pip install -r requirements.txt ./kit",
             ".venv/bin/jupyter nbconvert --to notebook --execute --inplace chapters/*.ipynb",
             ".venv/bin/jupyter lab chapters/   # to read and run them interactively")
RUN = "\n".join(RUN_STEPS)


def pinned_requirements(roots=ROOTS) -> list[str]:
    """``name==version`` for ``roots`` and everything they need, as installed in this environment.

    Hand-written over importlib.metadata rather than a resolver: the pins must be exactly the packages
    the edition's build ran with, offline, and the installed metadata already is the resolution.
    """
    todo = [(r, frozenset()) for r in roots]
    seen: dict[str, str] = {}
    done: set[tuple[str, frozenset]] = set()
    while todo:
        name, extras = todo.pop()
        key = canonicalize_name(name)
        if (key, extras) in done:
            continue
        done.add((key, extras))
        dist = metadata.distribution(name)
        seen[key] = f"{dist.metadata['Name']}=={dist.version}"
        for line in dist.requires or []:
            req = Requirement(line)
            if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in (*extras, "")):
                todo.append((req.name, frozenset(req.extras)))
    return sorted(seen.values(), key=str.lower)


def _pins(cache: Path | None) -> list[str]:
    """pinned_requirements(), kept in ``cache`` for as long as the same packages are installed (it reads
    the metadata of every package it pins: a quarter of a second)."""
    if cache is None:
        return pinned_requirements()
    key = hashlib.sha256(repr((ROOTS, installed_packages())).encode()).hexdigest()[:16]
    memo = cache / f"requirements-{key}.txt"
    if memo.is_file():
        return memo.read_text(encoding="utf-8").splitlines()
    pins = pinned_requirements()
    cache.mkdir(parents=True, exist_ok=True)
    for old in cache.glob("requirements-*.txt"):
        old.unlink()
    memo.write_text("\n".join(pins) + "\n", encoding="utf-8")
    return pins


def header(version: str, title: str, stamp: str) -> str:
    """The first cell of every notebook a reader downloads."""
    return (f"**Reverse Kissinger, edition {version}: {title}**\n\n"
            "This notebook carries the outputs of the edition's build, so its charts and numbers show without running it. "
            f"To run it, download the edition's reproduction bundle (`{bundle_name(version)}`, in the download menu of "
            "every chapter page), unpack it, and in its folder run:\n\n"
            f"```bash\n{RUN}\n```\n\n"
            f"Provenance: {stamp}.")


def readme(version: str, stamp: str, chapters: list[str]) -> str:
    listing = "\n".join(f"- `chapters/{name}.ipynb`" for name in chapters)
    return f"""# Reverse Kissinger {version}: reproduction bundle

The chapter notebooks of edition {version}, with everything they need to run outside the project's repository.

{listing}
- `data/`: the data package (CSV tables and `datapackage.json` with their sha256 hashes);
- `seeds/`: the structured briefs of the two articles the report tests;
- `kit/`: the report's kit (`reportkit`), installed by pip;
- `requirements.txt`: the exact packages the edition was built with ({platform.system()}, Python {platform.python_version()}, or a later 3.11).

Run every notebook (about a minute), then read or re-run them in JupyterLab:

```bash
{RUN}
```

The notebooks find `data/` by looking upwards from their folder; set `RK_ROOT` to point elsewhere.
Each notebook's glued numbers equal those on the edition's pages.

Provenance: {stamp}.
"""


def _zip_time() -> tuple[int, ...]:
    epoch = max(int(os.environ.get("SOURCE_DATE_EPOCH", "0")), 315532800)   # zip dates start in 1980
    return time.gmtime(epoch)[:6]


def _members(notebooks: dict[str, Path]) -> dict[str, bytes]:
    members = {f"chapters/{name}.ipynb": path.read_bytes() for name, path in notebooks.items()}
    members.update({f"data/{p.name}": p.read_bytes() for p in data_files()})
    members.update({f"seeds/{p.name}": p.read_bytes() for p in sorted(SEEDS_DIR.glob("*.yaml"))})
    members.update(history.snapshot_files())   # the previous edition's data, which the tracker compares with
    members["kit/pyproject.toml"] = (ROOT / "pyproject.toml").read_bytes()
    for path in sorted(KIT_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            members[f"kit/scripts/reportkit/{path.relative_to(KIT_DIR).as_posix()}"] = path.read_bytes()
    return members


def write_bundle(target: Path, version: str, stamp: str, notebooks: dict[str, Path], cache: Path | None = None) -> Path:
    """Write the zip to ``target`` (a file), through a temporary name. With ``cache`` (a folder), a zip of the same
    members made by an earlier build is copied instead of compressed again (the zip is the same, byte for byte)."""
    members = _members(notebooks)
    members["requirements.txt"] = ("\n".join(_pins(cache)) + "\n").encode()
    members["README.md"] = readme(version, stamp, list(notebooks)).encode()
    folder = re.sub(r"\.zip$", "", target.name)
    digest = hashlib.sha256(repr((folder, _zip_time())).encode())
    for name in sorted(members):
        digest.update(name.encode() + b"\0" + members[name])
    made = cache / f"{folder}-{digest.hexdigest()[:16]}.zip" if cache else None
    target.parent.mkdir(parents=True, exist_ok=True)
    if made and made.is_file():
        shutil.copy2(made, target)
        return target
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_zip_time())
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, members[name])
    partial.replace(target)
    if made:
        made.parent.mkdir(parents=True, exist_ok=True)
        for old in made.parent.glob(f"{folder}-*.zip"):
            old.unlink()
        shutil.copy2(target, made)
    return target
