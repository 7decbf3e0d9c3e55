"""Which kernel route `generate` uses: the direct route (checked where theorems are prepared),
or `lean` alone when asked for, or when the direct route fails its self-test here; and how its
kernel is prepared (on the local direct route, without starting `lean` for its version)."""

from __future__ import annotations

import argparse
import sys

from rpsdg_formal.errors import ConfigError
from rpsdg_formal.kernel.check import Kernel, prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.kernel.confirmed import memory_for
from rpsdg_formal.kernel.direct import DirectSetup, VersionMismatchError
from rpsdg_formal.kernel.known_version import (
    forget_version,
    remember_version,
    remembered_version,
)
from rpsdg_formal.kernel.pool import DirectUnavailable
from rpsdg_formal.kernel.route import DirectRoute
from rpsdg_formal.kernel.runner import embedded_library
from rpsdg_formal.pipeline.config import GenerateConfig, GenerateSummary
from rpsdg_formal.pipeline.run import generate
from rpsdg_formal.theory.rules import RuleSet
from rpsdg_formal.theory.section import Theory


def on_direct_route(args: argparse.Namespace) -> bool:
    """Whether `args` ask for the direct route: not `--kernel lean`, and not a standard `--lean`
    executable (its .olean files are not the embedded Lean's)."""
    return getattr(args, "kernel", "lean") == "direct" and not args.lean


def direct_route(args: argparse.Namespace, kernel: Kernel, rules: RuleSet) -> DirectRoute | None:
    """The direct route for `args`, or None for `--kernel lean` or a standard `--lean`. What
    `lean` confirmed in earlier runs of this code, theory, rule file and library is remembered
    in the kernel cache (`kernel.confirmed`)."""
    if not on_direct_route(args):
        return None
    if args.lean_sample < 0:
        raise ConfigError(f"--lean-sample must be at least 0, got {args.lean_sample}")
    setup = DirectSetup.of(kernel)
    try:
        memory = memory_for(kernel.config.cache(), rules.theory, rules.path, setup.library)
    except OSError:  # the rule file or the library gone since they were read: keep nothing
        memory = None
    return DirectRoute(setup, args.lean_sample, memory)


def prepare_generate_kernel(
    args: argparse.Namespace, theory: Theory, settings: KernelConfig
) -> Kernel:
    """`generate`'s kernel. On the local direct route, Lean's version is the one remembered for
    the embedded library as it is now (`known_version`: every worker checks it against the
    library it loads, and `lean` is asked again before it takes over); otherwise, and the first
    time, `lean --version` says it (and reports a broken Lean)."""
    if args.backend != "local" or not on_direct_route(args):
        return prepare_kernel(theory, settings)
    library, cache = embedded_library(), settings.cache()
    known = remembered_version(library, cache)
    kernel = prepare_kernel(theory, settings, known)
    if known is None:
        remember_version(library, cache, kernel.version)
    return kernel


def confirm_version(kernel: Kernel) -> None:
    """`lean --version` (which reports a broken Lean as such) must state the version `kernel`
    was prepared with; if it does not, what was remembered is dropped and the run stops."""
    stated = kernel.runner.version()
    if stated != kernel.version:
        forget_version(embedded_library(), kernel.config.cache())
        raise VersionMismatchError(
            f"{kernel.runner.description} is Lean {stated}, but this run was prepared for Lean "
            f"{kernel.version} (remembered for a library that has changed since); run the "
            "command again"
        )


def generate_locally(
    args: argparse.Namespace, rules: RuleSet, config: GenerateConfig, kernel: Kernel
) -> GenerateSummary:
    """`generate` on the route `args` asks for; if the direct route fails its self-test here
    (at the start, before anything is written, or in a restarted worker), a warning, Lean's
    version confirmed by `lean` itself, and the `lean` route instead (which resumes from the
    run's last checkpoint)."""
    route = direct_route(args, kernel, rules)
    show = not args.quiet
    try:
        return generate(rules, config, kernel, show, route)
    except DirectUnavailable as err:
        if route is None:
            raise
        print(f"warning: {err}; checking every batch with `lean` instead", file=sys.stderr)
        confirm_version(kernel)
        return generate(rules, config, kernel, show, None)
