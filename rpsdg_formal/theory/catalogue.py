"""Where the shipped theories are: the rule files and Lean sources inside the installed package.

They live in `rpsdg_formal/data/` (`rules/NAME.yaml`, `lean/RpsdgFormal/*.lean`), so a wheel or
a non-editable `pip install .` finds `--theory field` from any directory, as a checkout does.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from rpsdg_formal.errors import ConfigError

_PACKAGE = "rpsdg_formal"


def data_dir() -> Path:
    """The package's data folder. Raises ConfigError if the package is not on a file system
    (a zip import), where Lean could not read the theory's sources."""
    found = resources.files(_PACKAGE).joinpath("data")
    if not isinstance(found, Path) or not found.is_dir():
        raise ConfigError(
            f"the shipped theories are not a folder on disk ({found}); install rpsdg-formal "
            "unpacked (`pip install rpsdg-formal`, not a zip import) or pass --rules FILE"
        )
    return found


def rules_dir() -> Path:
    """The folder of the shipped rule files (`NAME.yaml`, one per theory)."""
    return data_dir() / "rules"


def lean_dir() -> Path:
    """The folder of the shipped Lean theory (`RpsdgFormal/*.lean`); rule files point here."""
    return data_dir() / "lean"


def shipped_theories() -> tuple[str, ...]:
    """The names `--theory` accepts, sorted."""
    return tuple(sorted(p.stem for p in rules_dir().glob("*.yaml")))


def rules_path(name: str) -> Path:
    """The rule file of the shipped theory `name`. Raises ConfigError naming the known ones."""
    path = rules_dir() / f"{name}.yaml"
    if not path.is_file():
        known = ", ".join(shipped_theories()) or "none"
        raise ConfigError(f"unknown theory {name!r}; known: {known} (or pass --rules FILE)")
    return path
