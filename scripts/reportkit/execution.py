"""Chapter execution that is never stale, and runs on every core.

MyST-NB's cache (jupyter-cache) matches a notebook by its code cells alone, but a chapter's outputs
also depend on what its code reads. Each chapter therefore gets an *inputs fingerprint*: a hash of
the CSVs it loads and their descriptors in ``datapackage.json``, the seed briefs (if it reads them),
the kit modules it imports, and the pinned environment (``requirements.txt``). The fingerprints live
beside the cache (``rk-fingerprints.json``), so they survive a reset of Sphinx's environment. When a
chapter's fingerprint differs from the stored one, every cached execution of that chapter is dropped,
whatever else changed in the same build, and the chapter runs again.

``execute_stale`` runs the chapters that have no cached execution in parallel, one kernel per core,
before Sphinx reads them; MyST-NB then finds every chapter in the cache. The Sphinx extension calls
``refresh`` too, so a plain ``sphinx-build`` (``make serve``) is never stale either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import yaml

from reportkit.paths import DATA_DIR, KIT_DIR, PACKAGE_PATH, ROOT, SEEDS_DIR, read_package

STORE_NAME = "rk-fingerprints.json"
# Names a chapter reads data by: load("x"), and the resources shown under a chart.
RESOURCE_NAMES = re.compile(r"""(?:load\(\s*|resources\s*=\s*\[?[^\]\n]*?)["']([a-z0-9_]+)["']""")
READS_SEEDS = re.compile(r"\bread_seed_briefs\b|\bseeds\b/")
KIT_IMPORT = re.compile(r"^\s*from reportkit(?:\.(\w+))? import ([\w, ()]+)|^\s*import reportkit\.(\w+)", re.M)
CODE_CELL = "```{code-cell}"


def chapter_sources(root: Path = ROOT) -> list[Path]:
    """The chapters in ``_toc.yml`` that hold code, in book order."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]] + [c["file"] for part in toc.get("parts", []) for c in part.get("chapters", [])]
    files += [c["file"] for c in toc.get("chapters", [])]
    sources = [root / f"{f}.md" for f in files]
    return [s for s in sources if s.is_file() and CODE_CELL in s.read_text(encoding="utf-8")]


def kit_modules(text: str) -> list[Path]:
    """Kit modules the code in ``text`` imports, followed through the kit's own imports."""
    todo, seen = [text], set()
    while todo:
        for match in KIT_IMPORT.finditer(todo.pop()):
            module, names, plain = match.groups()
            candidates = ["__init__", module or plain] + [n.strip(" ()") for n in (names or "").split(",")]
            for name in filter(None, candidates):
                path = KIT_DIR / f"{name}.py"
                if path.is_file() and path not in seen:
                    seen.add(path)
                    todo.append(path.read_text(encoding="utf-8"))
    return sorted(seen)


@dataclass(frozen=True)
class Inputs:
    """What one chapter's outputs depend on, beside its own code."""

    resources: tuple[str, ...]
    reads_seeds: bool
    modules: tuple[Path, ...]

    @classmethod
    def of(cls, source: Path) -> Inputs:
        text = source.read_text(encoding="utf-8")
        modules = kit_modules(text)
        # Kit modules that load data themselves (the tracker, the events on charts) count as loading it.
        names = set(RESOURCE_NAMES.findall(text)).union(*(RESOURCE_NAMES.findall(m.read_text(encoding="utf-8")) for m in modules))
        return cls(tuple(sorted(names)), bool(READS_SEEDS.search(text)), tuple(modules))

    def files(self) -> list[Path]:
        """The files behind these inputs (CSV paths follow the descriptor)."""
        package = read_package(PACKAGE_PATH)
        paths = {r["name"]: DATA_DIR / r["path"] for r in package["resources"]}
        files = [paths.get(name, DATA_DIR / f"{name}.csv") for name in self.resources]
        if self.reads_seeds:
            files += sorted(SEEDS_DIR.glob("*.yaml"))
        return [*files, *self.modules, ROOT / "requirements.txt"]


def fingerprint(source: Path) -> str:
    """Hash of everything a chapter's outputs depend on, beside its own code cells."""
    inputs = Inputs.of(source)
    package = read_package(PACKAGE_PATH)
    # Descriptors without their hash and size: those change with the CSV, which is hashed itself, and a
    # CSV edit must re-run only the chapters that load that CSV.
    described = {r["name"]: {k: v for k, v in r.items() if k not in ("hash", "bytes")} for r in package["resources"]}
    header = {k: v for k, v in package.items() if k != "resources"}
    digest = hashlib.sha256(json.dumps([header, [described.get(n) for n in inputs.resources]], sort_keys=True).encode())
    for path in inputs.files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() if path.is_file() else b"<missing>")
    if KIT_DIR / "history.py" in inputs.modules:
        # The chapter compares with the previous edition read from git: which one, and whether it can be read.
        from reportkit import history

        digest.update(json.dumps([history.previous_edition(), history.old_package() is not None]).encode())
    return digest.hexdigest()


def _key(source: Path) -> str:
    return source.resolve().relative_to(ROOT).as_posix()


def _load_store(cache_path: Path) -> dict[str, str]:
    try:
        return json.loads((cache_path / STORE_NAME).read_text(encoding="utf-8"))["chapters"]
    except (OSError, ValueError, KeyError):
        return {}


def refresh(cache_path: Path, sources: list[Path] | None = None) -> dict[Path, str]:
    """Drop the cached executions of chapters whose inputs changed; return every chapter's fingerprint.

    A chapter with no stored fingerprint counts as changed, so a cache of unknown provenance is never
    trusted. Records are matched by their path inside the project, so a moved checkout stays warm.
    """
    from jupyter_cache import get_cache

    sources = chapter_sources() if sources is None else sources
    stored = _load_store(cache_path)
    current = {_key(s): fingerprint(s) for s in sources}
    stale = [s for s in sources if stored.get(_key(s)) != current[_key(s)]]
    if stale and cache_path.exists():
        cache = get_cache(str(cache_path))
        suffixes = tuple("/" + _key(s) for s in stale)
        for record in cache.list_cache_records():
            if record.uri and Path(record.uri).as_posix().endswith(suffixes):
                cache.remove_cache(record.pk)
    merged = {**stored, **current}
    if merged != stored:
        # Written whole, then renamed: the HTML and LaTeX builds read it at the same time.
        cache_path.mkdir(parents=True, exist_ok=True)
        fresh = cache_path / f"{STORE_NAME}.{os.getpid()}"
        fresh.write_text(json.dumps({"chapters": merged}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        fresh.replace(cache_path / STORE_NAME)
    return {s: current[_key(s)] for s in sources}


def read_notebook(source: Path):
    """The chapter as MyST-NB reads it (so the cache hash is the one MyST-NB looks up)."""
    from myst_parser.config.main import MdParserConfig

    from myst_nb.core.read import read_myst_markdown_notebook

    return read_myst_markdown_notebook(source.read_text(encoding="utf-8"), MdParserConfig(), add_source_map=True)


class ChapterFailed(Exception):
    """A chapter raised while it executed."""


def execute_stale(cache_path: Path, *, jobs: int = 2, timeout: int = 180, log=print) -> list[Path]:
    """Refresh the cache, then execute every chapter that has no cached execution, ``jobs`` at a time.

    Returns the chapters executed. Raises ChapterFailed naming the chapter and the error when one fails;
    the chapters that succeeded stay cached.
    """
    from jupyter_cache import get_cache

    sources = chapter_sources()
    refresh(cache_path, sources)
    cache = get_cache(str(cache_path))
    todo = []
    for source in sources:
        notebook = read_notebook(source)
        try:
            cache.match_cache_notebook(notebook)
        except KeyError:
            todo.append((source, notebook))
    if not todo:
        return []
    from jupyter_cache.base import CacheBundleIn  # the executor's imports only when something runs
    from jupyter_cache.executors.utils import single_nb_execution

    log(f"==> executing {len(todo)} chapter(s), {jobs} at a time: {', '.join(s.stem for s, _ in todo)}")

    def run(item):
        source, notebook = item
        # Each kernel is its own process; threads only wait for them.
        return source, notebook, single_nb_execution(notebook, cwd=str(source.parent), timeout=timeout,
                                                     allow_errors=False, meta_override=True)

    # Kernels leave their charts' PDF export to this process, which exports them all in one Chromium
    # as each chapter finishes (reportkit.figures.export_deferred).
    deferred = os.environ.get("RK_STATIC_FIGURES") == "1"
    if deferred:
        os.environ["RK_STATIC_FIGURES"] = "deferred"   # read by the kernels as they start
    failures = []
    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            futures = [pool.submit(run, item) for item in todo]
            for future in as_completed(futures):
                source, notebook, result = future.result()
                if result.err is not None:
                    failures.append(f"{_key(source)}: {result.err.__class__.__name__}\n{result.exc_string}")
                    continue
                if deferred:
                    from reportkit.figures import export_deferred

                    export_deferred(notebook)
                cache.cache_notebook_bundle(CacheBundleIn(notebook, str(source.resolve()), data={"execution_seconds": result.time}),
                                            check_validity=False, overwrite=True)
                log(f"    {_key(source)} executed in {result.time:.1f} s")
    finally:
        if deferred:
            os.environ["RK_STATIC_FIGURES"] = "1"
            from reportkit.figures import stop_export

            stop_export()   # no browser thread survives into the build's processes
    if failures:
        raise ChapterFailed("\n".join(sorted(failures)))
    return [s for s, _ in todo]
