"""A theory: its signature (from the rule file) and its Lean modules (from `lean/`).

The Lean sources are scanned, not run, to learn which names exist and which axioms the theory
declares; the kernel later proves that the scan was right (a name that does not exist fails to
elaborate, an axiom outside the declared set fails the axiom audit).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .signature import Signature

_IMPORT = re.compile(r"^import\s+(\S+)", re.MULTILINE)
_NAMESPACE = re.compile(r"^namespace\s+(\S+)")
_END = re.compile(r"^end(?:\s+(\S+))?\s*$")
_DECL = re.compile(
    r"^(?:@\[[^\]]*\]\s*)?(?:(?:noncomputable|private|protected)\s+)*"
    r"(theorem|axiom|def|inductive|abbrev|lemma)\s+([^\s:({\[]+)"
)


@dataclass(frozen=True)
class LeanModule:
    """One Lean source file of a theory, and the folder its module name is relative to."""

    name: str
    path: Path
    root: Path


@dataclass(frozen=True)
class Theory:
    """Everything the pipeline needs to know about a theory, as plain data."""

    name: str
    signature: Signature
    carrier: str
    lean_module: str
    lean_namespace: str
    lean_dir: Path
    modules: tuple[LeanModule, ...]
    declarations: frozenset[str]
    axioms: frozenset[str]
    model_variable: str | None = None  # variables range over functions of this constant

    @property
    def opens(self) -> tuple[str, ...]:
        """Namespaces a generated file opens: every prefix of the theory's namespace."""
        parts = self.lean_namespace.split(".")
        return tuple(".".join(parts[: i + 1]) for i in range(len(parts)))

    def qualified(self, short: str) -> str | None:
        """The declared full name that `short` resolves to inside the opened namespaces."""
        for prefix in reversed(self.opens):
            if f"{prefix}.{short}" in self.declarations:
                return f"{prefix}.{short}"
        return short if short in self.declarations else None

    def source_hash(self) -> str:
        """A hash of every Lean source the theory depends on (keys the .olean cache)."""
        digest = hashlib.sha256()
        for module in self.modules:
            digest.update(module.name.encode() + b"\0" + module.path.read_bytes() + b"\0")
        return digest.hexdigest()[:16]


def module_path(lean_dir: Path, module: str) -> Path:
    return lean_dir.joinpath(*module.split(".")).with_suffix(".lean")


def module_closure(lean_dirs: Path | Sequence[Path], root: str) -> tuple[LeanModule, ...]:
    """`root` and the project modules it imports, dependencies first.

    Each module is looked up in `lean_dirs` in order. Raises FileNotFoundError naming the
    missing module and where it was looked for.
    """
    dirs = [lean_dirs] if isinstance(lean_dirs, Path) else list(lean_dirs)
    ordered: list[LeanModule] = []
    seen: set[str] = set()

    def visit(name: str) -> None:
        if name in seen:
            return
        seen.add(name)
        found = [(d, module_path(d, name)) for d in dirs if module_path(d, name).is_file()]
        if not found:
            tried = ", ".join(str(module_path(d, name)) for d in dirs)
            raise FileNotFoundError(f"Lean module {name} not found: expected {tried}")
        folder, path = found[0]
        for imported in _IMPORT.findall(path.read_text(encoding="utf-8")):
            visit(imported)
        ordered.append(LeanModule(name, path, folder))

    visit(root)
    return tuple(ordered)


def scan_declarations(source: str) -> tuple[set[str], set[str]]:
    """(all declared full names, axiom full names) of one Lean source, tracking namespaces."""
    names: set[str] = set()
    axioms: set[str] = set()
    stack: list[str] = []
    in_comment = 0
    for raw in source.splitlines():
        line = raw.strip()
        in_comment += line.count("/-") - line.count("-/")
        if in_comment > 0 or line.startswith("--"):
            continue
        if m := _NAMESPACE.match(line):
            stack.append(m.group(1))
            continue
        if (m := _END.match(line)) and stack and m.group(1) == stack[-1]:
            stack.pop()
            continue
        if m := _DECL.match(line):
            full = ".".join([*stack, m.group(2)])
            names.add(full)
            if m.group(1) == "axiom":
                axioms.add(full)
    return names, axioms


def scan_modules(modules: tuple[LeanModule, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Declared names and axioms of all `modules`."""
    names: set[str] = set()
    axioms: set[str] = set()
    for module in modules:
        n, a = scan_declarations(module.path.read_text(encoding="utf-8"))
        names |= n
        axioms |= a
    return frozenset(names), frozenset(axioms)
