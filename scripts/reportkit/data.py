"""Load data resources described in data/datapackage.json.

The whole package is validated (``reportkit.validate``) before any chapter runs; ``load`` checks
that a file is still the one that was validated (its sha256 hash) and types its columns from the
schema, so a chapter never works on unvalidated data.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pandas as pd

from reportkit.paths import DATA_DIR, PACKAGE_PATH, read_package


class DataError(Exception):
    """A data file does not match its description."""


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def _package() -> dict:
    if not PACKAGE_PATH.is_file():
        raise DataError(f"no data package at {PACKAGE_PATH}: run the notebooks from the project, or from the unpacked "
                        "reproduction bundle (its data/ folder is found above the working directory), or set RK_ROOT")
    return read_package()


def resource(name: str) -> dict:
    """The descriptor of resource ``name``."""
    for res in _package()["resources"]:
        if res["name"] == name:
            return res
    known = ", ".join(r["name"] for r in _package()["resources"])
    raise DataError(f"{PACKAGE_PATH.name}: no resource named {name!r} (known: {known})")


def load(name: str, **where) -> pd.DataFrame:
    """Resource ``name`` as a DataFrame typed from its schema (dates, numbers, booleans).

    Keyword arguments keep only the rows whose column equals the value (or is in the list given), e.g.
    ``series="power_of_siberia_gas"`` on the energy table, or ``period="full year"`` on the trade table.
    Every row keeps its provenance columns, so a chart's source line names the publishers of exactly
    the rows it draws.
    """
    df = _load(name)
    for column, wanted in where.items():
        if column not in df.columns:
            raise DataError(f"{resource(name)['path']}: no column {column!r} to select rows by (columns: {', '.join(df.columns)})")
        keep = df[column].isin(wanted if isinstance(wanted, (list, tuple, set)) else [wanted])
        if not keep.any():
            raise DataError(f"{resource(name)['path']}: no row has {column} = {wanted!r}")
        df = df[keep]
    return df.reset_index(drop=True)


def _load(name: str) -> pd.DataFrame:
    res = resource(name)
    path = DATA_DIR / res["path"]
    if not path.is_file():
        raise DataError(f"{res['path']}: file described in datapackage.json is missing")
    expected = res.get("hash", "").removeprefix("sha256:")
    actual = file_sha256(path)
    if expected != actual:
        raise DataError(
            f"{res['path']}: content changed since it was validated (sha256 {actual[:12]}…, "
            f"expected {expected[:12]}…); run `make data` to validate and record the new hash"
        )
    fields = res["schema"]["fields"]
    text_cols = {f["name"]: "string" for f in fields if f["type"] in ("string", "date")}
    df = pd.read_csv(path, dtype=text_cols, keep_default_na=False, na_values=[""])
    for field in fields:
        col = field["name"]
        if field["type"] == "date":
            df[col] = pd.to_datetime(df[col], format="%Y-%m-%d")
        elif field["type"] == "integer":
            df[col] = df[col].astype("Int64")
        elif field["type"] == "boolean":
            df[col] = df[col].map({"true": True, "false": False, True: True, False: False})
    return df
