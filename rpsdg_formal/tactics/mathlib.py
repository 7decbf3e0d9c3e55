"""The Mathlib table: which Mathlib lemma proves each rule's rewrite, with its explicit arguments.

`mathlib.yaml` (next to this module) maps every rule name of the shipped rule files to the
Mathlib declaration with the same effect over ℝ, as read in Mathlib's source: its name, its
statement with Mathlib's own variable names, its explicit arguments in Mathlib's order and the
file it is declared in; or to `norm_num` / `ring` / `simp` (a stated step) or `none` (no Mathlib
rendering). The renderer builds tactics from it, so a rendered `rw` names a real Mathlib lemma
with its arguments in Mathlib's order and its arrow on the right side.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.terms.expr import Expr, Kind, match, positions
from rpsdg_formal.terms.parse import parse_equation
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import Rule

TABLE = Path(__file__).with_name("mathlib.yaml")
"""The shipped table."""

TACTICS = ("rw", "norm_num", "ring", "simp", "none")
"""How a rule's step is rendered: a Mathlib lemma, a stated step proven by a Mathlib tactic, or
no Mathlib rendering at all (the step is marked not-Mathlib)."""

HYPOTHESIS = "h"
"""In `args`, the place of the side-condition proof (`a ≠ 0`)."""


@dataclass(frozen=True)
class MathlibEntry:
    """One rule's Mathlib counterpart (`lemma` None: no lemma; see `tactic`)."""

    rule: str
    lemma: str | None
    statement: str  # in rule syntax, with Mathlib's variable names
    args: tuple[str, ...]  # explicit arguments in Mathlib's order; HYPOTHESIS for the proof
    file: str
    tactic: str  # one of TACTICS
    note: str
    swapped: bool = False  # Mathlib states the rule right to left

    @property
    def is_mathlib(self) -> bool:
        """True if a step with this rule renders as something Mathlib runs."""
        return self.tactic != "none"


@dataclass(frozen=True)
class MathlibTable:
    """The table: entries by rule name, and other real Mathlib names seen while reading."""

    entries: Mapping[str, MathlibEntry]
    other_declarations: frozenset[str]
    path: Path

    def entry(self, rule: str) -> MathlibEntry:
        """The entry of rule `rule`; ConfigError naming the table if it has none."""
        found = self.entries.get(rule)
        if found is None:
            raise ConfigError(
                f"{self.path}: rule {rule!r} has no entry; add one (its Mathlib lemma, or "
                "`lemma: null` with the tactic that states it) before rendering its steps"
            )
        return found

    def declarations(self) -> frozenset[str]:
        """Every Mathlib name the table knows: the rules' lemmas and the other declarations."""
        lemmas = {e.lemma for e in self.entries.values() if e.lemma is not None}
        return frozenset(lemmas) | self.other_declarations


def _entry(path: Path, rule: str, raw: Any) -> MathlibEntry:
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: entry {rule!r} must be a mapping, got {raw!r}")
    lemma = raw.get("lemma")
    tactic = str(raw.get("tactic", "rw" if lemma is not None else "none"))
    if tactic not in TACTICS:
        raise ConfigError(
            f"{path}: entry {rule!r}: tactic must be one of {TACTICS}, not {tactic!r}"
        )
    if (lemma is None) != (tactic != "rw"):
        raise ConfigError(f"{path}: entry {rule!r}: a lemma goes with `rw`, no lemma with a tactic")
    args = raw.get("args", [])
    if not isinstance(args, list) or not all(isinstance(a, str) for a in args):
        raise ConfigError(f"{path}: entry {rule!r}: args must be a list of names, got {args!r}")
    if lemma is not None and not (raw.get("statement") and raw.get("file")):
        raise ConfigError(f"{path}: entry {rule!r}: a lemma needs its statement and file")
    sides = str(raw.get("sides", "same"))
    if sides not in ("same", "swapped"):
        raise ConfigError(f"{path}: entry {rule!r}: sides is `same` or `swapped`, not {sides!r}")
    return MathlibEntry(
        rule,
        None if lemma is None else str(lemma),
        str(raw.get("statement", "")),
        tuple(args),
        str(raw.get("file", "")),
        tactic,
        str(raw.get("note", "")),
        sides == "swapped",
    )


def read_table(path: Path) -> MathlibTable:
    """Read a table file; ConfigError with the file and the entry for anything malformed."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as err:
        raise ConfigError(f"{path}: cannot read the Mathlib table ({err})") from err
    if not isinstance(data, dict) or not isinstance(data.get("rules"), dict):
        raise ConfigError(f"{path}: expected a mapping with `rules:` (rule name -> entry)")
    entries = {str(name): _entry(path, str(name), raw) for name, raw in data["rules"].items()}
    others = data.get("other_declarations", [])
    if not isinstance(others, list):
        raise ConfigError(f"{path}: other_declarations must be a list of names")
    return MathlibTable(entries, frozenset(str(n) for n in others), path)


@lru_cache(maxsize=1)
def load_table() -> MathlibTable:
    """The shipped table (read once)."""
    return read_table(TABLE)


# --- from a rule instance to the Mathlib lemma's arguments ---------------------------------------


@dataclass(frozen=True)
class Correspondence:
    """How a Mathlib statement lines up with a rule: `swapped` if its left side is the rule's
    right side; `renaming` maps each Mathlib variable to the rule's variable."""

    swapped: bool
    renaming: Mapping[str, str]


def _renaming(sides: tuple[Expr, Expr], rule_sides: tuple[Expr, Expr]) -> dict[str, str] | None:
    bindings: dict[str, Expr] = {}
    for pattern, target in zip(sides, rule_sides, strict=True):
        if match(pattern, target, bindings) is None:
            return None
    if any(b.kind is not Kind.VAR for b in bindings.values()):
        return None
    renaming = {name: b.head for name, b in bindings.items()}
    return renaming if len(set(renaming.values())) == len(renaming) else None


_FITS: dict[tuple[int, int, int], tuple[object, Correspondence]] = {}
"""`correspondence` by the identities of its arguments (kept alive with the answer): every
rendered or parsed tactic asks, for a handful of rules; parsing the statement each time cost
a tenth of an export."""


def correspondence(entry: MathlibEntry, rule: Rule, sig: Signature) -> Correspondence:
    """Line up `entry`'s statement with `rule`, its sides as the entry says (`sides:`), up to
    renaming variables; ConfigError if the statement is not the rule's equation so."""
    key = (id(entry), id(rule), id(sig))
    known = _FITS.get(key)
    if known is None or known[0] != (entry, rule, sig):
        known = _FITS[key] = ((entry, rule, sig), _correspondence(entry, rule, sig))
    return known[1]


def _correspondence(entry: MathlibEntry, rule: Rule, sig: Signature) -> Correspondence:
    sides = parse_equation(entry.statement, sig)
    target = (rule.rhs, rule.lhs) if entry.swapped else (rule.lhs, rule.rhs)
    renaming = _renaming(sides, target)
    if renaming is not None:
        return Correspondence(entry.swapped, renaming)
    raise ConfigError(
        f"{TABLE.name}: the statement {entry.statement!r} of {entry.lemma} is not rule "
        f"{rule.name!r} up to renaming, with sides {'swapped' if entry.swapped else 'same'}; "
        "fix the table entry"
    )


def statement_variables(entry: MathlibEntry, sig: Signature) -> list[str]:
    """The variables of the Mathlib statement, in order of first occurrence."""
    found: dict[str, None] = {}
    for side in parse_equation(entry.statement, sig):
        for _, node in positions(side):
            if node.kind is Kind.VAR:
                found.setdefault(node.head, None)
    return list(found)


def lemma_term(
    entry: MathlibEntry,
    rule: Rule,
    binding: Mapping[str, Expr],
    proofs: Sequence[str],
    sig: Signature,
    argument: Callable[[Expr], str],
) -> tuple[str, bool]:
    """`lemma args` for a rule instance (`binding`: rule variable -> value; `proofs`: the side
    condition proofs in the rule's order, `h1` or `(by norm_num)`), and whether the lemma's
    sides are the rule's swapped. An implicit Mathlib variable is passed by name,
    `(a := 2)`, when its proof is a tactic block (which cannot fix it by unification)."""
    if entry.lemma is None:
        raise ValueError(f"rule {rule.name!r} has no Mathlib lemma ({entry.tactic})")
    fit = correspondence(entry, rule, sig)
    parts = [entry.lemma]
    pending = list(proofs)
    if any(p.startswith("(") for p in proofs):
        for name in statement_variables(entry, sig):
            if name not in entry.args:
                parts.append(f"({name} := {argument(binding[fit.renaming[name]])})")
    for arg in entry.args:
        if arg == HYPOTHESIS:
            parts.append(pending.pop(0) if pending else "_")
        else:
            parts.append(argument(binding[fit.renaming[arg]]))
    return " ".join(parts), fit.swapped


@lru_cache(maxsize=32)
def mathlib_names(
    rules: tuple[Rule, ...], sig: Signature
) -> Mapping[str, tuple[Rule, MathlibEntry]]:
    """The Mathlib lemma of each rule whose table entry states it (a rule file's own rule that
    only shares a table name is left out), by lemma name; the first rule wins. Cached: the
    proof environment asks once per action."""
    table = load_table()
    found: dict[str, tuple[Rule, MathlibEntry]] = {}
    for rule in rules:
        entry = table.entries.get(rule.name)
        if entry is None or entry.lemma is None or entry.lemma in found:
            continue
        try:
            correspondence(entry, rule, sig)
        except ConfigError:
            continue
        found[entry.lemma] = (rule, entry)
    return found


def rule_binding(
    entry: MathlibEntry,
    rule: Rule,
    sig: Signature,
    explicit: Sequence[Expr],
    named: Mapping[str, Expr],
) -> tuple[dict[str, Expr], bool]:
    """From a Mathlib lemma's arguments as written (`explicit` in Mathlib's order, `named` as
    `(a := v)`) to the rule's: the rule variables they fix, and whether the lemma's sides are
    the rule's swapped. ValueError, in Lean's words, for too many or unknown arguments."""
    fit = correspondence(entry, rule, sig)
    slots = [a for a in entry.args if a != HYPOTHESIS]
    if len(explicit) > len(slots):
        raise ValueError(
            f"{entry.lemma} takes {len(slots)} explicit argument(s), got {len(explicit)}"
        )
    values = dict(zip(slots, explicit, strict=False))
    for name, value in named.items():
        if name not in fit.renaming:
            raise ValueError(f"invalid argument name '{name}' for function '{entry.lemma}'")
        values[name] = value
    return {fit.renaming[k]: v for k, v in values.items()}, fit.swapped
