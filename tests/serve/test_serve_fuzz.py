"""A seeded fuzz of the HTTP verification service: garbage bytes, truncated and deeply nested
JSON, wrong types, huge strings, random unicode, hostile tokens in tactics and kernel terms,
wrong methods, paths and headers. Every request must get an HTTP answer below 500 (503 is a
deliberate "busy"), 4xx answers must carry a JSON error, and the service must still be healthy
afterwards (real kernel: the few well-formed proofs are checked by Lean)."""

from __future__ import annotations

import json
import random
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.serve.http import ServiceServer, make_server
from rpsdg_formal.serve.service import ServiceConfig
from rpsdg_formal.theory.rules import RuleSet

SEED = 20261122
REQUESTS = 240
BUDGET_SECONDS = 60.0

HOSTILE = [
    "sorry",
    "sorryAx",
    "#eval 1",
    "#print axioms",
    "\ntheorem evil : False := sorry",
    "axiom evil : False",
    "set_option maxHeartbeats 0 in",
    "@[simp]",
    "-- comment",
    "/- comment -/",
    "by decide",
    "import Init",
    "end",
    "open RpsdgFormal in",
    "elab",
    "macro_rules",
    "λ x => x",
    "_",
    "0",
    "$(x)",
    "`(x)",
    "\t",
    "\r\n",
    "\x00",
    "‹x›",
]
WORDS = [
    "fun",
    "have",
    "∀",
    "→",
    "=>",
    ":=",
    ":",
    ",",
    "(",
    ")",
    "x",
    "y",
    "s1",
    "R",
    "add",
    "mul",
    "zero",
    "one",
    "Eq",
    "Eq.refl",
    "Eq.trans",
    "congrArg",
    "mul_comm",
    "add_comm",
    "\n  ",
]
TACTICS = [
    "rw [mul_comm x y]",
    "rw [add_comm]",
    "nth_rewrite 2 [mul_comm]",
    "rw [← one_mul x]",
    "rw [mul_comm x y]; show y * x = x * y",
    "rw [show (2 : ℝ) * 3 = 6 by norm_num]",
]


@dataclass(frozen=True)
class Reply:
    """What came back on the socket: the status (0 if none) and the parsed body, if JSON."""

    status: int
    body: Any
    raw: bytes


def exchange(port: int, data: bytes, half_close: bool = False) -> Reply:
    """Send raw bytes, read until the server closes, and parse the HTTP answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        try:
            sock.sendall(data)
            if half_close:
                sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may answer and close before taking every byte
        chunks = []
        while True:
            try:
                chunk = sock.recv(1 << 16)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    words = head.split(b" ", 2)
    if len(words) < 2 or not words[0].startswith(b"HTTP/1.") or not words[1].isdigit():
        return Reply(0, None, raw)
    try:
        parsed = json.loads(body) if body else None
    except ValueError:
        parsed = None
    return Reply(int(words[1]), parsed, raw)


def http(method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None) -> bytes:
    """A raw HTTP/1.1 request with Content-Length unless `headers` says otherwise."""
    fields = {"Host": "localhost", "Content-Length": str(len(body)), **(headers or {})}
    lines = [f"{method} {path} HTTP/1.1", *(f"{k}: {v}" for k, v in fields.items() if v)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("utf-8", "surrogateescape") + body


def post(payload: object) -> bytes:
    return http("POST", "/verify", json.dumps(payload).encode("utf-8"))


# --- generators: each returns the raw bytes of one request ----------------------------------------


def random_unicode(rng: random.Random, size: int) -> str:
    ranges = [(0x20, 0x7E), (0xA0, 0x2FF), (0x370, 0x3FF), (0x2000, 0x2BFF), (0x1F300, 0x1F64F)]
    out = []
    for _ in range(size):
        low, high = rng.choice(ranges)
        out.append(chr(rng.randint(low, high)))
    return "".join(out)


def random_json(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(8 if depth < 3 else 5)
    if kind == 0:
        return None
    if kind == 1:
        return rng.choice([True, False])
    if kind == 2:
        return rng.choice([0, -1, 2**70, 3.5, 1e308])
    if kind == 3:
        return random_unicode(rng, rng.randint(0, 20))
    if kind == 4:
        return rng.choice(["field", "x * y = y * x", "rw [mul_comm]", ""])
    if kind == 5:
        return [random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    keys = ["theory", "proofs", "id", "statement", "tactics", "variables", "lean_proof"]
    return {rng.choice(keys): random_json(rng, depth + 1) for _ in range(rng.randint(0, 4))}


def kernel_soup(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(1, 25))]
    if rng.random() < 0.7:
        words.insert(rng.randrange(len(words) + 1), rng.choice(HOSTILE))
    return " ".join(words)


def garbage(rng: random.Random) -> bytes:
    return post_bytes(rng.randbytes(rng.randint(1, 3000)))


def post_bytes(body: bytes) -> bytes:
    return http("POST", "/verify", body)


def truncated(rng: random.Random) -> bytes:
    text = json.dumps(
        {"theory": "field", "proofs": [{"statement": "x * y = y * x", "tactics": TACTICS[:2]}]}
    )
    return post_bytes(text[: rng.randrange(len(text))].encode("utf-8"))


def nested(rng: random.Random) -> bytes:
    depth = rng.choice([50, 900, 5000, 100_000])
    opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
    body = opener * depth + "1" + closer * depth
    if rng.random() < 0.5:
        body = '{"theory": "field", "proofs": ' + body + "}"
    return post_bytes(body.encode())


def wrong_types(rng: random.Random) -> bytes:
    payload: dict[str, object] = {"theory": "field", "proofs": [{"statement": "x = x"}]}
    target = rng.choice(["top", "theory", "proofs", "proof", "field"])
    if target == "top":
        return post(random_json(rng))
    if target in ("theory", "proofs"):
        payload[target] = random_json(rng)
    elif target == "proof":
        payload["proofs"] = [random_json(rng) for _ in range(rng.randint(1, 3))]
    else:
        key = rng.choice(["statement", "tactics", "variables", "id", "lean_statement"])
        proof: dict[str, object] = {"statement": "x * y = y * x", "tactics": TACTICS[:1]}
        proof[key] = random_json(rng)
        payload["proofs"] = [proof]
    return post(payload)


def huge(rng: random.Random) -> bytes:
    size = rng.choice([20_000, 150_000, 900_000, 2_000_000])
    text = rng.choice(["x", "(", "fun x => ", "rw [mul_comm] "]) * (size // 10)
    proof = rng.choice(
        [
            {"statement": text, "tactics": TACTICS[:1]},
            {"statement": "x * y = y * x", "tactics": [text]},
            {"lean_statement": "∀ (x : R), Eq x x", "lean_proof": text},
            {"id": text, "statement": "x = x", "tactics": TACTICS[:1]},
        ]
    )
    return post({"theory": "field", "proofs": [proof]})


def unicode_fields(rng: random.Random) -> bytes:
    proof = rng.choice(
        [
            {"statement": random_unicode(rng, 30), "tactics": [random_unicode(rng, 20)]},
            {"statement": "x * y = y * x", "tactics": [random_unicode(rng, 40)]},
            {"lean_statement": random_unicode(rng, 30), "lean_proof": random_unicode(rng, 40)},
        ]
    )
    return post({"theory": rng.choice(["field", random_unicode(rng, 8)]), "proofs": [proof]})


def hostile_tactics(rng: random.Random) -> bytes:
    tactics = []
    for _ in range(rng.randint(1, 4)):
        base = rng.choice(TACTICS)
        cut = rng.randrange(len(base) + 1)
        tactics.append(base[:cut] + rng.choice(HOSTILE) + base[cut:])
    variables = rng.choice([None, ["x", "y"], ["x", "y", rng.choice(["sorry", "h1", "add", "é"])]])
    proof: dict[str, object] = {"statement": "x * y = y * x", "tactics": tactics}
    if variables is not None:
        proof["variables"] = variables
    return post({"theory": "field", "proofs": [proof]})


def hostile_kernel(rng: random.Random) -> bytes:
    proofs = [
        {"lean_statement": "∀ (x y : R), Eq (mul x y) (mul y x)", "lean_proof": kernel_soup(rng)}
        for _ in range(rng.randint(1, 3))
    ]
    if rng.random() < 0.3:
        proofs[0] = {"lean_statement": kernel_soup(rng), "lean_proof": "fun x y => mul_comm x y"}
    return post({"theory": "field", "proofs": proofs})


def checked_by_lean(rng: random.Random) -> bytes:
    """Whitelisted kernel terms and well-formed tactics, mostly wrong: Lean judges them."""
    terms = [
        "mul_comm x y",
        "mul_comm y x",
        "Eq.refl (mul x y)",
        "Eq.symm (mul_comm y x)",
        "add_comm x y",
        "congrArg (mul x) (mul_comm x y)",
        "Eq.trans (mul_comm x y) (mul_comm y x)",
        "Eq.trans s1 s1",
        "s1",
    ]
    lines = [f"have s1 := {rng.choice(terms[:7])}"] * rng.randint(0, 1)
    proof = "fun x y =>\n  " + "\n  ".join([*lines, rng.choice(terms if lines else terms[:7])])
    tactics = [rng.choice(TACTICS) for _ in range(rng.randint(1, 3))]
    return post(
        {
            "theory": "field",
            "proofs": [
                {"lean_statement": "∀ (x y : R), Eq (mul x y) (mul y x)", "lean_proof": proof},
                {
                    "statement": rng.choice(["x * y = y * x", "x * (y * x) = x * (x * y)"]),
                    "tactics": tactics,
                },
            ],
        }
    )


def methods_and_paths(rng: random.Random) -> bytes:
    method = rng.choice(["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "BREW"])
    path = rng.choice(
        [
            "/",
            "/verify",
            "/health",
            "/theories",
            "/openapi.json",
            "/verify/",
            "/verify?theory=field",
            "/../etc/passwd",
            "/%00",
            "//health",
            "/" + "a" * 5000,
            "/" + random_unicode(rng, 10),
            "http://localhost/health",
            "*",
        ]
    )
    return http(method, path, b"{}" if method in ("POST", "PUT", "PATCH") else b"")


def bad_headers(rng: random.Random) -> bytes:
    body = b'{"theory": "field", "proofs": []}'
    choice = rng.randrange(5)
    if choice == 0:
        return http("POST", "/verify", body, {"Content-Length": ""})
    if choice == 1:
        return http("POST", "/verify", body, {"Content-Length": rng.choice(["-5", "abc", "1e3"])})
    if choice == 2:
        return http("POST", "/verify", b"", {"Content-Length": "999999999"})
    if choice == 3:
        chunked = {"Content-Length": "", "Transfer-Encoding": "chunked"}
        return http("POST", "/verify", b"5\r\nhello\r\n0\r\n\r\n", chunked)
    return http("POST", "/verify", body, {"X-" + "h" * 100: random_unicode(rng, 10)})


def raw_line(rng: random.Random) -> bytes:
    alphabet = bytes(range(33, 127)) + bytes(range(128, 256))
    words = [
        bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 12)))
        for _ in range(rng.randint(1, 4))
    ]
    if words[0] == b"GET" and len(words) == 2:  # an HTTP/0.9 request gets a bare body
        words.append(b"HTTP/1.1")
    if rng.random() < 0.3:
        words = [b"GET", b"/health", rng.choice([b"HTTP/2.0", b"HTTP/1.x", b"FTP/1.0"])]
    return b" ".join(words) + b"\r\n\r\n"


GENERATORS: list[tuple[Callable[[random.Random], bytes], int]] = [
    (garbage, 3),
    (truncated, 2),
    (nested, 2),
    (wrong_types, 4),
    (huge, 1),
    (unicode_fields, 3),
    (hostile_tactics, 3),
    (hostile_kernel, 4),
    (checked_by_lean, 2),
    (methods_and_paths, 3),
    (bad_headers, 2),
    (raw_line, 2),
]


@pytest.fixture(scope="module")
def server(field_rules: RuleSet, field_kernel: Kernel) -> Iterator[ServiceServer]:
    config = ServiceConfig(port=0, workers=2, io_timeout=5.0)
    server = make_server(config, {"field": field_rules}, {"field": field_kernel}, log=_quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(10)


def _quiet(line: str) -> None:
    del line


def _check(reply: Reply, request: bytes) -> None:
    shown = request[:300]
    assert reply.status, f"no HTTP answer to {shown!r}: {reply.raw[:300]!r}"
    assert reply.status < 500 or reply.status == 503, (shown, reply.raw[:500])
    head_only = request.startswith(b"HEAD ")
    if reply.status >= 400 and not head_only:
        assert isinstance(reply.body, dict), (shown, reply.raw[:500])
        assert isinstance(reply.body.get("error"), str) and reply.body["error"], reply.body
    if reply.status == 200 and request.startswith(b"POST /verify "):
        assert isinstance(reply.body, dict) and isinstance(reply.body["results"], list)


@pytest.mark.kernel
def test_fuzzed_requests_never_break_the_service(server: ServiceServer) -> None:
    rng = random.Random(SEED)
    generators, weights = zip(*GENERATORS, strict=True)
    port = server.server_address[1]
    started = time.monotonic()
    statuses: dict[int, int] = {}
    for _ in range(REQUESTS):
        request = rng.choices(generators, weights)[0](rng)
        half_close = request.startswith(b"POST /verify") and b"999999999" in request
        reply = exchange(port, request, half_close)
        _check(reply, request)
        statuses[reply.status] = statuses.get(reply.status, 0) + 1
        assert time.monotonic() - started < BUDGET_SECONDS, statuses
    assert exchange(port, http("GET", "/health")).body == {"status": "ok"}
    assert server.service.stats().failures == 0
    assert {200, 400, 404, 405, 413, 422} <= set(statuses), statuses
