"""Tactic actions on a goal `lhs = rhs`: parse the rendering the exports use, apply it as Lean
would, and state the kernel obligation that makes the step valid.

    action  := rewrite ( ";" "show" EQUATION )? | "rfl"
    rewrite := ("rw" | "rewrite") "[" terms "]" | ("nth_rw" | "nth_rewrite") N "[" terms "]"
    terms   := term ("," term)*
    term    := ("←" | "<-")? ( NAME arg* hyp* | "show" EQUATION "by" TACTIC )   (norm_num simp ring)
    arg     := a variable, a numeral, a parenthesised expression, or `(name := expr)`
    hyp     := "h1", "h2", … (the context's hypotheses) | "(by norm_num)"

NAME is a rule's Mathlib lemma (arguments in Mathlib's order, `tactics.mathlib`) or its own
Lean name (arguments in the rule's order). Each term rewrites where `kabstract` finds it
(`tactics.kabstract`), one after the other (Lean's `withRWRulesSeq`); only then does the tactic
try `rfl`: `rw` is `rewrite` then `try (with_reducible rfl)` (Lean `src/Init/Tactics.lean`),
`nth_rw` is `nth_rewrite` then the same (`Mathlib/Tactic/NthRewrite.lean`). After `rewrite`
and `nth_rewrite`, `e = e` stays open until `rfl` (here: syntactically equal sides only; ℝ's
operations do not unfold). `; show G` claims the resulting goal and never closes it. Nothing
here runs Lean: `apply` returns a refusal (what Lean's elaborator would refuse) or the theorem
the kernel must accept: `∀ vars, hyps → new_goal → old_goal` (`old_goal` if the step closes it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rpsdg_formal.errors import ExprSyntaxError, RewriteError
from rpsdg_formal.kernel.emit import (
    Hypothesis,
    LeanTheorem,
    condition_terms,
    congruence_proof,
    instance_term,
    rule_term,
)
from rpsdg_formal.kernel.proofspec import SideRewrite
from rpsdg_formal.rewriting.steps import Step, apply_step
from rpsdg_formal.tactics.kabstract import Goal as Goal  # re-exported: the env's goals
from rpsdg_formal.tactics.kabstract import instances, is_bare_hole, occurrences, open_pattern
from rpsdg_formal.tactics.lemma import DISCHARGE, stated_instance
from rpsdg_formal.tactics.mathlib import mathlib_names, rule_binding
from rpsdg_formal.tactics.names import by_lean_name, clash_message, clashes
from rpsdg_formal.tactics.obligation import SideSteps, obligation, trans
from rpsdg_formal.terms.expr import Expr, Path, substitute, variables
from rpsdg_formal.terms.parse import parse_lean_equation, parse_lean_expr
from rpsdg_formal.terms.printers import to_lean
from rpsdg_formal.terms.signature import Signature, is_lean_ident
from rpsdg_formal.theory.rules import Rule, RuleSet

_T = TypeVar("_T")

MAX_ACTION = 4000
"""The longest action text accepted (characters)."""

_REWRITE = re.compile(r"^(?P<tactic>rw|rewrite)\s*\[(?P<terms>[^\[\]]*)\]$")
_NTH = re.compile(r"^(?P<tactic>nth_rewrite|nth_rw)\s+(?P<n>\d{1,4})\s*\[(?P<terms>[^\[\]]*)\]$")
_TRIES_RFL = {"rw": True, "nth_rw": True, "rewrite": False, "nth_rewrite": False}
"""Whether each rewriting tactic tries `rfl` after its rewrites (Lean's `rw` macro, Mathlib's
`nth_rw` macro); `rewrite` and `nth_rewrite` do not."""
_NUMERAL_LEMMA = re.compile(r"^show\s+(?P<eq>.+?)\s+by\s+(?:norm_num|simp|ring)$", re.DOTALL)
_NAMED = re.compile(r"^\((?P<name>[A-Za-z_][A-Za-z0-9_]*)\s*:=\s*(?P<value>.+)\)$", re.DOTALL)
_HYPOTHESIS = re.compile(r"^h(?P<k>\d{1,3})\Z")
_Arguments = tuple[list[Expr], dict[str, Expr], list[str]]


class ActionError(ValueError):
    """An action Lean's elaborator would refuse before the kernel sees anything."""


@dataclass(frozen=True)
class Context:
    """What a goal is stated over: the variables (of the theory's carrier), and hypotheses
    `h1`, …"""

    binders: tuple[str, ...]
    assumed: tuple[Hypothesis, ...] = ()


@dataclass(frozen=True)
class Rewrite:
    """One parsed rewrite term: a rule read one way, with the arguments the action gave."""

    rule: Rule
    reverse: bool
    given: tuple[Expr, ...]  # explicit arguments, in the rule's variable order
    hyps: tuple[str, ...]  # "h1"… or the discharge marker, one per side condition
    named: tuple[tuple[str, Expr], ...] = ()  # rule variables fixed by a Mathlib lemma's args


@dataclass(frozen=True)
class Action:
    """A parsed action: its rewrites, the occurrence for `nth_rewrite` (else 0), a claim, and
    whether the tactic tries `rfl` at the end (`rw`, `nth_rw`, `rfl` itself: no rewrites)."""

    rewrites: tuple[Rewrite, ...]
    nth: int = 0
    claim: Goal | None = None
    closes: bool = True


@dataclass(frozen=True)
class Applied:
    """An action applied to a goal: the resulting goal, whether it is closed, and the theorem
    the kernel must accept for the step to be valid."""

    goal: Goal
    closed: bool
    obligation: LeanTheorem


# --- parsing -------------------------------------------------------------------------------------


def _split_top(text: str, separator: str) -> list[str]:
    """`text` split at `separator` characters outside parentheses."""
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            raise ActionError("unbalanced parentheses")
        if char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    if depth:
        raise ActionError("unbalanced parentheses")
    return [p.strip() for p in [*parts, text[start:]]]


def _words(text: str) -> list[str]:
    """The application `f a (b + c) h1` as its top-level words."""
    return [w for w in _split_top(re.sub(r"\s+", " ", text), " ") if w]


def _read(parse: Callable[[str, Signature, str], _T], text: str, rules: RuleSet, what: str) -> _T:
    """`text` read by a parser of the Lean rendering; ActionError saying what could not be read."""
    try:
        return parse(text, rules.theory.signature, rules.theory.mathlib_carrier)
    except ExprSyntaxError as err:
        raise ActionError(f"cannot parse {what}{text!r}: {err.reason}") from None


def _expression(text: str, rules: RuleSet, context: Context) -> Expr:
    return _known(context, _read(parse_lean_expr, text, rules, ""))[0]


def _known(context: Context, *exprs: Expr) -> tuple[Expr, ...]:
    """`exprs`, unless one mentions a variable the context does not have (as Lean says it)."""
    unknown = [v for expr in exprs for v in variables(expr) if v not in context.binders]
    if unknown:
        raise ActionError(f"unknown identifier '{unknown[0]}'")
    return exprs


def _equation(text: str, rules: RuleSet, context: Context) -> Goal:
    sides = _read(parse_lean_equation, text, rules, "the equation ")
    _known(context, *sides)
    return sides


def _numeral_rewrite(text: str, rules: RuleSet, context: Context, reverse: bool) -> Rewrite:
    """`show (6 : ℝ) * 7 = 42 by norm_num` (`show x * x ^ 2 = x ^ 3 by ring`): the instance of
    a numeral rule, or of a rule Mathlib proves with `ring`, that it states."""
    found = _NUMERAL_LEMMA.match(text)
    assert found is not None
    instance = stated_instance(_equation(found.group("eq"), rules, context), rules.rules)
    if instance is None:
        raise ActionError(f"`show {found.group('eq')}` is not an instance of a numeral rule")
    return Rewrite(instance[0], reverse, instance[1], ())


def _arguments(words: Sequence[str], rules: RuleSet, context: Context) -> _Arguments:
    """A lemma's arguments: explicit, named `(a := v)`, then hypotheses (`h1`, `(by norm_num)`)."""
    given: list[Expr] = []
    named: dict[str, Expr] = {}
    hyps: list[str] = []
    for word in words:
        if (_HYPOTHESIS.match(word) and word not in context.binders) or word == DISCHARGE:
            hyps.append(word)
        elif hyps:
            raise ActionError(f"argument {word!r} after a hypothesis argument")
        elif found := _NAMED.match(word):
            named[found.group("name")] = _expression(found.group("value"), rules, context)
        else:
            given.append(_expression(word, rules, context))
    for word in hyps:
        if word != DISCHARGE and not 1 <= int(word[1:]) <= len(context.assumed):
            raise ActionError(f"unknown identifier '{word}'")
    return given, named, hyps


def _rewrite(text: str, rules: RuleSet, context: Context, names: Mapping[str, Rule]) -> Rewrite:
    """One rewrite term: a rule's Mathlib lemma, arguments in Mathlib's order (`neg_div b a`),
    or its own Lean name, arguments in the rule's order, or a stated fact (`show … by ring`)."""
    reverse = text.startswith(("←", "<-"))
    body = text.removeprefix("←").removeprefix("<-").strip() if reverse else text
    if _NUMERAL_LEMMA.match(body):
        return _numeral_rewrite(body, rules, context, reverse)
    words = _words(body)
    if not words:
        raise ActionError("empty rewrite term")
    name, *rest = words
    # Mathlib's names carry subscripts and primes (`mul_div_cancel_left₀`, `mul_div_assoc'`);
    # a name is only looked up, never written into Lean
    if not is_lean_ident(re.sub("[₀-₉']", "0", name)):
        raise ActionError(f"{name!r} is not a lemma name")
    lemma = mathlib_names(rules.rules, rules.theory.signature).get(name)
    rule = lemma[0] if lemma is not None else names.get(name)
    if rule is None and (own := clashes(rules).get(name)) is not None:
        raise ActionError(clash_message(name, own, rules))
    if rule is None:
        raise ActionError(f"unknown identifier '{name}'")
    given, named, hyps = _arguments(rest, rules, context)
    if len(hyps) != len(rule.conditions):
        wanted = f"{len(rule.conditions)} side condition(s) (h1, …, or (by norm_num))"
        raise ActionError(f"{name} needs {wanted}, got {len(hyps)}")
    if lemma is not None:
        try:
            binding, swapped = rule_binding(lemma[1], rule, rules.theory.signature, given, named)
        except ValueError as err:
            raise ActionError(str(err)) from None
        return Rewrite(rule, reverse != swapped, (), tuple(hyps), tuple(binding.items()))
    if named:
        raise ActionError(f"{name}: named arguments are read for Mathlib lemmas only")
    if len(given) > (arity := len(rule.variables)):
        raise ActionError(f"{name} takes {arity} explicit argument(s), got {len(given)}")
    if hyps and len(given) < len(rule.variables):
        raise ActionError(f"{name}: give every explicit argument before its hypotheses")
    return Rewrite(rule, reverse, tuple(given), tuple(hyps))


def parse_action(text: str, rules: RuleSet, context: Context) -> Action:
    """Parse one action. Raises ActionError with Lean-like words for anything Lean would refuse
    to elaborate (unknown lemma or identifier, bad syntax, wrong arity)."""
    if len(text) > MAX_ACTION:
        raise ActionError(f"action longer than {MAX_ACTION} characters")
    text = text.strip()
    claim: Goal | None = None
    head, sep, tail = text.partition(";")
    if sep:
        shown = tail.strip()
        if not shown.startswith("show "):
            raise ActionError("only `; show GOAL` may follow a rewrite")
        claim = _equation(shown.removeprefix("show "), rules, context)
    head = head.strip()
    if head == "rfl":
        if sep:
            raise ActionError("no goals to be proved: nothing is left for `show` after `rfl`")
        return Action(())
    names = by_lean_name(rules)
    found = _REWRITE.match(head) or _NTH.match(head)
    if found is None:
        raise ActionError(
            "unknown tactic: expected `rw [...]`, `rewrite [...]`, `nth_rw N [...]`, "
            f"`nth_rewrite N [...]` or `rfl`, got {head!r}"
        )
    nth = int(found.group("n")) if "n" in found.groupdict() else 0
    if found.re is _NTH and nth < 1:
        raise ActionError(f"{found.group('tactic')} counts occurrences from 1")
    terms = _split_top(found.group("terms"), ",")
    rewrites = tuple(_rewrite(t, rules, context, names) for t in terms)
    return Action(rewrites, nth, claim, _TRIES_RFL[found.group("tactic")])


# --- applying ------------------------------------------------------------------------------------


def _targets(rewrite: Rewrite, goal: Goal, nth: int, rules: RuleSet) -> tuple[
    dict[str, Expr], list[tuple[int, Path]]
]:  # fmt: skip
    """The rule's full substitution and where it rewrites: every instance of the first match
    (`rw`), or the n-th match alone (`nth_rewrite n`), as `kabstract` finds them."""
    rule = rewrite.rule
    given = dict(zip(rule.variables, rewrite.given, strict=False)) | dict(rewrite.named)
    pattern = open_pattern(rule, rewrite.reverse, given)
    if is_bare_hole(pattern):
        raise ActionError("motive is not type correct: the pattern is a bare variable")
    found = instances(rule, given, pattern, goal)
    if not found:
        shown = to_lean(pattern, rules.theory.signature)
        raise ActionError(f"did not find instance of the pattern {shown} in the goal")
    if nth > len(found):
        raise ActionError(f"nth_rewrite {nth}: the pattern occurs only {len(found)} time(s)")
    side, path, binding = found[nth - 1 if nth else 0]
    missing = [v for v in rule.variables if v not in binding]
    if missing:  # a variable of the produced side only: Lean cannot infer it either
        raise ActionError(f"{rule.lean_name}: cannot infer the argument(s) {missing}")
    if nth:
        return binding, [(side, path)]
    return binding, occurrences(substitute(rule.side(rewrite.reverse)[0], binding), goal)


def _instance_term(step: Step, hyps: Sequence[str], rules: RuleSet) -> str:
    """The rule instance as a kernel term, with the hypotheses the action named."""
    theory = rules.theory
    if step.rule.evaluate is not None:
        return rule_term(step, theory)

    def unproved(_: int, needed: Hypothesis) -> str | None:
        shown = " ≠ ".join(to_lean(side, theory.signature) for side in needed)
        raise ActionError(f"norm_num failed to prove {shown}")

    named = [None if word == DISCHARGE else word for word in hyps]
    return instance_term(step, theory, condition_terms(step, theory, named=named, missing=unproved))


def _apply_one(
    rewrite: Rewrite, goal: Goal, nth: int, rules: RuleSet, prove: bool = True
) -> tuple[Goal, list[str | None], SideSteps]:
    """Rewrite the goal by one term: the new goal, a proof of `old side = new side` per side
    (None where the side did not change; always None unless `prove`), and the steps of each
    side (for the kernel route)."""
    binding, found = _targets(rewrite, goal, nth, rules)
    sides = list(goal)
    proofs: list[str | None] = [None, None]
    steps: list[list[SideRewrite]] = [[], []]
    for side, path in found:
        try:
            step = apply_step(sides[side], rewrite.rule, rewrite.reverse, path, binding)
        except RewriteError as err:
            raise ActionError(str(err)) from None
        term = _instance_term(step, rewrite.hyps, rules)  # ActionError if norm_num cannot
        if prove:
            proof = congruence_proof(step.before, step.path, term, rules.theory)
            proofs[side] = trans(proofs[side], proof)
        sides[side] = step.after
        steps[side].append(SideRewrite(step, _hyp_words(rewrite.hyps, step)))
    return (sides[0], sides[1]), proofs, (tuple(steps[0]), tuple(steps[1]))


def _hyp_words(hyps: Sequence[str], step: Step) -> tuple[str, ...]:
    """The action's side-condition proofs as a spec records them: `hK`, or "" for a non-zero
    numeral (`(by norm_num)`); none for a numeral-only rule, whose instance is computed."""
    if step.rule.evaluate is not None:
        return ()
    return tuple("" if word == DISCHARGE else word for word in hyps)


def apply(action: Action, goal: Goal, context: Context, rules: RuleSet) -> Applied:
    """Apply a parsed action to `goal`. Raises ActionError where Lean's elaborator would refuse
    (pattern not found, occurrence out of range, a side condition norm_num cannot prove, `rfl`
    on different sides, `show` after a rewrite that closed the goal)."""
    current = goal
    proofs: list[str | None] = [None, None]
    steps: SideSteps = ((), ())
    for rewrite in action.rewrites:  # one after the other, with no `rfl` in between
        current, more, done = _apply_one(rewrite, current, action.nth, rules)
        proofs = [trans(proofs[0], more[0]), trans(proofs[1], more[1])]
        steps = (steps[0] + done[0], steps[1] + done[1])
    if action.claim is not None:
        if action.closes and current[0] is current[1]:
            raise ActionError("no goals to be proved: the rewrite closed the goal before `show`")
        claim = action.claim
        theorem, _ = obligation(
            goal, claim, proofs, context.binders, context.assumed, rules.theory, steps, False
        )
        return Applied(claim, False, theorem)
    if not action.rewrites and current[0] is not current[1]:
        raise ActionError("The rfl tactic failed: the two sides of the goal are not equal")
    theorem, closed = obligation(
        goal, current, proofs, context.binders, context.assumed, rules.theory, steps,
        action.closes,
    )  # fmt: skip
    return Applied(current, closed, theorem)


def rewritten(action: Action, goal: Goal, rules: RuleSet) -> Goal:
    """The goal `action` leaves (its claim, when it states one), refused as `apply` refuses it,
    without building the proof: for a caller that needs only where an action leads."""
    current = goal
    for rewrite in action.rewrites:  # one after the other, with no `rfl` in between
        current, _, _ = _apply_one(rewrite, current, action.nth, rules, prove=False)
    if action.claim is not None:
        if action.closes and current[0] is current[1]:
            raise ActionError("no goals to be proved: the rewrite closed the goal before `show`")
        return action.claim
    if not action.rewrites and current[0] is not current[1]:
        raise ActionError("The rfl tactic failed: the two sides of the goal are not equal")
    return current
