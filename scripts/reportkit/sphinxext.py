"""Local Sphinx extension: what the book needs beyond stock Jupyter Book.

- version and date from CITATION.cff in every page footer and in the LaTeX title page;
- markup that passes axe-core (a11y.py, templates/search-button-field.html);
- no fontawesome.js (icons come from the theme's web font; see templates/);
- plotly.js (the basic partial bundle: bar, pie, scatter; from node_modules) served once from ``_static`` and
  linked only from pages that hold a chart;
- the data package copied into the site (``data/``) so every chart links to its CSV;
- generated appendix pages (data and sources; claims ledger) written before reading;
- execution keyed on inputs: a chapter re-executes when anything its outputs depend on changed (reportkit.execution);
- code cells left out of the PDF, which opens with a title page and is divided into parts;
- per page downloads (the chapter as .ipynb with its outputs and .md, the edition's reproduction bundle,
  the report as PDF) and a version switcher;
- a provenance stamp (edition, commit, data and environment hashes) in every page footer and the PDF.
"""

from __future__ import annotations

import hashlib
import html
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx

from reportkit import a11y, appendix, bundle, execution, gallery, latex, stamp
from reportkit.meta import bundle_name, citation, pdf_name, release_versions
from reportkit.paths import KIT_DIR, ROOT, data_files

PLOTLY_BUNDLE = ROOT / "node_modules" / "plotly.js-basic-dist-min" / "plotly-basic.min.js"


def _on_config(app: Sphinx, config) -> None:
    meta = citation()
    built = stamp.stamp()
    config.version = config.release = meta["version"]
    footer = (
        f'<p class="rk-version">Version {meta["version"]} ({meta["date-released"]}) · '
        f'Text and data CC BY 4.0, code MIT · © {meta["date-released"][:4]} {meta["team"]}</p>'
        f'<p class="rk-provenance" data-edition="{html.escape(built["edition"])}" data-commit="{html.escape(built["commit"])}" '
        f'data-data="{html.escape(built["data"])}" data-environment="{html.escape(built["environment"])}">'
        f'{html.escape(stamp.stamp_text(built))}</p>'
    )
    config.html_theme_options = {**config.html_theme_options, "extra_footer": footer}
    # In html_context, so that Sphinx rewrites every page when they change (it hashes this setting).
    config.html_context = {
        **config.html_context, "default_mode": "light",
        "rk_versions": release_versions(meta["version"]), "rk_with_pdf": bool(os.environ.get("RK_WITH_PDF")),
    }
    config.html_static_path = [*config.html_static_path, str(KIT_DIR / "static")]
    config.html_css_files = [*config.html_css_files, "rk.css"]
    config.templates_path = [str(KIT_DIR / "templates"), *config.templates_path]
    config.latex_elements = {**config.latex_elements, **latex.elements(meta, stamp.stamp_text(built))}


# Called before the sources are read; the PDF's process in scripts/build_book.py sets it, to start
# Sphinx while the chapters are still being checked and executed, and to read them only once they are.
before_reading: Callable[[], None] | None = None


def _on_builder_inited(app: Sphinx) -> None:
    if before_reading is not None:
        before_reading()
    appendix.write_generated_pages(_cache_path(app))
    if app.builder.format == "html":
        if not PLOTLY_BUNDLE.is_file():
            raise RuntimeError(f"{PLOTLY_BUNDLE} is missing: run `make setup` (npm ci) first")
        staged = Path(app.outdir).parent / ".rk-static"
        shutil.rmtree(staged, ignore_errors=True)
        staged.mkdir(parents=True)
        shutil.copy2(PLOTLY_BUNDLE, staged / PLOTLY_BUNDLE.name)
        app.config.html_static_path.append(str(staged))


def _use_latex_translator(app: Sphinx) -> None:
    # Only for the LaTeX build: with any translator registered, pydata-sphinx-theme would wrap that one
    # instead of the HTML builder's, and the pages would lose its accessible headings and table wrappers.
    if app.builder.name == "latex":
        app.set_translator("latex", latex.Translator, override=True)


def _on_doctree_resolved(app: Sphinx, doctree, docname: str) -> None:
    """A report, not a tutorial: the PDF leaves out code cells' source (the HTML folds it)."""
    if app.builder.format != "latex":
        return
    for node in list(doctree.findall(nodes.container)):
        if node.get("nb_element") == "cell_code_source":
            node.parent.remove(node)
    if docname == app.config.root_doc:
        latex.shape_book(doctree, yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8")), "Introduction")


def _on_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    # Jupyter Book always loads sphinx-thebe, which points at a CDN; the book offers no live kernels.
    context["script_files"] = [
        js for js in context.get("script_files", [])
        if "thebe" not in str(js) and "thebe" not in str(getattr(js, "attributes", {}).get("body", ""))
    ]
    if doctree is not None and "rk-plotly" in context.get("body", ""):
        # Only chart pages load plotly.js; later pages reuse the browser's cached copy.
        context["script_files"] = [*context["script_files"], f"_static/{PLOTLY_BUNDLE.name}", "_static/rk-charts.js"]


def _chapter_notebook(pagename: str) -> str | None:
    """The notebook offered for download beside a chapter page, if the chapter has code."""
    source = ROOT / f"{pagename}.md"
    if pagename.startswith("chapters/") and source.is_file() and "```{code-cell}" in source.read_text(encoding="utf-8"):
        return f"{pagename}.ipynb"
    return None


def _on_header_buttons(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Downloads: the chapter as .md and .ipynb and the whole report as PDF; and a version switcher."""
    version = context["release"]
    root = "../" * pagename.count("/")
    for group in context.get("header_buttons", []):
        if group.get("label") != "download-buttons":
            continue
        buttons = [b for b in group["buttons"] if b.get("label") != "download-pdf-button" or not context["rk_with_pdf"]]
        notebook = _chapter_notebook(pagename)
        if notebook:
            buttons.insert(0, {"type": "link", "url": f"{root}_sources/{notebook}", "text": ".ipynb", "icon": "fas fa-code",
                               "tooltip": "Download this chapter as a notebook", "label": "download-notebook-button"})
        if notebook:
            buttons.insert(1, {"type": "link", "url": f"{root}_downloads/{bundle_name(version)}", "text": ".zip",
                               "icon": "fas fa-file-archive", "label": "download-bundle-button",
                               "tooltip": "Download every chapter as a notebook, with the data and the kit, to run anywhere"})
        if context["rk_with_pdf"]:
            buttons.append({"type": "link", "url": f"{root}_downloads/{pdf_name(version)}", "text": ".pdf",
                            "icon": "fas fa-file-pdf", "tooltip": "Download the whole report (PDF)", "label": "download-report-pdf-button"})
        group["buttons"] = buttons
    context.setdefault("header_buttons", []).insert(0, {
        "type": "group", "icon": "fas fa-code-branch", "tooltip": f"Version {version}: other versions",
        "label": "version-switcher", "buttons": [
            {"type": "link", "url": f"{root}{_version_href(v, version)}", "text": v + (" (this version)" if v == version else ""),
             "tooltip": f"Version {v}", "label": "version-link"}
            for v in context["rk_versions"]
        ] + [{"type": "link", "url": f"{root}chapters/changelog.html", "text": "What changed", "tooltip": "The changelog",
              "label": "version-changelog"}],
    })


def _version_href(version: str, current: str) -> str:
    # In a release archive the sites sit side by side as <version>/html/; see scripts/release.py.
    return "index.html" if version == current else f"../../{version}/html/index.html"


def _cache_path(app: Sphinx) -> Path:
    return Path(app.config.nb_execution_cache_path or Path(app.outdir).parent / ".jupyter_cache")


def _on_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Chapters whose inputs changed lose their cached execution and are re-read (see reportkit.execution)."""
    app.rk_fingerprints = {env.path2doc(str(s)): fp for s, fp in execution.refresh(_cache_path(app)).items()}
    stored = getattr(env, "rk_fingerprints", {})
    # Also re-read chapters whose doctree was built from other inputs (an earlier build may have
    # executed them outside Sphinx, in parallel).
    return [doc for doc, fp in app.rk_fingerprints.items() if stored.get(doc) != fp and doc not in changed]


def _on_doctree_read(app: Sphinx, doctree) -> None:
    env = app.env
    fingerprints = getattr(app, "rk_fingerprints", {})
    if env.docname in fingerprints:
        if not hasattr(env, "rk_fingerprints"):
            env.rk_fingerprints = {}
        env.rk_fingerprints[env.docname] = fingerprints[env.docname]


def _on_env_merge(app: Sphinx, env, docnames, other) -> None:
    env.rk_fingerprints = {**getattr(env, "rk_fingerprints", {}),
                           **{d: f for d, f in getattr(other, "rk_fingerprints", {}).items() if d in docnames}}


def _on_env_purge(app: Sphinx, env, docname: str) -> None:
    getattr(env, "rk_fingerprints", {}).pop(docname, None)


def _on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    # The themes ship their Jinja macro files inside their static folders; they are not pages.
    for macros in Path(app.outdir, "_static").glob("*webpack-macros.html"):
        macros.unlink()
    _write_notebooks(app)
    target = Path(app.outdir) / "data"
    target.mkdir(exist_ok=True)
    for path in data_files():
        shutil.copy2(path, target / path.name)


def _write_notebooks(app: Sphinx) -> None:
    """Each chapter as an executed notebook beside its page, and the edition's reproduction bundle."""
    meta, stamp_line = citation(), stamp.stamp_text()
    converted = Path(app.outdir).parent / ".rk-notebooks"   # outside the fresh output folder: converted once per input
    notebooks, charts = {}, []
    for source in execution.chapter_sources():
        docname = f"chapters/{source.stem}"
        if not _chapter_notebook(docname):
            continue
        title = app.env.titles[docname].astext() if docname in app.env.titles else source.stem
        head = bundle.header(meta["version"], title, stamp_line)
        fingerprint = getattr(app, "rk_fingerprints", {}).get(docname) or execution.fingerprint(source)   # once per build
        key = hashlib.sha256(source.read_bytes() + fingerprint.encode() + head.encode()).hexdigest()[:16]
        cached = converted / f"{source.stem}-{key}.ipynb"
        if not (cached.is_file() and cached.with_suffix(".charts.json").is_file()):
            from jupyter_cache import get_cache

            from reportkit.notebooks import write_executed_notebook  # Jupytext loads slowly; most builds need it for no page

            try:
                _, executed = get_cache(str(_cache_path(app))).merge_match_into_notebook(execution.read_notebook(source))
            except KeyError:
                raise RuntimeError(f"{source.name}: no cached execution to put in its notebook; build with execution on") from None
            for old in converted.glob(f"{source.stem}-*.*"):
                old.unlink()
            write_executed_notebook(source, executed, cached, head)
            gallery.save(gallery.charts_in(executed, docname, title), cached.with_suffix(".charts.json"), converted / "gallery")
        target = Path(app.outdir) / "_sources" / f"{docname}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(cached, target)
        notebooks[source.stem] = cached
        charts += gallery.load(cached.with_suffix(".charts.json"))
    bundle.write_bundle(Path(app.outdir) / "_downloads" / bundle_name(meta["version"]), meta["version"], stamp_line, notebooks,
                        cache=converted)
    page = Path(app.outdir) / "chapters" / "gallery.html"
    if page.is_file():
        text = page.read_text(encoding="utf-8")
        page.write_text(text.replace(gallery.PLACEHOLDER, gallery.write(charts, Path(app.outdir), converted / "gallery")), encoding="utf-8")


def _register_bibtex_plugins() -> None:
    """Look up once the pybtex plugin sphinxcontrib-bibtex asks for on every citation.

    Each ``pybtex.plugin.find_plugin`` call scans the entry points of every installed package (some
    15 ms here), and the plain-text backend is looked up once per citation: about 2 s a build. A plugin
    registered with pybtex's own ``register_plugin`` is found without a scan.
    """
    import pybtex.plugin

    group, name = "pybtex.backends", "plaintext"
    pybtex.plugin.register_plugin(group, name, pybtex.plugin.find_plugin(group, name), force=True)


def setup(app: Sphinx) -> dict:
    a11y.setup(app)
    _register_bibtex_plugins()
    app.connect("builder-inited", _use_latex_translator)
    app.connect("config-inited", _on_config)
    app.connect("builder-inited", _on_builder_inited, priority=900)   # last: everything before it needs no chapter
    app.connect("env-get-outdated", _on_get_outdated)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("env-merge-info", _on_env_merge)
    app.connect("env-purge-doc", _on_env_purge)
    app.connect("html-page-context", _on_page_context)
    app.connect("html-page-context", _on_header_buttons, priority=502)  # after sphinx-book-theme's buttons
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("build-finished", _on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "env_version": 1}
