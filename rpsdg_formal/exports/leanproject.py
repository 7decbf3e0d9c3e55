"""The dataset as a Lean project: what `lake build`, `rpsdg-formal check` and LeanDojo read.

`lean/` holds the theory, `Generated/BatchNNNNN.lean` the Lean files the kernel checked (less
the theorems in rejected.jsonl), and the project is a git repository with one commit, so
`lean_dojo.LeanGitRepo(path, commit)` accepts it (LeanDojo's `get_repo_type` takes a local path
only if it is a git repository). The commit is made with a fixed author and date: the same files
give the same commit hash. The naming here is the one every LeanDojo file of an export uses.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.dataset.jsonl import iter_jsonl, write_json
from rpsdg_formal.errors import OutputError
from rpsdg_formal.theory.rules import RuleSet

_LAKEFILE = """import Lake
open Lake DSL

/-! A dataset exported by rpsdg-formal: the theory (`lean/`) and the Lean files the kernel
checked (`Generated/`). `lake build` checks them with a standard toolchain; `rpsdg-formal check .`
replays every record of `theorems.jsonl` with the embedded kernel. -/

package rpsdg_formal_dataset

lean_lib RpsdgFormal where
  srcDir := "lean"
  globs := #[.submodules `RpsdgFormal]

@[default_target]
lean_lib Generated where
  globs := #[.submodules `Generated]
"""


def without_theorems(text: str, names: set[str]) -> str:
    """A checked batch file without the theorems named (those the kernel rejected or Lean
    could not finish): their blocks and their `#print axioms` lines, so that the project's
    files hold exactly what the dataset vouches for."""
    kept: list[str] = []
    skipping = False
    for line in text.split("\n"):
        if line.startswith("theorem "):
            skipping = line[len("theorem ") :].split(" ", 1)[0] in names
        elif not line.strip():
            skipping = False
        elif line.startswith("#print axioms "):
            if line[len("#print axioms ") :].strip() in names:
                continue
        if not skipping:
            kept.append(line)
    return "\n".join(kept)


_WHOLE_FILE = re.compile(r"(batch|shard)_\d+\.lean")


@dataclass(frozen=True)
class LeanProject:
    """An exported Lean project: its folder, its Lean files (path relative to the folder, in
    import order: the theory, then the generated files), where each checked file of the
    dataset went, and the git commit that holds them ("" without git)."""

    root: Path
    files: tuple[str, ...]
    generated: Mapping[str, str]  # dataset file (`lean/batch_00000.lean`) -> project file
    commit: str


def generated_files(folder: Path) -> list[tuple[Path, str]]:
    """The dataset's checked Lean files and their names in the project, in order."""
    checked = sorted((folder / "lean").glob("*.lean"))  # batch_N (local) or shard_N (ray) files;
    whole = [p for p in checked if _WHOLE_FILE.fullmatch(p.name)]  # not the re-checked halves
    return [(p, f"Generated/Batch{number:05d}.lean") for number, p in enumerate(whole)]


def _refused(folder: Path) -> set[str]:
    rejected = folder / "rejected.jsonl"
    rows = iter_jsonl(rejected) if rejected.is_file() else iter(())
    return {str(row.get("id")) for _, row in rows if isinstance(row, dict)}


def lean_project(folder: Path, rules: RuleSet, out: Path) -> list[Path]:
    """A Lean project of the dataset that `lake build` and `rpsdg-formal check` accept."""
    files = []
    for module in rules.theory.modules:
        target = out / "lean" / module.path.relative_to(module.root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(module.path, target)
        files.append(target)
    rule_copy = out / "rules" / rules.path.name
    rule_copy.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(rules.path, rule_copy)
    files.append(rule_copy)
    refused = _refused(folder)
    for batch, name in generated_files(folder):
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(without_theorems(batch.read_text(encoding="utf-8"), refused), "utf-8")
        files.append(target)
    shutil.copyfile(folder / "theorems.jsonl", out / "theorems.jsonl")
    manifest = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    manifest["rules"] = str(rule_copy.resolve())
    files += [out / "theorems.jsonl", write_json(out / "run.json", manifest)]
    (out / "lakefile.lean").write_text(_LAKEFILE, encoding="utf-8")
    version = manifest.get("lean_version", "4.35.0")  # the Lean that checked this run
    (out / "lean-toolchain").write_text(f"leanprover/lean4:v{version}\n", encoding="utf-8")
    return [*files, out / "lakefile.lean", out / "lean-toolchain"]


_GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "rpsdg-formal",
    "GIT_AUTHOR_EMAIL": "rpsdg-formal@localhost",
    "GIT_AUTHOR_DATE": "2000-01-01T00:00:00+0000",
    "GIT_COMMITTER_NAME": "rpsdg-formal",
    "GIT_COMMITTER_EMAIL": "rpsdg-formal@localhost",
    "GIT_COMMITTER_DATE": "2000-01-01T00:00:00+0000",
}


def git_commit(root: Path) -> str:
    """Make `root` a git repository holding its files in one commit; its hash ("" when git is
    not installed). A fixed author and date make the hash depend on the files only."""
    git = shutil.which("git")
    if git is None:
        return ""
    env = {
        **os.environ,
        **_GIT_IDENTITY,
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
    }
    commands = (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "--no-verify", "-m",
         "Dataset exported by rpsdg-formal"],
        ["rev-parse", "HEAD"],
    )  # fmt: skip
    try:
        for command in commands:
            done = subprocess.run(
                [git, *command], cwd=root, env=env, capture_output=True, text=True, check=True
            )
    except (OSError, subprocess.CalledProcessError) as err:
        detail = getattr(err, "stderr", "") or str(err)
        raise OutputError(
            f"{root}: could not commit the Lean project with git ({detail.strip()}); pass "
            "--repo-url and --commit to point LeanDojo at a published copy instead"
        ) from err
    return done.stdout.strip()


def write_project(folder: Path, rules: RuleSet, out: Path) -> tuple[LeanProject, list[Path]]:
    """Write the Lean project of `folder` to `out` and commit it; the project and its files."""
    written = lean_project(folder, rules, out)
    theory = [str(Path("lean") / m.path.relative_to(m.root)) for m in rules.theory.modules]
    named = generated_files(folder)
    generated = {str(batch.relative_to(folder)): name for batch, name in named}
    project = LeanProject(out, (*theory, *(n for _, n in named)), generated, git_commit(out))
    return project, written
