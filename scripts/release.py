"""Cut a release: set the version, build, and archive the site, the PDF and the data with checksums.

    make release VERSION=0.2.0        (or: python scripts/release.py 0.2.0)

1. Refuses unless CHANGELOG.md has a "## [0.2.0] - YYYY-MM-DD" entry; that date becomes the release date.
2. Writes the version and date into CITATION.cff, the one place they live.
3. Builds the book and the PDF (scripts/build_book.py), with the archive's versions in the switcher and
   SOURCE_DATE_EPOCH at midnight UTC of the release date, so the PDF's dates are the release's.
4. Assembles _build/release/0.2.0/ (html/, the PDF, the reproduction bundle, data/, SHA256SUMS) in a temporary folder and
   moves it into place only when complete; then refreshes latest/, versions.json and index.html.

Earlier releases under _build/release/ are kept (`make clean` leaves them alone). After committing,
record the edition in editions.json (`python scripts/editions.py --record 0.2.0`), so that `make site`
rebuilds it from the repository alone.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from reportkit.meta import bundle_name, pdf_name, release_epoch, sort_versions
from reportkit.paths import CITATION_PATH, ROOT, data_files

RELEASES = ROOT / "_build" / "release"
SEMVER = re.compile(r"^\d+\.\d+\.\d+$")


def changelog_date(version: str, changelog: Path = ROOT / "CHANGELOG.md") -> str | None:
    match = re.search(rf"^## \[{re.escape(version)}\] - (\d{{4}}-\d{{2}}-\d{{2}})\s*$", changelog.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else None


def set_version(version: str, date: str, citation: Path = CITATION_PATH) -> None:
    text = citation.read_text(encoding="utf-8")
    text = re.sub(r'^version: .*$', f'version: "{version}"', text, count=1, flags=re.M)
    text = re.sub(r'^date-released: .*$', f'date-released: "{date}"', text, count=1, flags=re.M)
    citation.write_text(text, encoding="utf-8")


def archived_versions() -> list[str]:
    index = RELEASES / "versions.json"
    return json.loads(index.read_text(encoding="utf-8")) if index.is_file() else []


def write_checksums(folder: Path) -> None:
    lines = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "SHA256SUMS"):
        lines.append(f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.relative_to(folder).as_posix()}")
    (folder / "SHA256SUMS").write_text("\n".join(lines) + "\n", encoding="utf-8")


def assemble(version: str) -> Path:
    """Copy the fresh build into _build/release/<version>/, atomically."""
    staging = RELEASES / f".{version}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(ROOT / "_build" / "html", staging / "html")
    shutil.copy2(ROOT / "_build" / "pdf" / pdf_name(version), staging / pdf_name(version))
    shutil.copy2(ROOT / "_build" / "html" / "_downloads" / bundle_name(version), staging / bundle_name(version))
    (staging / "data").mkdir()
    for path in data_files():
        shutil.copy2(path, staging / "data" / path.name)
    write_checksums(staging)
    target = RELEASES / version
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    return target


def refresh_archive(version: str) -> None:
    versions = sort_versions([*archived_versions(), version])
    newest = versions[0]
    latest_new = RELEASES / ".latest.partial"
    shutil.rmtree(latest_new, ignore_errors=True)
    shutil.copytree(RELEASES / newest, latest_new)
    shutil.rmtree(RELEASES / "latest", ignore_errors=True)
    latest_new.rename(RELEASES / "latest")
    (RELEASES / "versions.json").write_text(json.dumps(versions, indent=1) + "\n", encoding="utf-8")
    links = "\n".join(f'<li><a href="{v}/html/index.html">{v}</a> · <a href="{v}/{pdf_name(v)}">PDF</a></li>' for v in versions)
    (RELEASES / "index.html").write_text(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Reverse Kissinger: releases</title></head>\n"
        f"<body><h1>Reverse Kissinger: releases</h1>\n<p><a href=\"latest/html/index.html\">Latest ({newest})</a></p>\n"
        f"<ul>\n{links}\n</ul></body></html>\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version", help="the new version, e.g. 0.2.0")
    args = parser.parse_args(argv)
    version = args.version.strip()
    if not SEMVER.match(version):
        print(f"error: VERSION must look like 1.2.3, not {version!r}", file=sys.stderr)
        return 2
    date = changelog_date(version)
    if date is None:
        print(f"error: CHANGELOG.md has no entry '## [{version}] - YYYY-MM-DD'; write it first, then release", file=sys.stderr)
        return 2
    set_version(version, date)
    print(f"==> CITATION.cff: version {version}, released {date}", flush=True)

    env = {**os.environ, "RK_RELEASE_VERSIONS": json.dumps(sort_versions([*archived_versions(), version])),
           "SOURCE_DATE_EPOCH": str(release_epoch(date)), "FORCE_SOURCE_DATE": "1"}
    if subprocess.run([sys.executable, str(ROOT / "scripts" / "build_book.py"), "--pdf"], env=env).returncode != 0:
        print("error: the build failed; no release was written", file=sys.stderr)
        return 1
    target = assemble(version)
    refresh_archive(version)
    print(f"==> release {version}: {target.relative_to(ROOT)}/ (checksums in SHA256SUMS); latest/ updated", flush=True)
    print("    commit CITATION.cff and tag the commit: git tag v" + version)
    return 0


if __name__ == "__main__":
    sys.exit(main())
