"""Benchmark the edit-build loop as users run it (`make book`, `make html`), and the reader's download.

    make bench                      (or: python scripts/bench.py [--runs 3] [--out _build/bench.json])

On a scratch copy of the project, for `make book` (HTML and PDF) and for `make html`, each scenario
runs --runs times (median reported):
  cold       empty _build: every chapter executes, the PDF is typeset from scratch
  noop       nothing changed
  prose      one sentence added to a chapter's prose: must execute nothing
  data       one value of a CSV changed (and its hash recorded): must execute exactly the chapters
             that load that CSV
  code       one line changed in a chapter's code cell: must execute that chapter only
and the first-view weight of every chapter (gzip-compressed, empty browser cache).

Prints a table, writes JSON, and exits non-zero if a target is missed: cold `make book` at most 45 s;
no-op at most 3 s or 8% of cold; prose edit at most 5 s or 10% of cold; a chapter's first view at most
800 KB with at most 60 KB of HTML. Timings are wall-clock; compare runs on the same machine only.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from reportkit.execution import Inputs, chapter_sources
from reportkit.pageweight import chromium, first_view, serve
from reportkit.paths import ROOT, copy_project

EDITED = "nato"                         # the chapter the prose and code scenarios edit
EDITED_CSV = "military_expenditure"     # the table the data scenario edits
TARGETS = {"cold_s": 45.0, "noop_s": 3.0, "noop_share": 0.08, "prose_s": 5.0, "prose_share": 0.10,
           "first_view_kb": 800.0, "html_kb": 60.0}
EXECUTING = re.compile(r"==> executing (\d+) chapter")


def make(project: Path, target: str) -> tuple[float, int]:
    """Run `make TARGET` in the copy with this checkout's .venv; returns (seconds, chapters executed)."""
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    started = time.perf_counter()
    proc = subprocess.run(["make", "--no-print-directory", "-C", str(project), target, f"VENV={ROOT / '.venv'}"],
                          env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    output = proc.stdout + proc.stderr
    if proc.returncode != 0:
        raise SystemExit(f"bench: make {target} failed:\n{output[-3000:]}")
    if "Executing notebook" in output:
        raise SystemExit("bench: MyST-NB executed a chapter itself: the parallel pre-execution missed its cache")
    found = EXECUTING.search(output)
    return seconds, int(found.group(1)) if found else 0


def edit_prose(project: Path, run: int) -> None:
    path = project / "chapters" / f"{EDITED}.md"
    text = path.read_text(encoding="utf-8")
    marker = "## What would change this assessment\n"
    path.write_text(text.replace(marker, f"{marker}\nA sentence added by benchmark run {run}.\n", 1), encoding="utf-8")


def edit_code(project: Path, run: int) -> None:
    path = project / "chapters" / f"{EDITED}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("from myst_nb import glue\n", f"from myst_nb import glue\n\nbench_run = {run}\n", 1), encoding="utf-8")


def edit_data(project: Path, run: int) -> None:
    """Change the first number of the CSV's last row, then record the new hash as a contributor would."""
    path = project / "data" / f"{EDITED_CSV}.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[-1] = re.sub(r",(\d+)\.(\d)", lambda m: f",{m.group(1)}.{(int(m.group(2)) + 1 + run) % 10}", lines[-1], count=1)
    path.write_text("".join(lines), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "reportkit.validate", "--rehash"], cwd=project, check=True, capture_output=True,
                   env={**os.environ, "PYTHONPATH": str(project / "scripts")})


def loaders(project: Path, name: str) -> int:
    """How many chapters load table ``name``: what a data edit must execute."""
    return sum(name in Inputs.of(project / s.relative_to(ROOT)).resources for s in chapter_sources())


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def run_scenarios(project: Path, target: str, runs: int) -> dict:
    results: dict[str, dict] = {}

    def record(name: str, samples: list[tuple[float, int]]) -> None:
        times = [s for s, _ in samples]
        results[name] = {"median_s": median(times), "runs_s": [round(t, 2) for t in times], "executed": [n for _, n in samples]}
        print(f"  make {target:<5} {name:<6} median {results[name]['median_s']:6.1f} s   runs {results[name]['runs_s']}   "
              f"chapters executed {results[name]['executed']}", flush=True)

    cold = []
    for _ in range(runs):
        shutil.rmtree(project / "_build", ignore_errors=True)
        cold.append(make(project, target))
    record("cold", cold)
    record("noop", [make(project, target) for _ in range(runs)])
    for name, edit in (("prose", edit_prose), ("data", edit_data), ("code", edit_code)):
        samples = []
        for run in range(runs):
            edit(project, run)
            samples.append(make(project, target))
        record(name, samples)
    return results


def page_weights(site: Path) -> dict[str, dict]:
    weights = {}
    with serve(site) as base, chromium() as browser:
        for name in [s.stem for s in chapter_sources()]:
            weight = first_view(browser, f"{base}/chapters/{name}.html")
            weights[name] = {"first_view_kb": round(weight.total_gz / 1024, 1), "html_kb": round(weight.html_gz / 1024, 1),
                             "requests": len(weight.responses)}
    return weights


def verdicts(results: dict, weights: dict, expected_data: int) -> dict[str, bool]:
    checks = {}
    for target, res in results.items():
        cold = res["cold"]["median_s"]
        if target == "book":
            checks[f"cold make book <= {TARGETS['cold_s']:.0f} s"] = cold <= TARGETS["cold_s"]
        checks[f"make {target}: no-op <= 3 s or 8% of cold"] = (res["noop"]["median_s"] <= TARGETS["noop_s"]
                                                              or res["noop"]["median_s"] <= TARGETS["noop_share"] * cold)
        checks[f"make {target}: prose edit <= 5 s or 10% of cold"] = (res["prose"]["median_s"] <= TARGETS["prose_s"]
                                                                    or res["prose"]["median_s"] <= TARGETS["prose_share"] * cold)
        checks[f"make {target}: prose edit executes nothing"] = not any(res["prose"]["executed"])
        checks[f"make {target}: CSV edit executes its {expected_data} loader(s)"] = all(n == expected_data for n in res["data"]["executed"])
        checks[f"make {target}: code edit executes one chapter"] = all(n == 1 for n in res["code"]["executed"])
    checks["first view <= 800 KB, HTML <= 60 KB"] = all(
        w["first_view_kb"] <= TARGETS["first_view_kb"] and w["html_kb"] <= TARGETS["html_kb"] for w in weights.values())
    return checks


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json", help="where to write the JSON results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        results = {}
        for target in ("book", "html"):
            project = copy_project(Path(tmp) / target)
            print(f"bench: make {target}, {args.runs} runs per scenario on a scratch copy ({os.cpu_count()} cores)", flush=True)
            results[target] = run_scenarios(project, target, args.runs)
        weights = page_weights(project / "_build" / "html")
        expected_data = loaders(project, EDITED_CSV)
    print(f"\n  {'chapter':<16}{'first view KB':>14}{'HTML KB':>9}{'requests':>10}")
    for name, w in weights.items():
        print(f"  {name:<16}{w['first_view_kb']:>14.1f}{w['html_kb']:>9.1f}{w['requests']:>10}")
    checks = verdicts(results, weights, expected_data)
    print()
    for check, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {check}")
    report = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": args.runs, "builds": results, "page_weights": weights,
        "shares_of_cold": {t: {k: round(r[k]["median_s"] / r["cold"]["median_s"], 3) for k in ("noop", "prose", "data", "code")}
                           for t, r in results.items()},
        "targets": TARGETS, "checks": checks,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nbench: results in {args.out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
