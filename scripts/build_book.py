"""Build the book safely: validate the data, build into a staging folder, publish only a complete build.

    python scripts/build_book.py          # HTML   -> _build/html
    python scripts/build_book.py --pdf    # HTML and PDF -> _build/html, _build/pdf/
    python scripts/build_book.py --pdf-only

Nothing under _build/html or _build/pdf changes unless every step succeeded: bad data stops the
build before any notebook runs; a failing chapter or any Sphinx warning stops it before publishing.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from reportkit.meta import citation, pdf_name
from reportkit.paths import KIT_DIR, PACKAGE_PATH, ROOT, data_files

BUILD = ROOT / "_build"
STAGE = BUILD / ".stage"          # jupyter-book --path-output: keeps its doctrees and execution cache
STAGED_HTML = STAGE / "_build" / "html"
STAGED_LATEX = STAGE / "_build" / "latex"
VALIDATED = STAGE / "validated.sha256"   # fingerprint of the data package at its last successful validation


def data_fingerprint() -> str:
    """Hash of everything validation depends on: the data files and the validating code."""
    digest = hashlib.sha256()
    for path in [*data_files(), KIT_DIR / "validate.py", KIT_DIR / "data.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def jupyter_book(builder: str, env: dict[str, str] | None = None) -> None:
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(ROOT), "--path-output", str(STAGE),
           "--builder", builder, "-W", "-n", "--keep-going"]
    started = time.monotonic()
    proc = subprocess.run(cmd, cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": "0", **(env or {})})
    if proc.returncode != 0:
        raise SystemExit(f"error: the {builder} build failed (see the messages above); nothing was published")
    step(f"{builder} build done in {time.monotonic() - started:.1f} s")


def publish_dir(src: Path, dest: Path) -> None:
    """Copy ``src`` next to ``dest``, then swap it in with renames, so ``dest`` is never half-written."""
    fresh = dest.with_name(dest.name + ".new")
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    # .buildinfo records Sphinx's config hash, which holds absolute paths; the published site needs none.
    shutil.copytree(src, fresh, ignore=shutil.ignore_patterns(".buildinfo"))
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    fresh.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="also build the PDF")
    parser.add_argument("--pdf-only", action="store_true", help="build only the PDF")
    args = parser.parse_args(argv)

    fingerprint = data_fingerprint()
    if VALIDATED.is_file() and VALIDATED.read_text(encoding="utf-8") == fingerprint:
        step("data package unchanged since it was last validated")
    else:
        step("validating the data package")
        from reportkit.validate import validate_package  # imported here: Frictionless takes a second to load

        problems = validate_package(PACKAGE_PATH)
        if problems:
            print(f"error: data package invalid, {len(problems)} problem(s); nothing was built or published", file=sys.stderr)
            for problem in problems:
                print(f"  data/{problem}", file=sys.stderr)
            return 1
        step("data package valid")

    STAGE.mkdir(parents=True, exist_ok=True)
    VALIDATED.write_text(fingerprint, encoding="utf-8")
    if not args.pdf_only:
        step("building HTML into _build/.stage (chapters execute only when they, their data or the kit changed)")
        # With a PDF on the way, every page's download menu links to it.
        jupyter_book("html", {"RK_WITH_PDF": "1"} if args.pdf else None)
    pdf, pdf_file = None, pdf_name(citation()["version"])
    if args.pdf or args.pdf_only:
        step("building the PDF with XeLaTeX")
        jupyter_book("pdflatex")
        pdf = STAGED_LATEX / "book.pdf"
        if not pdf.is_file():
            raise SystemExit("error: the LaTeX build produced no book.pdf; nothing was published")
    if not args.pdf_only:
        if pdf is not None:
            downloads = STAGED_HTML / "_downloads"
            downloads.mkdir(exist_ok=True)
            for stale in downloads.glob("reverse-kissinger-*.pdf"):
                stale.unlink()
            shutil.copy2(pdf, downloads / pdf_file)
        step("publishing _build/html")
        publish_dir(STAGED_HTML, BUILD / "html")
    if pdf is not None:
        (BUILD / "pdf").mkdir(parents=True, exist_ok=True)
        for stale in (BUILD / "pdf").glob("reverse-kissinger-*.pdf"):
            stale.unlink()
        shutil.copy2(pdf, BUILD / "pdf" / pdf_file)
        step(f"PDF: _build/pdf/{pdf_file}")
    if not args.pdf_only:
        step("done: open _build/html/index.html")
    return 0


if __name__ == "__main__":
    sys.exit(main())
