"""Lint the project: ruff on the code and on the chapters' code cells, Jupytext form, basic file checks.

`make lint` and the tests run this; `.pre-commit-config.yaml` runs the same checks per commit.
`make format` (`--fix`) rewrites chapters into Jupytext's canonical MyST form.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

import jupytext

from reportkit.notebooks import canonical_text

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def ruff(*paths: str) -> int:
    return subprocess.run([str(BIN / "ruff"), "check", "--quiet", *paths], cwd=ROOT).returncode


def chapters_code() -> int:
    """Convert each chapter to a py:percent script in a temporary folder and ruff it."""
    with tempfile.TemporaryDirectory() as tmp:
        for md in sorted((ROOT / "chapters").glob("*.md")):
            notebook = jupytext.read(md)
            if any(c.cell_type == "code" for c in notebook.cells):
                jupytext.write(notebook, Path(tmp) / f"{md.stem.replace('-', '_')}.py", fmt="py:percent")
        # E402: imports after markdown cells are normal in notebooks; E501: prose-like chart captions.
        return subprocess.run([str(BIN / "ruff"), "check", "--quiet", "--config", str(ROOT / "pyproject.toml"),
                               "--ignore", "E402,E501", tmp]).returncode


def chapters_form(fix: bool) -> int:
    """Every chapter with code must be in canonical form, so that a notebook round trip changes nothing."""
    bad = []
    for md in sorted((ROOT / "chapters").glob("*.md")):
        text = md.read_text(encoding="utf-8")
        if "```{code-cell}" not in text or canonical_text(text) == text:
            continue
        if fix:
            md.write_text(canonical_text(text), encoding="utf-8")
            print(f"rewrote {md.relative_to(ROOT)}")
        else:
            bad.append(f"{md.relative_to(ROOT)}: not in Jupytext's canonical form (run `make format`)")
    print("\n".join(bad), end="\n" if bad else "")
    return 1 if bad else 0


def file_checks() -> int:
    bad = []
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    for name in tracked:
        path = ROOT / name
        if not path.is_file() or path.suffix in {".png", ".pdf"}:
            continue
        text = path.read_bytes()
        if text and not text.endswith(b"\n"):
            bad.append(f"{name}: no newline at end of file")
        if any(line.rstrip(b"\r") != line.rstrip() for line in text.splitlines()) and path.suffix != ".md":
            bad.append(f"{name}: trailing whitespace")
        if b"<" * 7 + b" " in text:
            bad.append(f"{name}: merge conflict marker")
    print("\n".join(bad))
    return 1 if bad else 0


def main() -> int:
    fix = "--fix" in sys.argv[1:]
    results = {"ruff (code)": ruff("scripts", "tests"), "ruff (chapters)": chapters_code(),
               "chapter form": chapters_form(fix), "file checks": file_checks()}
    for name, code in results.items():
        print(f"{'ok  ' if code == 0 else 'FAIL'} {name}")
    return max(results.values())


if __name__ == "__main__":
    sys.exit(main())
