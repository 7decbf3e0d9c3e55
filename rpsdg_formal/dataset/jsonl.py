"""Reading JSONL datasets line by line, with errors that name the file and line."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from rpsdg_formal.errors import OutputError


def iter_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any] | str]]:
    """(line number, object) for each non-blank line, or (line number, what is wrong with it).

    Streams the file. Raises OutputError if the file is missing, unreadable or not UTF-8.
    """
    if not path.is_file():
        raise OutputError(f"{path} not found: pass a folder written by `rpsdg-formal generate`")
    try:
        with open(path, encoding="utf-8") as stream:
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    yield number, f"not valid JSON ({err.msg})"
                    continue
                if isinstance(record, dict):
                    yield number, record
                else:
                    yield number, "not a JSON object; each line must hold one record"
    except OSError as err:
        raise OutputError(f"cannot read {path}: {err.strerror or err}") from err
    except UnicodeDecodeError as err:
        raise OutputError(f"cannot read {path}: not UTF-8 text ({err.reason})") from err


def read_jsonl(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """Like `iter_jsonl`, but the first bad line raises OutputError (file:line: problem)."""
    for number, item in iter_jsonl(path):
        if isinstance(item, str):
            raise OutputError(f"{path}:{number}: {item}; fix or delete that line")
        yield number, item


def write_jsonl(path: Path, rows: Iterable[Mapping[str, Any]]) -> Path:
    """Write `rows` as one JSON object per line (creating the folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as stream:
        for row in rows:
            stream.write(json.dumps(row, ensure_ascii=False) + "\n")
    return path


def write_json(path: Path, value: Any) -> Path:
    """Write `value` as indented JSON (creating the folder)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path
