"""The meaning of every declaration of a theory, as Lean elaborated it, classified for the audit.

Lean is asked (`lean_probe`) for every declaration the source scan found and for every name
generated files write (`add`, `Eq`, `Pos`, …, resolved inside the same `open` those files use),
with every constant printed by its full name. Each declaration must then be one of:

- a **signature constant**: an axiom whose type is exactly what its operator's arity says
  (`R → R → R`, `R`, `Type` for the carrier, `R → Prop` for the positivity predicate);
- a **definition of a signature operator or numeral**, whose body is model-checked against
  the registry's meaning of that operator (`sub a b := add a (neg b)`);
- an **axiom** that is a law over the carrier (`∀ a b : R, Ne a zero → Eq … …`), model-checked;
- a **theorem** (the kernel checked it);
- a pinned declaration of the trusted logic (`trusted_logic`).

Anything else, or anything the audit cannot interpret, is reported as `Unreadable`, which
fails the audit; nothing is skipped.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.audit.lean_probe import Printed, ask_lean
from rpsdg_formal.audit.lean_terms import LeanTermError, Term, read_term, spine
from rpsdg_formal.audit.trusted_logic import EQ, HEADS, NE, PINNED
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.signature import Operator
from rpsdg_formal.theory.leansource import scan_source
from rpsdg_formal.theory.rules import Condition
from rpsdg_formal.theory.section import Theory


@dataclass(frozen=True)
class Fact:
    """An axiom or definition as an equation (or disequation, or positivity) with hypotheses.

    `kind` is "axiom" or "definition"; `relation` is "eq", "ne" or "pos". A numeral digit
    definition (`bit0 a := add a a`) has `digit` 0 or 1: its model meaning is `2 * a + digit`,
    and `lhs` is just `a`.
    """

    name: str
    kind: str
    path: Path
    line: int
    variables: tuple[str, ...]
    hypotheses: tuple[Condition, ...]
    relation: str
    lhs: Expr
    rhs: Expr
    digit: int | None = None


@dataclass(frozen=True)
class Unreadable:
    """A declaration the audit cannot interpret (so it fails): what it is and why."""

    name: str
    kind: str
    path: Path
    line: int
    reason: str


@dataclass(frozen=True)
class Constant:
    """A signature constant, as Lean declares it: its full name and checked type."""

    name: str
    path: Path
    line: int
    detail: str


@dataclass(frozen=True)
class TheoryMeanings:
    """Everything the audit learned from Lean about one theory."""

    facts: tuple[Fact, ...]
    unreadable: tuple[Unreadable, ...]
    constants: tuple[Constant, ...]


@dataclass(frozen=True)
class _Names:
    """The full name each signature name resolves to, as Lean resolved it."""

    carrier: str
    ops: Mapping[str, Operator]
    numerals: Mapping[str, str]  # full name -> zero / one / bit0 / bit1
    positive: str | None


class _Unreadable(Exception):
    """Internal: why one declaration cannot be interpreted."""


def theory_meanings(theory: Theory, kernel: Kernel) -> TheoryMeanings:
    """Ask Lean about every declaration of `theory` and classify each (see the module doc)."""
    where: dict[str, tuple[Path, int]] = {}
    for module in theory.modules:
        for decl in scan_source(module.path.read_text(encoding="utf-8")):
            if decl.kind != "constructor":
                where.setdefault(decl.name, (module.path, decl.line))
    pairs = _short_names(theory)
    short = dict(pairs)
    resolved, printed = ask_lean(kernel, list(short), list(where))
    unreadable: list[Unreadable] = []
    fallback = (theory.modules[-1].path, 0)

    def refuse(name: str, kind: str, reason: str) -> None:
        path, line = where.get(name, fallback)
        unreadable.append(Unreadable(name, kind, path, line, reason))

    for text, role in pairs:
        if short[text] != role:
            refuse(text, "signature", f"`{text}` is written for both {short[text]} and {role}")
    roles: dict[str, str] = {}  # full name -> the signature role it plays
    for text, role in short.items():
        answer = resolved[text]
        if answer.error:
            refuse(text, "signature", f"`{text}` ({role}) does not resolve in Lean: {answer.error}")
        elif answer.name in roles and roles[answer.name] != role:
            refuse(answer.name, "signature", f"both {roles[answer.name]} and {role} are this name")
        else:
            roles[answer.name] = role
            printed.setdefault(answer.name, answer)
            where.setdefault(answer.name, fallback)
    for head, full in HEADS.items():
        if resolved[head].name and resolved[head].name != full:
            refuse(head, "logic", f"`{head}` resolves to {resolved[head].name}, not {full}")
    names = _names(theory, resolved)
    facts: list[Fact] = []
    constants: list[Constant] = []
    for full, answer in printed.items():
        path, line = where.get(full, fallback)
        try:
            item = _classify(full, answer, roles.get(full), names, theory, path, line)
        except (_Unreadable, LeanTermError) as err:
            refuse(full, answer.kind or "declaration", str(err))
            continue
        if isinstance(item, Fact):
            facts.append(item)
        elif isinstance(item, Constant):
            constants.append(item)
    return TheoryMeanings(tuple(facts), tuple(unreadable), tuple(constants))


def _short_names(theory: Theory) -> list[tuple[str, str]]:
    """(name generated files write, the role it plays), for every signature name."""
    sig = theory.signature
    short = [(op.lean, f"operator {op.name}") for op in sig.operators]
    short += [(getattr(sig.numerals, r), f"numeral {r}") for r in ("zero", "one", "bit0", "bit1")]
    short.append((theory.carrier, "carrier"))
    positive = theory.nonzero_lemma("positive")
    if positive is not None:
        short.append((positive, "positivity predicate"))
    return short + [(head, f"logic {head}") for head in HEADS]


def _names(theory: Theory, resolved: Mapping[str, Printed]) -> _Names:
    sig = theory.signature
    numerals = {resolved[getattr(sig.numerals, r)].name: r for r in ("zero", "one", "bit0", "bit1")}
    positive = theory.nonzero_lemma("positive")
    return _Names(
        carrier=resolved[theory.carrier].name,
        ops={resolved[op.lean].name: op for op in sig.operators},
        numerals=numerals,
        positive=resolved[positive].name if positive is not None else None,
    )


def _classify(
    full: str,
    answer: Printed,
    role: str | None,
    names: _Names,
    theory: Theory,
    path: Path,
    line: int,
) -> Fact | Constant | None:
    """The fact or constant a declaration is; None for theorems and pinned logic; raises
    _Unreadable for anything else."""
    if answer.error:
        raise _Unreadable(answer.error)
    if full in PINNED:
        if answer.text != PINNED[full]:
            raise _Unreadable(
                f"differs from the trusted logic's {full}: Lean prints {answer.text!r}"
            )
        return None
    if answer.kind == "theorem" and role is None:
        return None
    if role is not None and role.startswith("logic"):
        raise _Unreadable(f"{full} plays {role} but is not the trusted logic's declaration")
    if role is not None:
        return _signature_item(full, answer, role, names, theory, path, line)
    if answer.kind != "axiom":
        raise _Unreadable(
            f"`{answer.kind}` {full} is neither a signature constant, a definition of one, a law "
            "nor a theorem: the model registry gives it no meaning"
        )
    law = read_term(answer.type)
    if _is_type(law, names):
        raise _Unreadable(
            f"declares a constant of type `{' '.join(answer.type.split())}` that is not in the "
            "rule file's signature: the model registry gives it no meaning"
        )
    bound, hyps, relation, lhs, rhs = _law(law, names)
    return Fact(full, "axiom", path, line, bound, hyps, relation, lhs, rhs)


def _is_type(term: Term, names: _Names) -> bool:
    """`R`, `Prop`, `Type`, or arrows between them: the type of a constant, not a law."""
    if term.kind == "arrow":
        return all(_is_type(t, names) for t in term.args)
    return term.kind == "sort" or (term.kind == "name" and term.name == names.carrier)


def _expected_type(role: str, names: _Names, theory: Theory) -> str:
    carrier = names.carrier
    if role == "carrier":
        return "Type"
    if role == "positivity predicate":
        return f"{carrier} → Prop"
    if role.startswith("numeral"):
        arity = 0 if role in ("numeral zero", "numeral one") else 1
    else:
        arity = theory.signature.by_name(role.split(" ", 1)[1]).arity
    return " → ".join([carrier] * (arity + 1))


def _signature_item(
    full: str, answer: Printed, role: str, names: _Names, theory: Theory, path: Path, line: int
) -> Fact | Constant:
    want = _expected_type(role, names, theory)
    got = " ".join(answer.type.split())
    if got != want:
        raise _Unreadable(f"{role} must have type `{want}`, but Lean says `{got}`")
    if answer.kind == "axiom":
        return Constant(full, path, line, f"{role}: {got}")
    if answer.kind != "def" or role in ("carrier", "positivity predicate"):
        raise _Unreadable(f"{role} is a {answer.kind}; it must be an axiom or a definition")
    body = read_term(answer.body)
    params = [n for n, _ in body.binders] if body.kind == "fun" else []
    value = _expr(body.args[0] if body.kind == "fun" else body, names, set(params))
    if role in ("numeral bit0", "numeral bit1"):
        if len(params) != 1:
            raise _Unreadable(f"{role} must take one argument")
        digit = int(role.endswith("bit1"))
        return Fact(
            full, "definition", path, line, tuple(params), (), "eq", var(params[0]), value, digit
        )
    if role.startswith("numeral"):
        raise _Unreadable(f"{role} must be an axiom (the numerals 0 and 1 are primitive)")
    op = theory.signature.by_name(role.split(" ", 1)[1])
    if len(params) != op.arity:
        raise _Unreadable(f"the definition takes {len(params)} argument(s), {op.name} {op.arity}")
    lhs = app(op.name, *(var(p) for p in params))
    return Fact(full, "definition", path, line, tuple(params), (), "eq", lhs, value)


def _law(
    term: Term, names: _Names
) -> tuple[tuple[str, ...], tuple[Condition, ...], str, Expr, Expr]:
    """`∀ (a b : R), H → … → P` with each H a disequation or positivity, P any relation."""
    bound: list[str] = []
    while term.kind == "forall":
        for name, kind in term.binders:
            if kind is None or kind.kind != "name" or kind.name != names.carrier:
                raise _Unreadable(f"binders must range over {names.carrier}")
            bound.append(name)
        term = term.args[0]
    props = []
    while term.kind == "arrow":
        props.append(term.args[0])
        term = term.args[1]
    props.append(term)
    scope = set(bound)
    hyps = []
    for prop in props[:-1]:
        relation, lhs, rhs = _proposition(prop, names, scope)
        if relation == "eq":
            raise _Unreadable("only disequation and positivity hypotheses can be model-checked")
        hyps.append(Condition(lhs, rhs, relation))
    relation, lhs, rhs = _proposition(props[-1], names, scope)
    return tuple(bound), tuple(hyps), relation, lhs, rhs


def _proposition(term: Term, names: _Names, scope: set[str]) -> tuple[str, Expr, Expr]:
    head, args = spine(term)
    if head.kind == "name" and head.name in (EQ, NE) and len(args) == 3:
        if args[0].kind != "name" or args[0].name != names.carrier:
            raise _Unreadable(f"{head.name} must compare elements of {names.carrier}")
        relation = "eq" if head.name == EQ else "ne"
        return relation, _expr(args[1], names, scope), _expr(args[2], names, scope)
    if head.kind == "name" and head.name == names.positive and len(args) == 1:
        value = _expr(args[0], names, scope)
        return "pos", value, value
    shown = head.name or head.kind
    raise _Unreadable(f"only Eq, Ne and the positivity predicate can be model-checked, not {shown}")


def _expr(term: Term, names: _Names, scope: set[str]) -> Expr:
    head, args = spine(term)
    if head.kind != "name":
        raise _Unreadable(f"a {head.kind} inside a term of {names.carrier} cannot be read")
    values = [_expr(a, names, scope) for a in args]
    if head.name in scope:
        if values:
            raise _Unreadable(f"variable {head.name} cannot be applied")
        return var(head.name)
    role = names.numerals.get(head.name)
    if role in ("zero", "one") and not values:
        return num(0 if role == "zero" else 1)
    if role in ("bit0", "bit1") and len(values) == 1 and values[0].is_num:
        return num(2 * values[0].value + (role == "bit1"))
    op = names.ops.get(head.name)
    if op is not None and len(values) == op.arity:
        return app(op.name, *values)
    raise _Unreadable(f"{head.name} (with {len(values)} argument(s)) is not a signature operator")
