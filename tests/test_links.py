"""Every internal link and anchor in the built site resolves, checked offline from the files."""

from __future__ import annotations

from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

LINK_ATTRS = {"a": "href", "link": "href", "script": "src", "img": "src", "iframe": "src", "source": "src"}


class _Page(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("id", "name"):
            if a.get(key):
                self.ids.add(a[key])
        attr = LINK_ATTRS.get(tag)
        if attr and a.get(attr):
            self.links.append(a[attr])


@cache
def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def _broken_links(site: Path) -> list[str]:
    broken = []
    for path in sorted(site.rglob("*.html")):
        for link in _parse(path).links:
            parts = urlsplit(link)
            if parts.scheme or link.startswith("//"):
                continue   # external (the site-wide test forbids loading from them)
            target = path if not parts.path else (path.parent / unquote(parts.path)).resolve()
            if target.is_dir():
                target = target / "index.html"
            where = f"{path.relative_to(site)} -> {link}"
            if not target.is_file() or site.resolve() not in target.resolve().parents:
                broken.append(f"{where} (no such file)")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in _parse(target).ids:
                broken.append(f"{where} (no such anchor)")
    return broken


def test_every_internal_link_and_anchor_resolves(site):
    broken = _broken_links(site)
    assert not broken, "\n".join(broken[:30])


def test_the_link_checker_catches_a_broken_link(tmp_path):
    (tmp_path / "a.html").write_text('<a href="b.html#here">b</a><a href="#top">top</a><a href="missing.html">x</a>', encoding="utf-8")
    (tmp_path / "b.html").write_text('<h1 id="elsewhere">b</h1>', encoding="utf-8")
    _parse.cache_clear()
    assert _broken_links(tmp_path) == ["a.html -> b.html#here (no such anchor)", "a.html -> #top (no such anchor)",
                                       "a.html -> missing.html (no such file)"]
