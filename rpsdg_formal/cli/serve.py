"""`rpsdg-formal serve`: the HTTP verification service, its limits read from `ServiceConfig`."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rpsdg_formal.audit.record import require_audit
from rpsdg_formal.cli.common import CORES, EXIT_OK, add_route_option, split
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.serve.http import prepare_theories, serve_forever
from rpsdg_formal.serve.service import ServiceConfig
from rpsdg_formal.theory import catalogue
from rpsdg_formal.theory.rules import load_rules

SERVICE = ServiceConfig()
THEORIES = "field"


def add_parser(sub: Any, summary: str) -> None:
    """The `serve` subcommand."""
    s = SERVICE
    srv = sub.add_parser(
        "serve",
        help=summary,
        description="Serve POST /verify on HOST:PORT: a batch of proofs against a theory, each "
        "as tactics (`rw [mul_comm x y]`, the exports' rendering, replayed in the proof "
        "environment) or in kernel syntax (lean_statement, lean_proof: checked against a "
        "whitelist, no `sorry`, no commands, no new axioms, before Lean sees it); answers per "
        "proof: accepted, the first failing step, Lean's message, time. GET /openapi.json "
        "describes the API, GET /theories lists the theories. Lean runs in --workers slots, a "
        "fresh process per file, with per-request time and memory limits. Ctrl-C stops it.",
    )
    srv.add_argument("--host", default=s.host, help=f"address (default {s.host})")
    srv.add_argument("--port", type=int, default=s.port,
                     help=f"port (default {s.port}; 0: any free)")  # fmt: skip
    srv.add_argument(
        "--theories", default=THEORIES, metavar="NAME[,NAME...]",
        help=f"theories shipped in rules/ to serve, each audited first (default {THEORIES})",
    )  # fmt: skip
    srv.add_argument("--workers", type=int, default=None, metavar="N",
                     help="Lean checks at once (default: all cores; at least 1)")  # fmt: skip
    srv.add_argument(
        "--request-timeout", type=float, default=s.request_timeout, metavar="S",
        help=f"seconds of Lean time per request (default {s.request_timeout:g})",
    )  # fmt: skip
    srv.add_argument("--memory-mb", type=int, default=s.memory_mb, metavar="MB",
                     help=f"Lean's memory limit per process (default {s.memory_mb})")  # fmt: skip
    srv.add_argument("--max-proofs", type=int, default=s.max_proofs,
                     help=f"proofs per request ({s.max_proofs})")  # fmt: skip
    srv.add_argument("--max-tactics", type=int, default=s.max_tactics,
                     help=f"tactics per proof ({s.max_tactics})")  # fmt: skip
    srv.add_argument("--max-body-bytes", type=int, default=s.max_body_bytes,
                     help=f"request size in bytes ({s.max_body_bytes})")  # fmt: skip
    srv.add_argument(
        "--queue-limit", type=int, default=s.queue_limit,
        help=f"requests waiting for a worker before 503 busy ({s.queue_limit})",
    )  # fmt: skip
    srv.add_argument("--cache-dir", metavar="DIR", type=Path, help="compiled theory cache")
    srv.add_argument("--lean", metavar="PATH", help="a standard `lean` instead of the embedded")
    add_route_option(srv)


def service_config(args: argparse.Namespace) -> ServiceConfig:
    """The service the options describe; --workers 0 is refused, not read as 'all cores'."""
    if args.workers is not None and args.workers < 1:
        raise ConfigError(f"--workers must be at least 1, got {args.workers}; leave it out for "
                          f"one per core ({CORES} here)")  # fmt: skip
    return ServiceConfig(
        host=args.host,
        port=args.port,
        workers=CORES if args.workers is None else args.workers,
        max_body_bytes=args.max_body_bytes,
        max_proofs=args.max_proofs,
        max_tactics=args.max_tactics,
        request_timeout=args.request_timeout,
        memory_mb=args.memory_mb,
        queue_limit=args.queue_limit,
    )


def theory_paths(text: str) -> list[Path]:
    """The rule files of --theories (shipped theories only: serve has no --rules, so the
    message does not suggest it)."""
    names = split(text)
    if not names:
        raise ConfigError("--theories needs at least one theory name, e.g. --theories field")
    known = catalogue.shipped_theories()
    for name in names:
        if name not in known:
            raise ConfigError(f"unknown theory {name!r}; known: {', '.join(known) or 'none'}")
    return [catalogue.rules_path(name) for name in names]


def run(args: argparse.Namespace) -> int:
    """Check the options and audits, prepare each theory's kernel, and serve until Ctrl-C."""
    config = service_config(args)
    paths = theory_paths(args.theories)
    kernel = KernelConfig(lean=args.lean, cache_dir=args.cache_dir, route=args.kernel)
    for path in paths:  # the same policy as generate: only audited rule sets
        require_audit(load_rules(path), kernel.cache())
    serve_forever(config, *prepare_theories(paths, kernel))
    return EXIT_OK
