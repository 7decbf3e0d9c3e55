"""The exports as their consumers' own code reads them: Hugging Face `datasets` loading every
config of the card from the export root, LeanDojo's data classes on the LeanDojo files, and
ReProver's corpus rules (`common.Corpus`: every import a corpus file listed before it, the
imports a DAG, every theorem file in the corpus, each premise a step uses located in its file
and accessible at the theorem). Field, calculus and equation runs, made and checked by the
real kernel. Also: every rendered tactic is Mathlib's per the table, and no proof ends with a
goal open under Mathlib's semantics.
"""

from __future__ import annotations

import io
import json
import logging
import shutil
import warnings
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
import yaml

from rpsdg_formal.cli.main import main
from rpsdg_formal.env.environment import KernelChecker, replay_exported
from rpsdg_formal.errors import ConfigError
from rpsdg_formal.exports.judging import ERROR_LIMIT
from rpsdg_formal.exports.leanproject import git_commit
from rpsdg_formal.exports.writer import ExportConfig
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.tactics.mathlib import load_table
from rpsdg_formal.tactics.render import NO_GOALS
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules

THEORIES = ("field", "calculus", "equation")

pytestmark = pytest.mark.kernel


@pytest.fixture(scope="module")
def made(
    exports: dict[str, tuple[Path, Path]], kernel_cache: Path
) -> dict[str, tuple[Path, Path, Path]]:
    """The shared `export --format all` of the field, calculus and equation runs: theory ->
    (run, export root, kernel cache)."""
    return {theory: (run, out, kernel_cache) for theory, (run, out) in exports.items()}


@pytest.fixture(scope="module")
def roots(made: dict[str, tuple[Path, Path, Path]]) -> dict[str, Path]:
    """Theory -> the root of its `--format all` export."""
    return {theory: out for theory, (_, out, _) in made.items()}


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _front(root: Path) -> dict[str, Any]:
    front = yaml.safe_load((root / "README.md").read_text(encoding="utf-8").split("---")[1])
    assert isinstance(front, dict)
    return front


# --- Hugging Face datasets ------------------------------------------------------------------------


@pytest.mark.parametrize("theory", THEORIES)
def test_every_config_loads_from_the_root_without_a_warning(
    roots: dict[str, Path], theory: str, tmp_path: Path
) -> None:
    datasets = pytest.importorskip("datasets", reason="needs the `test` extra (datasets)")
    datasets.disable_progress_bars()
    root = roots[theory]
    front = _front(root)
    names = [c["config_name"] for c in front["configs"]]
    tables = ["theorems", "steps", "negatives", "dpo", "stepwise"]  # every family is judged
    assert names[: len(tables)] == tables  # a config without rows is left out of the card
    assert {"leandojo_random", "leandojo_novel_premises", "leandojo_corpus"} <= set(names)
    infos = {i["config_name"]: i for i in front["dataset_info"]}
    log = io.StringIO()
    handler = logging.StreamHandler(log)
    handler.setLevel(logging.WARNING)
    logging.getLogger("datasets").addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            default = datasets.load_dataset(str(root), cache_dir=str(tmp_path))
            loaded = {
                n: datasets.load_dataset(str(root), n, cache_dir=str(tmp_path)) for n in names
            }
    finally:
        logging.getLogger("datasets").removeHandler(handler)
    assert [str(w.message) for w in caught] == [] and log.getvalue() == ""
    assert default["train"].num_rows == loaded["theorems"]["train"].num_rows
    assert "statement" in default["train"].column_names  # the default is `theorems`
    for name, data in loaded.items():
        expected = {s["name"]: s["num_examples"] for s in infos[name]["splits"]}
        assert {split: data[split].num_rows for split in data} == expected, name
    theorems = _jsonl(root / "jsonl" / "data" / "theorems.jsonl")
    assert loaded["theorems"]["train"].num_rows == len(theorems)
    random_rows = sum(loaded["leandojo_random"][s].num_rows for s in loaded["leandojo_random"])
    assert (
        random_rows
        == json.loads((root / "leandojo" / "metadata.json").read_text())["counts"]["traced_proofs"]
    )  # each traced proof once: nothing merged twice


# --- LeanDojo and ReProver -----------------------------------------------------------------------


def _lean_dojo(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    """lean_dojo, offline: no remote cache, a private cache folder (read at import)."""
    monkeypatch.setenv("DISABLE_REMOTE_CACHE", "1")
    monkeypatch.setenv("CACHE_DIR", str(tmp_path / "lean-dojo-cache"))
    return pytest.importorskip("lean_dojo", reason="needs the `test` extra (lean-dojo)")


@pytest.mark.parametrize("theory", THEORIES)
def test_leandojo_corpus_follows_reprovers_rules(roots: dict[str, Path], theory: str) -> None:
    dojo = roots[theory] / "leandojo"
    graph = nx.DiGraph()
    files: dict[str, dict[str, Any]] = {}
    for entry in _jsonl(dojo / "corpus.jsonl"):
        assert entry["path"] not in files
        files[entry["path"]] = entry
        graph.add_node(entry["path"])
        for imported in entry["imports"]:
            assert imported in files, (entry["path"], imported)  # a corpus path, listed before
            graph.add_edge(entry["path"], imported)
        for premise in entry["premises"]:
            assert premise["code"] and premise["start"] <= premise["end"]
            assert not premise["code"].rstrip().endswith(":=")  # LeanDojo cuts at the proof
    assert nx.is_directed_acyclic_graph(graph)
    closure = nx.transitive_closure_dag(graph)
    entries = [
        e
        for layout in ("random", "novel_premises")
        for split in ("train", "val", "test")
        for e in json.loads((dojo / layout / f"{split}.json").read_text())
    ]
    assert entries
    seen = []
    for entry in entries:
        path = entry["file_path"]
        assert path in files and path.startswith("Generated/")
        own = {p["full_name"]: p for p in files[path]["premises"]}
        assert own[entry["full_name"]]["start"] == entry["start"]
        visible = {p["full_name"] for p in own.values() if p["end"] <= entry["start"]}
        for dependency in closure.successors(path):
            visible |= {p["full_name"] for p in files[dependency]["premises"]}
        seen.append(len(visible))
        for tactic in entry["traced_tactics"]:
            _, provenance = tactic["annotated_tactic"]
            for used in provenance:
                at = [
                    p
                    for p in files[used["def_path"]]["premises"]
                    if p["start"] <= used["def_pos"] <= p["end"]
                ]
                assert at and at[0]["full_name"] == used["full_name"]
                assert used["full_name"] in visible
    # ReProver's retriever needs `num_retrieved` premises accessible at every theorem (else
    # `get_nearest_premises` raises ValueError): the metadata and the card say how many there are
    fewest = json.loads((dojo / "metadata.json").read_text())["min_accessible_premises"]
    assert fewest == min(seen) > 0
    card = (roots[theory] / "README.md").read_text(encoding="utf-8")
    assert f"`num_retrieved` and the generator's `eval_num_retrieved` to at most {fewest}" in card


@pytest.mark.parametrize("theory", THEORIES)
def test_lean_dojo_classes_accept_the_export(
    roots: dict[str, Path], theory: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    lean_dojo = _lean_dojo(monkeypatch, tmp_path)
    dojo = roots[theory] / "leandojo"
    metadata = json.loads((dojo / "metadata.json").read_text())
    url, commit = metadata["from_repo"]["url"], metadata["from_repo"]["commit"]
    assert url == str((roots[theory] / "lean-project").resolve()) and len(commit) == 40
    repo = lean_dojo.LeanGitRepo(url, commit)
    assert repo.lean_version == "v4.35.0"
    for entry in json.loads((dojo / "random" / "train.json").read_text()):
        assert (entry["url"], entry["commit"]) == (url, commit)
        theorem = lean_dojo.Theorem(repo, entry["file_path"], entry["full_name"])
        assert (Path(url) / theorem.file_path).is_file()
        start, end = lean_dojo.Pos(*entry["start"]), lean_dojo.Pos(*entry["end"])
        assert start <= end
        lines = (Path(url) / entry["file_path"]).read_text().splitlines()
        assert lines[start.line_nb - 1].startswith(f"theorem {entry['full_name']} ")


def test_the_project_commit_depends_on_the_files_only(tmp_path: Path) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    hashes = []
    for name in ("one", "two"):
        folder = tmp_path / name
        (folder / "Generated").mkdir(parents=True)
        (folder / "Generated" / "Batch00000.lean").write_text("prelude\n")
        hashes.append(git_commit(folder))
    assert hashes[0] == hashes[1] and len(hashes[0]) == 40
    (tmp_path / "two" / "Generated" / "Batch00000.lean").write_text("prelude\n\n")
    assert git_commit(tmp_path / "two") != hashes[0]


def test_repo_url_and_commit_go_together(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="together"):
        ExportConfig(("leandojo",), tmp_path, repo_url="https://github.com/a/b")
    with pytest.raises(ConfigError, match="40-digit"):
        ExportConfig(("leandojo",), tmp_path, repo_url="https://github.com/a/b", commit="main")
    ExportConfig(("leandojo",), tmp_path, repo_url="https://github.com/a/b", commit="a" * 40)


# --- Mathlib --------------------------------------------------------------------------------------


def _lemma(tactic: str) -> str:
    """The lemma a rewrite names: `rw [← neg_div y x]` -> `neg_div`; a stated fact -> `show`."""
    inside = tactic.split("[", 1)[1].removeprefix("← ")
    return inside.split()[0].rstrip("]")


@pytest.mark.parametrize("theory", THEORIES)
def test_rendered_tactics_name_the_tables_lemmas(roots: dict[str, Path], theory: str) -> None:
    table = load_table()
    lemmas = {e.lemma for e in table.entries.values() if e.lemma is not None}
    steps = _jsonl(roots[theory] / "jsonl" / "data" / "steps.jsonl")
    rewrites = [s for s in steps if "rw [" in s["tactic"]]
    assert rewrites
    for row in rewrites:
        entry = table.entry(row["rule"])
        lemma = _lemma(row["tactic"].split(" at ")[0] if " at " in row["tactic"] else row["tactic"])
        if row["mathlib"]:
            assert lemma in lemmas or lemma == "show", row
            assert entry.lemma in (lemma, None), row
        else:
            assert entry.tactic == "none", row
    if theory != "calculus":
        assert all(s["mathlib"] for s in steps)


@pytest.mark.parametrize("theory", THEORIES)
def test_no_proof_ends_with_a_goal_open(roots: dict[str, Path], theory: str) -> None:
    """`rw` and `nth_rw` try `rfl` after rewriting; `nth_rewrite` and `rewrite` do not, so
    neither may end a proof (Mathlib/Tactic/NthRewrite.lean)."""
    steps = _jsonl(roots[theory] / "jsonl" / "data" / "steps.jsonl")
    last: dict[tuple[str, int], dict[str, Any]] = {}
    for row in steps:
        key = (row["theorem"], row["proof"])
        if key not in last or row["step"] > last[key]["step"]:
            last[key] = row
        assert not row["tactic"].startswith(("nth_rewrite", "rewrite "))
    for row in last.values():
        assert row["state_after"] == "no goals"
        assert row["tactic"].startswith(("rw [", "nth_rw ", "exact ")), row


def _without_rfl(tactic: str) -> str:
    """The same rewrite spelled as the tactic that does not try `rfl` afterwards."""
    for closing, open_ in (("rw [", "rewrite ["), ("nth_rw ", "nth_rewrite ")):
        if tactic.startswith(closing):
            return open_ + tactic.removeprefix(closing)
    raise AssertionError(f"a last step that is neither rw nor nth_rw: {tactic}")


def _left_open(state: str) -> str:
    """The state after a last step that does not try `rfl`: its goal `s = e` becomes `e = e`."""
    *context, goal = state.split("\n")
    sides = goal.removeprefix("⊢ ").split(" = ")
    assert goal.startswith("⊢ ") and len(sides) == 2, state
    return "\n".join([*context, f"⊢ {sides[1]} = {sides[1]}"])


def _spelled_open(row: dict[str, Any]) -> dict[str, Any]:
    """A proof's last step as `nth_rewrite`/`rewrite`, with the state Mathlib then shows."""
    opened = _without_rfl(row["tactic"])
    return {**row, "tactic": opened, "state_after": _left_open(row["state_before"])}


@pytest.mark.parametrize("theory", ["field", "calculus"])
def test_every_exported_proof_replays_to_no_goals_in_the_environment(
    made: dict[str, tuple[Path, Path, Path]], theory: str, tmp_path: Path
) -> None:
    """Each exported proof, replayed through the kernel-backed environment (Mathlib's
    semantics), shows every exported state and ends with `no goals`; its last step spelled
    `nth_rewrite`/`rewrite` instead leaves `e = e` open, which `rfl` then closes."""
    run, root, cache = made[theory]
    rules = load_rules(rules_path(theory))
    kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=cache, threads=2))
    records = {str(r["id"]): r for r in _jsonl(run / "theorems.jsonl")}
    steps = _jsonl(root / "jsonl" / "data" / "steps.jsonl")
    checker = KernelChecker(kernel, tmp_path, jobs=2)
    report = replay_exported(records, steps, [], rules, checker)
    assert report.proofs >= 20 and report.closed == report.proofs
    assert not report.invalid_steps and report.state_mismatches == 0
    last: dict[tuple[str, int], dict[str, Any]] = {}
    for row in steps:
        key = (row["theorem"], row["proof"])
        if key not in last or row["step"] > last[key]["step"]:
            last[key] = row
    ends = {id(row) for row in last.values()}
    changed = [_spelled_open(row) if id(row) in ends else row for row in steps]
    left_open = replay_exported(records, changed, [], rules, checker)
    assert left_open.closed == 0 and not left_open.invalid_steps
    assert left_open.state_mismatches == 0  # `⊢ e = e`, never `no goals`
    closing = [{**row, "step": row["step"] + 1, "tactic": "rfl", "state_after": NO_GOALS}
               for row in last.values()]  # fmt: skip
    closed = replay_exported(records, changed + closing, [], rules, checker)
    assert closed.closed == closed.proofs and closed.state_mismatches == 0


def test_equation_proofs_end_as_mathlib_runs_them(roots: dict[str, Path]) -> None:
    """Equation proofs (not replayable in the environment yet) are read as Mathlib runs them:
    each `have h : T := by rw [...] at hK; exact hK` keeps `T` open after `rw`'s `rfl` (its
    sides differ) for `exact`, and the last step is `exact hN` with `hN` the goal itself."""
    steps = _jsonl(roots["equation"] / "jsonl" / "data" / "steps.jsonl")
    by_proof: dict[tuple[str, int], list[dict[str, Any]]] = {}
    for row in steps:
        by_proof.setdefault((row["theorem"], row["proof"]), []).append(row)
    assert len(by_proof) >= 20
    for rows in by_proof.values():
        rows.sort(key=lambda r: r["step"])
        for row in rows[:-1]:
            assert row["tactic"].startswith("have h") and row["state_after"] != NO_GOALS
            stated = row["tactic"].split(" : ", 1)[1].split(" := ", 1)[0]
            left, right = stated.split(" = ")
            assert left != right, row  # `rw`'s `rfl` would close it before `exact`
        final = rows[-1]
        name = final["tactic"].removeprefix("exact ")
        *context, goal = final["state_before"].split("\n")
        assert f"{name} : {goal.removeprefix('⊢ ')}" in context, final
        assert final["state_after"] == NO_GOALS


def test_missing_rule_negatives_never_name_a_known_mathlib_lemma(roots: dict[str, Path]) -> None:
    known = load_table().declarations()
    for theory in ("field", "calculus"):
        negatives = _jsonl(roots[theory] / "jsonl" / "data" / "negatives.jsonl")
        missing = [n for n in negatives if n["kind"] == "missing-rule"]
        assert missing
        for row in missing:
            assert _lemma(row["tactic"].split(";")[0]) not in known, row


@pytest.mark.parametrize("theory", THEORIES)
def test_every_rejected_step_carries_leans_message(roots: dict[str, Path], theory: str) -> None:
    # rewrite and equation wrong steps go through one judge: a −1 row states what Lean said
    # about that step, never nothing, a placeholder or Lean's notice that it stopped counting
    negatives = _jsonl(roots[theory] / "jsonl" / "data" / "negatives.jsonl")
    rejected = [n for n in negatives if n["label"] == -1]
    assert rejected
    for row in rejected:
        message = row["kernel_message"]
        assert message.strip() and "no axiom report" not in message, row
        assert ERROR_LIMIT not in message, row
    assert all(n["kernel_message"] == "" for n in negatives if n["label"] == 1)


def test_trl_prompts_end_with_the_separator(roots: dict[str, Path]) -> None:
    root = roots["field"]
    for row in _jsonl(root / "trl-dpo" / "dpo.jsonl"):
        assert row["prompt"].endswith("\n") and not row["chosen"].startswith("\n")
    for row in _jsonl(root / "trl-stepwise" / "stepwise.jsonl"):
        assert row["prompt"].endswith("\n")


def test_leandojo_alone_commits_its_own_project(
    made: dict[str, tuple[Path, Path, Path]], tmp_path: Path
) -> None:
    run, _, cache = made["field"]
    out = tmp_path / "dojo"
    argv = ["export", str(run), "--format", "leandojo", "--out", str(out), "--negatives", "0"]
    assert main([*argv, "--cache-dir", str(cache), "--quiet"]) == 0
    metadata = json.loads((out / "metadata.json").read_text())
    assert metadata["from_repo"]["url"] == str((out / "repo").resolve())
    assert (out / "repo" / "Generated" / "Batch00000.lean").is_file()
    assert _front(out)["configs"][0]["config_name"] == "leandojo_random"
    url = ["--repo-url", "https://github.com/someone/dataset", "--commit", "b" * 40]
    assert main([*argv, "--force", *url, "--cache-dir", str(cache), "--quiet"]) == 0
    entry = json.loads((out / "random" / "train.json").read_text())[0]
    assert (entry["url"], entry["commit"]) == ("https://github.com/someone/dataset", "b" * 40)
