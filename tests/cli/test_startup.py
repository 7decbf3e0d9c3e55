"""What the command line imports: a command imports its own modules, not the others', and a
default field `generate` (whose workers are forked from it, so its imports are every worker's
start-up) imports neither SymPy nor networkx. Each probe runs in a fresh interpreter."""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import pytest

from rpsdg_formal.cli.main import COMMANDS, build_parser, main

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("sympy", "networkx")


def _fresh(probe: str) -> str:
    """What `probe` prints in a new interpreter started in the checkout."""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    return done.stdout.strip()


def test_the_entry_point_imports_no_command() -> None:
    probe = (
        "import sys, rpsdg_formal.cli.main\n"
        "print(sorted(m for m in sys.modules if m.startswith('rpsdg_formal.cli.') "
        "or m.split('.')[0] in ('sympy', 'networkx')))"
    )
    assert _fresh(probe) == str(sorted(["rpsdg_formal.cli.common", "rpsdg_formal.cli.main"]))


def test_top_level_help_imports_no_command_and_lists_them_all(
    capsys: pytest.CaptureFixture[str],
) -> None:
    probe = (
        "import sys\nfrom rpsdg_formal.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print('IMPORTED', sorted(m for m in sys.modules if m.startswith('rpsdg_formal.cli.')))"
    )
    assert _fresh(probe).endswith(
        "IMPORTED " + str(sorted(["rpsdg_formal.cli.common", "rpsdg_formal.cli.main"]))
    )
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    for command in COMMANDS:
        assert f"\n    {command.name}" in listed and command.summary in " ".join(listed.split())


def _help(parser: argparse.ArgumentParser, argv: list[str]) -> str:
    """What `argv` (ending in --help) prints with `parser`."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        parser.parse_args(argv)
    return out.getvalue()


def test_a_command_parsed_alone_shows_what_the_whole_parser_shows() -> None:
    """Parsing one command builds only its parser; the others' entries list as they do in the
    whole command line, and its own --help is the same."""
    whole = build_parser()
    assert _help(build_parser(()), ["--help"]) == _help(whole, ["--help"])
    for command in COMMANDS:
        alone = build_parser([command.name])
        assert _help(alone, ["--help"]) == _help(whole, ["--help"])
        if command.name != "lean":  # `main` hands everything after `lean` to Lean
            argv = [command.name, "--help"]
            assert _help(alone, argv) == _help(whole, argv)


def test_a_default_generate_setup_imports_neither_sympy_nor_networkx() -> None:
    """Parsing and configuring a default field run, and importing everything the local run
    uses, in a fresh interpreter: SymPy and networkx stay out (the kernel run is below)."""
    probe = (
        "import sys\n"
        "from rpsdg_formal.cli.main import build_parser\n"
        "from rpsdg_formal.cli.generate import generate_config\n"
        "import rpsdg_formal.cli.kernel_route, rpsdg_formal.pipeline.run\n"
        "args = build_parser(['generate']).parse_args(['generate', '--out', 'unused'])\n"
        "config, rules = generate_config(args)\n"
        "assert config.family.name == 'rewrite', config.family.name\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'sympy', 'networkx'}))"
    )
    assert _fresh(probe) == "[]"


def _imported(stderr: str) -> set[str]:
    """The modules a `-X importtime` report names."""
    return {
        line.split("|")[-1].strip()
        for line in stderr.splitlines()
        if line.startswith("import time:") and line.count("|") == 2
    }


OTHER_FAMILIES = ("calculus", "calculus_family", "derive", "equation", "equation_family", "system")


def test_a_whole_default_generate_run_imports_neither_sympy_nor_networkx(
    tmp_path: Path, audited_cache: Path
) -> None:
    """The real command, parent and forked workers alike (they report to the same stderr),
    writes its theorems without ever importing SymPy, networkx or another family's modules."""
    out = tmp_path / "run"
    command = [
        sys.executable, "-X", "importtime", "-m", "rpsdg_formal.cli", "generate", "--count",
        "20", "--out", str(out), "--cache-dir", str(audited_cache), "--quiet",
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=True)
    assert (out / "theorems.jsonl").read_bytes().count(b"\n") == 20
    imported = _imported(done.stderr)
    assert {"rpsdg_formal.families.rewrite_family", "yaml"} <= imported  # the report is read
    packages = {name.split(".")[0] for name in imported}
    assert not packages & set(HEAVY), sorted(packages & set(HEAVY))
    others = {f"rpsdg_formal.families.{name}" for name in OTHER_FAMILIES}
    assert not imported & others, sorted(imported & others)
