"""JupyterLab on the project, with chapters/*.md opening as notebooks (Jupytext), local only.

    make lab                  (or: python scripts/lab.py [--port 8888] [--no-browser])

Writes JupyterLab's settings overrides into the environment (not your home folder): Markdown and MyST
files open in the notebook editor, and JupyterLab neither fetches news, checks for updates nor lists
extensions from a package index.
The kernel runs in .venv, so a chapter's `from reportkit import ...` and its data load as in the build.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from reportkit.paths import ROOT

OVERRIDES = {
    "@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}},
    "@jupyterlab/apputils-extension:notification": {"fetchNews": "false", "checkForUpdates": False},
}


def write_overrides(prefix: Path = Path(sys.prefix)) -> Path:
    path = prefix / "share" / "jupyter" / "lab" / "settings" / "overrides.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(OVERRIDES, indent=1) + "\n", encoding="utf-8")
    return path


def command(port: int, browser: bool) -> list[str]:
    return [sys.executable, "-m", "jupyter", "lab", f"--ServerApp.root_dir={ROOT}", "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}", f"--ServerApp.open_browser={browser}", "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate", "--LabApp.extension_manager=readonly",
            # Containers and CI often run as root, which Jupyter refuses unless told.
            *(["--ServerApp.allow_root=True"] if os.geteuid() == 0 else [])]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8888")))
    parser.add_argument("--no-browser", action="store_true")
    args = parser.parse_args(argv)
    write_overrides()
    print(f"==> JupyterLab on http://127.0.0.1:{args.port}/ : open chapters/NAME.md; Ctrl-C stops it", flush=True)
    os.execv(sys.executable, command(args.port, not args.no_browser))


if __name__ == "__main__":
    sys.exit(main())
