"""`make lab` and `jupytext --execute`: chapters open as notebooks and run, as README promises."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT
from reportkit.notebooks import glued_values
from reportkit.paths import copy_project

TOKEN = "rk-test-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _request(base: str, path: str, data: dict | None = None) -> dict:
    request = urllib.request.Request(base + path, data=None if data is None else json.dumps(data).encode(),
                                     headers={"Authorization": f"token {TOKEN}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


@pytest.fixture
def lab(tmp_path: Path):
    """JupyterLab as `make lab` starts it, without a browser, on a free port."""
    port = _free_port()
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_DATA_DIR": str(tmp_path / "data")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "scripts" / "lab.py"), "--no-browser", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                _request(base, "/api/status")
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start within a minute")
        yield base, tmp_path / "runtime"
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_lab_opens_chapters_as_notebooks_that_run(lab):
    base, runtime = lab
    # The overrides become the defaults JupyterLab applies while the user has set nothing.
    schema = _request(base, "/lab/api/settings/@jupyterlab/docmanager-extension:plugin")["schema"]
    viewers = schema["properties"]["defaultViewers"]["default"]
    assert viewers["markdown"] == "Jupytext Notebook"
    model = _request(base, "/api/contents/chapters/split.md?type=notebook&content=1")
    assert model["type"] == "notebook"
    assert any(c["cell_type"] == "code" and "from reportkit import" in "".join(c["source"]) for c in model["content"]["cells"])

    # A kernel for the chapter, as JupyterLab starts it: it loads the data like the build does.
    from jupyter_client import BlockingKernelClient

    session = _request(base, "/api/sessions", {"path": "chapters/split.md", "type": "notebook", "name": "split.md",
                                               "kernel": {"name": "python3"}})
    client = BlockingKernelClient(connection_file=str(runtime / f"kernel-{session['kernel']['id']}.json"))
    client.load_connection_file()
    client.start_channels()
    try:
        client.wait_for_ready(timeout=60)
        outputs = []
        reply = client.execute_interactive("from reportkit import load; print(len(load('nato_members')))", timeout=60,
                                           output_hook=lambda msg: outputs.append(msg["content"].get("text", "")))
    finally:
        client.stop_channels()
    assert reply["content"]["status"] == "ok"
    assert int("".join(outputs)) == sum(1 for _ in (ROOT / "data" / "nato_members.csv").open(encoding="utf-8")) - 1


@pytest.mark.slow
def test_jupytext_executes_a_chapter(tmp_path):
    project = copy_project(tmp_path / "project")
    result = subprocess.run([str(Path(sys.executable).parent / "jupytext"), "--to", "ipynb", "--execute", "chapters/split.md"],
                            cwd=project, capture_output=True, text=True, timeout=600,
                            env={**os.environ, "PYTHONPATH": str(project / "scripts")})
    assert result.returncode == 0, result.stderr[-3000:]
    notebook = nbformat.read(project / "chapters" / "split.ipynb", as_version=4)
    assert "split_ussr_china_1971" in glued_values(notebook)
    assert not [o for c in notebook.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
