"""Forward reasoning from hypotheses: the actions of an equation or system proof, as the exports
render them, parsed and applied as Lean would, each with the one theorem the kernel must accept.

    action := "have" NAME ":" EQUATION ":=" proof | "exact" NAME | "exact" "⟨" NAME "," NAME "⟩"
    proof  := "congrArg" "(" "fun" T "=>" EXPR ")" NAME
            | "congrArg₂" "(" "fun" T S "=>" EXPR ")" NAME NAME
            | "by" REWRITE "at" NAME ";" "exact" NAME          (REWRITE as in `actions`)

A state (`Forward`) is the variables, the hypotheses derived so far (`h0 : 2 * x + 1 = 9`, …)
and the goal (one equation, or a pair joined by `∧`). `have` adds a hypothesis; `exact` closes
the goal. Nothing here runs Lean: `apply_forward` refuses what Lean's elaborator would refuse
(an unknown hypothesis or variable, bad syntax, a pattern that does not occur) with
ActionError, else returns the new state and its obligation (`forward_obligation`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rpsdg_formal.errors import ExprSyntaxError
from rpsdg_formal.kernel.emit import HOLE, HOLE2, LeanTheorem
from rpsdg_formal.rewriting.steps import EquationStep, Sides, combine, congruence
from rpsdg_formal.tactics.actions import MAX_ACTION, ActionError
from rpsdg_formal.tactics.forward_obligation import (
    closing_obligation,
    link_obligation,
    rewrite_links,
)
from rpsdg_formal.terms.expr import Expr, substitute, var, variables
from rpsdg_formal.terms.parse import parse_lean_equation, parse_lean_expr
from rpsdg_formal.terms.signature import is_lean_ident
from rpsdg_formal.theory.rules import RuleSet

_HAVE = re.compile(r"^have\s+(?P<name>\S+?)\s*:\s*(?P<claim>.+?)\s*:=\s*(?P<proof>.+)$", re.DOTALL)
_AT = re.compile(
    r"^by\s+(?P<tactic>.+?)\s+at\s+(?P<at>\S+)\s*;\s*exact\s+(?P<exact>\S+)$", re.DOTALL
)
_FUN = re.compile(r"^\(\s*fun\s+(?P<names>[^=]+?)\s*=>\s*(?P<body>.+)\)$", re.DOTALL)
_PAIR = re.compile(
    r"^(?:⟨\s*(?P<a>\S+?)\s*,\s*(?P<b>\S+?)\s*⟩|And\.intro\s+(?P<c>\S+)\s+(?P<d>\S+))$"
)


@dataclass(frozen=True)
class Forward:
    """A forward proof's state: the variables, the hypotheses in context order (a later one of
    the same name shadows an earlier one, as in Lean), and the goal's equations (one or two)."""

    binders: tuple[str, ...]
    facts: tuple[tuple[str, Sides], ...]
    goal: tuple[Sides, ...]

    def fact(self, name: str) -> Sides:
        """The hypothesis `name` can refer to (the latest of that name); ActionError if none."""
        for known, sides in reversed(self.facts):
            if known == name:
                return sides
        raise ActionError(f"unknown identifier '{name}'")


@dataclass(frozen=True)
class ForwardApplied:
    """An action applied to a forward state: the next state, whether the goal is closed, and
    the theorem the kernel must accept for the step to be valid."""

    state: Forward
    closed: bool
    obligation: LeanTheorem


# --- reading -------------------------------------------------------------------------------------


def _top_words(text: str) -> list[str]:
    """`text` split at spaces outside parentheses (`(fun t => t - 5) h2` is two words)."""
    words: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise ActionError("unbalanced parentheses")
        if char.isspace() and depth == 0:
            if current:
                words.append("".join(current))
            current = []
        else:
            current.append(char)
    if depth:
        raise ActionError("unbalanced parentheses")
    return [*words, "".join(current)] if current else words


def _equation(text: str, state: Forward, rules: RuleSet) -> Sides:
    """An equation in Lean's rendering over the state's variables."""
    theory = rules.theory
    try:
        sides = parse_lean_equation(text, theory.signature, theory.mathlib_carrier)
    except ExprSyntaxError as err:
        raise ActionError(f"cannot parse the equation {text!r}: {err.reason}") from None
    _known(state, (), *sides)
    return sides


def _known(state: Forward, bound: tuple[str, ...], *exprs: Expr) -> None:
    """Raise ActionError (Lean's words) if an expression mentions an unknown variable."""
    for expr in exprs:
        for name in variables(expr):
            if name not in state.binders and name not in bound:
                raise ActionError(f"unknown identifier '{name}'")


def _function(text: str, arity: int, state: Forward, rules: RuleSet) -> Expr:
    """`(fun t => body)` (`fun t s =>` for two arguments) as a tree over the hole variables."""
    found = _FUN.match(text.strip())
    if found is None:
        raise ActionError(f"expected `(fun t => …)`, got {text!r}")
    names = tuple(found.group("names").split())
    if len(names) != arity or not all(is_lean_ident(n) and "." not in n for n in names):
        raise ActionError(f"congrArg{'₂' if arity == 2 else ''} needs `fun` of {arity} name(s)")
    theory = rules.theory
    try:
        body = parse_lean_expr(found.group("body"), theory.signature, theory.mathlib_carrier)
    except ExprSyntaxError as err:
        raise ActionError(f"cannot parse {found.group('body')!r}: {err.reason}") from None
    _known(state, names, body)
    holes = {names[0]: var(HOLE), **({names[1]: var(HOLE2)} if arity == 2 else {})}
    return substitute(body, holes)


# --- applying ------------------------------------------------------------------------------------


def _congruence(proof: str, state: Forward, rules: RuleSet) -> tuple[list[Sides], EquationStep]:
    """The premises and step of `congrArg (fun t => …) hJ` or `congrArg₂ (fun t s => …) hI hJ`."""
    head, *rest = _top_words(proof)
    arity = {"congrArg": 1, "congrArg₂": 2}[head]
    if len(rest) != arity + 1:
        raise ActionError(f"{head} takes a function and {arity} equation(s), got {len(rest) - 1}")
    context = _function(rest[0], arity, state, rules)
    sources = [state.fact(name) for name in rest[1:]]
    if arity == 1:
        return sources, congruence(sources[0], context, HOLE, (0,))
    return sources, combine(sources[0], sources[1], context, (HOLE, HOLE2), (0, 1))


def _have(found: re.Match[str], state: Forward, rules: RuleSet) -> ForwardApplied:
    """`have NAME : CLAIM := proof`: a new hypothesis, valid if the kernel accepts `source(s) →
    CLAIM` proven the way the action says."""
    name, proof = found.group("name"), found.group("proof").strip()
    if not is_lean_ident(name) or "." in name:
        raise ActionError(f"{name!r} is not a hypothesis name")
    if name in state.binders:
        raise ActionError(f"`have {name}` would hide the variable {name}; choose another name")
    claim = _equation(found.group("claim"), state, rules)
    if proof.split(maxsplit=1)[0] in ("congrArg", "congrArg₂"):
        premises, link = _congruence(proof, state, rules)
        links = [link]
    elif rewrite := _AT.match(proof):
        if rewrite.group("exact") != rewrite.group("at"):
            raise ActionError("after `rw … at hJ`, only `exact hJ` is read")
        premises = [state.fact(rewrite.group("at"))]
        links = rewrite_links(rewrite.group("tactic"), premises[0], state.binders, rules)
    else:
        raise ActionError(
            "a `have` is proven by `congrArg (fun t => …) hJ`, `congrArg₂ (fun t s => …) hI hJ` "
            "or `by rw [...] at hJ; exact hJ`"
        )
    obligation = link_obligation(state.binders, premises, links, claim, rules.theory)
    return ForwardApplied(
        Forward(state.binders, (*state.facts, (name, claim)), state.goal), False, obligation
    )


def _exact(term: str, state: Forward, rules: RuleSet) -> ForwardApplied:
    """`exact hK` (one goal) or `exact ⟨hI, hJ⟩` (a pair): closes the goal if the kernel accepts
    `facts → goal` by the facts themselves."""
    pair = _PAIR.match(term)
    names = [n for n in pair.groups() if n is not None] if pair else [term]
    if not all(is_lean_ident(n) for n in names):
        raise ActionError(f"cannot read `exact {term}`: expected `exact hK` or `exact ⟨hI, hJ⟩`")
    if len(names) != len(state.goal):
        wanted = "a pair `⟨hI, hJ⟩`" if len(state.goal) == 2 else "one hypothesis"
        raise ActionError(f"type mismatch: the goal needs {wanted}")
    facts = [state.fact(name) for name in names]
    obligation = closing_obligation(state.binders, facts, state.goal, rules.theory)
    return ForwardApplied(state, True, obligation)


def apply_forward(text: str, state: Forward, rules: RuleSet) -> ForwardApplied:
    """Apply one action to `state`. Raises ActionError, in Lean's words where Lean has them,
    for anything Lean's elaborator would refuse before the kernel sees a term."""
    if len(text) > MAX_ACTION:
        raise ActionError(f"action longer than {MAX_ACTION} characters")
    text = text.strip()
    if found := _HAVE.match(text):
        return _have(found, state, rules)
    if text.startswith("exact ") or text.startswith("exact⟨"):
        return _exact(text.removeprefix("exact").strip(), state, rules)
    raise ActionError(
        f"unknown tactic: expected `have hK : … := …` or `exact …`, got {text[:80]!r}"
    )
