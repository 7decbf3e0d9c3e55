"""The package's import floors: a stage may import only from the stages below it.

Every import of every module is read with `ast` (module-level and inside functions), so a
reverse reach fails here before it becomes a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "rpsdg_formal"

LAYERS = (
    ("errors", "forking", "progress"),
    ("terms",),
    ("theory",),
    ("rewriting",),
    ("kernel",),
    ("dataset",),
    ("families",),
    ("audit",),
    ("tactics",),
    ("pipeline",),
    ("exports",),
    ("env",),
    ("serve",),
    ("cli",),
)
FLOOR = {name: floor for floor, names in enumerate(LAYERS) for name in names}
FACADES = {"__init__", "__main__"}  # the root re-exports the public API; it is imported by none


def _stage(module: str) -> str:
    """`rpsdg_formal.kernel.check` -> `kernel`; the root modules are their own stage."""
    return module.split(".")[1]


def _imported(tree: ast.AST, here: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here.split(".")[: -node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names = [module] if node.module else [f"{module}.{a.name}" for a in node.names]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, m) for line, m in found if m.startswith("rpsdg_formal.")]


def violations(source: str, module: str) -> list[str]:
    """Imports in `source` (the text of `module`) that reach a higher stage than its own."""
    here = FLOOR[_stage(module)]
    wrong = []
    for line, target in _imported(ast.parse(source), module):
        stage = _stage(target)
        if stage not in FLOOR:
            wrong.append(f"{module}:{line} imports {target}, which is in no stage")
        elif FLOOR[stage] > here:
            wrong.append(f"{module}:{line} ({_stage(module)}) imports {target} ({stage})")
    return wrong


def _modules() -> list[tuple[str, Path]]:
    out = []
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if len(parts) == 2 and parts[1] in FACADES:
            continue
        dotted = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out.append((dotted, path))
    return out


def test_every_package_is_a_stage() -> None:
    top = {p.name for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    top |= {p.stem for p in PACKAGE.glob("*.py") if p.stem not in FACADES}
    assert top == set(FLOOR)


def test_no_stage_imports_a_higher_one() -> None:
    wrong = [w for module, path in _modules() for w in violations(path.read_text(), module)]
    assert wrong == []


def test_a_reverse_import_is_caught() -> None:
    """The check itself: an added reverse import (terms reaching into the pipeline) fails."""
    source = (PACKAGE / "terms" / "expr.py").read_text()
    assert violations(source, "rpsdg_formal.terms.expr") == []
    bad = source + "\nfrom rpsdg_formal.pipeline.run import generate\n"
    assert violations(bad, "rpsdg_formal.terms.expr") == [
        f"rpsdg_formal.terms.expr:{len(bad.splitlines())} (terms) imports "
        "rpsdg_formal.pipeline.run (pipeline)"
    ]
    relative = source + "\ndef f() -> None:\n    from ..cli import main\n"
    assert len(violations(relative, "rpsdg_formal.terms.expr")) == 1
