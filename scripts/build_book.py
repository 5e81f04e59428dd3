"""Build the book safely: validate the data, build into a staging folder, publish only a complete build.

    python scripts/build_book.py          # HTML   -> _build/html
    python scripts/build_book.py --pdf    # HTML and PDF -> _build/html, _build/pdf/
    python scripts/build_book.py --pdf-only

Nothing under _build/html or _build/pdf changes unless every step succeeded: bad data stops the
build before any notebook runs; a failing chapter or any Sphinx warning stops it before publishing.

What makes it quick:
- nothing at all is done when no input changed since the last good build (content hashes);
- chapters whose code or inputs changed execute first, in parallel, into the execution cache
  (reportkit.execution); Sphinx then reads them from the cache;
- Sphinx runs in this process (no command-line start-up), reading incrementally but writing the HTML
  into a fresh folder every time, so no page, static file or search term of an earlier build survives;
- the PDF's LaTeX sources build, and XeLaTeX typesets them, in a second process forked before the
  chapters are checked: its Sphinx starts while they execute and reads them once they are ready, then
  runs beside the HTML build; each build keeps its own Sphinx environment;
- the PDF is typeset only when its LaTeX sources or figures changed, in as many XeLaTeX passes as its
  cross-references need (reportkit.typeset);
- the cyclic garbage collector stays off (a build is one short process; with it on, collections of
  Sphinx's node trees cost about 1 s a build), and leaves the objects alone at exit (about 0.5 s);
- jsonschema's IRI format checker is never loaded: importing it compiles some forty grammars
  (about 1.5 s a build) to check a format no notebook of this book uses.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import multiprocessing
import os
import shutil
import sys
import time
from pathlib import Path

from reportkit.appendix import GENERATED_PAGES, write_generated_pages
from reportkit.meta import citation, pdf_name, release_epoch
from reportkit.paths import KIT_DIR, PACKAGE_PATH, PROJECT_DIRS, PROJECT_FILES, ROOT, data_files
from reportkit.stamp import installed_packages, source_commit
from reportkit.typeset import TypesetFailed
from reportkit.typeset import typeset as xelatex

BUILD = ROOT / "_build"
STAGE = BUILD / ".stage"          # doctrees, execution cache and staged outputs of the last build
STAGED_HTML = STAGE / "_build" / "html"
STAGED_LATEX = STAGE / "print" / "latex"   # beside its own doctrees: the LaTeX build runs alongside the HTML one
CACHE = STAGE / "_build" / ".jupyter_cache"
VALIDATED = STAGE / "validated.sha256"   # fingerprint of the data package at its last successful validation
BUILT = STAGE / "built.json"             # fingerprints of the inputs of the last published HTML and PDF
TYPESET = STAGED_LATEX / ".rk-typeset.sha256"
# Written by the build from data, seeds and history: fingerprinted apart, as the build last wrote them
GENERATED = {f"chapters/{name}" for name in GENERATED_PAGES}
# Files the LaTeX run writes itself; everything else in the LaTeX folder is an input of the PDF.
LATEX_OUTPUTS = {".aux", ".log", ".toc", ".out", ".idx", ".ind", ".ilg", ".fls", ".fdb_latexmk", ".xdv", ".synctex.gz"}
ENV_INPUTS = ("SOURCE_DATE_EPOCH", "FORCE_SOURCE_DATE", "RK_RELEASE_VERSIONS", "BROWSER_PATH", "RK_SOURCE_COMMIT")


def data_fingerprint() -> str:
    """Hash of everything validation depends on: the data files and the validating code."""
    digest = hashlib.sha256()
    for path in [*data_files(), KIT_DIR / "validate.py", KIT_DIR / "data.py"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def input_files() -> list[Path]:
    """Every file a build reads from the project."""
    files = [ROOT / name for name in PROJECT_FILES]
    for folder in PROJECT_DIRS:
        files += [p for p in (ROOT / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts
                  and p.suffix != ".ipynb" and p.relative_to(ROOT).as_posix() not in GENERATED]
    return sorted(files)


def inputs_fingerprint(kind: str) -> str:
    """Hash of the project's files, the build's environment and the installed packages."""
    digest = hashlib.sha256(kind.encode())
    for path in input_files():
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    digest.update(json.dumps({k: os.environ.get(k) for k in ENV_INPUTS}, sort_keys=True).encode())
    digest.update(source_commit().encode())   # the provenance stamp names the commit
    digest.update(installed_packages().encode())
    return digest.hexdigest()


def generated_fingerprint() -> str:
    """Hash of the generated pages as they are: a hand edit to one of them is a change to build."""
    digest = hashlib.sha256()
    for name in sorted(GENERATED):
        path = ROOT / name
        digest.update(name.encode() + b"\0" + (path.read_bytes() if path.is_file() else b"<missing>"))
    return digest.hexdigest()


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def sphinx(builder: str, outdir: Path, *, quiet: bool = False, clock: list[float] | None = None) -> None:
    """Run Jupyter Book's Sphinx build in this process; any warning fails it. The time it reports runs
    from now, or from ``clock[0]`` as it is when the build ends."""
    from jupyter_book.sphinx import build_sphinx

    clock = clock or [time.monotonic()]
    result = build_sphinx(ROOT, outdir, noconfig=True, path_config=str(ROOT / "_config.yml"), builder=builder,
                          confoverrides={"external_toc_path": (ROOT / "_toc.yml").as_posix(), "nitpicky": True,
                                         "latex_individualpages": False, "nb_execution_cache_path": str(CACHE),
                                         # citations' hover texts, formatted for every entry of every build: web only
                                         "bibtex_tooltips": builder == "html"},
                          warningiserror=True, keep_going=True, quiet=quiet)
    if result != 0:
        raise SystemExit(f"error: the {builder} build failed (see the messages above); nothing was published")
    step(f"{builder} build done in {time.monotonic() - clock[0]:.1f} s")


def execute_chapters() -> None:
    from reportkit.execution import ChapterFailed, execute_stale

    started = time.monotonic()
    try:
        ran = execute_stale(CACHE, jobs=min(len(os.sched_getaffinity(0)), 4))
    except ChapterFailed as exc:
        print(f"error: a chapter failed to execute; nothing was published\n{exc}", file=sys.stderr)
        raise SystemExit(1) from None
    if ran:
        step(f"{len(ran)} chapter(s) executed in {time.monotonic() - started:.1f} s")
    else:
        step("no chapter needs to execute (code and inputs unchanged)")


def latex_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(STAGED_LATEX.iterdir()):
        if path.is_file() and path.suffix not in LATEX_OUTPUTS and path.name not in ("book.pdf", TYPESET.name):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def typeset() -> Path:
    """XeLaTeX on book.tex, unless the sources and figures are those of the last PDF."""
    pdf = STAGED_LATEX / "book.pdf"
    fingerprint = latex_fingerprint()
    if pdf.is_file() and TYPESET.is_file() and TYPESET.read_text(encoding="utf-8") == fingerprint:
        step("LaTeX sources unchanged: keeping the last PDF")
        return pdf
    TYPESET.unlink(missing_ok=True)
    started = time.monotonic()
    try:
        pdf, passes = xelatex(STAGED_LATEX / "book.tex")
    except TypesetFailed as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(f"error: XeLaTeX failed (see book.log in {STAGED_LATEX.relative_to(ROOT)}); nothing was published") from None
    TYPESET.write_text(fingerprint, encoding="utf-8")
    step(f"PDF typeset in {time.monotonic() - started:.1f} s ({passes} XeLaTeX pass{'es' if passes > 1 else ''})")
    return pdf


class PdfJob:
    """The PDF's build in a forked process: Sphinx starts at once, then waits for word to read the sources."""

    def __init__(self) -> None:
        step("building the PDF in a second process (LaTeX sources, then XeLaTeX)")
        sys.stdout.flush()
        sys.stderr.flush()
        context = multiprocessing.get_context("fork")
        self._gate, gate = context.Pipe()
        self.process = context.Process(target=self._run, args=(gate,), name="pdf")
        self.process.start()
        gate.close()

    @staticmethod
    def _run(gate) -> None:
        from reportkit import sphinxext

        clock = [time.monotonic()]

        def wait() -> None:
            try:
                go = gate.recv()
            except EOFError:   # the build stopped before the sources were ready
                go = False
            if not go:
                os._exit(1)
            clock[0] = time.monotonic()   # the build's time, not the wait's
        sphinxext.before_reading = wait
        sphinx("latex", STAGED_LATEX, quiet=True, clock=clock)
        typeset()

    def go(self) -> None:
        """The chapters are executed and the generated pages written: read them."""
        try:
            self._gate.send(True)
        except OSError:   # it stopped already; finish() reports how
            pass

    def stop(self) -> None:
        if self.process.is_alive():
            try:
                self._gate.send(False)
            except OSError:
                pass
        self.process.join()

    def finish(self) -> None:
        self.process.join()
        if self.process.exitcode != 0:
            raise SystemExit("error: the PDF build failed (see the messages above); nothing was published")


def publish_dir(src: Path, dest: Path, *, move: bool = False) -> None:
    """Put ``src`` next to ``dest``, then swap it in with renames, so ``dest`` is never half-written."""
    fresh = dest.with_name(dest.name + ".new")
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(fresh, ignore_errors=True)
    if move:
        src.rename(fresh)
    else:
        shutil.copytree(src, fresh)
    # .buildinfo records Sphinx's config hash, which holds absolute paths; the published site needs none.
    (fresh / ".buildinfo").unlink(missing_ok=True)
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    fresh.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def validate() -> bool:
    fingerprint = data_fingerprint()
    if VALIDATED.is_file() and VALIDATED.read_text(encoding="utf-8") == fingerprint:
        step("data package unchanged since it was last validated")
        return True
    step("validating the data package")
    from reportkit.validate import validate_package  # imported here: Frictionless takes a second to load

    problems = validate_package(PACKAGE_PATH)
    if problems:
        print(f"error: data package invalid, {len(problems)} problem(s); nothing was built or published", file=sys.stderr)
        for problem in problems:
            print(f"  data/{problem}", file=sys.stderr)
        return False
    step("data package valid")
    STAGE.mkdir(parents=True, exist_ok=True)
    VALIDATED.write_text(fingerprint, encoding="utf-8")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdf", action="store_true", help="also build the PDF")
    parser.add_argument("--pdf-only", action="store_true", help="build only the PDF")
    args = parser.parse_args(argv)
    # Before nbformat is first imported (through jupyter-cache and MyST-NB): jsonschema then skips that checker.
    sys.modules.setdefault("rfc3987_syntax", None)
    want_html, want_pdf = not args.pdf_only, args.pdf or args.pdf_only
    # Every date a build writes (Sphinx, XeLaTeX, chart PDFs, the bundle's zip) is the edition's release date.
    os.environ.setdefault("SOURCE_DATE_EPOCH", str(release_epoch(citation()["date-released"])))
    pdf_file = pdf_name(citation()["version"])
    published = {"html": BUILD / "html" / "index.html", "pdf": BUILD / "pdf" / pdf_file}

    # With a PDF on the way, every page's download menu links to it, so the HTML depends on the flag.
    kinds = {k: inputs_fingerprint(k + ("+pdf" if k == "html" and want_pdf else "")) for k in ("html", "pdf")}
    wanted = [k for k, on in (("html", want_html), ("pdf", want_pdf)) if on]
    built = json.loads(BUILT.read_text(encoding="utf-8")) if BUILT.is_file() else {}
    if built.get("generated") == generated_fingerprint() and all(built.get(k) == kinds[k] and published[k].is_file()
                                                               for k in wanted):
        step("nothing changed since the last build: " + " and ".join(str(published[k].relative_to(ROOT)) for k in wanted)
             + " are up to date")
        return 0

    if not validate():
        return 1
    os.environ.setdefault("PYTHONHASHSEED", "0")   # the kernels inherit it: set ordering in chapters is stable
    os.environ["RK_STATIC_FIGURES"] = "1"          # charts also as PDF images, for the LaTeX build
    if want_pdf:
        os.environ["RK_WITH_PDF"] = "1"
    # The PDF's Sphinx starts now, beside the execution; it reads the sources once they are ready.
    pdf_job = PdfJob() if want_pdf else None
    try:
        execute_chapters()
        write_generated_pages(CACHE)   # here, once: the two builds then find them up to date
        generated = generated_fingerprint()
        if pdf_job is not None:
            pdf_job.go()
        if want_html:
            step("building HTML into a fresh _build/.stage/_build/html")
            shutil.rmtree(STAGED_HTML, ignore_errors=True)
            sphinx("html", STAGED_HTML)
    except BaseException:
        if pdf_job is not None:
            pdf_job.stop()   # before it reads anything, or once it is done
        raise
    if pdf_job is not None:
        pdf_job.finish()
    pdf = STAGED_LATEX / "book.pdf" if want_pdf else None
    if want_html:
        if pdf is not None:
            (STAGED_HTML / "_downloads").mkdir(exist_ok=True)
            shutil.copy2(pdf, STAGED_HTML / "_downloads" / pdf_file)
        step("publishing _build/html")
        publish_dir(STAGED_HTML, BUILD / "html", move=True)
    if pdf is not None:
        staged = STAGE / "pdf"
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir(parents=True)
        shutil.copy2(pdf, staged / pdf_file)
        publish_dir(staged, BUILD / "pdf", move=True)
        step(f"PDF: _build/pdf/{pdf_file}")
    BUILT.write_text(json.dumps({**built, **{k: kinds[k] for k in wanted}, "generated": generated}, indent=1) + "\n", encoding="utf-8")
    if want_html:
        step("done: open _build/html/index.html")
    return 0


if __name__ == "__main__":
    gc.disable()
    status = main()
    gc.freeze()   # nothing left to collect: exit without walking every object
    sys.exit(status)
