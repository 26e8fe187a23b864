"""Executable docs: every ```console and ```pycon block in README.md and docs/*.md runs,
and its shown output is checked, so the docs cannot drift.

Conventions for writers:

- ```console blocks: lines starting with ``$ twinschedule`` are run (as
  ``python -m twinschedule``) from the repository root; the lines after a command, up
  to the next ``$``, are its expected output (standard output and error together).
  A line ``...`` matches any number of lines; ``...`` inside a line matches any text.
- ```pycon blocks are doctests, run from the repository root, with ELLIPSIS; the
  blocks of one page share their names, like one session.
- Other blocks (```bash for installation, ```toml, ```text) are not run.
"""

from __future__ import annotations

import doctest
import re
import subprocess
import sys

import pytest
from conftest import ROOT

FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)


def blocks(kind: str) -> list[tuple[str, str]]:
    out = []
    for path in FILES:
        text = path.read_text()
        for m in FENCE.finditer(text):
            if m.group(1) == kind:
                line = text[:m.start()].count("\n") + 1
                out.append((f"{path.relative_to(ROOT)}:{line}", m.group(2)))
    return out


def pattern(expected: list[str]) -> re.Pattern[str]:
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append(".*".join(re.escape(p) for p in line.split("...")) + r"\n")
    return re.compile("".join(parts), re.S)


def commands(block: str) -> list[tuple[list[str], list[str]]]:
    out: list[tuple[list[str], list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:].split(), []))
        elif out:
            out[-1][1].append(line)
    return out


CONSOLE = blocks("console")
PYCON = blocks("pycon")


def test_docs_have_examples() -> None:
    assert len(CONSOLE) >= 4 and len(PYCON) >= 3


@pytest.mark.parametrize(("where", "block"), CONSOLE, ids=[w for w, _ in CONSOLE])
def test_console_block(where: str, block: str) -> None:
    for argv, expected in commands(block):
        assert argv[0] == "twinschedule", f"{where}: only twinschedule commands run"
        r = subprocess.run([sys.executable, "-m", "twinschedule", *argv[1:]],
                           capture_output=True, text=True, cwd=ROOT,
                           env={"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": "1790000000"})
        actual = r.stdout + r.stderr
        assert pattern(expected).fullmatch(actual), (
            f"{where}: $ {' '.join(argv)}\n--- shown ---\n" + "\n".join(expected)
            + "\n--- actual ---\n" + actual)


PAGES = sorted({where.rsplit(":", 1)[0] for where, _ in PYCON})


@pytest.mark.parametrize("page", PAGES)
def test_pycon_blocks(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    globs: dict[str, object] = {}
    report: list[str] = []
    for where, block in PYCON:
        if where.rsplit(":", 1)[0] == page:
            test = parser.get_doctest(block, globs, where, where, 0)
            runner.run(test, out=report.append, clear_globs=False)
            globs.update(test.globs)  # DocTest copies its globals
    assert runner.failures == 0, "".join(report)


def test_a_wrong_output_fails() -> None:
    """The runner itself can fail: a wrong expected output does not match."""
    assert not pattern(["totally wrong"]).fullmatch("examples/x.toml: valid\n")
    assert pattern(["a ...", "...", "z"]).fullmatch("a b\nc\nd\nz\n")


def test_docstring_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples in the public API's docstrings run."""
    import twinschedule

    monkeypatch.chdir(ROOT)
    result = doctest.testmod(twinschedule, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0
