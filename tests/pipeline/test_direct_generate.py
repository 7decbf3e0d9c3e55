"""`generate` on the direct kernel route: the same output as `--kernel lean`, a sample checked
by `lean` that stops the run on a disagreement, and the fall back when the route is broken."""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import random
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import cast

import pytest
from lying_kernel import lie_about

from rpsdg_formal.cli.common import EXIT_REJECTED
from rpsdg_formal.cli.generate import generate_config
from rpsdg_formal.cli.kernel_route import direct_route, generate_locally
from rpsdg_formal.cli.main import build_parser, main
from rpsdg_formal.errors import KernelDisagreementError
from rpsdg_formal.kernel import KernelConfig
from rpsdg_formal.kernel.check import Accepted, Rejected, Verdict, prepare_kernel
from rpsdg_formal.kernel.direct import DirectKernel, DirectSetup
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.faults import LIMIT, Settled
from rpsdg_formal.kernel.proofspec import ProofSpec
from rpsdg_formal.kernel.route import (
    LEAN_SAMPLE,
    SPREAD,
    Coverage,
    DirectRoute,
    Sample,
    agree,
    compare,
    lean_sample,
    names_in,
)
from rpsdg_formal.pipeline import fused, run
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules


def _run(out: Path, cache: Path, *extra: str) -> int:
    args = ["--count", "30", "--seed", "4", "--steps", "6", "--batch-size", "10", "--proofs", "2"]
    return main(
        ["generate", *args, *extra, "--out", str(out), "--cache-dir", str(cache), "--quiet"]
    )


def _same_folders(a: Path, b: Path) -> None:
    for name in ("theorems.jsonl", "rejected.jsonl", "keys.bin", "checkpoint.json"):
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    files = sorted(p.name for p in (a / "lean").iterdir())
    assert files == sorted(p.name for p in (b / "lean").iterdir()) and len(files) >= 3
    _, mismatch, errors = filecmp.cmpfiles(a / "lean", b / "lean", files, shallow=False)
    assert mismatch == errors == []


@pytest.mark.kernel
def test_direct_route_writes_exactly_what_the_lean_route_writes(
    tmp_path: Path, audited_cache: Path
) -> None:
    """Three batches, only the first also checked by `lean` (--lean-sample 0)."""
    assert _run(tmp_path / "direct", audited_cache, "--lean-sample", "0") == 0
    assert _run(tmp_path / "lean", audited_cache, "--kernel", "lean") == 0
    _same_folders(tmp_path / "direct", tmp_path / "lean")


@pytest.mark.kernel
def test_a_disagreement_with_the_lean_sample_stops_the_run(
    tmp_path: Path,
    audited_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    lie_about(monkeypatch)
    assert _run(tmp_path / "out", audited_cache) == 2
    err = capsys.readouterr().err
    assert "disagree" in err and "batch_00000.lean" in err and "--kernel lean" in err


@pytest.mark.kernel
def test_lean_is_shown_every_theorem_that_brings_a_new_name_in_any_batch(
    tmp_path: Path,
    audited_cache: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A theorem of a later, unsampled batch that uses a name `lean` has not seen is checked
    by `lean` too: the direct kernel lying about it alone stops the run at its batch. The
    samples' private folders are gone afterwards and the lean folder holds the batches only."""
    shown: list[tuple[int, list[str]]] = []

    def spying(
        route: DirectRoute, cover: Coverage, theorems: Sequence[LeanTheorem], n: int
    ) -> Sample:
        chosen = lean_sample(route, cover, theorems, n)
        shown.append((n, [t.name for t in chosen.theorems]))
        return chosen

    monkeypatch.setattr(run, "lean_sample", spying)
    monkeypatch.setattr(run.DirectRoute, "coverage", lambda _: Coverage())  # nothing confirmed
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    assert _run(tmp_path / "whole", audited_cache, "--lean-sample", "0") == 0
    assert [n for n, _ in shown] == [0, 1, 2] and len(shown[0][1]) >= 10 // SPREAD
    later = [(n, names[0]) for n, names in shown if n > 0 and names]
    assert later, "seed 4 has a new name after the first batch"
    number, liar = later[0]
    assert list((tmp_path / "tmp").iterdir()) == []
    assert sorted(p.name for p in (tmp_path / "whole" / "lean").iterdir()) == [
        "batch_00000.lean",
        "batch_00001.lean",
        "batch_00002.lean",
    ]
    lie_about(monkeypatch, liar.__eq__)
    assert _run(tmp_path / "out", audited_cache, "--lean-sample", "0") == 2
    err = capsys.readouterr().err
    assert "disagree" in err and liar in err and f"batch_{number:05d}.lean" in err
    assert list((tmp_path / "tmp").iterdir()) == []


def _theorem(name: str, proof: str) -> LeanTheorem:
    return LeanTheorem(name, "∀ (x : R), Eq x x", proof)


def test_the_sample_is_each_theorem_with_a_new_name_and_a_spread_in_sampled_batches() -> None:
    route, cover = DirectRoute(cast(DirectSetup, None), 2), Coverage()
    first = [_theorem(f"t{k}", "fun x => Eq.refl x") for k in range(2 * SPREAD + 1)]
    first[3] = _theorem("t3", "fun x => Eq.symm (Eq.refl x)")
    picked = [t.name for t in lean_sample(route, cover, first, 0).theorems]
    assert picked == ["t0", "t3", f"t{SPREAD}", f"t{2 * SPREAD}"]
    second = [_theorem("u0", "fun x => Eq.refl x"), _theorem("u1", "fun x => foo x")]
    assert [t.name for t in lean_sample(route, cover, second, 1).theorems] == ["u1"]
    assert lean_sample(route, cover, second, 1).theorems == ()  # nothing new any more
    assert [t.name for t in lean_sample(route, cover, second, 2).theorems] == ["u0"]  # the spread


def test_the_names_are_covered_by_the_theorem_bringing_the_most_first() -> None:
    """One theorem using both new names is sampled instead of the two that each use one, and
    the earliest of equals is taken."""
    route, cover = DirectRoute(cast(DirectSetup, None), 0), Coverage()
    lean_sample(route, cover, [_theorem("t0", "fun x => Eq.refl x")], 0)
    batch = [
        _theorem("a", "fun x => fa x"),
        _theorem("b", "fun x => fb x"),
        _theorem("ab", "fun x => fa (fb x)"),
        _theorem("c1", "fun x => fc x"),
        _theorem("c2", "fun x => fc (fc x)"),
    ]
    assert [t.name for t in lean_sample(route, cover, batch, 1).theorems] == ["ab", "c1"]
    assert lean_sample(route, cover, batch, 2).theorems == ()


@pytest.mark.parametrize("seed", range(20))
def test_every_name_of_a_batch_is_shown_to_lean_and_the_spread_is_kept(seed: int) -> None:
    """On random batches over a few names: the sample keeps every spread theorem, and after it
    every name any theorem of the batch uses is a name of a sampled one (or of an earlier
    batch's sample)."""
    rng = random.Random(seed)
    route, cover = DirectRoute(cast(DirectSetup, None), 3), Coverage()
    earlier: set[str] = set()
    for number in range(4):
        batch = [
            _theorem(f"b{number}t{k}", " ".join(rng.choices("pqrstuvw", k=rng.randint(1, 4))))
            for k in range(rng.randint(1, 3 * SPREAD))
        ]
        picked = lean_sample(route, cover, batch, number).theorems
        names = {w for t in picked for w in names_in(t)} | earlier
        assert names >= {w for t in batch for w in names_in(t)}
        spread = batch[::SPREAD] if route.sampled(number) else []
        assert all(t in picked for t in spread)
        assert [t.name for t in picked] == [t.name for t in batch if t in picked]  # batch order
        earlier = names


def test_agreement_is_same_verdict_and_same_axioms_in_order() -> None:
    a = Accepted(("X.a", "X.b"))
    assert agree(a, Accepted(("X.a", "X.b")))
    assert not agree(a, Accepted(("X.b", "X.a")))
    assert not agree(a, Rejected("rejected by the Lean kernel"))
    assert agree(Rejected("rejected by the Lean kernel", ("x",)), Rejected("other", ("y",)))
    assert agree(a, Rejected(LIMIT))  # Lean's resources say nothing about the theorem
    with pytest.raises(KernelDisagreementError, match="t1"):
        compare(Settled({"t1": a}, {}), Settled({"t1": Rejected("no")}, {}), Path("b.lean"))


@pytest.mark.kernel
def test_a_broken_direct_route_falls_back_to_lean_with_a_warning(
    tmp_path: Path,
    kernel_cache: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = load_rules(rules_path("field"))
    kernel = prepare_kernel(rules.theory, KernelConfig(cache_dir=kernel_cache))
    monkeypatch.setattr(fused, "self_test", lambda _: "a known theorem was not accepted")
    args = build_parser().parse_args(
        ["generate", "--count", "12", "--steps", "4", "--out", str(tmp_path / "out"), "--quiet"]
    )
    config, rules = generate_config(args)
    summary = generate_locally(args, rules, config, kernel)  # the workers fail the self-test
    err = capsys.readouterr().err
    assert "warning" in err and "self-test" in err and "`lean` instead" in err
    assert summary.accepted == 12  # checked by `lean` instead
    direct = argparse.Namespace(kernel="direct", lean=None, lean_sample=20)
    route = direct_route(direct, kernel, rules)
    assert route is not None and route.sample_every == 20
    lean = argparse.Namespace(kernel="lean", lean=None, lean_sample=20)
    assert direct_route(lean, kernel, rules) is None


def test_lean_spreads_over_the_first_batch_and_one_in_a_hundred_by_default() -> None:
    args = build_parser().parse_args(["generate", "--out", "x"])
    assert args.lean_sample == LEAN_SAMPLE == 100
    route = DirectRoute(cast(DirectSetup, None))  # `sampled` never touches the setup
    assert [n for n in range(301) if route.sampled(n)] == [0, 100, 200, 300]
    only_first = DirectRoute(cast(DirectSetup, None), 0)
    assert [n for n in range(301) if only_first.sampled(n)] == [0]


@pytest.mark.kernel
def test_a_theorem_that_kills_the_kernel_is_reported_and_the_run_goes_on(
    tmp_path: Path, audited_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kernel dying on one theorem (a segfault, say) costs that theorem only: it is in
    rejected.jsonl as a kernel limit, the run still writes --count theorems, and says so."""
    assert _run(tmp_path / "whole", audited_cache, "--lean-sample", "0") == 0
    rows = [json.loads(line) for line in (tmp_path / "whole" / "theorems.jsonl").open()]
    doomed = rows[13]["lean_name"]  # in the second batch
    check = DirectKernel.check_spec

    def dies_on_it(self: DirectKernel, spec: ProofSpec) -> Verdict:
        if spec.name == doomed:
            os._exit(11)
        return check(self, spec)

    monkeypatch.setattr(DirectKernel, "check_spec", dies_on_it)  # the workers fork after
    assert _run(tmp_path / "out", audited_cache, "--lean-sample", "0") == EXIT_REJECTED
    out = tmp_path / "out"
    written = [json.loads(line)["lean_name"] for line in (out / "theorems.jsonl").open()]
    assert len(written) == 30 and doomed not in written
    assert written[:13] == [r["lean_name"] for r in rows[:13]]
    rejected = [json.loads(line) for line in (out / "rejected.jsonl").open()]
    assert [(r["id"], r["reason"], r["lean_file"]) for r in rejected] == [
        (doomed, LIMIT, rows[13]["verified"]["lean_file"])
    ]
    assert "died" in rejected[0]["messages"][0]
