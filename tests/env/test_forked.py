"""The search's forked workers (`env/forked.py`): results in task order, what a worker raises
raised in the parent, a worker that dies an error (not a hang), and Ctrl-C on a real
`rpsdg-formal curriculum --effort-budget` run: exit 130 at once, no traceback, no worker
left, nothing written; a killed search worker: exit 2 with a message saying what to do."""

from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rpsdg_formal.env.forked import SearchWorkerDiedError, forked_map
from rpsdg_formal.pipeline.config import GenerateConfig
from rpsdg_formal.pipeline.run import admitted
from rpsdg_formal.rewriting.walk import WalkConfig
from rpsdg_formal.theory.rules import RuleSet

PARENT = os.getpid()


def _slow_square(n: int) -> int:
    """n squared, after a delay that varies (so workers answer out of order)."""
    time.sleep((n * 7 % 5) / 1000)
    return n * n


def test_results_come_in_task_order() -> None:
    tasks = list(range(41))
    assert list(forked_map(_slow_square, tasks, 3, chunk=2)) == [n * n for n in tasks]
    assert list(forked_map(_slow_square, tasks, 1)) == [n * n for n in tasks]


def _refuses_seven(n: int) -> int:
    if n == 7:
        raise ValueError(f"no square for {n}")
    return n


def test_what_a_worker_raises_is_raised_here() -> None:
    with pytest.raises(ValueError, match="no square for 7"):
        list(forked_map(_refuses_seven, list(range(20)), 2))


class _Unpicklable(Exception):
    def __init__(self, n: int) -> None:
        super().__init__(n)
        self.held = lambda: n  # (a lambda cannot be pickled)


def _raises_unpicklable(n: int) -> int:
    if n == 3:
        raise _Unpicklable(n)
    return n


def test_an_exception_that_cannot_travel_is_named() -> None:
    with pytest.raises(RuntimeError, match="could not send back its answer"):
        list(forked_map(_raises_unpicklable, list(range(10)), 2))


def _dies_at_five(n: int) -> int:
    if n == 5 and os.getpid() != PARENT:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_a_worker_that_dies_is_an_error_not_a_hang() -> None:
    started = time.monotonic()
    with pytest.raises(SearchWorkerDiedError, match=r"exit code -9.*tasks 5 to 6.*--workers"):
        list(forked_map(_dies_at_five, list(range(30)), 2, chunk=2))
    assert time.monotonic() - started < 30


# --- the command line ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dataset(field_rules: RuleSet, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A dataset folder of long theorems (records as `generate` makes them, before the
    kernel), enough for the effort search to run for minutes at a large budget."""
    folder = tmp_path_factory.mktemp("effort")
    config = GenerateConfig(count=200, seed=7, out=folder, walk=WalkConfig(steps=12))
    made = itertools.islice(admitted(field_rules, config), 200)
    lines = [json.dumps(c.record.to_json()) for c in made if c.record is not None]
    (folder / "theorems.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(c) for c in path.read_text().split()] if path.exists() else []


def _start_searching(dataset: Path, out: Path) -> subprocess.Popen[str]:
    """`curriculum --effort-budget` in its own process group, once both search workers run."""
    command = [sys.executable, "-m", "rpsdg_formal.cli", "curriculum", str(dataset)]
    command += ["--out", str(out), "--effort-budget", "100000", "--workers", "2"]
    run = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 120
    while len(_children(run.pid)) < 2:
        if run.poll() is not None or time.monotonic() > deadline:
            run.kill()
            pytest.fail(f"the search did not start: {run.communicate()[1]}")
        time.sleep(0.1)
    time.sleep(1.0)  # well into the searches
    return run


def _finish(run: subprocess.Popen[str], workers: list[int]) -> tuple[int, str]:
    try:
        _, err = run.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(run.pid, signal.SIGKILL)
        pytest.fail("the command hung")
    time.sleep(0.2)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()], "a worker outlived the run"
    return run.returncode, err


@pytest.mark.kernel  # (a run of the package's command line: the Lean guard's rule)
def test_ctrl_c_during_the_search_stops_everything_at_once(dataset: Path, tmp_path: Path) -> None:
    run = _start_searching(dataset, tmp_path / "levels")
    workers = _children(run.pid)
    os.killpg(run.pid, signal.SIGINT)  # what a terminal sends on Ctrl-C: the whole group
    started = time.monotonic()
    code, err = _finish(run, workers)
    assert code == 130 and time.monotonic() - started < 10
    assert "Traceback" not in err and "interrupted" in err
    assert not (tmp_path / "levels").exists()  # nothing half-written


@pytest.mark.kernel
def test_a_killed_search_worker_ends_the_run_with_a_message(dataset: Path, tmp_path: Path) -> None:
    run = _start_searching(dataset, tmp_path / "levels")
    workers = _children(run.pid)
    os.kill(workers[-1], signal.SIGKILL)  # as the out-of-memory killer would
    code, err = _finish(run, workers)
    assert code == 2 and "Traceback" not in err
    assert "a search worker died (exit code -9)" in err and "lower --workers" in err
