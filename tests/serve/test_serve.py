"""The HTTP verification service: real proofs accepted, wrong and incomplete ones rejected with
the failing step, hostile kernel terms refused before Lean sees them, client mistakes answered
with 4xx JSON, concurrent requests answered correctly, a Lean crash survived (real kernel)."""

from __future__ import annotations

import dataclasses
import http.client
import json
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from rpsdg_formal.cli.main import main
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel import KernelConfig, LeanRunner
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.serve.http import ServiceServer, make_server, prepare_theories
from rpsdg_formal.serve.service import ServiceConfig
from rpsdg_formal.serve.whitelist import (
    KernelSyntaxError,
    constructors,
    parse_kernel_term,
    theory_names,
)
from rpsdg_formal.tactics.render import record_traces
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import RuleSet

Answer = tuple[int, dict[str, Any]]


class Client:
    """A tiny JSON client for one running server."""

    def __init__(self, server: ServiceServer) -> None:
        self.server = server
        self.port = server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def call(self, path: str, payload: object = None, method: str | None = None) -> Answer:
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        return self.raw(path, data, method)

    def raw(self, path: str, data: bytes | None, method: str | None = None) -> Answer:
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read())

    def verify(self, *proofs: dict[str, Any], theory: str = "field") -> Answer:
        return self.call("/verify", {"theory": theory, "proofs": list(proofs)})


def _serving(server: ServiceServer) -> Iterator[Client]:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Client(server)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


@pytest.fixture(scope="module")
def client(field_rules: RuleSet, field_kernel: Kernel) -> Iterator[Client]:
    config = ServiceConfig(port=0, workers=2)
    server = make_server(config, {"field": field_rules}, {"field": field_kernel}, log=_quiet)
    yield from _serving(server)


def _quiet(line: str) -> None:
    del line


@pytest.fixture(scope="module")
def record(field_run: Path, field_rules: RuleSet) -> dict[str, Any]:
    """The first theorem of the shared generated field run, with its traced tactics."""
    out = field_run
    first = json.loads((out / "theorems.jsonl").read_text(encoding="utf-8").splitlines()[0])
    first["tactics"] = [step.tactic for step in record_traces(first, field_rules)[0]]
    assert len(first["tactics"]) >= 2
    return dict(first)


def _tactic_proof(record: dict[str, Any], tactics: list[str], id_: str = "p") -> dict[str, Any]:
    return {
        "id": id_,
        "statement": record["statement"],
        "variables": record["variables"],
        "tactics": tactics,
    }


# --- the whitelist, no Lean -------------------------------------------------------------------


def test_kernel_whitelist_accepts_generated_shapes_and_names_offenders(
    field_rules: RuleSet,
) -> None:
    names = theory_names(field_rules.theory)
    assert names.resolves("Eq.refl") and names.resolves("congrArg₂") and names.resolves("add")
    spans = parse_kernel_term("fun x =>\n  have s1 := Eq.refl x\n  have s2 := s1\n  s2", names)
    assert [(s.first_line, s.last_line) for s in spans] == [(1, 1), (2, 2)]
    parse_kernel_term("∀ a b : R, Ne a zero → Eq (add a b) (add b a)", names)
    with pytest.raises(KernelSyntaxError) as err:
        parse_kernel_term("fun x =>\n  Eq.refl (evil x)", names)
    assert (err.value.line, err.value.column) == (2, 12) and "evil" in str(err.value)
    with pytest.raises(KernelSyntaxError, match="nested more than"):
        parse_kernel_term("(" * 200 + "zero" + ")" * 200, names)
    assert "RpsdgFormal.Eq.refl" in constructors(
        "namespace RpsdgFormal\ninductive Eq : Prop where\n  | refl : Eq\nend RpsdgFormal"
    )


@pytest.mark.kernel
def test_prepare_theories_keys_by_file_stem(kernel_cache: Path) -> None:
    config = KernelConfig(cache_dir=kernel_cache, threads=4)
    theories, kernels = prepare_theories([rules_path("field")], config)
    assert set(theories) == set(kernels) == {"field"}
    assert kernels["field"].config == KernelConfig(cache_dir=kernel_cache, sequential=True)


def test_config_is_validated() -> None:
    with pytest.raises(ConfigError, match="workers"):
        ServiceConfig(workers=0)
    with pytest.raises(ConfigError, match="port"):
        ServiceConfig(port=70000)


# --- endpoints ----------------------------------------------------------------------------------


@pytest.mark.kernel
def test_health_theories_and_openapi(client: Client) -> None:
    assert client.call("/health") == (200, {"status": "ok"})
    status, theories = client.call("/theories")
    assert status == 200
    (field,) = theories["theories"]
    assert field["name"] == "field" and field["carrier"] == "R"
    assert "mul_comm" in field["lemmas"] and "Eq.trans" in field["constants"]
    status, document = client.call("/openapi.json")
    assert status == 200 and document["openapi"].startswith("3.0")
    assert "/verify" in document["paths"] and "post" in document["paths"]["/verify"]
    assert {"/health", "/theories", "/openapi.json"} <= set(document["paths"])


@pytest.mark.kernel
def test_tactic_proofs_accepted_wrong_and_incomplete(
    client: Client, record: dict[str, Any]
) -> None:
    tactics = record["tactics"]
    wrong = 1
    broken = [*tactics[:wrong], "rw [no_such_lemma]", *tactics[wrong + 1 :]]
    status, answer = client.verify(
        _tactic_proof(record, tactics, "good"),
        _tactic_proof(record, broken, "wrong"),
        _tactic_proof(record, tactics[:-1], "short"),
        {"statement": "(x + y) * z = z * (x + y)", "tactics": ["rw [mul_comm z (y + x)]"]},
        {  # a false claim: Lean's own words come back
            "statement": "(x + y) * z = z * (x + y)",
            "tactics": ["rw [add_comm x y]; show (y + x) * z = z * (x + x)"],
        },
    )
    assert status == 200 and answer["theory"] == "field"
    good, bad, short, missing, false = answer["results"]
    assert good == {**good, "id": "good", "accepted": True, "failed_step": None, "message": ""}
    assert bad["id"] == "wrong" and not bad["accepted"] and bad["failed_step"] == wrong
    assert "no_such_lemma" in bad["message"]
    assert short["accepted"] is False and short["message"] == "goal not closed"
    assert short["failed_step"] == len(tactics) - 1
    assert missing["id"] is None and missing["failed_step"] == 0 and missing["message"]
    assert not false["accepted"] and false["failed_step"] == 0
    assert "mismatch" in false["message"]
    assert all(r["seconds"] >= 0 for r in answer["results"])


@pytest.mark.kernel
def test_kernel_syntax_proofs(client: Client, record: dict[str, Any]) -> None:
    statement, proof = record["lean_statement"], record["lean_proof"]
    broken = proof.replace("have s2 := ", "have s2 := Eq.symm ", 1)
    status, answer = client.verify(
        {"id": "record", "lean_statement": statement, "lean_proof": proof},
        {"lean_statement": statement, "lean_proof": broken},
        {
            "lean_statement": "∀ a b : R, Eq (add a b) (mul b a)",
            "lean_proof": "fun a b =>\n  add_comm a b",
        },
    )
    assert status == 200
    good, bad, false = answer["results"]
    assert good["accepted"] and good["id"] == "record" and good["failed_step"] is None
    assert not bad["accepted"] and bad["failed_step"] == 1 and bad["message"]
    assert not false["accepted"] and false["failed_step"] is None
    assert "mismatch" in false["message"] and "add_comm a b" in false["message"]


HOSTILE = [
    "sorry",
    "fun x => sorryAx",
    "#eval 1",
    "fun x => Eq.refl x\ntheorem evil : False := sorry",
    "fun x => Eq.refl x\naxiom evil : False",
    "fun x => unknown_constant x",
    "fun x => Eq.refl x -- comment",
    "/- comment -/ fun x => Eq.refl x",
    "fun x => by rfl",
    "fun x => @Eq.refl R x",
    "set_option maxHeartbeats 0 in fun x => Eq.refl x",
    "fun x => Eq.refl x\nend\nimport Foo",
    "fun elab => Eq.refl elab",
    "fun x => (Eq.refl x",
    "fun x => Eq.refl 0",
    "",
]


@pytest.mark.kernel
@pytest.mark.parametrize("proof", HOSTILE)
def test_hostile_kernel_terms_are_refused_before_lean(client: Client, proof: str) -> None:
    before = client.server.service.stats().theorems_checked
    status, answer = client.verify({"lean_statement": "∀ (x : R), Eq x x", "lean_proof": proof})
    assert status == 422, answer
    assert answer["error"].startswith("proofs[0].lean_proof: ")
    assert "line" in answer["error"] and "column" in answer["error"]
    assert client.server.service.stats().theorems_checked == before  # no Lean file written


@pytest.mark.kernel
def test_client_mistakes_are_4xx_json(client: Client, record: dict[str, Any]) -> None:
    good = _tactic_proof(record, record["tactics"])
    assert client.raw("/verify", b'{"theory": "field", "proofs": [')[0] == 400
    assert client.raw("/verify", b"\xff\xfe")[0] == 400
    assert client.call("/verify", ["field"])[0] == 400
    assert client.call("/verify", {"theory": "field"})[0] == 400
    assert client.call("/verify", {"theory": 3, "proofs": []})[0] == 400
    assert client.verify({**good, "tactics": "rw [mul_comm]"})[0] == 400
    assert client.verify({**good, "extra": 1})[0] == 400
    status, answer = client.verify(good, theory="nope")
    assert status == 422 and "field" in answer["error"]
    assert client.verify({**good, "tactics": ["rw [mul_comm x y]", 7]})[0] == 422
    assert client.verify({**good, "tactics": ["rw [mul_comm x y]"] * 65})[0] == 422
    assert client.verify(*[good] * 65)[0] == 422
    assert client.verify({**good, "statement": "x +* y"})[0] == 422
    assert client.verify({"statement": "sorry = sorry", "tactics": ["rw [mul_comm]"]})[0] == 422
    assert client.call("/nowhere")[0] == 404
    assert client.call("/verify")[0] == 405
    assert client.call("/health", {}, "POST")[0] == 405
    assert client.call("/health", None, "DELETE")[0] == 405
    status, answer = client.raw("/verify", b" " * ((1 << 20) + 1))
    assert status == 413 and "limit" in answer["error"]
    connection = http.client.HTTPConnection("127.0.0.1", client.port, timeout=30)
    connection.putrequest("POST", "/verify")
    connection.endheaders()
    response = connection.getresponse()
    assert response.status == 411 and "Content-Length" in json.loads(response.read())["error"]
    connection.close()
    assert client.call("/health") == (200, {"status": "ok"})


@pytest.mark.kernel
def test_concurrent_requests_are_all_answered(client: Client, record: dict[str, Any]) -> None:
    tactics = record["tactics"]

    def one(k: int) -> tuple[bool, bool]:
        status, answer = client.verify(
            _tactic_proof(record, tactics, f"good{k}"),
            _tactic_proof(record, tactics[:-1], f"short{k}"),
            {"lean_statement": record["lean_statement"], "lean_proof": record["lean_proof"]},
        )
        assert status == 200, answer
        good, short, kernel = answer["results"]
        assert good["id"] == f"good{k}" and short["id"] == f"short{k}"
        return good["accepted"] and kernel["accepted"], short["accepted"]

    with ThreadPoolExecutor(4) as pool:
        outcomes = list(pool.map(one, range(8)))
    assert outcomes == [(True, False)] * 8


@dataclasses.dataclass(frozen=True)
class _DyingLean(LeanRunner):
    """The real Lean, killed (SIGKILL) as soon as it is started: a Lean that dies, every time."""

    def start(self, args: Sequence[str], cwd: Path | None = None) -> subprocess.Popen[str]:
        process = super().start(args, cwd)
        process.kill()
        return process


@pytest.mark.kernel
def test_a_lean_that_dies_rejects_its_proofs_and_the_service_keeps_serving(
    field_rules: RuleSet, field_kernel: Kernel
) -> None:
    config = ServiceConfig(port=0, workers=1, queue_limit=0)
    # through `lean` for every check (the direct route's workers are not `lean` processes)
    dying = dataclasses.replace(
        field_kernel,
        runner=_DyingLean(**vars(field_kernel.runner)),
        config=dataclasses.replace(field_kernel.config, route="lean"),
    )
    server = make_server(config, {"field": field_rules}, {"field": dying}, log=_quiet)
    for client in _serving(server):
        for _ in range(2):
            status, answer = client.verify(
                {"lean_statement": "∀ (x : R), Eq x x", "lean_proof": "fun x => Eq.refl x"}
            )
            assert status == 200
            (result,) = answer["results"]
            assert not result["accepted"]
            assert result["message"].startswith("Lean could not check the proof: Lean exited")
            status, answer = client.verify(
                {"statement": "x * y = y * x", "tactics": ["rw [mul_comm x y]"]}
            )
            assert status == 200
            (result,) = answer["results"]
            assert not result["accepted"] and result["failed_step"] == 0
            assert result["message"].startswith("Lean could not check the step: Lean exited")
        assert client.call("/health") == (200, {"status": "ok"})
        with server.service.pool.slot():  # the only worker is taken and nobody may queue
            status, answer = client.verify({"statement": "x = x", "tactics": ["rw [mul_comm]"]})
            assert status == 503 and "busy" in answer["error"]
        assert server.service.stats().busy == 1 and server.service.stats().failures == 0


@pytest.mark.kernel
def test_a_request_out_of_lean_time_is_refused_never_accepted(
    field_rules: RuleSet, field_kernel: Kernel
) -> None:
    # 1 ms of Lean time per request, counted from before Lean is spawned: no Lean can start,
    # let alone check, in that time, so both true proofs must come back unchecked
    config = ServiceConfig(port=0, workers=1, request_timeout=0.001)
    lean = dataclasses.replace(
        field_kernel, config=dataclasses.replace(field_kernel.config, route="lean")
    )
    server = make_server(config, {"field": field_rules}, {"field": lean}, log=_quiet)
    unchecked = ("Lean could not check", "not checked: the request used up its 0.001 s")
    for client in _serving(server):
        for _ in range(3):
            status, answer = client.verify(
                {"lean_statement": "∀ (x : R), Eq x x", "lean_proof": "fun x => Eq.refl x"},
                {"statement": "x * y = y * x", "tactics": ["rw [mul_comm x y]"]},
            )
            assert status == 200
            for result in answer["results"]:
                assert not result["accepted"] and result["message"].startswith(unchecked)


@pytest.mark.kernel
def test_the_serve_command_answers_and_stops_on_ctrl_c(audited_cache: Path) -> None:
    import os
    import signal
    import socket
    import subprocess
    import sys

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "rpsdg_formal.cli", "serve", "--port", str(port),
               "--workers", "1", "--cache-dir", str(audited_cache)]  # fmt: skip
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    # Ctrl-C as a terminal delivers it: a suite started in the background of a non-interactive
    # shell inherits SIGINT ignored, and Python then never installs its handler
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        assert process.stdout is not None
        banner = process.stdout.readline()
        assert f"http://127.0.0.1:{port}/" in banner, banner + (process.stderr.read() or "")
        proof = {"statement": "x * y = y * x", "tactics": ["rw [mul_comm x y]"]}
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/verify",
            data=json.dumps({"theory": "field", "proofs": [proof]}).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert json.loads(response.read())["results"][0]["accepted"] is True
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0


@pytest.mark.kernel
def test_equation_system_records_own_proofs_verify(tmp_path: Path, kernel_cache: Path) -> None:
    """`And.intro` is a theorem of the logic, not the banned word `intro`: the service must
    accept the `lean_proof` of an equation-system record (it answered 422 before)."""
    root = Path(__file__).resolve().parents[2]
    equation = rules_path("equation")
    common = ["--cache-dir", str(kernel_cache), "--quiet"]
    assert main(["audit", str(equation), *common]) == 0
    out = tmp_path / "systems"
    argv = ["generate", "--theory", "equation", "--family", "equation-system", "--count", "2"]
    assert main([*argv, *common, "--out", str(out)]) == 0
    records = [json.loads(line) for line in (out / "theorems.jsonl").read_text().splitlines()]
    theories, kernels = prepare_theories([equation], KernelConfig(cache_dir=kernel_cache))
    server = make_server(ServiceConfig(port=0, workers=1), theories, kernels, log=_quiet)
    for client in _serving(server):
        fixture = root / "tests" / "fixtures" / "hostile" / "class8_system_proof.json"
        records.append(json.loads(fixture.read_text(encoding="utf-8")))  # issue 16 class 8
        proofs = [
            {"id": r["id"], "lean_statement": r["lean_statement"], "lean_proof": r["lean_proof"]}
            for r in records
        ]
        status, answer = client.verify(*proofs, theory="equation")
        assert status == 200, answer
        assert all("And.intro" in r["lean_proof"] for r in records)
        assert len(answer["results"]) == 3
        assert all(result["accepted"] for result in answer["results"]), answer
    names = theory_names(theories["equation"].theory)
    with pytest.raises(KernelSyntaxError, match="`intro` is a Lean keyword"):
        parse_kernel_term("fun h => intro h", names)


@pytest.mark.kernel
def test_a_request_gets_the_same_answers_on_both_routes(
    field_rules: RuleSet, field_kernel: Kernel, record: dict[str, Any]
) -> None:
    tactics = record["tactics"]
    proofs = [
        _tactic_proof(record, tactics, "good"),
        _tactic_proof(record, tactics[:-1], "short"),
        {
            "statement": "(x + y) * z = z * (x + y)",
            "tactics": ["rw [add_comm x y]; show (y + x) * z = z * (x + x)"],
        },
        {"statement": "x * y = y * x", "tactics": ["rw [mul_comm x y]"]},
        {"lean_statement": record["lean_statement"], "lean_proof": record["lean_proof"]},
    ]
    answers = {}
    for route in ("lean", "direct"):
        kernel = dataclasses.replace(
            field_kernel, config=dataclasses.replace(field_kernel.config, route=route)
        )
        server = make_server(
            ServiceConfig(port=0, workers=2), {"field": field_rules}, {"field": kernel}, log=_quiet
        )
        for client in _serving(server):
            status, answer = client.verify(*proofs)
            assert status == 200
            answers[route] = answer["results"]
    for lean, direct in zip(answers["lean"], answers["direct"], strict=True):
        assert (direct["accepted"], direct["failed_step"]) == (
            lean["accepted"],
            lean["failed_step"],
        )
    assert [r["accepted"] for r in answers["direct"]] == [True, False, False, True, True]
    # the false claim was judged by the kernel on terms, not by `lean`
    assert answers["direct"][2]["message"].startswith("kernel exception")
    assert not answers["lean"][2]["message"].startswith("kernel exception")


@pytest.fixture(scope="module")
def equation_service(
    tmp_path_factory: pytest.TempPathFactory, equation_cache: Path
) -> Iterator[tuple[Client, list[dict[str, Any]]]]:
    """A service for the equation theory, and two equations and a system it generated, each
    with the traced tactics of its solution."""
    folder = tmp_path_factory.mktemp("serve-equations")
    common = ["--cache-dir", str(equation_cache), "--quiet", "--seed", "4"]
    records = []
    for family, count in (("equation", "2"), ("equation-system", "1")):
        out = folder / family
        argv = ["generate", "--theory", "equation", "--family", family, "--count", count]
        assert main([*argv, *common, "--out", str(out)]) == 0
        records += [json.loads(line) for line in (out / "theorems.jsonl").read_text().splitlines()]
    theories, kernels = prepare_theories(
        [rules_path("equation")], KernelConfig(cache_dir=equation_cache)
    )
    for record in records:
        traced = record_traces(record, theories["equation"])[0]
        record["tactics"] = [step.tactic for step in traced]
    server = make_server(ServiceConfig(port=0, workers=2), theories, kernels, log=_quiet)
    for client in _serving(server):
        yield client, records


def _forward(record: dict[str, Any], tactics: list[str], id_: str) -> dict[str, Any]:
    goal = " ∧ ".join(f"{name} = {value}" for name, value in record["solution"].items())
    hypotheses = [f"{lhs} = {rhs}" for lhs, rhs in record["system"]]
    return {"id": id_, "hypotheses": hypotheses, "goal": goal, "tactics": tactics}


@pytest.mark.kernel
def test_equation_and_system_proofs_as_tactics_accepted_and_refused(
    equation_service: tuple[Client, list[dict[str, Any]]],
) -> None:
    client, records = equation_service
    proofs = []
    for n, record in enumerate(records):
        tactics = record["tactics"]
        k = len(tactics) // 2
        claim, proof = tactics[k].split(" := ", 1)
        wrong = f"{claim.rsplit(' = ', 1)[0]} = 0 := {proof}"  # a false claim at step k
        proofs += [
            _forward(record, tactics, f"good{n}"),
            _forward(record, [*tactics[:k], wrong, *tactics[k + 1 :]], f"wrong{n}"),
            _forward(record, tactics[:-1], f"short{n}"),
        ]
    status, answer = client.verify(*proofs, theory="equation")
    assert status == 200, answer
    results = {r["id"]: r for r in answer["results"]}
    for n, record in enumerate(records):
        k, length = len(record["tactics"]) // 2, len(record["tactics"])
        assert results[f"good{n}"]["accepted"], results[f"good{n}"]
        wrong = results[f"wrong{n}"]
        assert not wrong["accepted"] and wrong["failed_step"] == k and wrong["message"]
        short = results[f"short{n}"]
        assert not short["accepted"] and short["message"] == "goal not closed"
        assert short["failed_step"] == length - 1
    assert records[-1]["family"] == "equation-system"
    assert records[-1]["tactics"][-1].startswith("exact ⟨")


@pytest.mark.kernel
def test_equation_and_system_proofs_in_kernel_syntax_accepted_and_refused(
    equation_service: tuple[Client, list[dict[str, Any]]],
) -> None:
    client, records = equation_service
    proofs = []
    for record in records:
        statement, proof = record["lean_statement"], record["lean_proof"]
        body, _ = proof.rsplit("\n", 1)  # the last line names the conclusion
        premises = "h0" if len(record["system"]) == 1 else "And.intro h0 h1"
        proofs += [
            {"id": record["id"], "lean_statement": statement, "lean_proof": proof},
            # concluding the hypotheses instead of the answers
            {"lean_statement": statement, "lean_proof": f"{body}\n  {premises}"},
        ]
    status, answer = client.verify(*proofs, theory="equation")
    assert status == 200, answer
    results = answer["results"]
    assert all(r["accepted"] for r in results[0::2]), results
    for refused in results[1::2]:
        assert not refused["accepted"] and "mismatch" in refused["message"].lower()
