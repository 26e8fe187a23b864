"""Executable docs: the sessions shown in README.md and docs/*.md run, and their shown
output is compared with the real one, so the docs cannot drift.

Conventions for writers (README.md and every docs/*.md page):

```console — a shell session, run:

- A line starting with ``$ `` is a command. Allowed programs: ``twinschedule`` (run as
  ``python -m twinschedule`` with the interpreter running the tests, i.e. the venv's),
  ``ls`` and ``grep`` (to show what ``--out`` wrote). Arguments are split as a shell
  would (quotes work); there are no pipes, redirections or variables.
- The lines after a command, up to the next ``$ `` line or the end of the block, are
  its expected output: standard output, then standard error. Line endings of the
  output (the CRLF of .ics files) are shown as plain line ends.
- A last expected line ``[exit status N]`` gives the command's exit status; without it
  the command must exit with status 0.
- ``...`` alone on a line matches any number of lines (also none); ``...`` inside a
  line matches any text within that line.
- Commands run from the repository root, in fact from a scratch copy of it: a
  temporary directory whose entries link to the root's, one per page, so files a
  command writes (``--out feeds``) stay out of the tree and later blocks of the same
  page can look at them. ``SOURCE_DATE_EPOCH`` is 1790000000 (2026-09-21 14:13:20 UTC),
  so feeds' DTSTAMPs are stable.

```pycon — a Python session, run as a doctest (``>>>`` and ``...`` prompts, expected
output below), with ELLIPSIS, from the repository root. The blocks of one page share
their names, like one session; a block that writes files should write them into a
temporary directory.

Not run: every other language (```bash for installation commands, ```toml, ```json,
```text). A ```console or ```pycon block must start at the left margin (an indented one,
e.g. inside a list item, is reported as an error rather than silently skipped).

Besides the sessions, the reference pages are checked against the code: every key of
the file format, every CLI option, every reason code and status and every key of the
JSON plan is documented.
"""

from __future__ import annotations

import doctest
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT

FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
FENCE = re.compile(r"^```(\w+)[^\n]*\n(.*?)^```[ \t]*$", re.M | re.S)
PROGRAMS = ("twinschedule", ".venv/bin/twinschedule", "ls", "grep")
EXIT = re.compile(r"\[exit status (\d+)\]")
ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SOURCE_DATE_EPOCH": "1790000000",
       "LC_ALL": "C.UTF-8", "PYTHONIOENCODING": "utf-8"}

Block = tuple[str, str]  # ("docs/page.md:LINE", text of the block)


def blocks(kind: str, files: list[Path] = FILES) -> list[Block]:
    out = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        for m in FENCE.finditer(text):
            if m.group(1) == kind:
                line = text[:m.start()].count("\n") + 1
                out.append((f"{path.relative_to(ROOT)}:{line}", m.group(2)))
    return out


def page_of(where: str) -> str:
    return where.rsplit(":", 1)[0]


# ---- console sessions ------------------------------------------------------------------

def pattern(expected: list[str]) -> re.Pattern[str]:
    """The expected lines as a regular expression over the whole output."""
    parts = []
    for line in expected:
        if line == "...":
            parts.append(r"(?:[^\n]*\n)*?")
        else:
            parts.append("[^\n]*".join(re.escape(p) for p in line.split("...")) + r"\n")
    return re.compile("".join(parts))


def commands(block: str) -> list[tuple[str, list[str]]]:
    """``[(command line, expected output lines), ...]`` of a console block."""
    out: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            out.append((line[2:], []))
        elif out:
            out[-1][1].append(line)
        elif line.strip():
            out.append(("", [line]))  # output before any command: reported below
    return out


def run_command(command: str, cwd: Path) -> tuple[int, str]:
    argv = shlex.split(command)
    if argv[0] in ("twinschedule", ".venv/bin/twinschedule"):
        argv = [sys.executable, "-m", "twinschedule", *argv[1:]]
    r = subprocess.run(argv, capture_output=True, text=True, cwd=cwd, env=ENV,
                       encoding="utf-8", timeout=120)
    return r.returncode, (r.stdout + r.stderr).replace("\r\n", "\n")


def check_console(where: str, block: str, cwd: Path) -> list[str]:
    """Run a console block in ``cwd``; the list of mismatches (empty: as shown)."""
    failures = []
    for command, expected in commands(block):
        if not command:
            failures.append(f"{where}: output shown before any '$ ' command")
            continue
        program = shlex.split(command)[0]
        if program not in PROGRAMS:
            failures.append(f"{where}: '{program}' is not run; use one of {PROGRAMS} "
                            f"or a ```bash block")
            continue
        while expected and not expected[-1].strip():
            expected.pop()
        status = 0
        if expected and EXIT.fullmatch(expected[-1]):
            status = int(EXIT.fullmatch(expected[-1]).group(1))  # type: ignore[union-attr]
            expected.pop()
        code, actual = run_command(command, cwd)
        if code != status or not pattern(expected).fullmatch(actual):
            failures.append(f"{where}: $ {command}\n--- shown (exit status {status}) ---\n"
                            + "\n".join(expected)
                            + f"\n--- actual (exit status {code}) ---\n" + actual)
    return failures


def scratch_root(tmp: Path) -> Path:
    """A directory that looks like the repository root; what is written there stays."""
    for entry in ROOT.iterdir():
        if entry.name not in (".git", ".venv"):
            (tmp / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return tmp


CONSOLE = blocks("console")
CONSOLE_PAGES = sorted({page_of(w) for w, _ in CONSOLE})


@pytest.mark.parametrize("page", CONSOLE_PAGES)
def test_console_blocks(page: str, tmp_path: Path) -> None:
    cwd = scratch_root(tmp_path)
    failures: list[str] = []
    for where, block in CONSOLE:
        if page_of(where) == page:
            failures += check_console(where, block, cwd)
    assert not failures, "\n\n".join(failures)


# ---- Python sessions -------------------------------------------------------------------

PYCON = blocks("pycon")
PYCON_PAGES = sorted({page_of(w) for w, _ in PYCON})


def run_pycon(session: list[Block]) -> tuple[int, str]:
    """Run the blocks of one page as one doctest session: (failures, report)."""
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    globs: dict[str, object] = {"__name__": "__docs__"}
    report: list[str] = []
    for where, block in session:
        test = parser.get_doctest(block, globs, where, where, 0)
        runner.run(test, out=report.append, clear_globs=False)
        globs.update(test.globs)  # DocTest copies its globals
    return runner.failures, "".join(report)


@pytest.mark.parametrize("page", PYCON_PAGES)
def test_pycon_blocks(page: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    failures, report = run_pycon([b for b in PYCON if page_of(b[0]) == page])
    assert failures == 0, report


def test_docstring_examples(monkeypatch: pytest.MonkeyPatch) -> None:
    """The examples in the public API's docstrings run."""
    import twinschedule

    monkeypatch.chdir(ROOT)
    result = doctest.testmod(twinschedule, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 5 and result.failed == 0


# ---- the runner itself -----------------------------------------------------------------

def test_docs_have_sessions() -> None:
    assert len(CONSOLE) >= 10 and len(PYCON) >= 5
    assert "README.md" in CONSOLE_PAGES and "README.md" in PYCON_PAGES


def test_no_indented_sessions() -> None:
    """An indented ```console or ```pycon block would silently not run."""
    for path in FILES:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.match(r"\s+```(console|pycon)\b", line), (
                f"{path.relative_to(ROOT)}:{n}: indented {line.strip()} block is not run")


def test_a_wrong_console_output_fails(tmp_path: Path) -> None:
    cwd = scratch_root(tmp_path)
    command = "$ twinschedule check examples/england-kenya.toml\n"
    right = command + "examples/england-kenya.toml: valid...\n...\n"
    assert check_console("right", right, cwd) == []
    wrong_text = right.replace("valid...", "valid. Rugby and Mombasa...")
    assert check_console("wrong", wrong_text, cwd)
    missing_lines = command + "examples/england-kenya.toml: valid...\n"
    assert check_console("short", missing_lines, cwd)
    wrong_status = "$ twinschedule plan examples/missing.toml\n...\n"
    assert check_console("status", wrong_status, cwd)
    assert check_console("status", wrong_status + "[exit status 2]\n", cwd) == []
    assert check_console("other program", "$ rm -rf examples\n", cwd)


def test_wildcards() -> None:
    assert pattern(["a ...", "...", "z"]).fullmatch("a b\nc\nd\nz\n")
    assert pattern(["...", "z"]).fullmatch("z\n")
    assert not pattern(["a ... z"]).fullmatch("a b\nc z\n")  # inline ... stays on its line
    assert not pattern(["totally wrong"]).fullmatch("examples/x.toml: valid\n")


def test_a_wrong_pycon_output_fails() -> None:
    assert run_pycon([("right", ">>> 1 + 1\n2\n")])[0] == 0
    assert run_pycon([("wrong", ">>> 1 + 1\n3\n")])[0] == 1
    # Blocks of a page share their names.
    assert run_pycon([("a", ">>> x = 2\n"), ("b", ">>> x * 3\n6\n")])[0] == 0


# ---- the reference pages list every member of the closed vocabularies -----------------

def _text(page: str) -> str:
    return (ROOT / "docs" / page).read_text(encoding="utf-8")


def test_file_format_lists_every_key() -> None:
    from twinschedule.config.partnership import PARTNERSHIP_KEYS, SCHOOL_KEYS

    rows = set(re.findall(r"^\| `([a-z_]+)` \|", _text("file-format.md"), re.M))
    assert set(PARTNERSHIP_KEYS) | set(SCHOOL_KEYS) <= rows


def test_cli_page_lists_every_option_and_code() -> None:
    from typing import get_args

    from twinschedule._vocab import REASONS, Status
    from twinschedule.cli import _parser

    text = _text("cli.md")
    parser = _parser()
    options = {s for a in parser._actions for s in a.option_strings}  # the subcommands':
    for sub in parser._subparsers._group_actions[0].choices.values():  # type: ignore[union-attr]
        options |= {s for a in sub._actions for s in a.option_strings}
        assert f"twinschedule {sub.prog.split()[-1]}" in text
    assert {o for o in options if o not in ("-h", "--help")} <= set(
        re.findall(r"`(--[a-z][a-z-]*)", text))
    for word in (*REASONS, *get_args(Status)):
        assert f"`{word}`" in text, word


def test_cli_page_lists_every_json_key() -> None:
    import twinschedule

    text = _text("cli.md")
    result = twinschedule.plan(twinschedule.load(ROOT / "examples" / "england-kenya.toml"),
                               top=1)
    data = result.to_dict()
    option = data["options"][0]
    keys = {*data, *option, *option["rule"], *option["metrics"], *option["meetings"][0]}
    missing = sorted(k for k in keys if f"`{k}`" not in text)
    assert not missing, f"docs/cli.md does not mention {missing}"


def test_every_page_is_in_the_nav() -> None:
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for path in (ROOT / "docs").glob("*.md"):
        assert f" {path.name}" in nav, f"{path.name} is not in mkdocs.yml's nav"



def test_toml_and_json_blocks_parse() -> None:
    """Shown files are at least well-formed; a complete one (a partnership and two or
    more schools) is also a valid partnership."""
    import json
    import tomllib

    import twinschedule

    for kind, parse in (("toml", tomllib.loads), ("json", json.loads)):
        for where, block in blocks(kind):
            try:
                data = parse(block)
            except ValueError as exc:
                raise AssertionError(f"{where}: not valid {kind}: {exc}") from None
            if "partnership" in data and len(data.get("schools", [])) >= 2:
                twinschedule.from_dict(data)
