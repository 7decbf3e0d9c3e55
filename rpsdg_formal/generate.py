"""The generation pipeline: walk → emit → check (kernel, batched) → write records.

While Lean checks one batch, the next batch is walked and emitted, so Python and the kernel run
side by side. Records are appended a whole batch at a time and flushed, so an interrupted run
leaves only complete lines; the Lean file of every batch is kept beside them.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from . import checkpoint
from .calculus import (
    CalculusConfig,
    check_signature,
    crosscheck,
    draw_problem,
    problem_fields,
    unusable,
)
from .check import Accepted, Kernel, PendingCheck, Rejected, Verdict, start_check
from .derive import Engine
from .emit import SideConditionError, batch_file
from .equation import EquationConfig, sympy_agrees
from .equation import draw_problem as draw_problem_equation
from .equation import problem_fields as equation_fields
from .equation_records import EquationCandidate, equation_candidate, equation_record
from .errors import ConfigError, OutputError, RewriteError
from .expr import app, statement_key
from .jsonl import read_jsonl
from .parse import parse_expr
from .progress import Progress
from .records import Candidate, make_candidate, theorem_record
from .rewrite import RuleIndex
from .rules import RuleSet
from .select import SelectConfig, quotas, select_theorem
from .system import draw_system
from .theory import Theory
from .walk import WalkConfig, draw_walk, theorem_rng


@dataclass(frozen=True)
class GenerateConfig:
    """What to generate and where."""

    count: int
    seed: int
    out: Path
    walk: WalkConfig = field(default_factory=WalkConfig)
    select: SelectConfig = field(default_factory=SelectConfig)
    batch_size: int = 250
    force: bool = False
    exclude: frozenset[bytes] = frozenset()  # statement keys (expr.statement_key) not to repeat
    calculus: CalculusConfig | None = None  # integration problems instead of rewrite walks
    equation: EquationConfig | None = None  # equations to solve instead of rewrite walks

    def __post_init__(self) -> None:
        if self.count < 1:
            raise ConfigError(f"--count must be at least 1, got {self.count}")
        if self.batch_size < 1:
            raise ConfigError(f"--batch-size must be at least 1, got {self.batch_size}")
        if self.seed < 0:
            raise ConfigError(f"--seed must be a natural number, got {self.seed}")


@dataclass(frozen=True)
class GenerateSummary:
    """What a run produced."""

    accepted: int
    rejected: int
    batches: int
    out: Path
    disagreements: int = 0  # theorems SymPy contradicts (an unsound rule set): not exported
    refused: int = 0  # steps with a side condition nothing proves (a divisor that can be 0)
    resumed_after: int = 0  # theorems an interrupted run had already written


def prepare_output(out: Path, force: bool, resume: bool = False) -> None:
    """Create `out` and `out/lean`, refusing to overwrite an earlier run unless `force`; with
    `resume`, keep what an interrupted run of the same command wrote."""
    try:
        (out / "lean").mkdir(parents=True, exist_ok=True)
        if resume:
            return
        if (out / "theorems.jsonl").exists():
            if not force:
                raise OutputError(
                    f"{out / 'theorems.jsonl'} already exists; choose another --out or pass --force"
                )
            for stale in (out / "lean").glob("batch_*.lean"):
                stale.unlink()
        for name in ("theorems.jsonl", "rejected.jsonl"):
            (out / name).write_text("", encoding="utf-8")
    except OSError as err:
        raise OutputError(f"cannot write to --out {out}: {err.strerror or err}") from err


def _family(config: GenerateConfig) -> str:
    if config.calculus is not None:
        return config.calculus.family
    return config.equation.family if config.equation is not None else "rewrite"


def manifest(config: GenerateConfig, rules: RuleSet, kernel: Kernel) -> dict[str, Any]:
    """What produces this folder: `check` finds the rule file in it, and a run is resumed
    only by the same command (`config` hashes every setting but --out and --force)."""
    settings = dataclasses.replace(config, out=Path("."), force=False, exclude=frozenset())
    key = hashlib.sha256(repr(settings).encode())
    for item in sorted(config.exclude):
        key.update(item)
    return {
        "theory": rules.theory.name,
        "rules": str(rules.path.resolve()),
        "seed": config.seed,
        "count": config.count,
        "steps": config.walk.steps,
        "max_size": config.walk.max_size,
        "family": _family(config),
        "batch_size": config.batch_size,
        "lean_version": kernel.version,
        "theory_source_hash": rules.theory.source_hash(),
        "config": key.hexdigest()[:16],
    }


def write_manifest(out: Path, content: dict[str, Any]) -> None:
    """`out/run.json`."""
    text = json.dumps(content, indent=2) + "\n"
    try:
        (out / "run.json").write_text(text, encoding="utf-8")
    except OSError as err:
        raise OutputError(f"cannot write {out / 'run.json'}: {err.strerror or err}") from err


def _resumable(out: Path, content: dict[str, Any]) -> checkpoint.Checkpoint | None:
    """The checkpoint of an interrupted run of the same command in `out`, or None."""
    try:
        previous = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return checkpoint.load(out) if previous == content else None


def _calculus_candidates(
    rules: RuleSet, config: GenerateConfig, errors: list[dict[str, Any]]
) -> Iterator[Candidate]:
    """Integration problems in a fixed order determined by the seed, distinct from every
    earlier one. A theorem SymPy contradicts is appended to `errors` instead."""
    assert config.calculus is not None
    engine = Engine.from_rules(rules)
    check_signature(engine, config.calculus)
    family = config.calculus.family
    seen: set[bytes] = set(config.exclude)
    i = 0
    while True:
        problem = draw_problem(engine, config.calculus, theorem_rng(config.seed, i))
        name = f"{rules.theory.name}_s{config.seed}_n{i}"
        i += 1
        if problem is not None and unusable(problem, engine) is None:
            key = statement_key(problem.start, problem.integrand)
            if key not in seen:
                seen.add(key)
                wrong = crosscheck(problem.antiderivative, problem.integrand, engine)
                if wrong is not None:
                    errors.append({"id": name, "reason": "sympy-disagrees", "messages": [wrong]})
                else:
                    fields = problem_fields(problem, engine, family)
                    yield make_candidate(
                        name, i - 1, problem.start, [problem.steps], rules.theory, extra=fields
                    )
        made = len(seen) - len(config.exclude)
        if i > 1000 + 1000 * (made + 1):
            raise ConfigError(
                f"{i} draws gave only {made} new distinct problems; raise the operator counts"
            )


def _equation_candidates(
    rules: RuleSet, config: GenerateConfig, errors: list[dict[str, Any]]
) -> Iterator[EquationCandidate]:
    """Equations in a fixed order determined by the seed, distinct from every earlier one up to
    renaming and swapping sides. SymPy disagreeing, or a side condition nothing proves, puts a
    row in `errors` instead (neither happens with the shipped rules)."""
    assert config.equation is not None
    index = RuleIndex.build(r for r in rules.rules if not r.introduces)
    seen: set[bytes] = set(config.exclude)
    sig = rules.theory.signature
    i = 0
    while True:
        rng = theorem_rng(config.seed, i)
        problem = (
            draw_system(rules, rng, max_answer=config.equation.max_answer)
            if config.equation.family == "equation-system"
            else draw_problem_equation(rules, index, config.equation, rng)
        )
        name = f"{rules.theory.name}_s{config.seed}_n{i}"
        i += 1
        if problem is not None:
            sides = [app("system", lhs, rhs) for lhs, rhs in problem.equations]
            key = statement_key(*problem.equation) if len(sides) == 1 else statement_key(*sides)
            if key not in seen:
                seen.add(key)
                wrong = sympy_agrees(problem, sig)
                try:
                    if wrong is not None:
                        raise RewriteError(wrong)
                    fields = equation_fields(problem, sig)
                    yield equation_candidate(name, i - 1, problem, rules.theory, fields)
                except RewriteError as err:
                    reason = (
                        "side-condition"
                        if isinstance(err, SideConditionError)
                        else "sympy-disagrees"
                    )
                    errors.append({"id": name, "reason": reason, "messages": [str(err)]})
        made = len(seen) - len(config.exclude)
        if i > 1000 + 1000 * (made + 1):
            raise ConfigError(
                f"{i} draws gave only {made} new distinct equations; allow more operations"
            )


def _candidates(rules: RuleSet, config: GenerateConfig) -> Iterator[Candidate]:
    """Candidate theorems in a fixed order determined by the seed: each from one walk's graph,
    distinct from every earlier one up to renaming variables and swapping sides."""
    index = RuleIndex.build(rules.rules)
    seen: set[bytes] = set(config.exclude)
    histogram = config.select.histogram
    room = quotas(histogram, config.count) if histogram else None
    i = 0
    while True:
        walk = draw_walk(config.walk, index, theorem_rng(config.seed, i))
        selected = select_theorem(walk, index, config.select)
        if selected is not None:
            key = statement_key(selected.start, selected.proofs[0][-1].after)
            bucket = selected.bound.value
            if key not in seen and (room is None or room[bucket] > 0):
                seen.add(key)
                if room is not None:
                    room[bucket] -= 1
                name = f"{rules.theory.name}_s{config.seed}_n{i}"
                yield make_candidate(
                    name, i, selected.start, selected.proofs, rules.theory, selected.bound
                )
        i += 1
        made = len(seen) - len(config.exclude)
        if i > 1000 + 1000 * (made + 1):
            raise ConfigError(
                f"{i} walks gave only {made} new distinct theorems in the requested difficulty; "
                "widen --difficulty, raise --steps or --max-size"
            )


def statements_of(folder: Path, rules: RuleSet) -> frozenset[bytes]:
    """The canonical statements (up to renaming and swapping sides) of an earlier dataset, so a
    new run can avoid them. Raises OutputError naming the file and line of a bad record."""
    path = folder / "theorems.jsonl"
    keys: set[bytes] = set()
    for number, record in read_jsonl(path):
        try:
            start = parse_expr(record["start"], rules.theory.signature)
            end = parse_expr(record["end"], rules.theory.signature)
        except (ValueError, KeyError, TypeError) as err:
            raise OutputError(f"{path}:{number}: not a theorem record ({err})") from err
        keys.add(statement_key(start, end))
    return frozenset(keys)


def _append(stream: TextIO, rows: list[dict[str, Any]]) -> None:
    if rows:
        stream.write("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        stream.flush()
        os.fsync(stream.fileno())


def _rejected_row(name: str, verdict: Rejected, lean_file: str) -> dict[str, Any]:
    return {
        "id": name,
        "reason": verdict.reason,
        "messages": list(verdict.messages),
        "lean_file": lean_file,
    }


def _judge(
    items: list[Candidate | EquationCandidate],
    verdicts: dict[str, Verdict],
    room: int,
    theory: Theory,
    lean_version: str,
    lean_file: str,
    seed: int,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Records of the theorems whose primary proof the kernel accepted (at most `room`), with
    their accepted alternative proofs; and a row for every rejected proof."""
    ok_rows: list[dict[str, Any]] = []
    bad_rows: list[dict[str, Any]] = []
    for candidate in items:
        if isinstance(candidate, EquationCandidate):
            judged = [verdicts[p.lean.name] for p in candidate.proofs]
            bad_rows += [
                _rejected_row(p.lean.name, v, lean_file)
                for p, v in zip(candidate.proofs, judged, strict=True)
                if isinstance(v, Rejected)
            ]
            if all(isinstance(v, Accepted) for v in judged) and len(ok_rows) < room:
                axioms = sorted({a for v in judged if isinstance(v, Accepted) for a in v.axioms})
                ok_rows.append(
                    equation_record(candidate, theory, axioms, lean_version, lean_file, seed)
                )
            continue
        for proof in candidate.proofs:
            verdict = verdicts[proof.lean.name]
            if isinstance(verdict, Rejected):
                bad_rows.append(_rejected_row(proof.lean.name, verdict, lean_file))
        primary = verdicts[candidate.lean.name]
        if isinstance(primary, Accepted) and len(ok_rows) < room:
            alternatives = [
                p for p in candidate.proofs[1:] if isinstance(verdicts[p.lean.name], Accepted)
            ]
            ok_rows.append(
                theorem_record(
                    candidate, theory, primary.axioms, lean_version, lean_file, seed, alternatives
                )
            )
    return ok_rows, bad_rows


def generate(
    rules: RuleSet, config: GenerateConfig, kernel: Kernel, show_progress: bool = True
) -> GenerateSummary:
    """Generate `config.count` kernel-verified theorems into `config.out`.

    The caller vouches for the rule set: the CLI calls `audit.require_audit` first, and so
    should any other caller (a kernel-checked proof from a false axiom proves a false theorem).

    Batch k+1 is walked and emitted while Lean checks batch k. Rejected theorems (which a sound,
    audited rule set never produces) go to `rejected.jsonl` with Lean's messages.
    """
    content = manifest(config, rules, kernel)
    resume = None if config.force else _resumable(config.out, content)
    prepare_output(config.out, config.force, resume is not None)
    write_manifest(config.out, content)
    start = resume or checkpoint.Checkpoint()
    if resume is None:
        checkpoint.save(config.out, start)
    checkpoint.truncate(config.out / "theorems.jsonl", start.good_bytes)
    checkpoint.truncate(config.out / "rejected.jsonl", start.bad_bytes)
    theory = rules.theory
    errors: list[dict[str, Any]] = []
    disagreements, refused = start.disagreements, start.refused
    source: Iterator[Candidate | EquationCandidate]
    if config.calculus is not None:
        source = _calculus_candidates(rules, config, errors)
    elif config.equation is not None:
        source = _equation_candidates(rules, config, errors)
    else:
        source = _candidates(rules, config)
    for _ in range(start.consumed):  # regenerate what the interrupted run already used
        _next(source)
    errors.clear()
    consumed = start.consumed
    first_size = start.next_size
    progress = Progress(config.count, "verified", show_progress)
    accepted, rejected, batches, in_flight = start.accepted, start.rejected, start.batches, 0
    pending: tuple[PendingCheck, list[Candidate | EquationCandidate]] | None = None
    with (
        open(config.out / "theorems.jsonl", "a", encoding="utf-8") as good,
        open(config.out / "rejected.jsonl", "a", encoding="utf-8") as bad,
    ):
        try:
            while True:
                wanted = min(config.batch_size, config.count - accepted - in_flight)
                if first_size is not None:
                    wanted, first_size = first_size, None
                upcoming: list[Candidate | EquationCandidate] = [
                    _next(source) for _ in range(max(0, wanted))
                ]
                consumed += len(upcoming)
                if pending is None and not upcoming:
                    break
                if pending is not None:
                    check, items = pending
                    lean_file = f"lean/{check.path.name}"
                    verdicts = dict(zip(check.batch.names, check.wait(), strict=True))
                    ok_rows, bad_rows = _judge(
                        items,
                        verdicts,
                        config.count - accepted,
                        theory,
                        kernel.version,
                        lean_file,
                        config.seed,
                    )
                    _append(good, ok_rows)
                    _append(bad, bad_rows)
                    accepted += len(ok_rows)
                    rejected += len(bad_rows)
                    in_flight -= len(items)
                    progress.update(accepted, f", {rejected} rejected" if rejected else "")
                    pending = None
                    checkpoint.save(
                        config.out,
                        checkpoint.Checkpoint(
                            batches,
                            consumed - len(upcoming),
                            len(upcoming),
                            accepted,
                            rejected,
                            disagreements,
                            refused,
                            (config.out / "theorems.jsonl").stat().st_size,
                            (config.out / "rejected.jsonl").stat().st_size,
                        ),
                    )
                    if rejected > max(100, config.count):
                        raise ConfigError(
                            f"the kernel rejected {rejected} theorems; is the rule set sound? "
                            f"See {config.out / 'rejected.jsonl'}"
                        )
                if errors:
                    _append(bad, errors)
                    disagreements += sum(e["reason"] == "sympy-disagrees" for e in errors)
                    refused += sum(e["reason"] == "side-condition" for e in errors)
                    errors.clear()
                if upcoming:
                    path = config.out / "lean" / f"batch_{batches:05d}.lean"
                    leans = [p.lean for c in upcoming for p in c.proofs]
                    check = start_check(kernel, batch_file(theory, leans), path)
                    pending = (check, upcoming)
                    in_flight += len(upcoming)
                    batches += 1
        finally:
            if pending is not None:
                pending[0].kill()
            progress.close()
    return GenerateSummary(
        accepted, rejected, batches, config.out, disagreements, refused, start.accepted
    )


def _next(source: Iterator[Candidate | EquationCandidate]) -> Candidate | EquationCandidate:
    return next(source)
