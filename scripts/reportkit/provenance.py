"""Where each figure comes from: the provenance columns every table carries, and the source rules.

Every row names the original publisher of its figure (``publisher``), the original document and its
date or release (``document``), the page where this exact figure was seen (``source_url``), a
confidence grade (``grade``: A, B or C) and, where needed, a ``note``. The rules (the grades and the
pages a figure may not rest on) live in ``data/datapackage.json`` under ``sourceRules``, so that the
data package states them and validation enforces them.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

FIELDS = ("publisher", "document", "source_url", "grade", "note")
GRADES = ("A", "B", "C")


def _host_matches(host: str, pattern: str) -> bool:
    """``pattern`` is a domain (matches itself and its subdomains) or a label ending in a dot
    (``wiki.`` matches any host with that label, e.g. ``wiki.example.org``)."""
    if pattern.endswith("."):
        return f".{host}.".find(f".{pattern}") >= 0
    return host == pattern or host.endswith("." + pattern)


def url_problem(url: str, rules: Mapping) -> str | None:
    """The source rule ``url`` breaks, or None. ``rules`` is the package's ``sourceRules``."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        return "a source must be a web address (http or https) of the page that shows the figure"
    try:
        ipaddress.ip_address(host)
        return "raw IP address: cite the publisher's own host name, not a server's address"
    except ValueError:
        pass
    if parts.path in ("", "/") and not parts.query:
        return "bare homepage: cite the page that shows the figure, not a site's front page"
    for rule in rules.get("forbiddenHosts", []):
        if any(_host_matches(host, pattern) for pattern in rule["hosts"]):
            return f"{rule['id']}: {rule['why']}"
    return None


def row_problems(row: Mapping[str, str], rules: Mapping) -> list[tuple[str, str, str]]:
    """(column, value, rule broken) for each provenance problem of one CSV row."""
    problems = []
    url = row.get("source_url") or ""
    if url:
        broken = url_problem(url, rules)
        if broken:
            problems.append(("source_url", url, broken))
    grade = row.get("grade") or ""
    if grade == "C" and not (row.get("note") or "").strip():
        problems.append(("note", "", "a grade C figure needs a note saying what its source is and why it is kept"))
    for column in ("publisher", "document"):
        value = row.get(column) or ""
        if re.search(r"wikipedia", value, re.I):
            problems.append((column, value, "wiki: Wikipedia is not the publisher or document of a figure"))
    return problems


def publishers(rows: Iterable[Mapping]) -> list[str]:
    """Distinct original publishers of ``rows``, in order of first appearance."""
    names: dict[str, None] = {}
    for row in rows:
        for name in re.split(r";\s*", str(row["publisher"])):
            if name:
                names.setdefault(name.strip(), None)
    return list(names)


def weak_rows(rows: Iterable[Mapping]) -> int:
    """How many of ``rows`` are grade C."""
    return sum(1 for row in rows if row.get("grade") == "C")
