"""The one scanner of Lean source text: which declarations a theory file makes, and where.

A scan is a cheap first reading (names, kinds, lines, namespaces, the constructors of an
inductive), used to know which names exist and which axioms a theory declares. It is never
trusted for meaning: the audit asks Lean itself for the elaborated type of every declaration
(`audit.lean_facts`), and the kernel's axiom report refuses any axiom the scan did not find.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NAMESPACE = re.compile(r"^namespace\s+(\S+)")
_END = re.compile(r"^end(?:\s+(\S+))?\s*$")
_DECL = re.compile(
    r"^(?:@\[[^\]]*\]\s*)?(?:(?:noncomputable|private|protected|unsafe|partial)\s+)*"
    r"(theorem|axiom|def|inductive|abbrev|lemma|opaque|structure|class|instance)\s+"
    r"([^\s:({\[]+)"
)
_CONSTRUCTOR = re.compile(r"^\|\s*([A-Za-z]\w*)")


@dataclass(frozen=True)
class Declaration:
    """One declaration found in a Lean source: its 1-based line, keyword and full name (a
    constructor of an inductive has kind "constructor")."""

    line: int
    kind: str
    name: str


def scan_source(source: str) -> list[Declaration]:
    """Every declaration of one Lean source, with namespaces resolved, comments skipped."""
    found: list[Declaration] = []
    stack: list[str] = []
    in_comment = 0
    inductive: str | None = None
    for number, raw in enumerate(source.splitlines(), start=1):
        line = raw.strip()
        inside = in_comment > 0  # a line that closes a comment is still comment
        in_comment = max(0, in_comment + line.count("/-") - line.count("-/"))
        if inside or in_comment > 0 or line.startswith("--") or line.startswith("/-"):
            continue
        if m := _NAMESPACE.match(line):
            stack.append(m.group(1))
        elif (m := _END.match(line)) and stack and m.group(1) == stack[-1]:
            stack.pop()
        elif m := _DECL.match(line):
            full = ".".join([*stack, m.group(2)])
            found.append(Declaration(number, m.group(1), full))
            inductive = full if m.group(1) == "inductive" else None
            continue
        elif inductive and (m := _CONSTRUCTOR.match(line)):
            found.append(Declaration(number, "constructor", f"{inductive}.{m.group(1)}"))
            continue
        if line:
            inductive = None
    return found
