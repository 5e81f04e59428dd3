"""Local Sphinx extension: what the book needs beyond stock Jupyter Book.

- version and date from CITATION.cff in every page footer and in the LaTeX title page;
- plotly.js (the cartesian partial bundle, from node_modules) served once from ``_static`` and
  linked only from pages that hold a chart;
- the data package copied into the site (``data/``) so every chart links to its CSV;
- generated appendix pages (data and sources; claims ledger) written before reading;
- execution keyed on data: a chapter re-executes when a CSV it loads, or the kit, changes;
- code cells left out of the PDF.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx

from reportkit import appendix, latex
from reportkit.meta import citation
from reportkit.paths import DATA_DIR, KIT_DIR, ROOT

PLOTLY_BUNDLE = ROOT / "node_modules" / "plotly.js-cartesian-dist-min" / "plotly-cartesian.min.js"
LOAD_CALL = re.compile(r"""load\(\s*["']([a-z0-9_]+)["']""")


def _on_config(app: Sphinx, config) -> None:
    meta = citation()
    config.version = config.release = meta["version"]
    footer = (
        f'<p class="rk-version">Version {meta["version"]} ({meta["date-released"]}) · '
        f'Text and data CC BY 4.0, code MIT · © {meta["date-released"][:4]} {meta["team"]}</p>'
    )
    config.html_theme_options = {**config.html_theme_options, "extra_footer": footer}
    config.html_context = {**config.html_context, "default_mode": "light"}
    config.html_static_path = [*config.html_static_path, str(KIT_DIR / "static")]
    config.html_css_files = [*config.html_css_files, "rk.css"]
    config.latex_elements = {**config.latex_elements, **latex.elements(meta)}


def _on_builder_inited(app: Sphinx) -> None:
    appendix.write_generated_pages()
    if app.builder.format == "html":
        if not PLOTLY_BUNDLE.is_file():
            raise RuntimeError(f"{PLOTLY_BUNDLE} is missing: run `make setup` (npm ci) first")
        staged = Path(app.outdir).parent / ".rk-static"
        staged.mkdir(parents=True, exist_ok=True)
        shutil.copy2(PLOTLY_BUNDLE, staged / PLOTLY_BUNDLE.name)
        app.config.html_static_path.append(str(staged))


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


def _fingerprint(source: Path) -> str:
    """Hash of the data files a chapter loads and of the kit's code."""
    digest = hashlib.sha256()
    for name in sorted(set(LOAD_CALL.findall(source.read_text(encoding="utf-8")))):
        path = DATA_DIR / f"{name}.csv"
        digest.update(path.read_bytes() if path.is_file() else b"missing:" + name.encode())
    if "reportkit" in source.read_text(encoding="utf-8"):
        for path in sorted(KIT_DIR.glob("*.py")):
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _on_get_outdated(app: Sphinx, env, added, changed, removed) -> list[str]:
    """Chapters whose data or kit changed are re-read, and their cached execution dropped."""
    stored = getattr(env, "rk_fingerprints", {})
    stale = []
    for docname in env.found_docs:
        source = Path(env.doc2path(docname))
        if source.suffix != ".md" or not source.is_file():
            continue
        new = _fingerprint(source)
        if docname in stored and stored[docname] != new and docname not in changed:
            stale.append(docname)
    if stale:
        _drop_cached_executions(app, [Path(env.doc2path(d)) for d in stale])
    return stale


def _drop_cached_executions(app: Sphinx, sources: list[Path]) -> None:
    from jupyter_cache import get_cache

    cache_path = app.config.nb_execution_cache_path or str(Path(app.outdir).parent / ".jupyter_cache")
    if not Path(cache_path).exists():
        return
    cache = get_cache(cache_path)
    wanted = {str(s.resolve()) for s in sources}
    for record in cache.list_cache_records():
        if record.uri and str(Path(record.uri).resolve()) in wanted:
            cache.remove_cache(record.pk)


def _on_doctree_read(app: Sphinx, doctree) -> None:
    env = app.env
    source = Path(env.doc2path(env.docname))
    if source.suffix == ".md" and source.is_file():
        if not hasattr(env, "rk_fingerprints"):
            env.rk_fingerprints = {}
        env.rk_fingerprints[env.docname] = _fingerprint(source)


def _on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    target = Path(app.outdir) / "data"
    target.mkdir(exist_ok=True)
    for path in sorted(DATA_DIR.glob("*.csv")) + [DATA_DIR / "datapackage.json"]:
        shutil.copy2(path, target / path.name)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", _on_config)
    app.connect("builder-inited", _on_builder_inited)
    app.connect("env-get-outdated", _on_get_outdated)
    app.connect("doctree-read", _on_doctree_read)
    app.connect("html-page-context", _on_page_context)
    app.connect("doctree-resolved", _on_doctree_resolved)
    app.connect("build-finished", _on_build_finished)
    return {"version": "1.0", "parallel_read_safe": True, "env_version": 1}
