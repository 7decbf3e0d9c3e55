"""Which kernel route `generate` uses: the direct route (checked where theorems are prepared),
or `lean` alone when asked for, or when the direct route fails its self-test here."""

from __future__ import annotations

import argparse
import sys

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.direct import DirectSetup
from rpsdg_formal.kernel.pool import DirectUnavailable
from rpsdg_formal.kernel.route import DirectRoute
from rpsdg_formal.pipeline.run import GenerateConfig, GenerateSummary, generate
from rpsdg_formal.theory.rules import RuleSet


def direct_route(args: argparse.Namespace, kernel: Kernel) -> DirectRoute | None:
    """The direct route for `args`, or None for `--kernel lean` or for a standard `--lean`
    executable (its .olean files are not the embedded Lean's)."""
    if getattr(args, "kernel", "lean") != "direct" or args.lean:
        return None
    if args.lean_sample < 0:
        raise ConfigError(f"--lean-sample must be at least 0, got {args.lean_sample}")
    setup = DirectSetup.of(kernel)
    return DirectRoute(setup, args.lean_sample)


def generate_locally(
    args: argparse.Namespace, rules: RuleSet, config: GenerateConfig, kernel: Kernel
) -> GenerateSummary:
    """`generate` on the route `args` asks for; if the direct route fails its self-test here
    (at the start, before anything is written, or in a restarted worker), a warning, and the
    `lean` route instead (which resumes from the run's last checkpoint)."""
    route = direct_route(args, kernel)
    show = not args.quiet
    try:
        return generate(rules, config, kernel, show, route)
    except DirectUnavailable as err:
        if route is None:
            raise
        print(f"warning: {err}; checking every batch with `lean` instead", file=sys.stderr)
        return generate(rules, config, kernel, show, None)
