"""What `lean` has confirmed on the direct route, remembered across runs of the same code.

`generate`'s cross-check (`kernel.route`) shows `lean` each name a run uses, and a spread of
random theorems. Whether the term built from a spec and the published text agree depends only
on this package's code (and the Python running it), the theory's Lean sources, the rule file
and the Lean library, so what `lean` confirmed under the same four holds in every later run:
the names of the theorems it accepted (and the direct kernel accepted with the same axioms),
and how many of those were the spread's. They are kept in the kernel cache, in a file named by
a digest of the four; any change to any of them names another file, so everything is shown to
`lean` again.

What is remembered only ever spares `lean` work: the direct kernel still checks every theorem.
A file that is unreadable, malformed or too large counts as empty (and is rewritten).
"""

from __future__ import annotations

import functools
import hashlib
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.kernel.cache_file import write_memo
from rpsdg_formal.kernel.known_version import library_identity
from rpsdg_formal.theory.section import Theory

HEADER = "rpsdg-formal lean-confirmed 1"
MAX_BYTES = 8 << 20
MAX_NAME = 1000
PACKAGE = Path(__file__).resolve().parent.parent
CODE = (".py", ".so", ".yaml", ".lean")


@dataclass(frozen=True)
class Confirmed:
    """Names used by theorems `lean` accepted, and how many spread theorems it accepted."""

    names: frozenset[str] = frozenset()
    spread: int = 0

    def joined(self, other: Confirmed) -> Confirmed:
        return Confirmed(self.names | other.names, self.spread + other.spread)

    def text(self) -> str:
        return "\n".join([f"{HEADER} {self.spread}", *sorted(self.names)]) + "\n"


def parse_confirmed(text: str) -> Confirmed | None:
    """The content of a memory file, or None if it is not one this code wrote."""
    lines = text.split("\n")
    head, _, count = lines[0].rpartition(" ")
    if head != HEADER or not (count.isascii() and count.isdigit()) or lines[-1] != "":
        return None
    names = lines[1:-1]
    if any(not n or len(n) > MAX_NAME or len(n.split()) != 1 or n != n.strip() for n in names):
        return None
    return Confirmed(frozenset(names), int(count))


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """A digest of this package's code and data as installed (its compiled modules included)."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.suffix in CODE and "__pycache__" not in path.parts and path.is_file():
            digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@dataclass(frozen=True)
class Memory:
    """The file holding what `lean` confirmed under one key."""

    path: Path

    def load(self) -> Confirmed:
        """What is remembered, or nothing (no file, unreadable, malformed, too large)."""
        try:
            with self.path.open("rb") as file:
                data = file.read(MAX_BYTES + 1)
        except OSError:
            return Confirmed()
        if len(data) > MAX_BYTES:
            return Confirmed()
        try:
            return parse_confirmed(data.decode("utf-8")) or Confirmed()
        except UnicodeDecodeError:
            return Confirmed()

    def add(self, more: Confirmed) -> None:
        """Remember `more` too (joined with the file as it is now, written whole, then renamed
        into place). A memory that cannot be written only means `lean` is shown more later."""
        if more.names or more.spread:
            write_memo(self.path, self.load().joined(more).text())


def memory_for(cache_dir: Path, theory: Theory, rules: Path, library: Path) -> Memory:
    """The memory for runs of this code on `theory` with the rule file `rules`, checked by the
    Lean library `library`."""
    digest = hashlib.sha256()
    parts: Iterable[bytes] = (
        sys.version.encode(),
        package_digest().encode(),
        theory.source_hash().encode(),
        rules.read_bytes(),
        library_identity(library).encode(),
    )
    for part in parts:
        digest.update(hashlib.sha256(part).digest())
    return Memory(cache_dir / "lean-confirmed" / f"{digest.hexdigest()[:32]}.txt")
