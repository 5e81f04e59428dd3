"""The "What changed" page: this edition's data, figures and verdicts against the previous edition's,
computed from the repository's history (``reportkit.history``), never typed.

- per table: rows added, rows removed, rows whose figures changed, rows only re-sourced;
- per figure: new, or whether a table it draws from changed;
- per claim: the previous and the current verdict.
"""

from __future__ import annotations

import pandas as pd

from reportkit import history, provenance
from reportkit.appendix import SHOW_CALL, figures
from reportkit.data import load
from reportkit.paths import PACKAGE_PATH, read_package

OLD_SOURCE_COLUMNS = {"source_publisher", "source_url", "confidence", "note"}


def _key_columns(resource: dict, old: pd.DataFrame) -> list[str]:
    key = resource["schema"]["primaryKey"]
    return key if all(k in old.columns for k in key) else []


def _normalise(value) -> str:
    """Compare numbers as numbers ("149.0" and "148.9673" differ; "93" and "93.0" do not)."""
    if value is None or pd.isna(value):
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    text = str(value).strip()
    try:
        return repr(float(text))
    except ValueError:
        return text


def table_changes(resource: dict) -> dict[str, int] | None:
    """Counts of added, removed, changed and re-sourced rows of one table, or None without history."""
    old = history.old_table(resource["name"])
    new = load(resource["name"])
    if old is None:
        return {"added": len(new), "removed": 0, "changed": 0, "resourced": 0, "new_table": 1}
    key = _key_columns(resource, old)
    if not key:
        return {"added": len(new), "removed": len(old), "changed": 0, "resourced": 0, "new_table": 0}
    data_columns = [c for c in old.columns if c in new.columns and c not in provenance.FIELDS and c not in OLD_SOURCE_COLUMNS
                    and c not in key]
    before = {tuple(_normalise(v) for v in row[key]): row for _, row in old.iterrows()}
    after = {tuple(_normalise(v) for v in row[key]): row for _, row in new.iterrows()}
    changed = sum(any(_normalise(before[k][c]) != _normalise(after[k][c]) for c in data_columns) for k in before.keys() & after.keys())
    return {"added": len(after.keys() - before.keys()), "removed": len(before.keys() - after.keys()), "changed": changed,
            "resourced": len(before.keys() & after.keys()) - changed, "new_table": 0}


def _old_figures() -> set[str] | None:
    commit = history.previous_edition()[1]
    listing = history._git_show(commit, "chapters")
    if listing is None:
        return None
    names = set()
    for line in listing.decode().splitlines():
        if line.endswith(".md"):
            names |= {n for n, _ in SHOW_CALL.findall((history._git_show(commit, f"chapters/{line}") or b"").decode())}
    return names


def changes_markdown(briefs: list[dict]) -> str:
    version, commit = history.previous_edition()
    out = ["(changes)=\n# What changed since edition ", version, "\n\n"]
    if history.old_package() is None:
        return "".join(out) + ("The repository history is not available in this copy of the book, so the comparison with the "
                               "previous edition cannot be made here.\n")
    out.append(f"This page compares this edition's data, charts and verdicts with those of edition {version} "
               f"(commit `{commit}` of the repository). It is computed from the repository's history when the book is built. "
               "A row is *changed* when one of its figures differs, and *re-sourced* when only its source or grade changed.\n\n")
    out.append("## Tables\n\n| Table | Rows now | Added | Removed | Figures changed | Re-sourced only |\n|---|---|---|---|---|---|\n")
    changed_tables = set()
    for res in read_package(PACKAGE_PATH)["resources"]:
        c = table_changes(res)
        rows = len(load(res["name"]))
        if c["added"] or c["removed"] or c["changed"]:
            changed_tables.add(res["name"])
        label = f"`{res['name']}`" + (" (new)" if c["new_table"] else "")
        out.append(f"| {label} | {rows} | {c['added']} | {c['removed']} | {c['changed']} | {c['resourced']} |\n")
    old_figures = _old_figures() or set()
    out.append("\n## Charts\n\nA chart's numbers may have changed when a table it draws from gained, lost or changed rows.\n\n"
               "| Chart | Draws from | Its tables |\n|---|---|---|\n")
    for name, tables in figures().items():
        if name not in old_figures:
            status = "new chart"
        elif not tables:
            status = "drawn from the claims ledger (see below)"
        else:
            status = "changed" if changed_tables & set(tables) else "unchanged (sources only, if at all)"
        out.append(f"| `{name}` | {', '.join(f'`{t}`' for t in tables) or 'the claims ledger'} | {status} |\n")
    old_verdicts = history.old_verdicts() or {}
    out.append("\n## Verdicts\n\n| Claim | Edition " + version + " | This edition | Changed |\n|---|---|---|---|\n")
    for brief in briefs:
        for claim in brief["claims"]:
            before = old_verdicts.get(claim["id"], "(not in that edition)")
            out.append(f"| [{claim['id']}](claim-{claim['id'].lower()}) | {before} | {claim['verdict']} | "
                       f"{'yes' if before != claim['verdict'] else 'no'} |\n")
    return "".join(out)
