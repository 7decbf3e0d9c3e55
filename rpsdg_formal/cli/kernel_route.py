"""Which kernel route `generate` uses: the direct route's worker pool, or `lean` alone."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rpsdg_formal.errors import ConfigError, KernelError
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.pool import KernelPool
from rpsdg_formal.kernel.route import DirectRoute
from rpsdg_formal.kernel.runner import embedded_library


@contextmanager
def direct_route(args: argparse.Namespace, kernel: Kernel) -> Iterator[DirectRoute | None]:
    """The direct route for `args` (stopped on exit), or None for `--kernel lean`, for a
    standard `--lean` executable (its .olean files are not the embedded Lean's), or, with a
    warning, when the direct route fails its self-test here."""
    if getattr(args, "kernel", "lean") != "direct" or args.lean:
        yield None
        return
    if args.lean_sample < 0:
        raise ConfigError(f"--lean-sample must be at least 0, got {args.lean_sample}")
    setup = DirectSetup(kernel.theory, Path(kernel.runner.env["LEAN_PATH"]), embedded_library())
    try:
        pool = KernelPool(setup)
    except KernelError as err:
        print(f"warning: {err}; checking every batch with `lean` instead", file=sys.stderr)
        yield None
        return
    try:
        yield DirectRoute(pool, args.lean_sample)
    finally:
        pool.close()
