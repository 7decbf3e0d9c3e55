"""An interrupt that lands in a callback Python calls on its own (here a weak reference's, as
the expression pool's `_forget` is) stops the command instead of being printed and dropped."""

from __future__ import annotations

import time
import weakref

import pytest

from rpsdg_formal.cli.interrupts import interrupts_kept


class _Node:
    """Something with a weak reference to it."""


def _interrupted(ref: object) -> None:  # as if Ctrl-C arrived while the callback ran
    raise KeyboardInterrupt


def _drop_a_node() -> None:
    node = _Node()
    ref = weakref.ref(node, _interrupted)
    del node  # the callback runs here; its exception cannot leave it
    time.sleep(1)  # the interrupt handed back is raised here
    del ref


def test_an_interrupt_in_a_callback_is_raised_again(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(KeyboardInterrupt), interrupts_kept():
        _drop_a_node()
    assert "Exception ignored" not in capsys.readouterr().err


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_without_it_the_interrupt_is_lost() -> None:
    _drop_a_node()  # (what the command line did before: printed, and the command went on)
