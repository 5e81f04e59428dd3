"""Benchmark the edit-build loop and the reader's download, on a scratch copy of the project.

    make bench                      (or: python scripts/bench.py [--runs 3] [--out _build/bench.json])

Scenarios, each run --runs times (median reported):
  cold       HTML build with an empty execution cache (every chapter executes)
  noop       HTML rebuild with nothing changed
  prose      one sentence added to a chapter's prose: must execute nothing
  code       one line changed in a chapter's code cell: must execute that chapter only
  pdf        PDF typeset from scratch after an HTML build
and the first-view weight of every chapter (gzip-compressed, empty browser cache).

Prints a table, writes JSON, and exits non-zero if a target is missed: cold at most 90 s, no-op at
most 10% of cold, prose edit at most 15% of cold, a chapter's first view at most 800 KB with at most
60 KB of HTML. Timings are wall-clock on this machine; compare runs on the same machine only.
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

from reportkit.pageweight import chromium, first_view, serve
from reportkit.paths import ROOT, copy_project

CHAPTERS = ["intro", "split", "alignment", "partial-deal", "transatlantic", "nato", "assessment"]
EDITED = "nato"     # the chapter the prose and code scenarios edit
TARGETS = {"cold_s": 90.0, "noop_share": 0.10, "prose_share": 0.15, "first_view_kb": 800.0, "html_kb": 60.0}


def build(project: Path, *args: str) -> tuple[float, int]:
    """Run the project's build; returns (seconds, number of chapters executed)."""
    env = {**os.environ, "PYTHONPATH": str(project / "scripts")}
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, str(project / "scripts" / "build_book.py"), *args], cwd=project, env=env,
                          capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"bench: build {' '.join(args)} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")
    return seconds, len(re.findall(r"Executing notebook", proc.stdout + proc.stderr))


def edit_prose(project: Path, run: int) -> None:
    path = project / "chapters" / f"{EDITED}.md"
    text = path.read_text(encoding="utf-8")
    marker = "## What would change this assessment\n"
    path.write_text(text.replace(marker, f"{marker}\nA sentence added by benchmark run {run}.\n", 1), encoding="utf-8")


def edit_code(project: Path, run: int) -> None:
    path = project / "chapters" / f"{EDITED}.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("from myst_nb import glue\n", f"from myst_nb import glue\n\nbench_run = {run}\n", 1), encoding="utf-8")


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2)


def run_scenarios(project: Path, runs: int) -> dict:
    results: dict[str, dict] = {}

    def record(name: str, samples: list[tuple[float, int]]) -> None:
        times = [s for s, _ in samples]
        results[name] = {"median_s": median(times), "runs_s": [round(t, 2) for t in times], "executed": [n for _, n in samples]}
        print(f"  {name:<6} median {results[name]['median_s']:6.1f} s   runs {results[name]['runs_s']}   "
              f"chapters executed {results[name]['executed']}", flush=True)

    cold = []
    for _ in range(runs):
        shutil.rmtree(project / "_build", ignore_errors=True)
        cold.append(build(project))
    record("cold", cold)
    record("noop", [build(project) for _ in range(runs)])
    prose, code = [], []
    for run in range(runs):
        edit_prose(project, run)
        prose.append(build(project))
    record("prose", prose)
    for run in range(runs):
        edit_code(project, run)
        code.append(build(project))
    record("code", code)
    pdf = []
    for _ in range(runs):
        shutil.rmtree(project / "_build" / ".stage" / "_build" / "latex", ignore_errors=True)   # typeset from scratch
        pdf.append(build(project, "--pdf-only"))
    record("pdf", pdf)
    return results


def page_weights(site: Path) -> dict[str, dict]:
    weights = {}
    with serve(site) as base, chromium() as browser:
        for name in CHAPTERS:
            weight = first_view(browser, f"{base}/chapters/{name}.html")
            weights[name] = {"first_view_kb": round(weight.total_gz / 1024, 1), "html_kb": round(weight.html_gz / 1024, 1),
                             "requests": len(weight.responses)}
    return weights


def verdicts(results: dict, weights: dict) -> dict[str, bool]:
    cold = results["cold"]["median_s"]
    return {
        f"cold HTML build <= {TARGETS['cold_s']:.0f} s": cold <= TARGETS["cold_s"],
        "no-op rebuild <= 10% of cold": results["noop"]["median_s"] <= TARGETS["noop_share"] * cold,
        "prose edit <= 15% of cold": results["prose"]["median_s"] <= TARGETS["prose_share"] * cold,
        "prose edit executes nothing": not any(results["prose"]["executed"]),
        "code edit executes one chapter": all(n == 1 for n in results["code"]["executed"]),
        "first view <= 800 KB, HTML <= 60 KB": all(w["first_view_kb"] <= TARGETS["first_view_kb"] and w["html_kb"] <= TARGETS["html_kb"]
                                                    for w in weights.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per scenario (default 3)")
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench.json", help="where to write the JSON results")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="rk-bench-") as tmp:
        project = copy_project(Path(tmp) / "project")
        print(f"bench: {args.runs} runs per scenario on a scratch copy ({os.cpu_count()} cores)", flush=True)
        results = run_scenarios(project, args.runs)
        weights = page_weights(project / "_build" / "html")
    print(f"\n  {'chapter':<16}{'first view KB':>14}{'HTML KB':>9}{'requests':>10}")
    for name, w in weights.items():
        print(f"  {name:<16}{w['first_view_kb']:>14.1f}{w['html_kb']:>9.1f}{w['requests']:>10}")
    checks = verdicts(results, weights)
    print()
    for check, ok in checks.items():
        print(f"  {'ok  ' if ok else 'MISS'} {check}")
    cold = results["cold"]["median_s"]
    report = {
        "machine": {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "runs": args.runs, "builds": results, "page_weights": weights,
        "shares_of_cold": {k: round(results[k]["median_s"] / cold, 3) for k in ("noop", "prose", "code", "pdf")},
        "targets": TARGETS, "checks": checks,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(f"\nbench: results in {args.out}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
