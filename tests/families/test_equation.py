"""Equations by the reverse process with the real kernel: drawn problems are proven both ways
(solution and converse), a divisor that can be zero is refused while a numeral one is proven
non-zero, numeral arithmetic is certified, the positivity axioms are model-checked (a false one
is caught), SymPy independently solves what we publish, and the CLI runs end to end."""

from __future__ import annotations

import dataclasses
import itertools
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest
import sympy

from rpsdg_formal.audit.report import AuditReport, AuditRow, run_audit
from rpsdg_formal.cli.main import main
from rpsdg_formal.errors import ConfigError, RewriteError
from rpsdg_formal.families.equation import (
    Operation,
    Problem,
    _by_zero,
    draw_problem,
    problem_fields,
    sympy_agrees,
)
from rpsdg_formal.families.equation_config import KINDS, EquationConfig
from rpsdg_formal.families.equation_records import equation_candidate
from rpsdg_formal.families.equation_textbook import disguise_index
from rpsdg_formal.kernel.check import (
    Accepted,
    Kernel,
    Rejected,
    Verdict,
    check_batch,
    prepare_kernel,
)
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.emit import (
    HOLE,
    LeanTheorem,
    SideConditionError,
    batch_file,
    discharge,
    equation_statement,
    evaluation_proof,
    hypotheses,
)
from rpsdg_formal.kernel.implication import implication_theorem
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.rewriting.steps import (
    EquationStep,
    RuleIndex,
    Sides,
    apply_step,
    congruence,
    rewrite_side,
)
from rpsdg_formal.rewriting.walk import theorem_rng
from rpsdg_formal.terms.artifacts import TEXTBOOK, artifact_kinds, is_textbook
from rpsdg_formal.terms.expr import Expr, app, num, var
from rpsdg_formal.terms.parse import parse_expr
from rpsdg_formal.terms.printers import numeral_to_kernel, to_human
from rpsdg_formal.theory import numerals
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet, load_rules
from rpsdg_formal.theory.section import Theory

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EQUATION = rules_path("equation")
BAD = FIXTURES / "bad_equation" / "rules" / "bad_equation.yaml"
NS = "RpsdgFormal.Field.Equation"
POSITIVITY = {f"{NS}.Pos", f"{NS}.pos_one", f"{NS}.pos_add", f"{NS}.pos_ne_zero"}
NONZERO_RULES = {"mul_div_cancel_left", "div_mul_cancel", "num_div"}  # need a divisor != 0
pytestmark = pytest.mark.kernel


# --- fixtures -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def rules() -> RuleSet:
    return load_rules(EQUATION)


@pytest.fixture(scope="module")
def theory(rules: RuleSet) -> Theory:
    return rules.theory


@pytest.fixture(scope="module")
def walk_index(rules: RuleSet) -> RuleIndex:
    """The disguising rewrites, indexed as `generate` does for equations."""
    return disguise_index(rules)


@pytest.fixture(scope="module")
def kernel(rules: RuleSet, kernel_cache: Path) -> Kernel:
    """The embedded Lean kernel with the equation theory compiled (real Lean, no mock)."""
    return prepare_kernel(rules.theory, KernelConfig(cache_dir=kernel_cache, threads=2))


@pytest.fixture(scope="module")
def audit_json(
    kernel_cache: Path, kernel: Kernel, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """`rpsdg-formal audit rules/equation.yaml` (which generate needs), as its JSON report."""
    report = tmp_path_factory.mktemp("audit") / "equation.json"
    args = ["audit", str(EQUATION), "--cache-dir", str(kernel_cache), "--threads", "2"]
    assert main([*args, "--json", str(report), "--quiet"]) == 0
    data: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def bad_kernels(kernel_cache: Path) -> list[Kernel]:
    return []


@pytest.fixture(scope="module")
def bad_report(kernel_cache: Path, bad_kernels: list[Kernel]) -> AuditReport:
    def kernel_for(theory: Theory) -> Kernel:
        made = prepare_kernel(theory, KernelConfig(cache_dir=kernel_cache, threads=2))
        bad_kernels.append(made)
        return made

    return run_audit(BAD, kernel_for)


# --- helpers ------------------------------------------------------------------------------------


def _expr(text: str, rules: RuleSet) -> Expr:
    return parse_expr(text, rules.theory.signature)


def _k(value: int, theory: Theory) -> str:
    """A numeral in kernel syntax, as an argument."""
    text = numeral_to_kernel(value, theory.signature.numerals)
    return text if value < 2 else f"({text})"


def _check(kernel: Kernel, theorems: Sequence[LeanTheorem], path: Path) -> dict[str, Verdict]:
    batch = batch_file(kernel.theory, theorems)
    return dict(zip(batch.names, check_batch(kernel, batch, path), strict=True))


def _draws(
    rules: RuleSet, index: RuleIndex, seed: int, wanted: int, config: EquationConfig | None = None
) -> list[tuple[int, Problem]]:
    """The first `wanted` usable problems of `seed`, drawn exactly as `generate` draws them."""
    config = config or EquationConfig()
    found: list[tuple[int, Problem]] = []
    for i in itertools.count():
        problem = draw_problem(rules, index, config, theorem_rng(seed, i))
        if problem is not None:
            found.append((i, problem))
            if len(found) == wanted:
                return found
        assert i < 50 * wanted, f"only {len(found)} usable problems in {i} draws"
    raise AssertionError("unreachable")


def _answer(problem: Problem) -> int:
    """The value of the (only) unknown x."""
    return problem.answers[0][1]


def _with_answer(problem: Problem, value: int) -> Problem:
    return dataclasses.replace(problem, answers=(("x", value),))


def _needs_nonzero(steps: Sequence[EquationStep]) -> bool:
    return any(s.step is not None and s.step.rule.name in NONZERO_RULES for s in steps)


_X = sympy.Symbol("x")


def _sympy(text: str) -> Any:
    """A human-syntax side (`2 * (x + 1)⁻¹ - -x`) read by SymPy without our printers."""
    return sympy.sympify(text.replace("⁻¹", "**(-1)"), locals={"x": _X})


def _holds_exactly_at(sides: Sequence[str], answer: int) -> bool:
    """Does the equation hold at x = answer, and fail at a few other points?"""
    difference = _sympy(sides[0]) - _sympy(sides[1])
    at = [
        sympy.nsimplify(difference.subs(_X, v))
        for v in (answer, answer + 1, -3, sympy.Rational(1, 7))
    ]
    return at[0] == 0 and all(v != 0 for v in at[1:])


def _records(folder: Path) -> list[dict[str, Any]]:
    text = (folder / "theorems.jsonl").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines()]


def _write_records(folder: Path, records: Sequence[dict[str, Any]]) -> None:
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    (folder / "theorems.jsonl").write_text(text, encoding="utf-8")


# --- (1) drawn problems: both theorems accepted, a wrong answer rejected -------------------------


def test_drawn_problems_are_proven_both_ways_and_a_wrong_answer_is_not(
    rules: RuleSet, theory: Theory, walk_index: RuleIndex, kernel: Kernel, tmp_path: Path
) -> None:
    chosen: list[tuple[int, Problem]] = []
    per_kind: dict[str, int] = {}
    for i, problem in _draws(rules, walk_index, 0, 40):
        if per_kind.get(problem.kind, 0) < 2:
            per_kind[problem.kind] = per_kind.get(problem.kind, 0) + 1
            chosen.append((i, problem))
    assert per_kind == {kind: 2 for kind in KINDS}
    theorems: list[LeanTheorem] = []
    candidates = []
    for i, problem in chosen:
        fields = problem_fields(problem, theory.signature)
        candidate = equation_candidate(f"eq_n{i}", i, problem, theory, fields)
        solving, converse = (p.lean for p in candidate.proofs)
        answer = _k(_answer(problem), theory)
        assert solving.statement.startswith("∀ (x : R), Eq ")
        assert solving.statement.endswith(f" → Eq x {answer}")
        assert converse.name == f"eq_n{i}_converse"
        assert converse.statement.startswith(f"∀ (x : R), Eq x {answer} → Eq ")
        # The solving theorem's premise is the converse's conclusion: the published equation.
        premise = solving.statement.removeprefix("∀ (x : R), ").removesuffix(f" → Eq x {answer}")
        assert converse.statement.endswith(f" → {premise}")
        assert premise == equation_statement(*problem.equation, theory)
        theorems += [solving, converse]
        candidates.append(candidate)
    first = candidates[0]
    c = _answer(first.problem)
    wrong_answer = dataclasses.replace(
        first.lean,
        name="eq_wrong_answer",
        statement=first.lean.statement.removesuffix(_k(c, theory)) + _k(c + 1, theory),
    )
    assert wrong_answer.statement != first.lean.statement
    verdicts = _check(kernel, [*theorems, wrong_answer], tmp_path / "drawn.lean")
    for candidate in candidates:
        problem = candidate.problem
        for proof, steps in zip(
            candidate.proofs, (problem.solution, problem.construction), strict=True
        ):
            verdict = verdicts[proof.lean.name]
            assert isinstance(verdict, Accepted), (proof.lean.name, verdict)
            assert set(verdict.axioms) <= theory.axioms, proof.lean.name
            # The positivity axioms are used exactly when a divisor had to be shown non-zero.
            needs = _needs_nonzero([s.step for s in steps])
            assert (POSITIVITY <= set(verdict.axioms)) == needs, proof.lean.name
            assert bool(POSITIVITY & set(verdict.axioms)) == needs, proof.lean.name
    assert any(_needs_nonzero([s.step for s in c.problem.solution]) for c in candidates)
    rejected = verdicts["eq_wrong_answer"]
    assert isinstance(rejected, Rejected), rejected
    assert rejected.reason == "rejected by the Lean kernel" and rejected.messages


def test_problems_chain_from_the_answer_to_the_equation_and_back(
    rules: RuleSet, theory: Theory, walk_index: RuleIndex
) -> None:
    sig = theory.signature
    for _, problem in _draws(rules, walk_index, 5, 15):
        x, answer = var("x"), num(_answer(problem))
        construction = [item.step for item in problem.construction]
        solution = [item.step for item in problem.solution]
        assert construction[0].before == (x, answer)
        assert solution[0].before == problem.equation == construction[-1].after
        assert solution[-1].after == (x, answer)
        for steps in (construction, solution):
            for before, after in itertools.pairwise(steps):
                assert before.after == after.before
        fields = problem_fields(problem, sig)
        assert fields["family"] == "equation" and fields["kind"] == problem.kind
        assert fields["solution"] == {"x": str(_answer(problem))}
        assert fields["answer"] == f"x = {_answer(problem)}"
        assert fields["solution_steps"][-1]["equation"] == f"x = {_answer(problem)}"
        assert len(fields["solution_steps"]) == len(problem.solution)
        lhs, rhs = (to_human(e, sig) for e in problem.equation)
        assert fields["problem"] == f"Solve {lhs} = {rhs} for x."
        if problem.kind == "rational":
            assert any(s.context is not None and s.context.head == "div" for s in construction)
        if problem.kind == "both-sides":
            assert "x" in rhs


def test_equation_config_is_validated() -> None:
    with pytest.raises(ConfigError, match="equation kinds must be among"):
        EquationConfig(kinds=("quadratic",))
    with pytest.raises(ConfigError, match="equation kinds"):
        EquationConfig(kinds=())
    with pytest.raises(ConfigError, match="min ops"):
        EquationConfig(min_ops=3, max_ops=2)
    with pytest.raises(ConfigError, match="distractions"):
        EquationConfig(distractions=-1)


# --- (2) side conditions: a divisor that can be zero is refused ----------------------------------


def _multiply_then_divide(divisor: Expr, rules: RuleSet) -> tuple[Sides, list[EquationStep]]:
    """From x = 5: multiply both sides by `divisor`, then undo it (divide both sides by it and
    cancel on each side with mul_div_cancel_left, `b * a / b = a`, which needs b != 0)."""
    x = var("x")
    start: Sides = (x, num(5))
    times = Operation("mul", divisor)
    steps = [congruence(start, times.context(), HOLE)]
    assert steps[0].after == (app("mul", divisor, x), app("mul", divisor, num(5)))
    steps.append(congruence(steps[-1].after, times.inverse().context(), HOLE))
    cancel = rules.by_name("mul_div_cancel_left")
    for side, a in ((0, x), (1, num(5))):
        current = steps[-1].after
        step = apply_step(current[side], cancel, False, (), {"a": a, "b": divisor})
        steps.append(rewrite_side(current, side, step))
    assert steps[-1].after == start
    return start, steps


def test_dividing_by_x_minus_1_is_refused(rules: RuleSet, theory: Theory) -> None:
    divisor = _expr("x - 1", rules)
    start, steps = _multiply_then_divide(divisor, rules)
    rewrites = [s.step for s in steps if s.step is not None]
    assert hypotheses(rewrites, theory) == ((divisor, num(0)),)
    with pytest.raises(SideConditionError, match=r"x - 1 != 0"):
        implication_theorem("eq_by_x_minus_1", ("x",), start, steps, theory)
    # The solving half alone, (x - 1) * x = (x - 1) * 5 → x = 5, is false (x = 1 solves the
    # premise): it must not be emitted with the side condition silently assumed either.
    with pytest.raises(SideConditionError, match=r"mul_div_cancel_left"):
        implication_theorem("eq_solve_x_minus_1", ("x",), steps[0].after, steps[1:], theory)
    premise = steps[0].after
    roots = sympy.solve(
        sympy.Eq(
            _sympy(to_human(premise[0], theory.signature)),
            _sympy(to_human(premise[1], theory.signature)),
        ),
        _X,
    )
    assert sorted(roots) == [1, 5]


def test_dividing_by_3_is_accepted(
    rules: RuleSet, theory: Theory, kernel: Kernel, tmp_path: Path
) -> None:
    start, steps = _multiply_then_divide(num(3), rules)
    rewrites = [s.step for s in steps if s.step is not None]
    assert hypotheses(rewrites) == ((num(3), num(0)),)  # needed...
    assert hypotheses(rewrites, theory) == ()  # ...and discharged by the theory
    round_trip = implication_theorem("eq_by_3", ("x",), start, steps, theory)
    solving = implication_theorem("eq_solve_3", ("x",), steps[0].after, steps[1:], theory)
    three = _k(3, theory)
    assert solving.statement == (
        f"∀ (x : R), Eq (mul {three} x) (mul {three} {_k(5, theory)}) → Eq x {_k(5, theory)}"
    )
    assert "Ne " not in solving.statement  # no hypothesis: 3 != 0 is proven inside
    assert "pos_ne_zero" in solving.proof
    verdicts = _check(kernel, [round_trip, solving], tmp_path / "by3.lean")
    for name in ("eq_by_3", "eq_solve_3"):
        verdict = verdicts[name]
        assert isinstance(verdict, Accepted), (name, verdict)
        assert POSITIVITY <= set(verdict.axioms) <= theory.axioms
        assert f"{NS}.mul_div_cancel_left" not in verdict.axioms  # a theorem, not an axiom


def test_discharge_proves_nonzero_numerals_and_nothing_else(
    rules: RuleSet, theory: Theory, kernel: Kernel, tmp_path: Path
) -> None:
    two, minus_three = num(2), _expr("-3", rules)
    assert minus_three == app("neg", num(3))
    proof_two = discharge((two, num(0)), theory)
    proof_minus_three = discharge((minus_three, num(0)), theory)
    proof_three = discharge((num(3), num(0)), theory)
    assert proof_two and proof_minus_three and proof_three
    assert discharge((num(0), num(0)), theory) is None
    assert discharge((var("x"), num(0)), theory) is None
    assert discharge((_expr("x - 1", rules), num(0)), theory) is None
    assert discharge((_expr("-0", rules), num(0)), theory) is None
    assert discharge((two, num(1)), theory) is None  # only `!= 0` is discharged
    theorems = [
        LeanTheorem("ne_two", f"Ne {_k(2, theory)} zero", proof_two),
        LeanTheorem("ne_minus_three", f"Ne (neg {_k(3, theory)}) zero", proof_minus_three),
        LeanTheorem(
            "ne_big", f"Ne {_k(1000, theory)} zero", str(discharge((num(1000), num(0)), theory))
        ),
        # The proof that 3 != 0, claimed for 2.
        LeanTheorem("ne_two_wrong", f"Ne {_k(2, theory)} zero", proof_three),
    ]
    verdicts = _check(kernel, theorems, tmp_path / "ne.lean")
    for name in ("ne_two", "ne_minus_three", "ne_big"):
        verdict = verdicts[name]
        assert isinstance(verdict, Accepted), (name, verdict)
        assert POSITIVITY <= set(verdict.axioms) <= theory.axioms
    assert isinstance(verdicts["ne_two_wrong"], Rejected)


# --- (3) numeral arithmetic ----------------------------------------------------------------------

ARITHMETIC = [
    ("num_add", 37, 58, 95),
    ("num_add", 1, 1, 2),
    ("num_add", 255, 1, 256),
    ("num_sub", 91, 17, 74),
    ("num_sub", 2, 1, 1),
    ("num_sub", 1000, 999, 1),
    ("num_div", 144, 12, 12),
    ("num_div", 7, 1, 7),
    ("num_div", 1, 1, 1),
    ("num_div", 1024, 64, 16),
]
HEADS = {"num_add": "add", "num_sub": "sub", "num_div": "div"}


def _arithmetic(
    name: str, m: int, n: int, claimed: int | None, rules: RuleSet
) -> tuple[LeanTheorem, int]:
    """The certificate of `m ∘ n` by rule `name`, stating the result `claimed` (default: the
    computed one); and the computed result."""
    rule = rules.by_name(name)
    assert rule.evaluate is not None
    binding = numerals.instance(rule.evaluate.kind, rule.lhs, rule.rhs, {"m": num(m), "n": num(n)})
    value = binding["k"].value
    theory = rules.theory
    proof = evaluation_proof(rule, binding, theory)
    stated = value if claimed is None else claimed
    statement = equation_statement(app(HEADS[name], num(m), num(n)), num(stated), theory)
    return LeanTheorem(f"{name}_{m}_{n}_{stated}", statement, proof), value


def test_numeral_certificates_are_accepted_and_a_wrong_result_is_not(
    rules: RuleSet, theory: Theory, kernel: Kernel, tmp_path: Path
) -> None:
    good = []
    for name, m, n, expected in ARITHMETIC:
        lean, value = _arithmetic(name, m, n, None, rules)
        assert value == expected, (name, m, n)
        good.append((name, lean))
    wrong = [
        _arithmetic("num_sub", 91, 17, 75, rules)[0],  # the proof of 91 - 17 = 74, claiming 75
        _arithmetic("num_div", 144, 12, 11, rules)[0],
        _arithmetic("num_add", 37, 58, 96, rules)[0],
    ]
    verdicts = _check(kernel, [lean for _, lean in good] + wrong, tmp_path / "numerals.lean")
    for name, lean in good:
        verdict = verdicts[lean.name]
        assert isinstance(verdict, Accepted), (lean.name, verdict)
        assert set(verdict.axioms) <= theory.axioms
        # Only a quotient needs its divisor non-zero, hence the positivity axioms.
        assert (f"{NS}.pos_ne_zero" in verdict.axioms) == (name == "num_div"), lean.name
    for lean in wrong:
        assert isinstance(verdicts[lean.name], Rejected), lean.name


@pytest.mark.parametrize(
    ("name", "m", "n", "message"),
    [
        ("num_sub", 7, 9, "is not a positive numeral"),
        ("num_sub", 7, 7, "is not a positive numeral"),
        ("num_div", 7, 2, "is not a whole number"),
        ("num_div", 0, 3, "must be a numeral of at least 1"),
        ("num_div", 3, 0, "must be a numeral of at least 1"),
    ],
)
def test_numeral_instance_refuses_what_is_not_a_positive_whole_number(
    rules: RuleSet, name: str, m: int, n: int, message: str
) -> None:
    rule = rules.by_name(name)
    assert rule.evaluate is not None
    with pytest.raises(RewriteError, match=message):
        numerals.instance(rule.evaluate.kind, rule.lhs, rule.rhs, {"m": num(m), "n": num(n)})
    # Replaying such a step is refused the same way.
    with pytest.raises(RewriteError):
        apply_step(app(HEADS[name], num(m), num(n)), rule, False, (), {"m": num(m), "n": num(n)})


# --- (4) the audit: positivity axioms model-checked, a false one caught -------------------------


def _row(rows: Sequence[AuditRow], name: str, kind: str = "axiom") -> AuditRow:
    (row,) = [r for r in rows if r.name == name and r.kind == kind]
    return row


def test_audit_passes_and_model_checks_the_positivity_axioms(
    audit_json: dict[str, Any], rules: RuleSet
) -> None:
    assert audit_json["passed"] is True and audit_json["theory"] == "equation"
    rows = {(r["kind"], r["name"]): r for r in audit_json["rows"]}
    for axiom in ("pos_one", "pos_add", "pos_ne_zero"):
        row = rows[("axiom", f"{NS}.{axiom}")]
        assert row["ok"] and row["model"]["ok"], row
        assert "positive(" in row["statement"]
        detail = row["model"]["detail"]  # proven, not just sampled
        assert detail.startswith("exact") or detail.startswith("SymPy's assumptions"), detail
    assert rows[("axiom", f"{NS}.pos_ne_zero")]["statement"] == "a != 0 when positive(a)"
    for rule in rules.rules:
        row = rows[("rule", rule.name)]
        assert row["ok"] and row["kernel"]["ok"] and row["model"]["ok"], row


def test_audit_catches_a_false_positivity_axiom_and_an_unreadable_one(
    bad_report: AuditReport, rules: RuleSet
) -> None:
    assert not bad_report.ok
    pos_neg = _row(bad_report.rows, f"{NS}.pos_neg")
    assert not pos_neg.ok
    assert pos_neg.statement == "positive(-a) when positive(a)"
    assert pos_neg.model is not None and not pos_neg.model.ok
    assert pos_neg.model.counterexample and "fails in the model" in pos_neg.model.detail
    foo = _row(bad_report.rows, f"{NS}.foo_one")
    assert not foo.ok and foo.statement == "?"
    assert foo.model is not None
    assert "cannot be interpreted from Lean's elaboration" in foo.model.detail
    assert "Foo" in foo.model.detail
    failing = {(r.kind, r.name) for r in bad_report.rows if not r.ok}
    # `Foo` itself fails too: a constant the signature does not declare has no meaning
    assert failing == {
        ("axiom", f"{NS}.pos_neg"),
        ("axiom", f"{NS}.foo_one"),
        ("axiom", f"{NS}.Foo"),
    }
    # The shipped axioms and rules are still there, and pass.
    for axiom in ("pos_one", "pos_add", "pos_ne_zero"):
        assert _row(bad_report.rows, f"{NS}.{axiom}").ok
    bad_rules = load_rules(BAD)
    assert {r.name for r in bad_report.rows if r.kind == "rule"} == {
        r.name for r in bad_rules.rules
    }
    assert {r.name for r in rules.rules} >= {r.name for r in bad_rules.rules}


def test_kernel_trusts_the_false_axiom(
    bad_report: AuditReport, bad_kernels: list[Kernel], tmp_path: Path
) -> None:
    """Why the audit matters: with pos_neg, the kernel accepts that -1 is positive, hence
    (by pos_ne_zero) every numeral's negation too; nothing in Lean objects."""
    (bad_kernel,) = bad_kernels
    lean = LeanTheorem("bad_pos_neg_one", "Pos (neg one)", "pos_neg one pos_one")
    verdict = _check(bad_kernel, [lean], tmp_path / "bad.lean")["bad_pos_neg_one"]
    assert isinstance(verdict, Accepted), verdict
    assert f"{NS}.pos_neg" in verdict.axioms


def test_cli_audit_fails_on_the_bad_theory_and_generate_refuses_it(
    kernel_cache: Path, bad_report: AuditReport, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["audit", str(BAD), "--cache-dir", str(kernel_cache), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "audit FAILED" in out and "pos_neg" in out and "foo_one" in out
    args = ["generate", "--rules", str(BAD), "--out", str(tmp_path / "o"), "--count", "2"]
    assert main([*args, "--cache-dir", str(kernel_cache), "--quiet"]) == 2
    assert "has not passed the soundness audit" in capsys.readouterr().err


# --- (5) SymPy agrees, independently --------------------------------------------------------------


def test_sympy_solves_fifty_drawn_problems_to_their_answers(
    rules: RuleSet, theory: Theory, walk_index: RuleIndex
) -> None:
    sig = theory.signature
    kinds = set()
    for i, problem in _draws(rules, walk_index, 11, 50):
        kinds.add(problem.kind)
        assert sympy_agrees(problem, sig) is None, i
        fields = problem_fields(problem, sig)
        ((lhs, rhs),) = fields["equations"]
        found = sympy.solve(sympy.Eq(sympy.sympify(lhs), sympy.sympify(rhs)), _X)
        assert found == [sympy.Integer(int(fields["solution"]["x"]))], (i, lhs, rhs, found)
        assert int(fields["solution"]["x"]) == _answer(problem)
        human = [to_human(e, sig) for e in problem.equation]
        assert not any("0⁻¹" in side or "/ 0" in side for side in human), (i, human)
        assert not any(_by_zero(e) for e in problem.equation)
        assert _holds_exactly_at(human, _answer(problem)), (i, human)
    assert kinds == set(KINDS)


def test_sympy_agrees_rejects_a_wrong_answer(
    rules: RuleSet, theory: Theory, walk_index: RuleIndex
) -> None:
    (_, problem), *_ = _draws(rules, walk_index, 0, 1)
    wrong = _with_answer(problem, _answer(problem) + 1)
    disagreement = sympy_agrees(wrong, theory.signature)
    assert disagreement is not None and str(_answer(problem)) in disagreement


def test_by_zero_finds_divisions_by_the_numeral_zero(rules: RuleSet) -> None:
    assert _by_zero(_expr("x / 0", rules))
    assert _by_zero(_expr("1 + 0⁻¹ * x", rules))
    assert _by_zero(_expr("2 * (x - 3 / 0)", rules))
    assert not _by_zero(_expr("x / 10", rules))
    assert not _by_zero(_expr("0 / x + (x - 1)⁻¹", rules))


# --- (6) generate refuses what it cannot prove ----------------------------------------------------


def test_generate_refuses_cancellations_a_theory_cannot_discharge(
    rules: RuleSet, kernel: Kernel, tmp_path: Path
) -> None:
    """Without the `nonzero:` lemmas not even 3 != 0 is provable: every equation that needs a
    cancellation by a numeral is refused (never assumed), the others are still generated."""
    blind = dataclasses.replace(rules, theory=dataclasses.replace(rules.theory, nonzero=()))
    config = GenerateConfig(
        count=4,
        seed=0,
        out=tmp_path / "blind",
        batch_size=4,
        # one operation: adding and multiplying alternate, so two or more always multiply
        equation=EquationConfig(kinds=("linear",), min_ops=1, max_ops=1),
    )
    summary = generate(blind, config, kernel, show_progress=False)
    assert summary.accepted == 4 and summary.rejected == 0 and summary.disagreements == 0
    assert summary.refused > 0
    rows = [json.loads(line) for line in (summary.out / "rejected.jsonl").read_text().splitlines()]
    refused = [r for r in rows if r["reason"] == "side-condition"]
    assert len(refused) == summary.refused == len(rows)
    assert all(
        "!= 0, which is neither a non-zero numeral nor assumed" in r["messages"][0] for r in refused
    )
    for record in _records(summary.out):
        notes = " ".join(step["do"] for step in record["steps"])
        assert "multiply" not in notes and "divide" not in notes, record["id"]
        assert not POSITIVITY & set(record["verified"]["axioms"])


def test_generate_library_run_has_no_refusals_or_disagreements(
    rules: RuleSet, kernel: Kernel, tmp_path: Path
) -> None:
    config = GenerateConfig(
        count=6, seed=2, out=tmp_path / "lib", batch_size=3, equation=EquationConfig()
    )
    summary = generate(rules, config, kernel, show_progress=False)
    assert (summary.accepted, summary.rejected, summary.refused, summary.disagreements) == (
        6,
        0,
        0,
        0,
    )
    assert summary.batches == 2
    assert len(_records(summary.out)) == 6


# --- (7) the CLI end to end -----------------------------------------------------------------------


def _generate(out: Path, cache: Path, *extra: str) -> int:
    args = ["generate", "--theory", "equation", "--out", str(out), "--cache-dir", str(cache)]
    return main([*args, *extra, "--threads", "2", "--quiet"])


def test_cli_records_are_solved_equations_with_both_certificates(
    equation_run: Path, theory: Theory
) -> None:
    records = _records(equation_run)
    assert len(records) == 40 and len({r["id"] for r in records}) == 40
    assert (equation_run / "rejected.jsonl").read_text() == ""
    manifest = json.loads((equation_run / "run.json").read_text())
    assert manifest["family"] == "equation" and manifest["theory"] == "equation"
    assert {r["kind"] for r in records} == set(KINDS)
    for record in records:
        rid = record["id"]
        assert record["family"] == "equation" and record["kind"] in KINDS
        answer = int(record["solution"]["x"])
        assert record["solution"] == {"x": str(answer)} and record["answer"] == f"x = {answer}"
        assert record["statement"].endswith(f"→ x = {answer}")
        ((lhs, rhs),) = record["equations"]
        found = sympy.solve(sympy.Eq(sympy.sympify(lhs), sympy.sympify(rhs)), _X)
        assert found == [answer], (rid, lhs, rhs, found)
        assert _holds_exactly_at([record["start"], record["end"]], answer), rid
        # The solution: from the equation to x = answer, each step starting where the last ended.
        steps = record["steps"]
        assert steps[0]["before"] == [record["start"], record["end"]]
        assert steps[-1]["after"] == ["x", str(answer)]
        for a, b in itertools.pairwise(steps):
            assert a["after"] == b["before"], rid
        assert [s["do"] for s in steps] == [s["do"] for s in record["solution_steps"]]
        assert all(("apply" in s) != ("rewrite" in s) for s in steps)
        assert record["lean_name"] == rid
        assert record["lean_statement"].endswith(f"→ Eq x {_k(answer, theory)}")
        assert record["lean_proof"].startswith("fun x h0 =>")
        # The converse: from x = answer to the equation, with its own certificate.
        converse = record["converse"]
        assert converse["lean_name"] == f"{rid}_converse"
        assert converse["lean_statement"].startswith("∀ (x : R), Eq x ")
        assert converse["lean_proof"].startswith("fun x h0 =>")
        assert converse["lean_proof"] != record["lean_proof"]
        assert converse["steps"][0]["before"] == ["x", str(answer)]
        assert converse["steps"][-1]["after"] == [record["start"], record["end"]]
        for a, b in itertools.pairwise(converse["steps"]):
            assert a["after"] == b["before"], rid
        assert set(record["verified"]["axioms"]) >= {"RpsdgFormal.Field.add"}
        uses_division = any(
            s.get("rewrite", {}).get("rule") in NONZERO_RULES for s in steps + converse["steps"]
        )
        assert (POSITIVITY <= set(record["verified"]["axioms"])) == uses_division, rid


def test_cli_check_accepts_the_run(
    equation_run: Path, equation_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(equation_run), "--cache-dir", str(equation_cache), "--quiet"]) == 0
    assert "40/40 theorems accepted" in capsys.readouterr().out


def _wrong_solution(record: dict[str, Any]) -> None:
    record["solution"] = {"x": str(int(record["solution"]["x"]) + 1)}


def _wrong_step(record: dict[str, Any]) -> None:
    record["steps"][-1]["after"] = ["x", str(int(record["solution"]["x"]) + 1)]


def _wrong_converse(record: dict[str, Any]) -> None:
    record["converse"]["lean_proof"] = record["converse"]["lean_proof"].replace("h1", "h0", 1)


@pytest.mark.parametrize(
    ("edit", "reason"),
    [
        (_wrong_solution, "converse step 1: the recorded equation does not match the replay"),
        (_wrong_step, "does not match the replay"),
        (_wrong_converse, "the converse certificate does not match"),
    ],
)
def test_cli_check_names_a_tampered_record(
    edit: Callable[[dict[str, Any]], None],
    reason: str,
    equation_run: Path,
    equation_cache: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path / "tampered"
    folder.mkdir()
    (folder / "run.json").write_text((equation_run / "run.json").read_text())
    records = _records(equation_run)
    edit(records[7])
    _write_records(folder, records)
    assert main(["check", str(folder), "--cache-dir", str(equation_cache), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert f"REJECTED {records[7]['id']}: " in out and reason in out
    assert out.count("REJECTED") == 1
    assert "39/40 theorems accepted" in out


def test_cli_curriculum_writes_three_levels(equation_run: Path, tmp_path: Path) -> None:
    levels = tmp_path / "levels"
    assert main(["curriculum", str(equation_run), "--out", str(levels), "--levels", "3"]) == 0
    files = sorted(levels.glob("level_*.jsonl"))
    assert [p.name for p in files] == ["level_01.jsonl", "level_02.jsonl", "level_03.jsonl"]
    ids = [json.loads(line)["id"] for p in files for line in p.read_text().splitlines()]
    assert sorted(ids) == sorted(r["id"] for r in _records(equation_run))
    assert all(p.read_text().strip() for p in files)
    assert (levels / "manifest.yaml").is_file()


def test_cli_rational_kind_only(equation_cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "rational"
    assert _generate(out, equation_cache, "--kinds", "rational", "--count", "8", "--seed", "4") == 0
    records = _records(out)
    assert len(records) == 8
    for record in records:
        assert record["kind"] == "rational", record["id"]
        equation = record["start"] + " = " + record["end"]
        assert "/" in equation or "⁻¹" in equation, record["id"]
        assert any("divide both sides" in s["do"] for s in record["converse"]["steps"])


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--theory", "field", "--family", "equation"], "needs a theory with the solver's rules"),
        (["--theory", "equation", "--difficulty", "2-3"], "--difficulty applies to rewrite walks"),
        (["--theory", "equation", "--kinds", "quadratic"], "equation kinds must be among"),
        (["--theory", "equation", "--natural"], "--natural applies to rewrite walks"),
        # before, these were read by no family and silently ignored
        (["--theory", "equation", "--steps", "4"], "--steps applies to rewrite walks, not to eq"),
        (["--theory", "calculus", "--kinds", "linear"], "--kinds applies to equations, not to"),
        (
            ["--theory", "field", "--distractions", "3", "--bound-budget", "9"],
            "--distractions applies to equations, not to rewrite walks; leave it out",
        ),
        (
            ["--theory", "calculus", "--steps", "3", "--bound-budget", "9"],
            "--steps, --bound-budget apply to rewrite walks, not to calculus problems",
        ),
    ],
)
def test_cli_refuses_options_that_do_not_apply(
    extra: list[str],
    message: str,
    kernel_cache: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "o"
    args = ["generate", *extra, "--count", "3", "--out", str(out), "--cache-dir", str(kernel_cache)]
    assert main([*args, "--quiet"]) == 2
    assert message in capsys.readouterr().err
    assert not (out / "theorems.jsonl").exists()


# --- systems of two equations, and a second solution --------------------------------------------


def test_systems_are_solved_by_elimination_and_proven_both_ways(
    rules: RuleSet, theory: Theory, kernel: Kernel, tmp_path: Path
) -> None:
    from rpsdg_formal.families.system import draw_system

    problems = [p for i in range(12) if (p := draw_system(rules, theorem_rng(3, i))) is not None]
    assert len(problems) >= 6
    theorems = []
    for k, problem in enumerate(problems[:6]):
        assert sympy_agrees(problem, theory.signature) is None
        assert len(problem.equations) == 2 and problem.unknowns == ("x", "y")
        candidate = equation_candidate(f"sys_{k}", k, problem, theory, {})
        solving, converse = (p.lean for p in candidate.proofs)
        a, b = (_k(value, theory) for _, value in problem.answers)
        assert solving.statement.endswith(f"→ And (Eq x {a}) (Eq y {b})")
        assert converse.statement.startswith(f"∀ (x y : R), Eq x {a} → Eq y {b} → And ")
        theorems += [solving, converse]
    # the same solving certificate claiming another value of y is rejected
    wrong = dataclasses.replace(theorems[0], name="sys_wrong")
    a, b = (_k(value, theory) for _, value in problems[0].answers)
    other = _k(problems[0].answers[1][1] + 1, theory)
    wrong = dataclasses.replace(
        wrong, statement=wrong.statement.replace(f"(Eq y {b})", f"(Eq y {other})")
    )
    verdicts = _check(kernel, [*theorems, wrong], tmp_path / "systems.lean")
    assert all(isinstance(verdicts[t.name], Accepted) for t in theorems)
    assert isinstance(verdicts["sys_wrong"], Rejected)


def test_cli_systems_and_second_solutions_round_trip(
    tmp_path: Path, equation_cache: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    systems, pairs = tmp_path / "systems", tmp_path / "pairs"
    common = ["--theory", "equation", "--cache-dir", str(equation_cache), "--quiet"]
    argv = ["generate", *common, "--family", "equation-system", "--count", "12"]
    assert main([*argv, "--out", str(systems)]) == 0
    assert main(["generate", *common, "--count", "20", "--proofs", "2", "--out", str(pairs)]) == 0
    records = _records(systems)
    assert len(records) == 12
    x, y = sympy.symbols("x y")
    for record in records:
        assert record["family"] == "equation-system" and set(record["solution"]) == {"x", "y"}
        eqs = [sympy.Eq(sympy.sympify(lhs), sympy.sympify(rhs)) for lhs, rhs in record["equations"]]
        assert sympy.solve(eqs, [x, y], dict=True) == [
            {x: sympy.Integer(record["solution"]["x"]), y: sympy.Integer(record["solution"]["y"])}
        ]
    with_second = [r for r in _records(pairs) if r["proofs"]]
    assert with_second, "--proofs 2 should keep some second solutions"
    for record in with_second:
        assert record["proofs"][0]["steps"][-1]["after"] == ["x", record["solution"]["x"]]
        assert record["proofs"][0]["steps"] != record["steps"]
    for folder in (systems, pairs):
        assert main(["check", str(folder), "--cache-dir", str(equation_cache), "--quiet"]) == 0
    capsys.readouterr()
    records[0]["system"][0][1] = str(int(records[0]["system"][0][1]) + 1)
    _write_records(systems, records)
    assert main(["check", str(systems), "--cache-dir", str(equation_cache), "--quiet"]) == 1
    assert f"REJECTED {records[0]['id']}" in capsys.readouterr().out


# --- equations as a textbook prints them (issue 19) ---------------------------------------------


def test_drawn_equations_have_no_textbook_artifact(rules: RuleSet, walk_index: RuleIndex) -> None:
    """Neither side of 150 drawn equations has an identity element, numeral arithmetic, like
    terms, a sign game or a coefficient after its factor (`terms.artifacts.TEXTBOOK`)."""
    sig = rules.theory.signature
    found = [
        f"{to_human(side, sig)}: {sorted(artifact_kinds(side, sig))}"
        for _, problem in _draws(rules, walk_index, 21, 150)
        for side in problem.equation
        if not is_textbook(side, sig, TEXTBOOK)
    ]
    assert found == []


def test_disguise_steps_say_what_they_rewrite(rules: RuleSet, walk_index: RuleIndex) -> None:
    sig = rules.theory.signature
    notes = [
        item.note
        for _, problem in _draws(rules, walk_index, 3, 30)
        for item in problem.solution
        if item.note.startswith("rewrite the left side")
    ]
    assert notes, "no disguise in 30 problems"
    for note in notes:
        rule, _, change = note.removeprefix("rewrite the left side (").partition("): ")
        before, _, after = change.partition(" = ")
        assert rule in {r.name for r in rules.rules}, note
        assert parse_expr(before, sig) is not parse_expr(after, sig), note


def test_cli_check_accepts_records_with_the_old_wording(
    equation_run: Path, equation_cache: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Records made before issue 19 said `rewrite the left side back (rule)`; check still
    accepts that wording (and nothing else changed in the record schema)."""
    folder = tmp_path / "old-wording"
    folder.mkdir()
    (folder / "run.json").write_text((equation_run / "run.json").read_text())
    records = _records(equation_run)
    changed = 0
    for record in records:
        rows = (*record["steps"], *record["converse"]["steps"], *record["solution_steps"])
        for row in rows:
            if row["do"].startswith("rewrite the left side ("):
                rule = row["do"].removeprefix("rewrite the left side (").partition(")")[0]
                row["do"] = f"rewrite the left side back ({rule})"
                changed += 1
    assert changed
    _write_records(folder, records)
    assert main(["check", str(folder), "--cache-dir", str(equation_cache), "--quiet"]) == 0
    assert "40/40 theorems accepted" in capsys.readouterr().out
