"""The package tree and docs/design.md agree: every module is in the design's module
table, each imports only modules in rows above its own, every import between packages
is an arrow of the design's package table, no module imports relatively, and the
packages' ``__init__`` files import nothing. Each check is shown to fail on a bad tree."""

from __future__ import annotations

import ast
import re

from conftest import ROOT

PACKAGE = ROOT / "src" / "twinschedule"
DESIGN = (ROOT / "docs" / "design.md").read_text(encoding="utf-8")
BASE = {"_units", "_vocab", "errors", "model"}


def _rows(text: str, pattern: str) -> list[list[str]]:
    """The first column's backticked names of each table row that has one."""
    rows = []
    for line in text.splitlines():
        if line.startswith("| "):
            names = re.findall(pattern, line.split("|")[1])
            if names:
                rows.append(names)
    return rows


def module_levels(text: str) -> dict[str, int]:
    """Dotted module name (``core.planner``, ``model``) -> row of the module table."""
    rows = _rows(text, r"`([\w/]+)\.py`")
    return {name.replace("/", "."): i for i, row in enumerate(rows) for name in row}


def package_arrows(text: str) -> dict[str, set[str]]:
    """Package -> the packages it may import, from the package table."""
    arrows: dict[str, set[str]] = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")[1:-1]]
        if len(cells) == 3 and (m := re.fullmatch(r"`?(\w+)/?`?", cells[0])):
            arrows[m.group(1)] = {w.strip("`/") for w in re.split(r",\s*", cells[2])}
    return arrows


def group(module: str) -> str:
    """The package of a dotted module name: ``core``, ``base`` or ``top``."""
    if "." in module:
        return module.split(".")[0]
    return "base" if module in BASE else "top"


def sources() -> dict[str, str]:
    """Dotted module name -> source, for every module but the packages' ``__init__``."""
    out = {}
    for path in PACKAGE.rglob("*.py"):
        rel = path.relative_to(PACKAGE).with_suffix("")
        if rel.parts[-1] == "__init__" and len(rel.parts) > 1:
            continue
        out[".".join(rel.parts)] = path.read_text(encoding="utf-8")
    return out


def imported(source: str, modules: set[str]) -> set[str]:
    """The package's modules that ``source`` imports (lazy imports inside functions
    too); ``relative`` when it imports relatively."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                found.add("relative")
                continue
            names = [f"{node.module}.{a.name}" for a in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] != "twinschedule":
                continue
            dotted = ".".join(parts[1:])
            while dotted and dotted not in modules:
                dotted = dotted.rpartition(".")[0]
            found.add(dotted or "__init__")
    return found


def violations(srcs: dict[str, str], levels: dict[str, int],
               arrows: dict[str, set[str]]) -> list[str]:
    wrong = []
    for name in sorted(srcs):
        for target in sorted(imported(srcs[name], set(srcs))):
            if target == "relative":
                wrong.append(f"{name} imports relatively")
            elif target in levels and name in levels and levels[target] >= levels[name]:
                wrong.append(f"{name} imports {target} (a row below it)")
            elif group(target) != group(name) and group(target) not in arrows.get(
                    group(name), set()):
                wrong.append(f"{name} imports {target} ({group(name)} -> {group(target)})")
    return wrong


def test_design_tables_match_the_package() -> None:
    srcs, levels, arrows = sources(), module_levels(DESIGN), package_arrows(DESIGN)
    assert set(srcs) == set(levels), "docs/design.md's module table is not the package"
    packages = {group(m) for m in srcs}
    assert packages <= set(arrows), "docs/design.md's package table misses a package"
    assert not violations(srcs, levels, arrows)


def test_package_inits_import_nothing() -> None:
    for init in PACKAGE.glob("*/__init__.py"):
        tree = ast.parse(init.read_text(encoding="utf-8"))
        assert not [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)], init
        assert ast.get_docstring(tree), f"{init} says what its package is for"


def test_serve_is_imported_by_nobody() -> None:
    arrows = package_arrows(DESIGN)
    assert all("serve" not in allowed for allowed in arrows.values())


def test_the_checks_can_fail() -> None:
    levels = {"_vocab": 0, "core.calendar": 1, "core.planner": 2, "render.text": 3,
              "ical.feeds": 4, "__init__": 5}
    arrows = {"base": {"base"}, "core": {"base"}, "render": {"base", "core"},
              "ical": {"base", "core"}, "top": {"base", "core", "render", "ical"}}
    ok = {"_vocab": "", "core.calendar": "from twinschedule._vocab import X\n",
          "core.planner": "from twinschedule.core import calendar\n"
                          "import twinschedule._vocab\n",
          "render.text": "from twinschedule.core.planner import plan\n",
          "ical.feeds": "from twinschedule.core import planner\n",
          "__init__": "from twinschedule.render.text import render\n"}
    assert violations(ok, levels, arrows) == []
    for module, source, message in [
        ("core.calendar", "from twinschedule.core.planner import plan\n",
         "core.calendar imports core.planner (a row below it)"),
        ("core.calendar", "def f():\n    from twinschedule.core import planner\n",
         "core.calendar imports core.planner (a row below it)"),
        ("core.calendar", "from . import planner\n", "core.calendar imports relatively"),
        ("core.planner", "from twinschedule import plan\n",
         "core.planner imports __init__ (a row below it)"),
        ("ical.feeds", "import twinschedule.render.text\n",
         "ical.feeds imports render.text (ical -> render)"),
    ]:
        assert violations({**ok, module: source}, levels, arrows) == [message], source
    assert group("core.plan") == "core" and group("model") == "base" and group("cli") == "top"
    assert package_arrows("| `core/` | job | base, `_tz` |\n") == {"core": {"base", "_tz"}}


def test_tests_mirror_the_packages_with_unique_names() -> None:
    tests = ROOT / "tests"
    names = [p.name for p in tests.rglob("test_*.py") if "conformance" not in p.parts]
    assert len(names) == len(set(names)), "test modules share a basename"
    folders = {p.parent.name for p in tests.glob("*/test_*.py")}
    packages = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert folders <= packages, f"test folders without a package: {folders - packages}"
