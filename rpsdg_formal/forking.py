"""What every forked worker of the package shares: how it starts (`quiet`), how it answers
(`serve`, `send`), and how the parent asks (`request`) and reads an answer (`receive`).

Three kinds of workers use it: `pipeline.workers` (preparing), `pipeline.fused` (preparing
and checking) and `env.forked` (the prover's search). An answer is ("ok", value), or
("error", the exception the work raised), which the parent raises; a closed pipe means the
worker died, which the parent reports with the error its caller names.
"""

from __future__ import annotations

import ctypes
import pickle
import signal
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

Answer = tuple[str, object]


def quiet() -> None:
    """Worker start: leave Ctrl-C to the parent (so no worker prints a traceback), and die with
    the parent even if it is killed -9."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def serve(connection: Connection, answer: Callable[[Any], object]) -> None:
    """A worker's loop, until the parent closes the pipe: each request read from it answered
    with ("ok", `answer(request)`), or ("error", what that raised) for the parent to raise."""
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        try:
            reply: Answer = ("ok", answer(request))
        except Exception as err:  # handed to the parent, which raises it
            reply = ("error", err)
        send(connection, reply)


def send(connection: Connection, message: object) -> None:
    """`message` pickled over the pipe. One that cannot be pickled (an exception holding a
    handle, say) goes as ("error", a RuntimeError naming it): else the worker would die and the
    parent report a dead worker instead of what went wrong."""
    try:
        data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    except (pickle.PicklingError, TypeError, AttributeError) as err:
        why = RuntimeError(f"a worker could not send back its answer: {err!r}")
        data = pickle.dumps(("error", why), protocol=pickle.HIGHEST_PROTOCOL)
    connection.send_bytes(data)


def request(connection: Connection, message: object) -> None:
    """Send a worker a request. A worker that has died leaves a broken pipe here; that is
    not raised, since reading the worker's answer reports the death with the caller's error."""
    try:
        connection.send(message)
    except OSError:
        pass


def receive(
    connection: Connection, process: BaseProcess, died: Callable[[int | None], Exception]
) -> Answer:
    """The worker's next answer; raises what it raised, or `died(exit code)` if it is dead."""
    try:
        kind, value = pickle.loads(connection.recv_bytes())
    except (EOFError, OSError) as err:
        process.join(10)  # it closed its pipe: it is exiting (bounded, for a wedged one)
        raise died(process.exitcode) from err
    if kind == "error":
        raise value
    return kind, value
