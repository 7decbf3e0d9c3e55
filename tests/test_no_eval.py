"""No code evaluation anywhere in the package: no `eval`, `exec`, `compile`, `__import__`,
`sympy.sympify`/`sympy.S(...)`, SymPy's `parse_expr`/`parse_latex` or `lambdify`.

Text from a rule file, a record or a request is read by whitelist parsers (`terms.parse`,
`terms.sympy_text`, `serve.whitelist`) into constructors; this scan reads every module with
`ast` and fails as soon as one of those calls is added, wherever its argument comes from.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rpsdg_formal"

BUILTINS = frozenset({"eval", "exec", "compile", "__import__"})  # as bare names (not re.compile)
BANNED_CALLS = frozenset({"sympify", "lambdify"})
SYMPY_PARSERS = frozenset({"parse_expr", "parse_latex", "parse_mathematica"})


def _called_name(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def evaluating_calls(source: str) -> list[str]:
    """`line: name` of every call in `source` that could evaluate text as code."""
    tree = ast.parse(source)
    from_sympy = {  # local name -> the SymPy name it was imported as
        alias.asname or alias.name: alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sympy")
        for alias in node.names
    }
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _called_name(node)
        name = from_sympy.get(name, name) if isinstance(node.func, ast.Name) else name
        attribute_of = getattr(node.func, "value", None)
        on_sympy = isinstance(attribute_of, ast.Name) and attribute_of.id in ("sympy", "sp")
        if (
            name in BANNED_CALLS
            or (name in BUILTINS and isinstance(node.func, ast.Name))
            or (name in SYMPY_PARSERS and (on_sympy or name in from_sympy.values()))
            or (name == "S" and (on_sympy or "S" in from_sympy.values()))
        ):
            found.append(f"{node.lineno}: {name}")
    return found


def test_the_package_evaluates_no_text() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for hit in evaluating_calls(path.read_text(encoding="utf-8")):
            offenders.append(f"{path.relative_to(PACKAGE.parent)}:{hit}")
    assert not offenders, "calls that evaluate text as code:\n" + "\n".join(offenders)


def test_the_scan_fails_on_each_kind_of_added_call() -> None:
    added = {
        "import sympy\nsympy.sympify(text)\n": "sympify",
        "from sympy import sympify\nsympify(text, locals={})\n": "sympify",
        "eval(text)\n": "eval",
        "exec(text)\n": "exec",
        "import sympy\nsympy.S(text)\n": "S",
        "from sympy.parsing.sympy_parser import parse_expr\nparse_expr(text)\n": "parse_expr",
        "from sympy.parsing.latex import parse_latex as p\np(text)\n": "parse_latex",
        "import sympy\nsympy.lambdify(x, text)\n": "lambdify",
    }
    for source, name in added.items():
        hits = evaluating_calls(source)
        assert hits and hits[0].endswith(name), (source, hits)
    # the package's own whitelist parser `parse_expr` (terms.parse) is not SymPy's
    ours = "from rpsdg_formal.terms.parse import parse_expr\nparse_expr(t, s)\n"
    assert evaluating_calls(ours) == []
