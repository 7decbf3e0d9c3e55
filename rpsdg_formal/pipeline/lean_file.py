"""Read a Lean file for `check FILE.lean`: only the commands the checker expects, nothing else.

A file is accepted for checking only if each command is one of: the header (`prelude`,
`import` of the theory's own modules, `set_option autoImplicit false`), `open` of the theory's
namespaces, `section`/`end`, `theorem` (its statement and proof on the following indented
lines, in which no command word, `#` or attribute may appear), a comment, and `#print axioms`.
The file's own `#print axioms` lines are blanked: the axioms of each theorem are read only
from the `#print axioms` commands the checker appends itself, matched by their position, so a
message the file makes Lean print cannot pass for an axiom report.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.kernel.emit import BatchFile
from rpsdg_formal.kernel.messages import DEPENDS, NO_AXIOMS, line_of
from rpsdg_formal.theory.section import Theory

_THEOREM = re.compile(r"^theorem\s+([A-Za-z_][A-Za-z0-9_]*)(?=[\s:(]|$)")
_PRINT = re.compile(r"^#print\s+axioms\s+[A-Za-z_][A-Za-z0-9_.]*\s*$")
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_'.₀-₉]*")
COMMAND_WORDS = frozenset(
    """theorem lemma def axiom example inductive structure class instance open namespace
    section end import prelude universe variable set_option deriving mutual private protected
    noncomputable partial unsafe macro syntax notation infix infixl infixr prefix postfix local
    scoped attribute abbrev opaque elab elab_rules macro_rules initialize builtin_initialize
    export omit include declare_syntax_cat add_decl_doc run_cmd run_elab run_meta sorry admit
    sorryAx implemented_by extern""".split()
)
"""Words that would start another command (or cheat) inside a theorem: never allowed there."""


class LeanFileError(RpsdgError, ValueError):
    """A Lean file with a command `check` does not accept, with its line."""

    def __init__(self, path: str, line: int, what: str) -> None:
        self.line = line
        super().__init__(f"{path}:{line}: {what}")


@dataclass(frozen=True)
class _Reader:
    path: str
    theory: Theory

    def fail(self, line: int, what: str) -> LeanFileError:
        return LeanFileError(self.path, line, what)

    def header(self, number: int, text: str, seen_other: bool) -> None:
        modules = {m.name for m in self.theory.modules}
        words = text.split()
        if words == ["prelude"]:
            if number != 1 and seen_other:
                raise self.fail(number, "`prelude` must be the first command")
            return
        if words[0] == "import":
            unknown = [m for m in words[1:] if m not in modules]
            if unknown or len(words) < 2:
                raise self.fail(
                    number,
                    f"imports {' '.join(unknown) or 'nothing'}; a checked "
                    f"file may import only the theory ({self.theory.lean_module})",
                )
            return
        if words != ["set_option", "autoImplicit", "false"]:
            raise self.fail(number, f"`{text[:60]}` is not a command check accepts")

    def open_(self, number: int, text: str) -> None:
        allowed = set(self.theory.opens)
        names = text.split()[1:]
        if not names or any(n not in allowed for n in names):
            raise self.fail(
                number,
                f"`{text[:80]}`: a checked file may open only the theory's namespaces "
                f"({' '.join(self.theory.opens)})",
            )

    def body(self, number: int, text: str) -> None:
        if "#" in text or "@[" in text:
            raise self.fail(number, "commands (`#…`) and attributes are not allowed in a theorem")
        bad = sorted({w for w in _WORD.findall(text) if w in COMMAND_WORDS})
        if bad:
            raise self.fail(
                number, f"`{bad[0]}` inside a theorem would start another command; not allowed"
            )


def read_lean_file(text: str, path: str, theory: Theory) -> BatchFile:
    """The file as the checker runs it: its own `#print axioms` blanked, one appended per
    theorem (with full names), spans and report lines by position. Raises LeanFileError."""
    reader = _Reader(path, theory)
    lines = text.split("\n")
    out: list[str] = []
    starts: list[tuple[int, str]] = []
    in_theorem = in_comment = seen_prelude = seen_other = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if in_comment or stripped.startswith("/-"):
            in_comment = not stripped.endswith("-/") or stripped == "/-"
            if not in_comment and "-/" in stripped[:-2]:
                raise reader.fail(number, "text after the end of a comment")
            out.append(line)
            continue
        if not stripped or stripped.startswith("--"):
            out.append(line)
            continue
        if line[0].isspace():
            if not in_theorem:
                raise reader.fail(number, "indented text outside a theorem")
            reader.body(number, stripped)
            out.append(line)
            continue
        in_theorem = False
        if m := _THEOREM.match(line):
            if not seen_prelude:
                raise reader.fail(number, _NO_PRELUDE)
            reader.body(number, line[m.end() :])
            starts.append((number, m.group(1)))
            in_theorem = True
        elif _PRINT.match(line):
            line = ""  # the file's own axiom report is never read
        elif stripped.split()[0] == "open":
            reader.open_(number, stripped)
        elif stripped in ("section", "end") or re.fullmatch(r"end\s+[A-Za-z_][\w.]*", stripped):
            pass
        else:
            if stripped == "prelude":
                seen_prelude = True
            elif not seen_prelude:
                raise reader.fail(number, _NO_PRELUDE)
            reader.header(number, stripped, seen_other)
        seen_other = True
        out.append(line)
    if in_comment:
        raise reader.fail(len(lines), "a comment is not closed")
    return _with_reports(out, starts)


_NO_PRELUDE = (
    "the file must start with `prelude` and `import` of the theory: the embedded Lean has no "
    "Init, so a file without `prelude` fails with \"unknown module prefix 'Init'\""
)


def _with_reports(lines: list[str], starts: list[tuple[int, str]]) -> BatchFile:
    body = "\n".join(lines).rstrip("\n") + "\n"
    base = body.count("\n")
    spans = []
    for k, (first, _) in enumerate(starts):
        last = starts[k + 1][0] - 1 if k + 1 < len(starts) else base
        spans.append((first, last))
    body += "set_option pp.fullNames true\n"
    prints = tuple(base + 2 + i for i in range(len(starts)))
    body += "".join(f"#print axioms {name}\n" for _, name in starts)
    names = tuple(name for _, name in starts)
    return BatchFile(body, names, tuple(spans), prints)


def file_verdicts(
    batch: BatchFile, messages: list[dict[str, object]], allowed: frozenset[str], path: str
) -> tuple[list[tuple[str, str]], int]:
    """(failures as (what, why), theorems accepted) from Lean's messages on a checked file.

    An error inside a theorem's span rejects it; an axiom report counts only at the line of
    the `#print axioms` appended for that theorem; a message anywhere else (the header) is a
    failure of the file, reported at its line with what to do.
    """
    problems: dict[int, list[str]] = {}
    reports: dict[int, tuple[str, ...]] = {}
    outside: list[tuple[str, str]] = []
    owner = {line: i for i, (a, b) in enumerate(batch.spans) for line in range(a, b + 1)}
    printed = {line: i for i, line in enumerate(batch.print_lines)}
    for message in messages:
        line, text = line_of(message), str(message.get("data", "")).strip()
        severity = message.get("severity")
        if "internal exception" in text:
            continue  # Lean's echo of an error already reported (or of none: see below)
        if line in printed:
            who = printed[line]
            if m := DEPENDS.match(text):
                reports[who] = tuple(a.strip() for a in m.group("axioms").split(",") if a.strip())
            elif NO_AXIOMS.match(text):
                reports[who] = ()
            continue
        if severity not in ("error", "warning"):
            continue
        if line in owner:
            problems.setdefault(owner[line], []).append(f"{path}:{line}: {severity}: {text}")
        else:
            outside.append((f"{path}:{line}", _advice(text)))
    failures = list(outside)
    for index, name in enumerate(batch.names):
        if index in problems:
            failures.append((name, "rejected by the Lean kernel; " + "; ".join(problems[index])))
        elif index not in reports:
            failures.append((name, "Lean did not elaborate the theorem (see the errors above)"))
        elif foreign := sorted(set(reports[index]) - allowed):
            failures.append(
                (name, f"depends on axiom(s) the theory does not declare: {', '.join(foreign)}")
            )
    accepted = len(batch.names) - len({n for n, _ in failures if n in batch.names})
    return failures, accepted


def _advice(text: str) -> str:
    first = text.split("\n", 1)[0][:200]
    if "unknown module prefix" in text:
        return (
            f"Lean: {first}: the file imports a module this Lean cannot find; it must start "
            "with `prelude` and import only the theory's modules"
        )
    return f"Lean: {first}"
