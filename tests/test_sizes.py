"""Small rooms: no module of the package or its scripts, and no C source or header of the
package, over 400 lines; no function over 60 lines except the declarative tables named in
`TABLES`.

Python functions are measured with `ast` from their first decorator to their last line, so a
function that grows past the limit fails here, and so does a table that is no longer one. C
functions are measured from the line that opens their definition (at the start of a line, with
a parameter list, not a declaration or an initializer) to their closing brace at the start of
a line, the layout every C file of the package keeps.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULE_LINES = 400
FUNCTION_LINES = 60
TABLES = {
    ("rpsdg_formal/serve/openapi.py", "openapi_document"),  # the OpenAPI document, a literal
}
"""Functions allowed past the limit: each is one literal (a declarative table)."""


def _modules() -> list[Path]:
    return sorted([*(ROOT / "rpsdg_formal").rglob("*.py"), *(ROOT / "scripts").glob("*.py")])


def _c_sources() -> list[Path]:
    package = ROOT / "rpsdg_formal"
    return sorted([*package.rglob("*.c"), *package.rglob("*.h")])


_C_DEFINITION = re.compile(r"^[A-Za-z_][^=;]*?\b([A-Za-z_]\w*)\(")


def _long_c_functions(path: Path) -> list[tuple[str, int]]:
    """(name, lines) of every C function of `path` longer than the limit."""
    found, name, first = [], "", 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        opening = _C_DEFINITION.match(line)
        if not name and opening and not line.startswith("#") and not line.rstrip().endswith(";"):
            name, first = opening.group(1), number
        elif name and line.startswith("}"):
            if number - first + 1 > FUNCTION_LINES:
                found.append((name, number - first + 1))
            name = ""
    return found


def _long_functions(path: Path) -> list[tuple[str, int]]:
    """(name, lines) of every function of `path` longer than the limit."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            first = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            lines = (node.end_lineno or node.lineno) - first + 1
            if lines > FUNCTION_LINES:
                found.append((node.name, lines))
    return found


def test_no_module_is_over_the_limit() -> None:
    long = {}
    for path in [*_modules(), *_c_sources()]:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > MODULE_LINES:
            long[str(path.relative_to(ROOT))] = lines
    assert long == {}


def test_no_function_is_over_the_limit_except_the_tables() -> None:
    long = {
        (str(path.relative_to(ROOT)), name): lines
        for path in _modules()
        for name, lines in _long_functions(path)
    }
    assert set(long) == TABLES, long


def test_the_c_sources_are_measured_too() -> None:
    """The C core is in the same rooms: every file under 400 lines (above), every function
    under 60 lines."""
    assert _c_sources(), "the package's C sources were not found"
    long = {
        (str(path.relative_to(ROOT)), name): lines
        for path in _c_sources()
        for name, lines in _long_c_functions(path)
    }
    assert long == {}


@pytest.mark.parametrize(("relative", "name"), sorted(TABLES))
def test_each_table_is_one_literal(relative: str, name: str) -> None:
    """A named table is local names and one returned literal: no loop, no branch."""
    tree = ast.parse((ROOT / relative).read_text(encoding="utf-8"))
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == name)
    control = (ast.For, ast.While, ast.If, ast.Try, ast.With, ast.Match)
    assert not [n for n in ast.walk(function) if isinstance(n, control)]


def test_the_measure_sees_a_long_function(tmp_path: Path) -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(FUNCTION_LINES))
    path = tmp_path / "long.py"
    path.write_text(f"@staticmethod\ndef grown() -> None:\n{body}", encoding="utf-8")
    assert _long_functions(path) == [("grown", FUNCTION_LINES + 2)]


def test_the_measure_sees_a_long_c_function(tmp_path: Path) -> None:
    body = "".join(f"    x += {i};\n" for i in range(FUNCTION_LINES))
    path = tmp_path / "long.c"
    path.write_text(
        "static int table[] = {\n    1,\n};\n"
        "int grown(int x,\n          int y) {\n" + body + "    return x + y;\n}\n"
        "static int small(int x) {\n    return x;\n}\n",
        encoding="utf-8",
    )
    assert _long_c_functions(path) == [("grown", FUNCTION_LINES + 4)]
