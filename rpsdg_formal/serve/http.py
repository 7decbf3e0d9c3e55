"""An HTTP JSON service that verifies proofs with the Lean kernel: `POST /verify` takes proofs
as tactic scripts (the rendering the exports use, replayed by `env.ProofEnv`) or as kernel
terms (`lean_statement`, `lean_proof`) and answers with one verdict per proof.

Only the standard library serves HTTP (`ThreadingHTTPServer`). Every request is validated
before any Lean file is written: kernel terms pass a strict whitelist of tokens and names (no
`sorry`, no commands, no comments, no name the theory does not declare), tactic proofs are
parsed into trees by `actions`. Lean runs in a pool of `workers` slots, one process per file,
so a Lean that crashes or times out only rejects the proofs of its file. Client mistakes are
4xx answers with a JSON `{"error": ...}` body; the service itself never stops on a request.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import traceback
import urllib.parse
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.serve.config import DRAIN_LIMIT, PATHS, Json, Log, ServiceConfig, bad_request
from rpsdg_formal.serve.errors import RequestError
from rpsdg_formal.serve.openapi import openapi_document
from rpsdg_formal.serve.requests import decode_json
from rpsdg_formal.serve.service import Service, log_stderr
from rpsdg_formal.theory.rules import RuleSet, load_rules


class ServiceServer(ThreadingHTTPServer):
    """A threading HTTP server carrying its `Service`; `server_close` waits for requests in
    flight, so Lean processes are never left behind."""

    daemon_threads = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], service: Service) -> None:
        self.service = service
        super().__init__(address, ServiceHandler)


class ServiceHandler(BaseHTTPRequestHandler):
    """Routes requests to the service and turns every outcome into a JSON answer."""

    server_version = "rpsdg-formal"
    protocol_version = "HTTP/1.1"  # for `Expect: 100-continue`; every answer closes anyway
    _discard = 0

    @property
    def service(self) -> Service:
        """The service this handler's server carries."""
        server = self.server
        assert isinstance(server, ServiceServer)
        return server.service

    def setup(self) -> None:
        """Bound the time a client may take to send its request."""
        super().setup()
        server = self.server
        if isinstance(server, ServiceServer):
            self.connection.settimeout(server.service.config.io_timeout)

    def _handle(self) -> None:
        """Every method the service answers goes through `_dispatch` (a method it does not know
        at all is left to the standard handler: 501)."""
        self._dispatch(self.command)

    do_GET = do_POST = do_HEAD = do_PUT = do_DELETE = do_PATCH = do_OPTIONS = _handle

    def _dispatch(self, method: str) -> None:
        service = self.service
        service.count("requests")
        allow = ""
        status: int = HTTPStatus.OK
        try:
            answer = self._route(method)
        except RequestError as err:
            status, answer, allow = err.status, {"error": str(err)}, err.allow
        except Exception as err:  # anything unexpected: log it, answer 500, keep serving
            service.count("failures")
            service.log(f"error on {method} {self.path}: {err!r}\n{traceback.format_exc()}")
            status = HTTPStatus.INTERNAL_SERVER_ERROR
            answer = {"error": f"internal error ({type(err).__name__}); it was logged"}
        self._send(status, answer, allow, body=method != "HEAD")
        self._drain()

    def _route(self, method: str) -> Json:
        path = urllib.parse.urlsplit(self.path).path
        wanted = PATHS.get(path)
        if wanted is None:
            raise RequestError(
                HTTPStatus.NOT_FOUND,
                f"no endpoint {path[:200]!r}; the endpoints are {', '.join(sorted(PATHS))}",
            )
        if method != wanted and not (method == "HEAD" and wanted == "GET"):
            raise RequestError(
                HTTPStatus.METHOD_NOT_ALLOWED,
                f"{path} answers {wanted} only, not {method}",
                allow=wanted,
            )
        service = self.service
        if path == "/health":
            return service.health()
        if path == "/theories":
            return service.describe()
        if path == "/openapi.json":
            return openapi_document()
        return service.verify(decode_json(self._read_body()))

    def _read_body(self) -> bytes:
        limit = self.service.config.max_body_bytes
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            self.close_connection = True
            raise RequestError(
                HTTPStatus.LENGTH_REQUIRED, "chunked bodies are not accepted; send Content-Length"
            )
        declared = self.headers.get("Content-Length")
        if declared is None:
            self.close_connection = True
            raise RequestError(
                HTTPStatus.LENGTH_REQUIRED, "the request needs a Content-Length header"
            )
        try:
            length = int(declared.strip())
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise bad_request(f"Content-Length {declared[:40]!r} is not a byte count")
        if length > limit:
            self.close_connection = True
            self._discard = length
            raise RequestError(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"the body has {length} bytes, more than the limit of {limit}; "
                "send fewer proofs per request",
            )
        try:
            body = self.rfile.read(length)
        except OSError:
            self.close_connection = True
            raise RequestError(
                HTTPStatus.REQUEST_TIMEOUT,
                f"the body did not arrive within {self.service.config.io_timeout:g} s",
            ) from None
        if len(body) < length:
            self.close_connection = True
            raise bad_request(
                f"the body ended after {len(body)} of {length} bytes (Content-Length)"
            )
        return body

    def _drain(self) -> None:
        """Read and drop a refused body (briefly), so the client can read the answer."""
        left = min(self._discard, DRAIN_LIMIT)
        self._discard = 0
        if not left:
            return
        with contextlib.suppress(OSError):
            self.connection.settimeout(1.0)
            while left > 0:
                chunk = self.rfile.read1(min(left, 1 << 16))
                if not chunk:
                    break
                left -= len(chunk)

    def _send(self, status: int, answer: Json, allow: str = "", body: bool = True) -> None:
        data = json.dumps(answer, ensure_ascii=False).encode("utf-8")
        if self.request_version == "HTTP/0.9":  # unparsed or ancient: answer with headers anyway
            self.request_version = "HTTP/1.0"
        self.close_connection = True
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if body:
            with contextlib.suppress(OSError):
                self.wfile.write(data)

    def handle_expect_100(self) -> bool:
        """Refuse a body over the limit before the client sends it; otherwise invite it."""
        declared = self.headers.get("Content-Length", "").strip()
        limit = self.service.config.max_body_bytes
        if declared.isdigit() and int(declared) > limit:
            message = f"the body has {declared} bytes, more than the limit of {limit}"
            self._send(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": message})
            return False
        return super().handle_expect_100()

    def parse_request(self) -> bool:
        """Parse the request line and headers; a line of odd whitespace gets a 400 answer
        instead of a silent hang-up."""
        if super().parse_request():
            return True
        if not self.requestline.split():
            self.send_error(HTTPStatus.BAD_REQUEST, "the request line is empty")
        return False

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Errors found by the HTTP parser itself, as JSON: an unknown method is 405 and an
        unsupported HTTP version 400, never 5xx."""
        if code == HTTPStatus.NOT_IMPLEMENTED:
            code = HTTPStatus.METHOD_NOT_ALLOWED
            message = f"method {self.command!r} is not supported; use GET or POST"
        elif code == HTTPStatus.HTTP_VERSION_NOT_SUPPORTED:
            code = HTTPStatus.BAD_REQUEST
            message = "unsupported HTTP version; use HTTP/1.0 or HTTP/1.1"
        self.close_connection = True
        self.log_error("code %d, message %s", code, message)
        self._send(code, {"error": message or HTTPStatus(code).phrase}, body=self.command != "HEAD")

    def log_message(self, format: str, *args: Any) -> None:
        self.service.log(f"{self.address_string()} - {format % args}")


def prepare_theories(
    rule_files: Sequence[Path], kernel: KernelConfig | None = None
) -> tuple[dict[str, RuleSet], dict[str, Kernel]]:
    """Load each rule file and prepare its kernel once (the theory compiled and cached, one
    sequential Lean thread per check), keyed by the file's stem, the name requests use."""
    config = dataclasses.replace(kernel or KernelConfig(), threads=1, sequential=True)
    theories: dict[str, RuleSet] = {}
    kernels: dict[str, Kernel] = {}
    for path in rule_files:
        rules = load_rules(path)
        theories[path.stem] = rules
        kernels[path.stem] = prepare_kernel(rules.theory, config)
    return theories, kernels


def make_server(
    config: ServiceConfig,
    theories: Mapping[str, RuleSet],
    kernels: Mapping[str, Kernel],
    log: Log = log_stderr,
) -> ServiceServer:
    """A bound, not yet serving, HTTP server (port 0 picks a free port: see
    `server.server_address[1]`); call `serve_forever()` on it, `shutdown()` to stop."""
    service = Service(config, theories, kernels, log)
    try:
        return ServiceServer((config.host, config.port), service)
    except OSError as err:
        raise ConfigError(
            f"cannot listen on {config.host}:{config.port}: {err.strerror or err}; pass another "
            "--port (0 picks a free one) or stop the program using it"
        ) from err


def serve_forever(
    config: ServiceConfig,
    theories: Mapping[str, RuleSet],
    kernels: Mapping[str, Kernel],
    log: Log = print,
) -> None:
    """Serve until Ctrl-C, then wait for the requests in flight and close the socket."""
    server = make_server(config, theories, kernels, log)
    port = server.server_address[1]
    shown = f"[{config.host}]" if ":" in config.host else config.host
    log(
        f"rpsdg-formal verification service on http://{shown}:{port}/ "
        f"(theories: {', '.join(sorted(theories))}; {config.workers} Lean workers; "
        f"POST /verify, GET /theories, GET /openapi.json)"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        log("interrupted: finishing the requests in flight")
    finally:
        server.server_close()
