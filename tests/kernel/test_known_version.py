"""Lean's version remembered per library: found again only for the same file unchanged, never
for a changed or replaced one, and nothing but a version is ever read back."""

from __future__ import annotations

import os
from pathlib import Path

from rpsdg_formal.kernel.known_version import (
    forget_version,
    library_identity,
    remember_version,
    remembered_version,
)


def _library(folder: Path, content: bytes = b"\x7fELF a library") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "libleanshared.so"
    path.write_bytes(content)
    return path


def test_a_remembered_version_is_found_for_the_same_file_only(tmp_path: Path) -> None:
    lib, cache = _library(tmp_path / "a"), tmp_path / "cache"
    assert remembered_version(lib, cache) is None
    remember_version(lib, cache, "4.35.0")
    assert remembered_version(lib, cache) == "4.35.0"
    twin = _library(tmp_path / "b")  # same bytes, another file
    assert remembered_version(twin, cache) is None
    forget_version(lib, cache)
    assert remembered_version(lib, cache) is None
    forget_version(lib, cache)  # forgetting twice is no error


def test_a_changed_or_replaced_library_is_not_recognised(tmp_path: Path) -> None:
    lib, cache = _library(tmp_path / "a"), tmp_path / "cache"
    remember_version(lib, cache, "4.35.0")
    stat = lib.stat()
    os.utime(lib, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert remembered_version(lib, cache) is None  # touched (reinstalled, rebuilt)
    remember_version(lib, cache, "4.35.0")
    before = library_identity(lib)
    replacement = _library(tmp_path / "new", b"\x7fELF another library")
    replacement.replace(lib)  # a reinstall writes a new file and renames it into place
    assert library_identity(lib) != before
    assert remembered_version(lib, cache) is None
    os.utime(lib, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # even with the old times put back
    assert remembered_version(lib, cache) is None


def test_only_a_version_is_written_or_read_back(tmp_path: Path) -> None:
    lib, cache = _library(tmp_path / "a"), tmp_path / "cache"
    remember_version(lib, cache, "4.35.0\nimport Evil")
    assert remembered_version(lib, cache) is None
    remember_version(lib, cache, "../../etc")
    assert remembered_version(lib, cache) is None
    remember_version(lib, cache, "4.35.0")
    (memo,) = (cache / "lean-versions").iterdir()
    for text in ("4.35.0/../x", "4.35.0\n4.36.0", "", "\xff"):
        memo.write_text(text, encoding="latin-1")
        assert remembered_version(lib, cache) is None, text
    memo.write_bytes(b"\xff\xfe")
    assert remembered_version(lib, cache) is None
    memo.write_text("\u0664.\u0663\u0665.0", encoding="utf-8")  # digits to `\d`, not ASCII
    assert remembered_version(lib, cache) is None


def test_a_cache_that_cannot_be_written_only_means_no_memo(tmp_path: Path) -> None:
    lib = _library(tmp_path / "a")
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder would be")
    remember_version(lib, blocked, "4.35.0")  # no exception
    assert remembered_version(lib, blocked) is None
