"""A run's folder: refusing to write where it should not, the manifest that says what made it,
and the appended outputs (records, rejected rows, statement keys) with the checkpoint that
vouches for them after every batch or shard."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, BinaryIO

from rpsdg_formal.errors import OutputError
from rpsdg_formal.kernel.check import Rejected
from rpsdg_formal.pipeline import checkpoint
from rpsdg_formal.pipeline.admission import KEY_BYTES, Admissible


def prepare_output(out: Path, force: bool, resume: bool = False) -> None:
    """Create `out` and `out/lean`, refusing to overwrite an earlier run unless `force`; with
    `resume`, keep what an interrupted run of the same command wrote."""
    foreign = [] if resume else _foreign_entries(out)
    if foreign:
        shown = ", ".join(foreign[:3]) + (", …" if len(foreign) > 3 else "")
        raise OutputError(
            f"--out {out} already holds files that are not an rpsdg-formal run ({shown}); "
            "choose an empty or new folder"
        )
    try:
        (out / "lean").mkdir(parents=True, exist_ok=True)
        if resume:
            return
        if (out / "theorems.jsonl").exists():
            if not force:
                raise OutputError(
                    f"{out / 'theorems.jsonl'} already exists; choose another --out or pass --force"
                )
            for stale in (out / "lean").glob("batch_*.lean"):
                stale.unlink()
        for name in ("theorems.jsonl", "rejected.jsonl", KEYS):
            (out / name).write_text("", encoding="utf-8")
    except OSError as err:
        raise OutputError(f"cannot write to --out {out}: {err.strerror or err}") from err


def _foreign_entries(out: Path) -> list[str]:
    """The entries of an existing `out` that no run wrote, when `out` holds no earlier run (a
    run's folder may gain the user's own files: `--force` still replaces the run in it)."""
    if not out.is_dir():
        return []
    try:
        names = sorted(entry.name for entry in out.iterdir())
    except OSError as err:
        raise OutputError(f"cannot read --out {out}: {err.strerror or err}") from err
    if "run.json" in names or "theorems.jsonl" in names:
        return []
    written = {"theorems.jsonl", "rejected.jsonl", KEYS, "run.json", checkpoint.NAME, "lean"}
    return [name for name in names if name not in written]


def write_manifest(out: Path, content: dict[str, Any]) -> None:
    """`out/run.json`."""
    text = json.dumps(content, indent=2) + "\n"
    try:
        (out / "run.json").write_text(text, encoding="utf-8")
    except OSError as err:
        raise OutputError(f"cannot write {out / 'run.json'}: {err.strerror or err}") from err


def resumable(out: Path, content: dict[str, Any]) -> checkpoint.Checkpoint | None:
    """The checkpoint of an interrupted run of the same command in `out`, or None."""
    try:
        previous = json.loads((out / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return checkpoint.load(out) if previous == content else None


def rejected_row(name: str, verdict: Rejected, lean_file: str) -> dict[str, Any]:
    """The rejected.jsonl row of a proof the kernel did not accept."""
    return {
        "id": name,
        "reason": verdict.reason,
        "messages": list(verdict.messages),
        "lean_file": lean_file,
    }


def json_line(row: Mapping[str, Any]) -> str:
    """`row` as one line of a .jsonl output (with its newline)."""
    return json.dumps(row, ensure_ascii=False) + "\n"


def _append(stream: BinaryIO, data: bytes) -> None:
    """Append whole lines (or keys) and make them durable (a crash leaves at most a partial
    last line, which the checkpoint's byte length cuts off on resume)."""
    if data:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())


KEYS = "keys.bin"


def packed_keys(items: Sequence[Admissible]) -> bytes:
    """The statement keys of admitted items as keys.bin holds them: each `short_key` in 8
    little-endian bytes, which are the key's first 8 bytes (zero-padded if it is shorter)."""
    return b"".join(i.key[:KEY_BYTES].ljust(KEY_BYTES, b"\0") for i in items if i.key is not None)


class Outputs:
    """A run's appended files (records, rejected rows, statement keys), and how each written
    batch or shard moves the checkpoint that vouches for them. They are written in binary: the
    records come as UTF-8 lines (`judged.Judged.record_line`), and the rows are encoded here."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.good = open(out / "theorems.jsonl", "ab")
        self.bad = open(out / "rejected.jsonl", "ab")
        self.keys = open(out / KEYS, "ab")

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, *exc: object) -> None:
        for stream in (self.good, self.bad, self.keys):
            stream.close()

    def commit(
        self,
        state: checkpoint.Checkpoint,
        taken: Sequence[Admissible],
        good: Sequence[bytes],
        bad: Sequence[Mapping[str, Any]],
        *,
        batches: int,
        position: int,
        sizes: tuple[int, ...],
        room: tuple[tuple[int, int], ...] | None,
    ) -> checkpoint.Checkpoint:
        """Append what one batch (or shard) made: its records (`good`, JSON lines in UTF-8),
        its rejected rows (`bad`, the preparation errors of `taken` among them) and the keys of
        the items it `taken`; then save the checkpoint after it and return it."""
        _append(self.good, b"".join(good))
        _append(self.bad, "".join([json_line(row) for row in bad]).encode())
        _append(self.keys, packed_keys(taken))
        reasons = [i.error["reason"] for i in taken if i.error is not None]
        after = checkpoint.Checkpoint(
            batches=batches,
            position=position,
            sizes=sizes,
            accepted=state.accepted + len(good),
            rejected=state.rejected + len(bad) - len(reasons),
            disagreements=state.disagreements + reasons.count("sympy-disagrees"),
            refused=state.refused + reasons.count("side-condition"),
            good_bytes=self.good.tell(),
            bad_bytes=self.bad.tell(),
            key_bytes=self.keys.tell(),
            room=room,
        )
        checkpoint.save(self.out, after)
        return after
