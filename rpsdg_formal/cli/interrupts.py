"""Ctrl-C that lands in a callback is not lost: a command's interrupt always stops it.

Python raises `KeyboardInterrupt` wherever the main thread is when the signal arrives. If that
is a callback Python calls on its own (a weak reference's, such as the expression pool's
`expr._forget`, or a `__del__`), the exception cannot leave the callback: Python prints
"Exception ignored in ... Traceback ... KeyboardInterrupt" and carries on, so the user sees a
traceback and the command goes on running. `interrupts_kept` hands such an interrupt back to
the main thread (`_thread.interrupt_main`) from a timer thread, `AGAIN` seconds later, once the
callback has returned (called from the hook itself, it would be raised inside the hook and
dropped again). It is then raised where the command is, which ends as any interrupted command
does (`main`: one line, exit code 130); should it land in a callback again, it is handed back
again."""

from __future__ import annotations

import _thread
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

AGAIN = 0.01  # seconds: far longer than the hook takes to return


def _unraisable(previous: Any) -> Any:
    """A `sys.unraisablehook` that raises an interrupt again in the main thread and passes
    anything else to `previous`."""

    def hook(info: Any) -> None:
        if isinstance(info.exc_value, KeyboardInterrupt):
            later = threading.Timer(AGAIN, _thread.interrupt_main)
            later.daemon = True
            later.start()
        else:
            previous(info)

    return hook


@contextmanager
def interrupts_kept() -> Iterator[None]:
    """Within the block, an interrupt raised in a callback is raised again in the main thread
    instead of being printed and dropped."""
    previous = sys.unraisablehook
    sys.unraisablehook = _unraisable(previous)
    try:
        yield
    finally:
        sys.unraisablehook = previous
