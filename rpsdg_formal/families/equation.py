"""Equations by the reverse process: start from the answer, do the same to both sides, publish.

From `x = c`, operations are applied to both sides (add, subtract, multiply or divide by a
numeral, or add a multiple of x so the unknown appears on both sides), the right side is
evaluated while it is a numeral (each evaluation a kernel-checked step), and a few random
rewrites disguise the left side. That construction, read as a proof, is the converse theorem
`x = c → lhs = rhs`. The solution undoes it: the disguising rewrites backwards, then each
operation's inverse on both sides followed by a cancellation on each side; read as a proof it is
the theorem `lhs = rhs → x = c`. Dividing or multiplying back needs the divisor to be non-zero,
which the theory proves for numerals; a divisor that can be zero is refused (`emit`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.errors import RewriteError
from rpsdg_formal.families.arithmetic import arithmetic_rule, arithmetic_strategy
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.families.equation_textbook import divisor as textbook_divisor
from rpsdg_formal.families.equation_textbook import rewrite_note, textbook
from rpsdg_formal.families.roles import role
from rpsdg_formal.kernel.emit import HOLE
from rpsdg_formal.rewriting.steps import (
    EquationStep,
    RuleIndex,
    Sides,
    Step,
    apply_step,
    congruence,
    rewrite_side,
)
from rpsdg_formal.rewriting.steps import reverse_step as undo
from rpsdg_formal.rewriting.strategies import exhaust
from rpsdg_formal.rewriting.walk import random_walk
from rpsdg_formal.terms.expr import Expr, Kind, app, num, positions, var
from rpsdg_formal.terms.printers import to_human, to_plain, to_plain_sympy
from rpsdg_formal.terms.reading import linear_reading
from rpsdg_formal.terms.signature import Signature
from rpsdg_formal.theory.rules import Rule, RuleSet

_HOLE = var(HOLE)


@dataclass(frozen=True)
class Operation:
    """Something done to both sides, and its operand: `add`, `sub`, `mul` (operand on the left:
    `2 * x`), `mul_right` (operand on the right, undoing a division) or `div`."""

    kind: str
    operand: Expr

    def context(self) -> Expr:
        """The function applied to both sides, as a tree with the hole variable."""
        if self.kind == "mul":
            return app("mul", self.operand, _HOLE)
        head = "mul" if self.kind == "mul_right" else self.kind
        return app(head, _HOLE, self.operand)

    def inverse(self) -> Operation:
        inverse = {"add": "sub", "sub": "add", "mul": "div", "div": "mul_right"}[self.kind]
        return Operation(inverse, self.operand)

    def describe(self, sig: Signature) -> str:
        operand = to_human(self.operand, sig)
        return {
            "add": f"add {operand} to both sides",
            "sub": f"subtract {operand} from both sides",
            "mul": f"multiply both sides by {operand}",
            "mul_right": f"multiply both sides by {operand}",
            "div": f"divide both sides by {operand}",
        }[self.kind]


UNDO = {
    "add": "(a + b) - b = a",
    "sub": "(a - b) + b = a",
    "mul": "(b * a) / b = a",
    "div": "(a / b) * b = a",
}
"""The cancellation that undoes an operation on each side, by its role tag `undo-<operation>`
in the rule file, with the shape the solver expects (it binds a and b by name)."""


@dataclass(frozen=True)
class Labelled:
    """An equation step with what it does in words."""

    step: EquationStep
    note: str


@dataclass(frozen=True)
class Problem:
    """Equations with their answers, and the proofs both ways as equation steps.

    The construction reasons from the premises `x = a` (`y = b`) to the published equations;
    the solution from the equations back to the answers. Each concludes its last equation, or
    the pair of equations numbered in its `goal` (premises are numbered first).
    """

    kind: str
    answers: tuple[tuple[str, int], ...]  # (unknown, value)
    equations: tuple[Sides, ...]
    construction: tuple[Labelled, ...]
    solution: tuple[Labelled, ...]
    alternatives: tuple[tuple[Labelled, ...], ...] = ()  # other solutions (same theorem)
    construction_goal: tuple[int, ...] = ()
    solution_goal: tuple[int, ...] = ()

    @property
    def unknowns(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self.answers)

    @property
    def premises(self) -> tuple[Sides, ...]:
        """The answers as equations: `x = a`, …"""
        return tuple((var(name), num(value)) for name, value in self.answers)

    @property
    def equation(self) -> Sides:
        return self.equations[0]

    @property
    def shown(self) -> tuple[Sides, ...]:
        """The equations as the problem shows them to a reader: a system's left sides without
        coefficients 1 (`terms.reading`), other equations as they are."""
        if self.kind != "system":
            return self.equations
        return tuple((linear_reading(lhs), rhs) for lhs, rhs in self.equations)


def undo_rule(rules: RuleSet, kind: str) -> Rule:
    """The cancellation rule that undoes the operation `kind` (tagged `undo-<kind>`)."""
    return role(rules, f"undo-{kind}", "equation solver", UNDO[kind])


def _evaluate(sides: Sides, rules: RuleSet, sig: Signature) -> Labelled | None:
    """Evaluate the right side if it is an operation on two numerals (None if it is not, or
    the result is not a positive whole number)."""
    rhs = sides[1]
    if (
        rhs.kind is not Kind.APP
        or len(rhs.args) != 2
        or not all(a.kind is Kind.NUM for a in rhs.args)
    ):
        return None
    rule = arithmetic_rule(rules, rhs.head)
    try:
        step = apply_step(rhs, rule, False, (), {"m": rhs.args[0], "n": rhs.args[1]})
    except RewriteError:
        return None
    note = f"simplify the right side: {to_human(rhs, sig)} = {to_human(step.after, sig)}"
    return Labelled(rewrite_side(sides, 1, step), note)


def _operations(kind: str, config: EquationConfig, rng: random.Random, x: Expr) -> list[Operation]:
    """The operations to apply, as a textbook builds an equation: adding (or subtracting) and
    multiplying alternate, so numerals never pile up in one sum or product (`2 * (x + 3) - 4`,
    not `x + 3 + 3 - 4`); a multiple of x on both sides comes last, and a division (its
    divisor is chosen when it is applied: `equation_textbook.divisor`) follows an addition."""
    count = rng.randint(config.min_ops, config.max_ops)
    additive = rng.random() < 0.5
    ops: list[Operation] = []
    for _ in range(count):
        choice = rng.choice(("add", "sub")) if additive else "mul"
        ops.append(
            Operation(choice, num(rng.randint(2 if choice == "mul" else 1, config.max_numeral)))
        )
        additive = not additive
    if kind == "rational" and ops[-1].kind == "mul":  # a numeral factor would meet the divisor
        if len(ops) > 1:
            ops.pop()
        else:
            ops[-1] = Operation(rng.choice(("add", "sub")), num(rng.randint(1, config.max_numeral)))
    if kind == "rational":
        ops.append(Operation("div", num(1)))
    if kind == "both-sides":  # end on a product of a sum, so k * x is no like term of it
        if ops[-1].kind != "mul" and len(ops) > 1:
            ops.pop()
        elif ops[-1].kind != "mul":
            ops.append(Operation("mul", num(rng.randint(2, config.max_numeral))))
        if len(ops) == 1:
            added = num(rng.randint(1, config.max_numeral))
            ops.insert(0, Operation(rng.choice(("add", "sub")), added))
        term = app("mul", num(rng.randint(2, config.max_numeral)), x)
        ops.append(Operation(rng.choice(("add", "sub")), term))
    return ops


def _apply(sides: Sides, op: Operation, rules: RuleSet, sig: Signature) -> list[Labelled]:
    """Do `op` to both sides, then evaluate the right side if it became numeral arithmetic."""
    done = [Labelled(congruence(sides, op.context(), HOLE), op.describe(sig))]
    evaluated = _evaluate(done[-1].step.after, rules, sig)
    if evaluated is not None:
        done.append(evaluated)
    return done


def _undo(
    sides: Sides, op: Operation, rules: RuleSet, sig: Signature, postpone: bool = False
) -> list[Labelled]:
    """Undo `op` (the last operation applied): its inverse on both sides, then on each side
    either the cancellation, or (a right side that was evaluated) the inverse arithmetic,
    which `postpone` leaves for the end."""
    inverse = op.inverse()
    done = [Labelled(congruence(sides, inverse.context(), HOLE), inverse.describe(sig))]
    cancel = undo_rule(rules, op.kind)
    for side in (0, 1):
        current = done[-1].step.after
        step = _cancel(current[side], cancel, inverse.kind)
        if step is not None:
            where = "left" if side == 0 else "right"
            note = (
                f"cancel on the {where}: {to_human(step.before, sig)} = {to_human(step.after, sig)}"
            )
            done.append(Labelled(rewrite_side(current, side, step), note))
            continue
        if side == 1 and postpone:
            continue
        evaluated = _evaluate(current, rules, sig) if side == 1 else None
        if evaluated is None:
            raise RewriteError(f"cannot undo {op.describe(sig)} on {to_human(current[side], sig)}")
        done.append(evaluated)
    return done


def _cancel(expr: Expr, cancel: Rule, undoing: str) -> Step | None:
    """The cancellation step at the root of `expr` (None if `expr` is not of its shape)."""
    inner = expr.args[0] if expr.kind is Kind.APP and expr.args else None
    if inner is None or inner.kind is not Kind.APP or len(inner.args) != 2:
        return None
    first, second = inner.args
    binding = {"a": second, "b": first} if undoing == "div" else {"a": first, "b": second}
    try:
        return apply_step(expr, cancel, False, (), binding)
    except RewriteError:
        return None


def draw_problem(
    rules: RuleSet, index: RuleIndex, config: EquationConfig, rng: random.Random, unknown: str = "x"
) -> Problem | None:
    """One equation from `rng` (None if this draw is unusable: a subtraction would leave the
    numerals, or the disguise could not be undone)."""
    sig = rules.theory.signature
    kind = rng.choice(config.kinds)
    x = var(unknown)
    answer = rng.randint(1, config.max_answer)
    ops = _operations(kind, config, rng, x)
    construction: list[Labelled] = []
    sides: Sides = (x, num(answer))
    for i, op in enumerate(ops):
        if op.kind == "div":
            divisor = textbook_divisor(sides[1], config.max_numeral, rng)
            if divisor is None:
                return None  # the right side would not stay a whole number
            op = ops[i] = Operation("div", divisor)
        applied = _apply(sides, op, rules, sig)
        if (
            op.kind == "sub"
            and op.operand.kind is Kind.NUM
            and sides[1].kind is Kind.NUM
            and len(applied) == 1
        ):
            return None  # the right side would not stay a positive numeral
        construction += applied
        sides = applied[-1].step.after
    disguise = random_walk(
        sides[0], index, config.distractions, config.max_size, rng, keep=textbook(sig)
    )
    for step in disguise:
        construction.append(Labelled(rewrite_side(sides, 0, step), rewrite_note(step, sig)))
        sides = construction[-1].step.after
    solution: list[Labelled] = []
    for step in reversed(disguise):
        back = undo(step)
        solution.append(Labelled(rewrite_side(sides, 0, back), rewrite_note(back, sig)))
        sides = solution[-1].step.after
    undone = sides
    for op in reversed(ops):
        solution += _undo(sides, op, rules, sig)
        sides = solution[-1].step.after
    equation = construction[-1].step.after
    if sides != (x, num(answer)) or any(_by_zero(e) for e in equation):
        return None
    alternative = _isolate_then_compute(undone, ops, rules, sig) if config.proofs > 1 else None
    alternatives: tuple[tuple[Labelled, ...], ...] = ()
    if alternative is not None and alternative[-1].step.after == sides:
        prefix = solution[: len(disguise)]
        if [a.step for a in alternative] != [s.step for s in solution[len(disguise) :]]:
            alternatives = ((*prefix, *alternative),)
    return Problem(
        kind, ((unknown, answer),), (equation,), tuple(construction), tuple(solution), alternatives
    )


def compute_right(
    sides: Sides, rules: RuleSet, sig: Signature, sources: tuple[int, ...] = ()
) -> list[Labelled]:
    """Every computation on the right side, innermost first, until none applies (the right
    side is then a numeral, unless some arithmetic left the positive numerals); `sources`
    name the equation the first computation rewrites (default: the previous one)."""
    links: list[Labelled] = []
    for step in exhaust(arithmetic_strategy(rules), sides[1]):
        note = f"compute on the right: {to_human(step.before, sig)} = {to_human(step.after, sig)}"
        links.append(Labelled(rewrite_side(sides, 1, step, sources), note))
        sides, sources = links[-1].step.after, ()
    return links


def _isolate_then_compute(
    sides: Sides, ops: list[Operation], rules: RuleSet, sig: Signature
) -> list[Labelled] | None:
    """The other way to solve: undo every operation keeping the right side's arithmetic, then
    compute it innermost first (None if some arithmetic leaves the positive numerals)."""
    done: list[Labelled] = []
    try:
        for op in reversed(ops):
            done += _undo(sides, op, rules, sig, postpone=True)
            sides = done[-1].step.after
    except RewriteError:
        return None
    done += compute_right(sides, rules, sig)
    final = done[-1].step.after if done else sides
    return done if final[1].kind is Kind.NUM else None


def _by_zero(expr: Expr) -> bool:
    """Does `expr` divide by the numeral 0? (`0⁻¹ = 0` here, but a plain SymPy reading of
    `1/0` is infinite, so such an equation could not be re-checked without our code.)"""
    zero = num(0)
    return any(
        (n.head == "inv" and n.args[0] is zero) or (n.head == "div" and n.args[1] is zero)
        for _, n in positions(expr)
        if n.kind is Kind.APP
    )


def sympy_agrees(problem: Problem, sig: Signature) -> str | None:
    """None if `sympy.solve` gives exactly the answers for the equations, else the
    disagreement."""
    import sympy

    unknowns = [sympy.Symbol(name) for name in problem.unknowns]
    equations = [
        sympy.Eq(to_plain_sympy(lhs, sig), to_plain_sympy(rhs, sig))
        for lhs, rhs in problem.equations
    ]
    try:
        found = sympy.solve(equations, unknowns, dict=True)
    except (NotImplementedError, TypeError, ValueError) as err:
        return f"SymPy cannot solve the equations: {err}"
    expected = {sympy.Symbol(name): sympy.Integer(value) for name, value in problem.answers}
    if found != [expected]:
        return f"SymPy solves them as {found}, not {dict(problem.answers)}"
    return None


def _human(sides: Sides, sig: Signature) -> str:
    return f"{to_human(sides[0], sig)} = {to_human(sides[1], sig)}"


def problem_text(problem: Problem, sig: Signature, earlier: bool = False) -> str:
    """`Solve x + 3 * y = 27, 5 * x + y = 65 for x and y.`: the equations as `Problem.shown`
    shows them (`earlier`: as they were printed before, `1 * x + 3 * y = 27`, which `check`
    still accepts)."""
    equations = problem.equations if earlier else problem.shown
    shown = ", ".join(_human(e, sig) for e in equations)
    return f"Solve {shown} for {' and '.join(problem.unknowns)}."


def problem_fields(problem: Problem, sig: Signature) -> dict[str, Any]:
    """The record fields of an equation problem (the theorem fields are added by
    `equation_records`)."""
    return {
        "family": "equation-system" if len(problem.equations) > 1 else "equation",
        "kind": problem.kind,
        "equations": [[to_plain(lhs, sig), to_plain(rhs, sig)] for lhs, rhs in problem.equations],
        "solution": {name: str(value) for name, value in problem.answers},
        "problem": problem_text(problem, sig),
        "answer": ", ".join(f"{name} = {value}" for name, value in problem.answers),
        "solution_steps": [
            {"do": item.note, "equation": _human(item.step.after, sig)} for item in problem.solution
        ],
    }
