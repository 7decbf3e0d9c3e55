"""A theory: its signature (the `theory:` section of a rule file, read here) and its Lean
modules (from `lean/`).

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

import yaml

from rpsdg_formal.terms.signature import ARITY, Fixity, Numerals, Operator, Signature, is_lean_ident
from rpsdg_formal.theory.leansource import scan_source
from rpsdg_formal.theory.yamlfile import YamlFile

_IMPORT = re.compile(r"^import\s+(\S+)", re.MULTILINE)


MATHLIB_CARRIER = "ℝ"
"""The Mathlib type a theory's variables have in the tactic rendering, unless its rule file
says otherwise (`theory.mathlib_carrier`)."""

_MATHLIB_TYPES = frozenset({"ℕ", "ℤ", "ℚ", "ℝ", "ℂ"})


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
    nonzero: tuple[tuple[str, str], ...] = ()  # role -> Lean name: proofs that numerals are ≠ 0
    mathlib_carrier: str = MATHLIB_CARRIER  # the type of variables in the Mathlib rendering

    def nonzero_lemma(self, role: str) -> str | None:
        """The Lean name for a role of the `nonzero:` section (see `numerals.nonzero_proof`)."""
        return dict(self.nonzero).get(role)

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
    """(all declared full names, axiom full names) of one Lean source (`leansource`)."""
    found = [d for d in scan_source(source) if d.kind != "constructor"]
    return {d.name for d in found}, {d.name for d in found if d.kind == "axiom"}


def scan_modules(modules: tuple[LeanModule, ...]) -> tuple[frozenset[str], frozenset[str]]:
    """Declared names and axioms of all `modules`."""
    names: set[str] = set()
    axioms: set[str] = set()
    for module in modules:
        n, a = scan_declarations(module.path.read_text(encoding="utf-8"))
        names |= n
        axioms |= a
    return frozenset(names), frozenset(axioms)


# --- the theory section of a rule file --------------------------------------------------------

_OPERATOR_KEYS = {
    "symbol",
    "fixity",
    "precedence",
    "lean",
    "lean_symbol",
    "model",
    "latex",
    "arity",
}

_RETIRED_KEYS = {"sympy": "template", "plain": "plain SymPy template"}
"""Keys of older rule files that defined the model as SymPy text (now a registry name)."""


def _model_entry(
    f: YamlFile, name: str, entries: dict[str, tuple[yaml.Node, int]], line: int
) -> str:
    """The registry entry an operator names; a retired `sympy:`/`plain:` template is refused
    with the line to write instead, since a rule file may not define what an operator means."""
    # imported here: the registry imports SymPy, which a process that only unpickles a theory
    # (a direct-kernel worker) should not pay for at start-up
    from rpsdg_formal.terms.meaning import REGISTRY

    for key, what in _RETIRED_KEYS.items():
        if key in entries:
            guess = name if name in REGISTRY else "ENTRY"
            raise f.error(
                entries[key][1],
                f"operator {name!r}: the `{key}:` {what} is no longer read (a rule file names "
                f"its operators' meaning, it cannot define it); replace it with `model: {guess}` "
                f"(registry entries: {', '.join(REGISTRY)})",
            )
    if "model" not in entries:
        raise f.error(line, f"operator {name!r} needs a 'model' (one of: {', '.join(REGISTRY)})")
    entry = f.string(entries["model"][0], "model")
    if entry not in REGISTRY:
        raise f.error(
            entries["model"][1],
            f"operator {name!r}: model {entry!r} is not a registry entry (one of: "
            f"{', '.join(REGISTRY)}); a new operator needs a reviewed entry in "
            "rpsdg_formal/terms/meaning.py",
        )
    return entry


def _integer(
    f: YamlFile, entries: dict[str, tuple[yaml.Node, int]], key: str, name: str, default: int
) -> int:
    """The whole number `key` of operator `name` (e.g. `precedence: 65`), or `default`."""
    if key not in entries:
        return default
    node, line = entries[key]
    text = f.string(node, key)
    try:
        return int(text)
    except ValueError:
        raise f.error(
            line, f"operator {name!r}: {key} must be a whole number (e.g. {key}: 65), got {text!r}"
        ) from None


def _template(f: YamlFile, entry: tuple[yaml.Node, int], what: str, arity: int) -> str:
    """A printing template: `{0}`…`{arity-1}` stand for the arguments (literal braces are
    doubled); a malformed one is refused at its line rather than failing when first printed."""
    node, line = entry
    text = f.string(node, what)
    try:
        text.format(*(f"arg{i}" for i in range(arity)))
    except (IndexError, KeyError, ValueError) as err:
        reason = f"unknown placeholder {{{err.args[0]}}}" if isinstance(err, KeyError) else err
        raise f.error(
            line,
            f"{what} template {text!r} is malformed ({reason}); use {{0}}"
            + (f" … {{{arity - 1}}}" if arity > 1 else "")
            + " for the arguments and double literal braces",
        ) from None
    return text


def _operator(f: YamlFile, name: str, node: yaml.Node, line: int) -> Operator:
    entries = f.mapping(node, f"operator {name!r}")
    model = _model_entry(f, name, entries, line)
    unknown = set(entries) - _OPERATOR_KEYS
    if unknown:
        raise f.error(line, f"operator {name!r}: unknown key(s) {sorted(unknown)}")
    for key in ("symbol", "fixity", "lean", "latex"):
        if key not in entries:
            raise f.error(line, f"operator {name!r} needs a {key!r}")
    fixity_text = f.string(entries["fixity"][0], "fixity")
    try:
        fixity = Fixity(fixity_text)
    except ValueError:
        choices = ", ".join(x.value for x in Fixity)
        raise f.error(
            entries["fixity"][1], f"fixity {fixity_text!r} is not one of {choices}"
        ) from None
    arity = ARITY.get(fixity)
    if arity is None:
        arity = _integer(f, entries, "arity", name, 1)
    precedence = _integer(f, entries, "precedence", name, 0)
    symbol = f.string(entries["symbol"][0], "symbol")
    if fixity is Fixity.FUNCTION and not is_lean_ident(symbol):
        raise f.error(
            line, f"function operator {name!r} needs an identifier symbol, got {symbol!r}"
        )
    return Operator(
        name=name,
        symbol=symbol,
        fixity=fixity,
        arity=arity,
        precedence=precedence,
        lean=f.ident(entries["lean"][0], f"operator {name!r} lean name"),
        lean_symbol=f.string(entries["lean_symbol"][0], "lean_symbol")
        if "lean_symbol" in entries
        else symbol,
        model=model,
        latex=_template(f, entries["latex"], f"operator {name!r} latex", arity),
    )


def _lean_dirs(f: YamlFile, entry: tuple[yaml.Node, int] | None) -> tuple[Path, ...]:
    """`theory.lean_dir`: one folder or a list, relative to the rule file (default ../lean)."""
    if entry is None:
        texts: tuple[str, ...] = ("../lean",)
    elif isinstance(entry[0], yaml.SequenceNode):
        texts = f.strings(entry[0], "lean_dir")
    else:
        texts = (f.string(entry[0], "lean_dir"),)
    if not texts:
        raise f.error(entry[1] if entry else None, "lean_dir must name at least one folder")
    return tuple((f.path.parent / t).resolve() for t in texts)


def theory_section(f: YamlFile, node: yaml.Node, line: int) -> Theory:
    entries = f.mapping(node, "theory")
    for key in ("name", "lean_module", "lean_namespace", "carrier", "numerals", "operators"):
        if key not in entries:
            raise f.error(line, f"the theory section needs a {key!r} entry")
    ops_node = entries["operators"][0]
    ops = tuple(
        _operator(f, name, op_node, op_line)
        for name, (op_node, op_line) in f.mapping(ops_node, "operators").items()
    )
    nums = {
        k: f.ident(v, f"numerals.{k}")
        for k, (v, _) in f.mapping(entries["numerals"][0], "numerals").items()
    }
    if set(nums) != {"zero", "one", "bit0", "bit1"}:
        raise f.error(entries["numerals"][1], "numerals needs exactly zero, one, bit0 and bit1")
    signature = Signature(ops, Numerals(**nums))
    lean_dirs = _lean_dirs(f, entries.get("lean_dir"))
    lean_dir = lean_dirs[0]
    module = f.ident(entries["lean_module"][0], "lean_module")
    try:
        modules = module_closure(lean_dirs, module)
    except FileNotFoundError as err:
        raise f.error(entries["lean_module"][1], f"{err} (set theory.lean_dir)") from err
    declarations, axioms = scan_modules(modules)
    model_variable = _model_variable(f, signature, entries.get("model"))
    if model_variable is None and any(op.model == "D" for op in signature.operators):
        raise f.error(
            line,
            "an operator means D (d/dx), so variables must stand for functions: add "
            "`model: {functions_of: X}` naming the constant operator with `model: x`",
        )
    nonzero = _nonzero(f, entries.get("nonzero"))
    theory = Theory(
        name=f.ident(entries["name"][0], "theory name"),
        signature=signature,
        carrier=f.ident(entries["carrier"][0], "carrier"),
        lean_module=module,
        lean_namespace=f.ident(entries["lean_namespace"][0], "lean_namespace"),
        lean_dir=lean_dir,
        modules=modules,
        declarations=declarations,
        axioms=axioms,
        model_variable=model_variable,
        nonzero=nonzero,
        mathlib_carrier=_mathlib_carrier(f, entries.get("mathlib_carrier")),
    )
    lemmas = {name for _, name in nonzero}
    for const in sorted(signature.lean_names() | {theory.carrier} | lemmas):
        if theory.qualified(const) is None:
            raise f.error(
                line, f"the theory uses Lean constant {const!r}, not declared in {module}"
            )
    return theory


def _mathlib_carrier(f: YamlFile, entry: tuple[yaml.Node, int] | None) -> str:
    """`theory.mathlib_carrier`: a Mathlib number type (`ℝ`, `ℂ`, …) or a Lean identifier."""
    if entry is None:
        return MATHLIB_CARRIER
    value = f.string(entry[0], "mathlib_carrier")
    if value not in _MATHLIB_TYPES and not is_lean_ident(value):
        raise f.error(
            entry[1],
            f"mathlib_carrier {value!r} is neither one of {' '.join(sorted(_MATHLIB_TYPES))} "
            "nor a Lean identifier",
        )
    return value


NONZERO_ROLES = {
    "positive": "the positivity predicate (model: a positive real)",
    "one": "Pos one",
    "bit0": "Pos a → Pos (bit0 a)",
    "bit1": "Pos a → Pos (bit1 a)",
    "ne_zero": "Pos a → Ne a zero",
    "neg": "Ne a zero → Ne (neg a) zero",
}


def _nonzero(f: YamlFile, entry: tuple[yaml.Node, int] | None) -> tuple[tuple[str, str], ...]:
    """`theory.nonzero: {role: LeanName, ...}`: how the theory proves numerals non-zero."""
    if entry is None:
        return ()
    named = {
        role: f.ident(node, f"nonzero.{role}")
        for role, (node, _) in f.mapping(entry[0], "nonzero").items()
    }
    unknown = sorted(set(named) - set(NONZERO_ROLES))
    missing = sorted(set(NONZERO_ROLES) - set(named))
    if unknown or missing:
        roles = "; ".join(f"{k}: {v}" for k, v in NONZERO_ROLES.items())
        raise f.error(
            entry[1],
            f"nonzero needs exactly the roles ({roles}); unknown {unknown}, missing {missing}",
        )
    return tuple(sorted(named.items()))


def _model_variable(
    f: YamlFile, signature: Signature, entry: tuple[yaml.Node, int] | None
) -> str | None:
    """`theory.model: {functions_of: x}`: variables mean functions of the constant `x`."""
    if entry is None:
        return None
    entries = f.mapping(entry[0], "model")
    unknown = set(entries) - {"functions_of"}
    if unknown or "functions_of" not in entries:
        raise f.error(entry[1], "model must read {functions_of: NAME} (a constant operator)")
    name = f.string(entries["functions_of"][0], "model.functions_of")
    constant = signature.constant(name)
    if constant is None or constant.model != "x":
        raise f.error(
            entry[1],
            f"model.functions_of: {name!r} is not a constant operator with `model: x`",
        )
    return constant.name
