"""A direct-route worker process: `python -m rpsdg_formal.kernel.worker`, driven by `pool`.

It starts the Lean runtime once, imports the theory sent first, runs the self-test and says
whether it can be trusted; then it checks batches of proof specs until its input closes.
Messages are pickles on stdin/stdout between this package's own processes (nothing else
writes to these pipes). The worker dies with its parent.
"""

from __future__ import annotations

import ctypes
import os
import pickle
import signal
import sys
from typing import Any, BinaryIO

from rpsdg_formal.errors import KernelError
from rpsdg_formal.kernel.check import Rejected, Verdict
from rpsdg_formal.kernel.direct import DirectKernel, DirectSetup, self_test
from rpsdg_formal.kernel.proofspec import AnySpec, unpacked


def send(stream: BinaryIO, message: Any) -> None:
    pickle.dump(message, stream, protocol=pickle.HIGHEST_PROTOCOL)
    stream.flush()


def check_all(kernel: DirectKernel, specs: list[AnySpec]) -> list[Verdict]:
    """A verdict per spec (unpacked if it came packed); a spec the builder cannot turn into a
    term is rejected with why."""
    out: list[Verdict] = []
    for spec in specs:
        try:
            out.append(kernel.check_spec(unpacked(spec)))
        except (ValueError, KeyError, KernelError) as err:  # e.g. a name the theory lacks
            out.append(Rejected("not a kernel term", (f"{type(err).__name__}: {err}",)))
    return out


def serve(inbox: BinaryIO, outbox: BinaryIO) -> None:
    """Answer ("ready", problem) to the setup, then ("done", seq, verdicts) per batch."""
    setup: DirectSetup = pickle.load(inbox)
    try:
        kernel = DirectKernel(setup)
        problem = self_test(kernel)
    except Exception as err:  # any failure to start is reported: the parent falls back
        problem = f"{type(err).__name__}: {err}"
    send(outbox, ("ready", problem))
    if problem is not None:
        return
    while True:
        try:
            message = pickle.load(inbox)
        except EOFError:
            return
        if message[0] == "stop":
            return
        _, seq, specs = message
        send(outbox, ("done", seq, check_all(kernel, specs)))


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG: die with the parent
    inbox, outbox = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but messages on the message pipe
    serve(inbox, outbox)
    outbox.flush()
    os._exit(0)  # skip Lean's finalizers: the process only answers, it keeps nothing


if __name__ == "__main__":
    main()
