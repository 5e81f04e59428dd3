"""Validate the data package with Frictionless, and report problems a person can act on.

Every problem names the file, the row (as a line number of the CSV, header = 1), the column,
the value and the rule broken. Run ``python -m reportkit.validate`` (``make data`` does, and so
does every book build before any notebook executes); ``--rehash`` records new file hashes after a
deliberate edit, and only when the package is otherwise valid.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from reportkit import provenance
from reportkit.data import file_sha256, read_package

MAX_PER_FILE = 20
REQUIRED_RESOURCE_KEYS = ("name", "path", "title", "description", "sources", "licenses", "schema", "hash")


@dataclass(frozen=True)
class Problem:
    file: str
    message: str
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def __str__(self) -> str:
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        if self.value is not None:
            where.append(f"value {self.value!r}")
        return f"{', '.join(where)}: {self.message}"


def _metadata_problems(pkg: dict, package_file: str, *, check_hashes: bool = True) -> list[Problem]:
    problems = []
    keys = REQUIRED_RESOURCE_KEYS if check_hashes else tuple(k for k in REQUIRED_RESOURCE_KEYS if k != "hash")
    if not pkg.get("licenses"):
        problems.append(Problem(package_file, "the package names no licence"))
    for res in pkg.get("resources", []):
        label = res.get("path", res.get("name", "?"))
        problems += [Problem(label, f"descriptor lacks {key!r}") for key in keys if not res.get(key)]
        for src in res.get("sources", []):
            if not str(src.get("path", "")).startswith(("http://", "https://")):
                problems.append(Problem(label, f"source {src.get('title')!r} has no URL"))
        schema = res.get("schema", {})
        if not schema.get("primaryKey"):
            problems.append(Problem(label, "schema has no primaryKey"))
        problems += [
            Problem(label, "field has no description", column=f.get("name"))
            for f in schema.get("fields", [])
            if not f.get("description")
        ]
        names = {f.get("name") for f in schema.get("fields", [])}
        problems += [
            Problem(label, "schema lacks a provenance field (see sourceRules in datapackage.json)", column=col)
            for col in provenance.FIELDS
            if col not in names
        ]
    if not pkg.get("sourceRules", {}).get("grades"):
        problems.append(Problem(package_file, "the package states no source rules (sourceRules with grades)"))
    return problems


def _source_problems(res: dict, data_dir: Path, rules: dict) -> list[Problem]:
    """Rows whose source breaks a rule of ``sourceRules``: mirrors, wikis, homepages, ungraded weak figures."""
    problems = []
    with (data_dir / res["path"]).open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            problems += [Problem(res["path"], f"source rule broken: {rule}", row=line, column=column, value=value)
                         for column, value, rule in provenance.row_problems(row, rules)]
    return problems[:MAX_PER_FILE]


def _file_problems(pkg: dict, data_dir: Path) -> list[Problem]:
    described = {res.get("path") for res in pkg.get("resources", [])}
    problems = [
        Problem(path.name, "CSV file on disk is not described in datapackage.json")
        for path in sorted(data_dir.glob("*.csv"))
        if path.name not in described
    ]
    for res in pkg.get("resources", []):
        path = data_dir / res.get("path", "")
        if not path.is_file():
            problems.append(Problem(res.get("path", "?"), "file described in datapackage.json is missing on disk"))
        elif not path.read_text(encoding="utf-8", errors="replace").strip():
            problems.append(Problem(res["path"], "file is empty (expected a header row and data rows)"))
    return problems


def _frictionless_problems(res: dict, data_dir: Path, *, check_size: bool = True) -> list[Problem]:
    from frictionless import Resource, system

    label = res["path"]
    # The recorded size goes with the hash: a rehash after a deliberate edit must not trip over it.
    skipped = ("hash", "chapters") if check_size else ("hash", "chapters", "bytes")
    descriptor = {k: v for k, v in res.items() if k not in skipped}
    with system.use_context(trusted=True):
        report = Resource(descriptor, basepath=str(data_dir)).validate(limit_errors=MAX_PER_FILE)
    problems = []
    for task in report.tasks:
        for err in task.errors:
            note = getattr(err, "note", "") or err.message
            problems.append(
                Problem(
                    label,
                    f"{err.type}: {note}",
                    row=getattr(err, "row_number", None),
                    column=getattr(err, "field_name", None) or getattr(err, "label", None),
                    value=None if getattr(err, "cell", None) is None else str(err.cell),
                )
            )
    for err in report.errors:
        problems.append(Problem(label, f"{err.type}: {err.message}"))
    return problems


def _hash_problems(res: dict, data_dir: Path) -> list[Problem]:
    expected = str(res.get("hash", "")).removeprefix("sha256:")
    actual = file_sha256(data_dir / res["path"])
    if expected == actual:
        return []
    return [
        Problem(
            res["path"],
            f"sha256 hash {actual[:16]}… does not match the recorded {expected[:16] or '(none)'}…; "
            "if the edit is deliberate, run `make data-rehash`",
        )
    ]


def validate_package(package_path: Path, *, check_hashes: bool = True) -> list[Problem]:
    """All problems of the package at ``package_path`` (an empty list when it is valid)."""
    data_dir = package_path.parent
    try:
        pkg = read_package(package_path)
    except (OSError, json.JSONDecodeError) as exc:
        return [Problem(package_path.name, f"cannot be read as JSON: {exc}")]
    problems = _metadata_problems(pkg, package_path.name, check_hashes=check_hashes) + _file_problems(pkg, data_dir)
    broken = {p.file for p in problems}
    for res in pkg.get("resources", []):
        if res.get("path") in broken or not (data_dir / res.get("path", "")).is_file():
            continue
        table = _frictionless_problems(res, data_dir, check_size=check_hashes)
        problems += table + _source_problems(res, data_dir, pkg.get("sourceRules", {}))
        if check_hashes and not table:
            problems += _hash_problems(res, data_dir)
    return problems


def rehash(package_path: Path) -> int:
    """Record the current sha256 of every file; refuses while the package has other problems."""
    problems = validate_package(package_path, check_hashes=False)
    if problems:
        _print_problems(problems)
        return 1
    pkg = read_package(package_path)
    for res in pkg["resources"]:
        res["hash"] = "sha256:" + file_sha256(package_path.parent / res["path"])
        res["bytes"] = (package_path.parent / res["path"]).stat().st_size
    package_path.write_text(json.dumps(pkg, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"recorded hashes of {len(pkg['resources'])} resources in {package_path.name}")
    return 0


def _print_problems(problems: list[Problem]) -> None:
    print(f"data package invalid: {len(problems)} problem(s)", file=sys.stderr)
    for problem in problems:
        print(f"  data/{problem}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    from reportkit.paths import PACKAGE_PATH

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--package", type=Path, default=PACKAGE_PATH)
    parser.add_argument("--rehash", action="store_true", help="record new file hashes")
    args = parser.parse_args(argv)
    if args.rehash:
        return rehash(args.package)
    problems = validate_package(args.package)
    if problems:
        _print_problems(problems)
        return 1
    count = len(read_package(args.package)["resources"])
    print(f"data package valid: {count} resources")
    return 0


if __name__ == "__main__":
    sys.exit(main())
