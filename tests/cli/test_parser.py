"""The parsers: each default is the configuration's own (read, not restated), and --help
still shows it."""

from __future__ import annotations

from pathlib import Path

import pytest

from rpsdg_formal.cli.common import CORES, kernel_config
from rpsdg_formal.cli.generate import _report
from rpsdg_formal.cli.main import build_parser, main
from rpsdg_formal.exports.writer import ExportConfig
from rpsdg_formal.families.calculus_config import CalculusConfig
from rpsdg_formal.families.equation_config import EquationConfig
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.pipeline.config import GenerateConfig, GenerateSummary
from rpsdg_formal.rewriting.selection import SelectConfig
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.serve.service import ServiceConfig


def test_defaults_are_the_configurations() -> None:
    parser = build_parser()
    gen = parser.parse_args(["generate", "--out", "o"])
    assert gen.steps == WalkConfig().steps
    assert gen.proofs == SelectConfig().proofs
    assert gen.bound_budget == SelectConfig().bounds.node_budget
    assert gen.distractions == EquationConfig().distractions
    assert gen.lean_timeout == KernelConfig().timeout
    srv = parser.parse_args(["serve"])
    service = ServiceConfig()
    assert (srv.port, srv.max_proofs, srv.queue_limit) == (
        service.port, service.max_proofs, service.queue_limit,
    )  # fmt: skip
    exp = parser.parse_args(["export", "d", "--format", "jsonl", "--out", "o"])
    assert (exp.negatives, exp.seed) == (ExportConfig(("jsonl",), Path("o")).negatives_per_step, 0)


def test_help_shows_the_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["generate", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    walk, calculus, equation = WalkConfig(), CalculusConfig(), EquationConfig()
    assert f"rewrite steps per theorem (default {walk.steps})" in text
    # the shape options apply to equations too, and say so with their equation defaults
    assert f"(default {walk.shape.min_ops} / {calculus.min_ops} / {equation.min_ops})" in text
    assert f"(default {walk.shape.max_ops} / {calculus.max_ops} / {equation.max_ops})" in text
    assert f"(default {walk.max_size} / {calculus.max_size} / {equation.max_size})" in text
    assert "operations done to both sides of x = c" in text
    assert "RAY_AUTH_MODE=token" in text
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "equations: one side only, a divisor that may be zero" in text  # their own kinds


def test_the_command_line_builds_one_kernel_config() -> None:
    parser = build_parser()
    generate = kernel_config(parser.parse_args(["generate", "--out", "o"]))
    assert generate == KernelConfig(threads=1, sequential=True)
    check = kernel_config(parser.parse_args(["check", "d", "--lean-timeout", "30"]))
    assert check == KernelConfig(threads=CORES, timeout=30.0, route="lean")  # files: `lean`
    audit = kernel_config(parser.parse_args(["audit", "--threads", "2", "--cache-dir", "c"]))
    assert audit == KernelConfig(threads=2, cache_dir=Path("c"), route="lean")
    export = ["export", "d", "--format", "jsonl", "--out", "o"]
    assert kernel_config(parser.parse_args(export)).route == KernelConfig().route == "direct"
    assert kernel_config(parser.parse_args([*export, "--kernel", "lean"])).route == "lean"
    evaluate = parser.parse_args(["evaluate", "d", "--kernel", "lean"])
    assert kernel_config(evaluate).route == "lean"
    assert parser.parse_args(["serve", "--kernel", "lean"]).kernel == "lean"


def test_the_summary_counts_files_in_the_singular_and_the_plural(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A small run wrote "(1 Lean files in …)"."""
    config = GenerateConfig(count=30, seed=0, out=Path("out"))
    for batches, words in ((1, "(1 Lean file in"), (4, "(4 Lean files in")):
        _report(GenerateSummary(30, 0, batches, Path("out")), config, "4.35.0")
        assert words in capsys.readouterr().out
