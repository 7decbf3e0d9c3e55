"""The two commands at the top of the README stay true: the first installs only what generation
needs and generates; the second is the developer install and is exactly what `.ci/run` runs."""

from __future__ import annotations

import re
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]


def _top_commands() -> list[str]:
    readme = (CHECKOUT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.*?)\n```", readme, re.S)[:2]


def test_the_first_command_installs_only_the_package_and_generates() -> None:
    first = _top_commands()[0]
    assert "pip install . " in first and "[" not in first  # no extra: no dev tools, no Ray
    assert "rpsdg-formal audit --theory field" in first
    assert "rpsdg-formal generate --theory field" in first


def test_ci_runs_exactly_the_second_command() -> None:
    second = _top_commands()[1]
    assert "pip install -e '.[dev]'" in second and "pytest" in second
    ci = (CHECKOUT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    assert ci[-1] == second
