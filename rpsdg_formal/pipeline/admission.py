"""Which prepared items a run takes: the first of each statement in index order, within the
difficulty quotas. Deciding in index order (never in the order work finishes) is what makes a
run's output independent of workers, backends and interruptions.

The set of statements seen is the one thing that grows with a run, so it is kept compact: eight
bytes a statement in a sorted array (`KeySet`), persisted by the caller as raw bytes so a
resumed run restores it without redoing any work.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Iterable, Mapping
from typing import Any, Protocol

KEY_BYTES = 8


class Admissible(Protocol):
    """What admission reads of an item: a prepared one, or one already judged by the kernel."""

    @property
    def index(self) -> int: ...

    @property
    def key(self) -> bytes | None: ...

    @property
    def bucket(self) -> int: ...

    @property
    def error(self) -> Mapping[str, Any] | None: ...


def short_key(key: bytes) -> int:
    """The 64-bit form of a statement key (expr.statement_key): a collision drops one theorem
    as a duplicate with probability about n²/2⁶⁵, and never lets a duplicate through."""
    return int.from_bytes(key[:KEY_BYTES], "little")


class KeySet:
    """Exact membership of 64-bit keys in about 8 bytes each: a sorted array, plus a small set
    of recent keys merged into it whenever it grows past a sixteenth of the array."""

    def __init__(self, keys: Iterable[int] = ()) -> None:
        self._sorted = array("Q", sorted(set(keys)))
        self._recent: set[int] = set()

    def __len__(self) -> int:
        return len(self._sorted) + len(self._recent)

    def __contains__(self, key: int) -> bool:
        if key in self._recent:
            return True
        at = bisect.bisect_left(self._sorted, key)
        return at < len(self._sorted) and self._sorted[at] == key

    def add(self, key: int) -> None:
        if key not in self:
            self.add_new(key)

    def add_new(self, key: int) -> None:
        """Add `key`, which the caller knows is not in the set. The recent keys are merged by
        sorting the array with them appended: the sort finds the array already in order and
        only sorts and merges the few recent keys into it."""
        self._recent.add(key)
        if len(self._recent) > max(1024, len(self._sorted) // 16):
            merged = self._sorted.tolist()
            merged += self._recent
            merged.sort()
            self._sorted = array("Q", merged)
            self._recent.clear()

    @classmethod
    def from_bytes(cls, data: bytes) -> KeySet:
        packed = array("Q")
        packed.frombytes(data[: len(data) - len(data) % KEY_BYTES])
        return cls(packed)


class Admission:
    """Decides, in index order, which items are taken: not a repeat of an earlier statement
    (or of an excluded dataset's), and within its bound's quota when quotas are set."""

    def __init__(self, seen: KeySet, room: dict[int, int] | None = None) -> None:
        self.seen = seen
        self.room = room

    def admit(self, item: Admissible) -> bool:
        """Take `item` (recording its statement) or refuse it."""
        if item.key is None:
            return False
        key = short_key(item.key)
        if key in self.seen:
            return False
        if item.error is None and self.room is not None:
            if self.room.get(item.bucket, 0) <= 0:
                return False
            self.room[item.bucket] -= 1
        self.seen.add_new(key)
        return True
