"""Which rule file a command uses: `--rules`, `--theory` (a theory shipped in the package, see
`theory.catalogue`), or the one a dataset folder records (its run.json, else the theory named
by its records)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from rpsdg_formal.dataset.jsonl import iter_jsonl
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.theory import catalogue
from rpsdg_formal.theory.rules import RuleSet, load_rules


def rules_path(theory: str | None, rules: str | None) -> Path:
    """--rules FILE if given, else the shipped rule file of --theory (default field)."""
    if rules:
        return Path(rules)
    return catalogue.rules_path(theory or "field")


def folder_rules_path(folder: Path, args: argparse.Namespace) -> Path:
    """--rules/--theory if given; else the rule file recorded in FOLDER/run.json; else the
    shipped theory its first record names (a curriculum folder has no run.json); else field."""
    manifest = folder / "run.json"
    if args.rules or args.theory:
        return rules_path(args.theory, args.rules)
    if manifest.is_file():
        try:
            recorded = json.loads(manifest.read_text(encoding="utf-8"))["rules"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            raise ConfigError(
                f"{manifest} is unreadable ({err}); pass --rules or --theory"
            ) from err
        return Path(str(recorded))
    return rules_path(first_record_field(folder, "theory"), None)


def folder_rules(folder: Path, args: argparse.Namespace) -> RuleSet:
    """The rules of `folder_rules_path`, loaded; a --theory or --rules whose theory is not the
    one the folder's records name is refused here, once, rather than as a parse error at the
    first record (or, for `curriculum`, not at all)."""
    rules = load_rules(folder_rules_path(folder, args))
    recorded = first_record_field(folder, "theory")
    if recorded is not None and recorded != rules.theory.name:
        given = f"--rules {args.rules}" if args.rules else f"--theory {args.theory}"
        raise ConfigError(
            f"{folder} holds theorems of theory '{recorded}', but {given} is theory "
            f"'{rules.theory.name}'; drop {given.split()[0]} (the folder names its own rule "
            f"file) or pass --theory {recorded}"
        )
    return rules


def file_rules(path: Path, args: argparse.Namespace) -> RuleSet:
    """--rules/--theory if given; else the shipped theory whose Lean module the file imports
    (a generated calculus file imports `RpsdgFormal.Calculus`), else field. The file is only
    read for its `import` lines here; `check` validates every line of it afterwards."""
    if args.rules or args.theory:
        return load_rules(rules_path(args.theory, args.rules))
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as err:
        raise ConfigError(f"{path}: cannot read the Lean file ({err})") from err
    imported = {word for line in lines if line.startswith("import ") for word in line.split()[1:]}
    for name in catalogue.shipped_theories():
        rules = load_rules(catalogue.rules_path(name))
        if rules.theory.lean_module in imported:
            return rules
    return load_rules(rules_path(None, None))


def dataset_files(folder: Path) -> list[Path]:
    """The record files of a dataset folder (theorems.jsonl) or a curriculum (level_NN.jsonl)."""
    if not folder.is_dir():
        return []
    return [folder / "theorems.jsonl", *sorted(folder.glob("level_*.jsonl"))]


def first_record_field(folder: Path, key: str) -> str | None:
    """The value of `key` in the first readable record of the folder's record files, or None."""
    for path in dataset_files(folder):
        if not path.is_file():
            continue
        for _, record in iter_jsonl(path):
            if isinstance(record, dict):
                value = record.get(key)
                return value if isinstance(value, str) else None
    return None
