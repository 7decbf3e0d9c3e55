"""The shipped theories live inside the package, are found from anywhere, and are all packaged."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

import rpsdg_formal
from rpsdg_formal.cli.main import main
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.theory import catalogue
from rpsdg_formal.theory.rules import load_rules

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - the CI runs 3.11
    tomllib = pytest.importorskip("tomli")

PACKAGE = Path(rpsdg_formal.__file__).resolve().parent
CHECKOUT = PACKAGE.parent


def test_the_shipped_theories_are_inside_the_package() -> None:
    assert catalogue.shipped_theories() == ("calculus", "equation", "field")
    for name in catalogue.shipped_theories():
        path = catalogue.rules_path(name)
        assert path.is_relative_to(PACKAGE) and path.name == f"{name}.yaml"
        theory = load_rules(path).theory
        assert theory.lean_dir == catalogue.lean_dir()
        assert all(m.path.is_relative_to(catalogue.lean_dir()) for m in theory.modules)


def test_an_unknown_theory_names_the_known_ones() -> None:
    with pytest.raises(ConfigError, match=r"unknown theory 'nosuch'; known: calculus, equation, "):
        catalogue.rules_path("nosuch")


def test_the_cli_looks_theories_up_in_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)  # an unrelated directory: no rules/ here
    assert main(["generate", "--theory", "nosuch", "--out", str(tmp_path / "o")]) == 2
    assert "known: calculus, equation, field (or pass --rules FILE)" in capsys.readouterr().err


def test_every_file_of_the_data_folder_is_in_the_wheel() -> None:
    """pyproject's package-data patterns cover every shipped rule file and Lean source."""
    config = tomllib.loads((CHECKOUT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["rpsdg_formal"]
    packaged = {p for pattern in patterns for p in PACKAGE.glob(pattern)}
    shipped = {p for p in catalogue.data_dir().rglob("*") if p.is_file()}
    assert shipped and shipped <= packaged, sorted(map(str, shipped - packaged))


def test_the_lakefile_builds_the_shipped_lean_sources() -> None:
    """`lake build` at the checkout's root reads the same folder the package compiles."""
    lakefile = (CHECKOUT / "lakefile.lean").read_text(encoding="utf-8")
    src = re.search(r'srcDir := "([^"]+)"', lakefile)
    assert src is not None and (CHECKOUT / src.group(1)).resolve() == catalogue.lean_dir()
