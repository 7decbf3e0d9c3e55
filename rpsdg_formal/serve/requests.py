"""`POST /verify` bodies validated into proofs: a tactic proof (run through `ProofEnv`) or a
kernel-syntax proof (checked against the term whitelist). Anything else is a RequestError
(400 for shapes, 422 for values) naming the field and what to send instead. Runs no Lean.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from rpsdg_formal.env.environment import EnvError, KernelChecker, ProofEnv
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.serve.config import (
    MAX_ID_CHARS,
    MAX_STATEMENT_CHARS,
    MAX_VARIABLES,
    Json,
    ServiceConfig,
    bad_request,
    unprocessable,
)
from rpsdg_formal.serve.whitelist import (
    BANNED_WORDS,
    HaveSpan,
    KernelSyntaxError,
    TheoryNames,
    parse_kernel_term,
)
from rpsdg_formal.theory.rules import RuleSet


@dataclass(frozen=True)
class TacticProof:
    """A proof as tactics in the rendering of the exports, run through `ProofEnv`: of the
    goal `statement`, from `hypotheses` when it reasons forward (equations, systems)."""

    index: int
    id: str | None
    statement: str
    variables: tuple[str, ...] | None
    tactics: tuple[str, ...]
    hypotheses: tuple[str, ...] = ()


@dataclass(frozen=True)
class KernelProof:
    """A proof in kernel syntax, validated, as the theorem that will be checked."""

    index: int
    id: str | None
    theorem: LeanTheorem
    haves: tuple[HaveSpan, ...]


Proof = TacticProof | KernelProof


@dataclass(frozen=True)
class VerifyRequest:
    """A validated `POST /verify` body."""

    theory: str
    proofs: tuple[Proof, ...]


_TACTIC_KEYS = frozenset({"id", "statement", "variables", "tactics"})
_FORWARD_KEYS = frozenset({"id", "hypotheses", "goal", "variables", "tactics"})
_KERNEL_KEYS = frozenset({"id", "lean_statement", "lean_proof"})
_HOW = (
    "each proof is either {statement, tactics, optional variables, optional id} (tactic "
    "rendering), {hypotheses, goal, tactics, optional variables, optional id} (a forward "
    "proof of an equation or system) or {lean_statement, lean_proof, optional id} (kernel syntax)"
)


def decode_json(body: bytes) -> object:
    """The JSON value of a request body; raises RequestError (400) saying what is wrong."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as err:
        raise bad_request(
            f"the body is not UTF-8 (byte {err.start}); send JSON encoded as UTF-8"
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise bad_request(
            f"the body is not valid JSON: {err.msg} at line {err.lineno}, column {err.colno}"
        ) from None
    except RecursionError:
        raise bad_request("the JSON body is nested too deeply") from None
    except ValueError as err:
        raise bad_request(f"the body is not valid JSON: {err}") from None


def _field(where: str, value: object, kind: type, what: str) -> Any:
    if not isinstance(value, kind) or isinstance(value, bool) != (kind is bool):
        raise bad_request(f"{where} must be {what}, got {_json_type(value)}")
    return value


def _json_type(value: object) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean"}
    if value is None:
        return "null"
    for kind, name in names.items():
        if isinstance(value, kind):
            return name
    return "a number" if isinstance(value, int | float) else type(value).__name__


def _proof_id(where: str, entry: Mapping[str, object]) -> str | None:
    if entry.get("id") is None:
        return None
    value = _field(f"{where}.id", entry["id"], str, "a string")
    if len(value) > MAX_ID_CHARS:
        raise unprocessable(f"{where}.id is longer than {MAX_ID_CHARS} characters")
    return str(value)


def _keys(
    where: str, entry: Mapping[str, object], allowed: frozenset[str], needed: Sequence[str]
) -> None:
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise bad_request(f"{where} has unknown field(s) {unknown}; {_HOW}")
    missing = [k for k in needed if k not in entry]
    if missing:
        raise bad_request(f"{where} misses the field(s) {missing}; {_HOW}")


def parse_tactic_proof(
    where: str, index: int, entry: Mapping[str, object], config: ServiceConfig
) -> TacticProof:
    """A tactic proof from its JSON object; raises RequestError (400 for shapes, 422 for
    values such as a non-string tactic or too many tactics)."""
    forward = "hypotheses" in entry or "goal" in entry
    if forward:
        _keys(where, entry, _FORWARD_KEYS, ("hypotheses", "goal", "tactics"))
    else:
        _keys(where, entry, _TACTIC_KEYS, ("statement", "tactics"))
    key = "goal" if forward else "statement"
    statement = _statement(f"{where}.{key}", entry[key])
    hypotheses: tuple[str, ...] = ()
    if forward:
        given = _field(f"{where}.hypotheses", entry["hypotheses"], list, "an array of equations")
        if not given or len(given) > MAX_VARIABLES:
            raise unprocessable(f"{where}.hypotheses must hold 1 to {MAX_VARIABLES} equations")
        hypotheses = tuple(_statement(f"{where}.hypotheses[{k}]", h) for k, h in enumerate(given))
    variables: tuple[str, ...] | None = None
    if entry.get("variables") is not None:
        names = _field(f"{where}.variables", entry["variables"], list, "an array of names")
        if not all(isinstance(n, str) for n in names):
            raise bad_request(f"{where}.variables must hold strings only (variable names)")
        if len(names) > MAX_VARIABLES:
            raise unprocessable(f"{where}.variables has more than {MAX_VARIABLES} names")
        variables = tuple(names)
    tactics = _field(f"{where}.tactics", entry["tactics"], list, "an array of tactic strings")
    if not tactics:
        raise unprocessable(f"{where}.tactics is empty; give at least one tactic")
    if len(tactics) > config.max_tactics:
        raise unprocessable(
            f"{where} has {len(tactics)} tactics, more than the limit of {config.max_tactics}; "
            "split the proof or raise max_tactics"
        )
    for k, tactic in enumerate(tactics):
        if not isinstance(tactic, str):
            raise unprocessable(
                f'{where}.tactics[{k}] must be a string such as "rw [mul_comm x y]", '
                f"got {_json_type(tactic)}"
            )
    proof_id = _proof_id(where, entry)
    return TacticProof(index, proof_id, statement, variables, tuple(tactics), hypotheses)


def _statement(where: str, value: object) -> str:
    """An equation string `lhs = rhs` within the length limit; RequestError otherwise."""
    text = _field(where, value, str, "a string `lhs = rhs`")
    if len(text) > MAX_STATEMENT_CHARS:
        raise unprocessable(f"{where} is longer than {MAX_STATEMENT_CHARS} characters")
    return str(text)


def parse_kernel_proof(
    where: str, index: int, entry: Mapping[str, object], names: TheoryNames
) -> KernelProof:
    """A kernel-syntax proof from its JSON object, checked against the whitelist; raises
    RequestError (400 for shapes, 422 naming the offending token and its position)."""
    _keys(where, entry, _KERNEL_KEYS, ("lean_statement", "lean_proof"))
    statement = _field(f"{where}.lean_statement", entry["lean_statement"], str, "a string")
    proof = _field(f"{where}.lean_proof", entry["lean_proof"], str, "a string")
    name = f"submitted_{index}"
    try:
        parse_kernel_term(statement, names, len(f"theorem {name} : "))
    except KernelSyntaxError as err:
        raise unprocessable(f"{where}.lean_statement: {err}") from None
    try:
        haves = parse_kernel_term(proof, names, 2)
    except KernelSyntaxError as err:
        raise unprocessable(f"{where}.lean_proof: {err}") from None
    return KernelProof(index, _proof_id(where, entry), LeanTheorem(name, statement, proof), haves)


def parse_verify(
    payload: object, config: ServiceConfig, names: Mapping[str, TheoryNames]
) -> VerifyRequest:
    """A validated `POST /verify` request; raises RequestError (400 or 422) for anything else."""
    body = _field("the body", payload, dict, "a JSON object {theory, proofs}")
    unknown = sorted(set(body) - {"theory", "proofs"})
    if unknown:
        raise bad_request(f"unknown field(s) {unknown}; a request is {{theory, proofs}}")
    for key in ("theory", "proofs"):
        if key not in body:
            raise bad_request(f"the request misses `{key}`; a request is {{theory, proofs}}")
    theory = _field("theory", body["theory"], str, "a theory name")
    if theory not in names:
        raise unprocessable(f"unknown theory {theory[:100]!r}; known: {', '.join(sorted(names))}")
    entries = _field("proofs", body["proofs"], list, "an array of proofs")
    if not entries:
        raise unprocessable("proofs is empty; send at least one proof")
    if len(entries) > config.max_proofs:
        raise unprocessable(
            f"{len(entries)} proofs in one request, more than the limit of {config.max_proofs}; "
            "split them over several requests"
        )
    proofs: list[Proof] = []
    for index, entry in enumerate(entries):
        where = f"proofs[{index}]"
        item = _field(where, entry, dict, "an object")
        if {"tactics", "statement", "hypotheses", "goal"} & set(item):
            proofs.append(parse_tactic_proof(where, index, item, config))
        elif "lean_proof" in item or "lean_statement" in item:
            proofs.append(parse_kernel_proof(where, index, item, names[theory]))
        else:
            raise bad_request(f"{where}: {_HOW}")
    return VerifyRequest(theory, tuple(proofs))


def start_env(proof: TacticProof, rules: RuleSet, checker: KernelChecker) -> ProofEnv:
    """A `ProofEnv` at the start of `proof`, its variables checked as safe Lean names; raises
    RequestError (422) for a statement the theory cannot read. Runs no Lean."""
    where = f"proofs[{proof.index}]"
    env = ProofEnv(rules, checker)
    theorem: Json = {"statement": proof.statement}
    if proof.hypotheses:
        theorem = {"hypotheses": list(proof.hypotheses), "goal": proof.statement}
    if proof.variables is not None:
        if len(set(proof.variables)) != len(proof.variables):
            raise unprocessable(f"{where}.variables repeats a name")
        theorem["variables"] = list(proof.variables)
    try:
        env.reset(theorem)  # also refuses names that clash with the theory or the proofs
    except EnvError as err:
        raise unprocessable(f"{where}.{_shown(proof)}: {err}") from None
    except RecursionError:
        raise unprocessable(f"{where}.{_shown(proof)} is nested too deeply") from None
    clashes = [n for n in env.context.binders if n in BANNED_WORDS]
    if clashes:
        raise unprocessable(
            f"{where}: variable {clashes[0]!r} is a Lean keyword; rename it (e.g. x, y, z)"
        )
    return env


def _shown(proof: TacticProof) -> str:
    """The field a tactic proof's problem came from, for messages."""
    return "hypotheses/goal" if proof.hypotheses else "statement"
