"""The service's Lean slots: at most `workers` checks at once, a bounded queue, and a refusal
(BusyError, 503) instead of an unbounded pile of waiting requests.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from rpsdg_formal.serve.errors import BusyError


class WorkerPool:
    """`workers` Lean slots; a request waits for one unless `queue_limit` requests already
    wait, in which case it is refused at once (503) rather than piling up."""

    def __init__(self, workers: int, queue_limit: int, patience: float) -> None:
        self.workers = workers
        self.queue_limit = queue_limit
        self.patience = patience
        self.active = 0
        self.waiting = 0
        self._cond = threading.Condition()

    @contextlib.contextmanager
    def slot(self) -> Iterator[None]:
        """Hold one Lean slot for the body of the `with`; raises BusyError if none comes."""
        with self._cond:
            if self.active >= self.workers:
                if self.waiting >= self.queue_limit:
                    raise BusyError(
                        f"busy, retry later: {self.workers} Lean workers in use and "
                        f"{self.waiting} requests waiting"
                    )
                self.waiting += 1
                try:
                    free = self._cond.wait_for(lambda: self.active < self.workers, self.patience)
                finally:
                    self.waiting -= 1
                if not free:
                    raise BusyError(
                        f"busy, retry later: no Lean worker became free within {self.patience:g} s"
                    )
            self.active += 1
        try:
            yield
        finally:
            with self._cond:
                self.active -= 1
                self._cond.notify()
