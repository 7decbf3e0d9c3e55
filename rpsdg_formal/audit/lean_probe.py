"""Ask Lean what a theory's declarations are: one generated `prelude` file that imports the
compiled theory and runs `#print` on every name, with `pp.fullNames` and `pp.explicit`.

Two groups of questions: each short name the pipeline writes in generated files (`add`, `Eq`,
`Pos`, …), printed inside the same `open` of the theory's namespaces that generated files use,
so Lean says which declaration that name really resolves to; and each declaration the source
scan found, by full name. Answers are matched to questions by line, never by their text.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.check import Kernel
from rpsdg_formal.kernel.messages import json_messages, line_of
from rpsdg_formal.theory.section import Theory

_NAME = re.compile(r"^[A-Za-z_][\w'₀-₉!?]*(\.[A-Za-z_][\w'₀-₉!?]*)*\Z")
_HEADER = re.compile(
    r"^(?P<kind>axiom|def|theorem|inductive) (?P<name>[^\s]+?)(?:\.\{[^}]*\})? : (?P<rest>.*)$",
    re.DOTALL,
)


@dataclass(frozen=True)
class Printed:
    """What Lean printed for one name: the declaration kind, its full name, its type, and the
    body of a definition ("" otherwise); `error` is set instead when Lean refused the name or
    printed something the audit does not read."""

    query: str
    kind: str = ""
    name: str = ""
    type: str = ""
    body: str = ""
    text: str = ""
    error: str = ""


def probe_source(theory: Theory, short: Sequence[str], full: Sequence[str]) -> tuple[str, int]:
    """The probe file, and the line of its first `#print` (the others follow, one a line)."""
    lines = [
        "prelude",
        f"import {theory.lean_module}",
        "set_option pp.fullNames true",
        "set_option pp.explicit true",
        "set_option pp.proofs true",
        "section",
        f"open {' '.join(theory.opens)}",
    ]
    first = len(lines) + 1
    lines += [f"#print {name}" for name in short]
    lines += ["end"]
    lines += [f"#print {name}" for name in full]
    return "\n".join(lines) + "\n", first


def parse_printed(query: str, text: str) -> Printed:
    """Split Lean's `#print` output into kind, full name, type and definition body."""
    m = _HEADER.match(text)
    if m is None:
        first = text.split("\n", 1)[0][:120]
        return Printed(
            query,
            text=text,
            error=f"Lean printed a declaration of a kind the audit does not accept: {first!r}",
        )
    kind, rest = m.group("kind"), m.group("rest")
    type_text, body = rest, ""
    if kind in ("def", "theorem"):
        type_text, sep, body = rest.partition(" :=\n")
        if not sep:
            return Printed(query, text=text, error=f"Lean printed {kind} without a body")
    if kind == "inductive":
        type_text = rest.split("\n", 1)[0]
    return Printed(query, kind, m.group("name"), type_text, body, text)


def ask_lean(
    kernel: Kernel, short: Sequence[str], full: Sequence[str]
) -> tuple[dict[str, Printed], dict[str, Printed]]:
    """What Lean prints for each short name (inside the theory's `open`) and each full name,
    by name (Lean run once). A text that is not a plain Lean name is never written into the
    probe file; it is answered with an error instead."""
    refused = "not a plain Lean name, so the audit does not ask Lean about it"
    ok_short = [n for n in dict.fromkeys(short) if _NAME.match(n)]
    ok_full = [n for n in dict.fromkeys(full) if _NAME.match(n)]
    text, first = probe_source(kernel.theory, ok_short, ok_full)
    lines = {first + i: ("short", n) for i, n in enumerate(ok_short)}
    lines |= {first + len(ok_short) + 1 + i: ("full", n) for i, n in enumerate(ok_full)}
    with tempfile.TemporaryDirectory(prefix="rpsdg-probe-") as tmp:
        path = Path(tmp) / "probe.lean"
        path.write_text(text, encoding="utf-8")
        result = kernel.runner.run(kernel.args(path), timeout=kernel.timeout)
    if result.returncode not in (0, 1):
        raise KernelCrashError(f"Lean exited with {result.returncode} on the declaration probe")
    answers: dict[int, Printed] = {}
    for message in json_messages(result.stdout, path):
        line = line_of(message)
        data = str(message.get("data", ""))
        if line not in lines:
            if "internal exception" in data:
                continue
            raise KernelCrashError(f"Lean answered the declaration probe at line {line}: {data}")
        query = lines[line][1]
        if message.get("severity") == "error":
            answers[line] = Printed(query, text=data, error=f"Lean: {data.strip()[:200]}")
        elif line not in answers:
            answers[line] = parse_printed(query, data)
    out: dict[str, dict[str, Printed]] = {"short": {}, "full": {}}
    for line, (group, query) in lines.items():
        out[group][query] = answers.get(line) or Printed(query, error="Lean printed nothing")
    for group, names in (("short", short), ("full", full)):
        for name in names:
            out[group].setdefault(name, Printed(name, error=refused))
    return out["short"], out["full"]
