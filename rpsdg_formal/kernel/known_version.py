"""Lean's version remembered per embedded library, so that `generate` on the direct route does not
start `lean` only to read it.

`lean --version` costs a process, an interpreter and Lean's own start (about 50 ms of CPU, a
tenth of a default run's fixed costs). Its answer is kept in the kernel cache under the
library's identity: its path, device, inode, size and modification and change times. A library
reinstalled, rebuilt or replaced has another identity, so its version is read by `lean
--version` again, which is also what reports a broken or missing Lean. A remembered version is
still verified: every direct-kernel process compares it with the version the library it loaded
states (`DirectSetup.version`), and refuses to start if they differ.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rpsdg_formal.kernel.cache_file import write_memo

VERSION = re.compile(r"\d+\.\d+\.\d+\Z", re.ASCII)
"""What a remembered version must look like (it names cache folders and goes into records)."""


def library_identity(library: Path) -> str:
    """A digest of what tells this library file from any other, or from itself changed."""
    stat = library.stat()
    parts = (
        str(library.resolve()),
        stat.st_dev,
        stat.st_ino,
        stat.st_size,
        stat.st_mtime_ns,
        stat.st_ctime_ns,
    )
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def _memo_path(library: Path, cache_dir: Path) -> Path:
    return cache_dir / "lean-versions" / f"{library_identity(library)}.txt"


def remembered_version(library: Path, cache_dir: Path) -> str | None:
    """The version remembered for `library` as it is now, or None (not remembered, unreadable,
    or not a version)."""
    try:
        text = _memo_path(library, cache_dir).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if VERSION.match(text) else None


def remember_version(library: Path, cache_dir: Path, version: str) -> None:
    """Remember `version` for `library` as it is now (written whole, then renamed into place).
    A cache that cannot be written only means `lean --version` runs again next time."""
    if not VERSION.match(version):
        return
    write_memo(_memo_path(library, cache_dir), version + "\n")


def forget_version(library: Path, cache_dir: Path) -> None:
    """Drop what is remembered for `library` as it is now (found to be wrong)."""
    _memo_path(library, cache_dir).unlink(missing_ok=True)
