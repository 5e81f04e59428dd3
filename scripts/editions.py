"""Build the versioned site from the repository alone: every edition in editions.json, from its commit.

    make site                                   (or: python scripts/editions.py)
    python scripts/editions.py --record 1.0.0 [--commit C]   # add an edition to editions.json (C defaults to HEAD)

For each edition (newest first), the commit's tree is exported with ``git archive`` into
_build/.editions/<version>/ (kept between runs, so an unchanged edition rebuilds warm) and built
with that commit's own scripts/build_book.py --pdf, its own kit and the project's .venv, with
- RK_RELEASE_VERSIONS: every edition, so each switcher lists all of them (older editions included);
- SOURCE_DATE_EPOCH: the edition's release date (midnight UTC), so its PDF is reproducible;
- RK_SOURCE_COMMIT: the commit, for the provenance stamp of editions that have one.

The site is assembled in _build/.site.partial/ as <version>/html/, <version>/<pdf>, <version>/data/,
the reproduction bundle (editions that have one), <version>/SHA256SUMS, then latest/ (the newest
edition), versions.json and index.html, and swapped in with renames. A commit that is missing, a CITATION.cff that disagrees with editions.json, or an
edition that fails to build stops the run with the version and the reason, before _build/site changes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import html
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import yaml

from reportkit.meta import bundle_name, pdf_name, release_epoch, sort_versions
from reportkit.paths import ROOT

EDITIONS = ROOT / "editions.json"
SITE = ROOT / "_build" / "site"
WORK = ROOT / "_build" / ".editions"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")
FULL_SHA = re.compile(r"^[0-9a-f]{40}$")


class SiteError(Exception):
    """An edition cannot be built; the message names the version and the reason."""


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def git(*args: str, repo: Path = ROOT, check: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run(["git", "-C", str(repo), *args], capture_output=True)
    if check and result.returncode != 0:
        raise SiteError(f"git {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")
    return result


def read_editions(path: Path) -> dict[str, dict[str, str]]:
    """editions.json: {"x.y.z": {"commit": "<40 hex digits>", "date": "YYYY-MM-DD"}, ...}, checked."""
    try:
        editions = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SiteError(f"{path.name}: cannot be read as JSON ({exc})") from None
    if not isinstance(editions, dict) or not editions:
        raise SiteError(f'{path.name}: expected an object mapping versions to {{"commit": ..., "date": ...}}')
    for version, entry in editions.items():
        if not SEMVER.match(version):
            raise SiteError(f"{path.name}: edition {version!r}: a version looks like 1.2.3")
        if not isinstance(entry, dict) or set(entry) != {"commit", "date"} or not FULL_SHA.match(str(entry["commit"])):
            raise SiteError(f'{path.name}: edition {version}: expected {{"commit": "<40 hex digits>", "date": "YYYY-MM-DD"}}, '
                            f"got {json.dumps(entry)}")
        try:
            dt.date.fromisoformat(entry["date"])
        except (TypeError, ValueError):
            raise SiteError(f"{path.name}: edition {version}: date {entry['date']!r} is not YYYY-MM-DD") from None
    return editions


def check_edition(version: str, entry: dict[str, str], repo: Path) -> None:
    """The commit exists and its CITATION.cff names this version and date."""
    commit = entry["commit"]
    if git("cat-file", "-e", f"{commit}^{{commit}}", repo=repo, check=False).returncode != 0:
        raise SiteError(f"edition {version}: commit {commit} is not in this repository (fetch it, or correct editions.json)")
    shown = git("show", f"{commit}:CITATION.cff", repo=repo, check=False)
    if shown.returncode != 0:
        raise SiteError(f"edition {version}: commit {commit[:12]} has no CITATION.cff")
    meta = yaml.safe_load(shown.stdout)
    found = (str(meta.get("version")), str(meta.get("date-released")))
    if found != (version, entry["date"]):
        raise SiteError(f"edition {version}: CITATION.cff at commit {commit[:12]} says version {found[0]}, released {found[1]}; "
                        f"editions.json says {version}, released {entry['date']}")


def export(commit: str, dest: Path, repo: Path) -> Path:
    """The commit's tree in ``dest`` (kept if it already holds that commit, so its build caches stay warm)."""
    marker = dest / ".rk-commit"
    if marker.is_file() and marker.read_text(encoding="utf-8").strip() == commit:
        return dest
    shutil.rmtree(dest, ignore_errors=True)
    partial = dest.with_name(dest.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    archive = subprocess.Popen(["git", "-C", str(repo), "archive", "--format=tar", commit], stdout=subprocess.PIPE)
    with tarfile.open(fileobj=archive.stdout, mode="r|") as tar:
        tar.extractall(partial, filter="data")
    if archive.wait() != 0:
        raise SiteError(f"git archive {commit} failed")
    (partial / "node_modules").symlink_to(ROOT / "node_modules")
    (partial / ".rk-commit").write_text(commit + "\n", encoding="utf-8")
    partial.rename(dest)
    return dest


def build_env(tree: Path, versions: list[str], commit: str, date: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("RK_")}
    return {**env, "PYTHONPATH": str(tree / "scripts"), "RK_RELEASE_VERSIONS": json.dumps(versions),
            "RK_SOURCE_COMMIT": commit, "SOURCE_DATE_EPOCH": str(release_epoch(date)), "FORCE_SOURCE_DATE": "1",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
            "BROWSER_PATH": env.get("BROWSER_PATH", "/usr/bin/chromium"), "PYDEVD_DISABLE_FILE_VALIDATION": "1"}


def build(version: str, entry: dict[str, str], tree: Path, versions: list[str]) -> None:
    """Build one edition with its own build script; on failure, raise with the tail of its log."""
    log = tree.with_name(f"{version}.log")
    started = time.monotonic()
    with log.open("w", encoding="utf-8") as out:
        result = subprocess.run([sys.executable, str(tree / "scripts" / "build_book.py"), "--pdf"], cwd=tree,
                                env=build_env(tree, versions, entry["commit"], entry["date"]), stdout=out, stderr=subprocess.STDOUT)
    if result.returncode != 0:
        tail = "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-25:])
        raise SiteError(f"edition {version} (commit {entry['commit'][:12]}) failed to build (exit {result.returncode}); "
                        f"last lines of {log}:\n{tail}")
    for needed in (tree / "_build" / "html" / "index.html", tree / "_build" / "pdf" / pdf_name(version)):
        if not needed.is_file():
            raise SiteError(f"edition {version}: its build finished without {needed.relative_to(tree)}")
    step(f"{version} built in {time.monotonic() - started:.0f} s")


def assemble_edition(version: str, tree: Path, dest: Path) -> None:
    from release import write_checksums

    shutil.copytree(tree / "_build" / "html", dest / "html", symlinks=False)
    shutil.copy2(tree / "_build" / "pdf" / pdf_name(version), dest / pdf_name(version))
    bundle = tree / "_build" / "html" / "_downloads" / bundle_name(version)
    if bundle.is_file():   # editions from 1.0.0 on ship a reproduction bundle; 0.2.0 predates it
        shutil.copy2(bundle, dest / bundle.name)
    shutil.copytree(tree / "data", dest / "data")
    write_checksums(dest)


def index_page(editions: dict[str, dict[str, str]], versions: list[str]) -> str:
    rows = "\n".join(
        f'<tr><td><a href="{v}/html/index.html">{v}</a></td><td>{editions[v]["date"]}</td>'
        f'<td><code>{editions[v]["commit"][:12]}</code></td><td><a href="{v}/{pdf_name(v)}">PDF</a></td>'
        f'<td><a href="{v}/SHA256SUMS">checksums</a></td></tr>' for v in versions)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            "<title>Reverse Kissinger: editions</title></head>\n<body>\n<h1>Reverse Kissinger: editions</h1>\n"
            f"<p><a href=\"latest/html/index.html\">Latest edition ({html.escape(versions[0])})</a></p>\n"
            "<table>\n<caption>Every edition, built from its commit (editions.json)</caption>\n"
            "<thead><tr><th scope=\"col\">Edition</th><th scope=\"col\">Released</th><th scope=\"col\">Commit</th>"
            "<th scope=\"col\">PDF</th><th scope=\"col\">Checksums</th></tr></thead>\n"
            f"<tbody>\n{rows}\n</tbody></table>\n</body></html>\n")


def publish(staged: Path, dest: Path) -> None:
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        dest.rename(old)
    staged.rename(dest)
    shutil.rmtree(old, ignore_errors=True)


def build_site(editions_path: Path, out: Path, work: Path, repo: Path) -> None:
    editions = read_editions(editions_path)
    versions = sort_versions(editions)
    for version in versions:   # every commit checked before anything is built
        check_edition(version, editions[version], repo)
    trees = {}
    for version in versions:
        step(f"edition {version}: commit {editions[version]['commit'][:12]}, released {editions[version]['date']}")
        trees[version] = export(editions[version]["commit"], work / version, repo)
        build(version, editions[version], trees[version], versions)
    staged = out.with_name("." + out.name + ".partial")
    shutil.rmtree(staged, ignore_errors=True)
    staged.mkdir(parents=True)
    for version in versions:
        assemble_edition(version, trees[version], staged / version)
    shutil.copytree(staged / versions[0], staged / "latest")
    (staged / "versions.json").write_text(json.dumps(versions, indent=1) + "\n", encoding="utf-8")
    (staged / "index.html").write_text(index_page(editions, versions), encoding="utf-8")
    publish(staged, out)


def record(editions_path: Path, version: str, commit: str, repo: Path) -> None:
    """Add (or correct) an edition in editions.json, taking its date from CITATION.cff at the commit."""
    full = git("rev-parse", "--verify", f"{commit}^{{commit}}", repo=repo).stdout.decode().strip()
    meta = yaml.safe_load(git("show", f"{full}:CITATION.cff", repo=repo).stdout)
    if str(meta.get("version")) != version:
        raise SiteError(f"edition {version}: CITATION.cff at commit {full[:12]} says version {meta.get('version')}; "
                        "commit the release first (make release), then record it")
    editions = json.loads(editions_path.read_text(encoding="utf-8")) if editions_path.is_file() else {}
    editions[version] = {"commit": full, "date": str(meta["date-released"])}
    ordered = {v: editions[v] for v in reversed(sort_versions(editions))}
    lines = ",\n".join(f" {json.dumps(v)}: {json.dumps(e)}" for v, e in ordered.items())
    editions_path.write_text("{\n" + lines + "\n}\n", encoding="utf-8")
    step(f"{editions_path.name}: {version} -> {full[:12]}, released {meta['date-released']}; commit this file")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--editions", type=Path, default=EDITIONS, help="the versions file (default: editions.json)")
    parser.add_argument("--out", type=Path, default=SITE, help="where the site goes (default: _build/site)")
    parser.add_argument("--work", type=Path, default=WORK, help="one exported tree per edition (default: _build/.editions)")
    parser.add_argument("--repo", type=Path, default=ROOT, help="the git repository holding the commits")
    parser.add_argument("--record", metavar="VERSION", help="add VERSION (released at --commit) to the versions file, and stop")
    parser.add_argument("--commit", default="HEAD", help="with --record: the release's commit (default: HEAD)")
    args = parser.parse_args(argv)
    started = time.monotonic()
    try:
        if args.record:
            if not SEMVER.match(args.record):
                parser.error(f"--record: a version looks like 1.2.3, not {args.record!r}")
            record(args.editions, args.record, args.commit, args.repo)
            return 0
        build_site(args.editions, args.out.resolve(), args.work.resolve(), args.repo)
    except SiteError as exc:
        print(f"error: {exc}" + ("" if args.record else f"\n{args.out} was left as it was"), file=sys.stderr)
        return 1
    step(f"site with {len(read_editions(args.editions))} edition(s) in {args.out} ({time.monotonic() - started:.0f} s): "
         f"open {args.out / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
