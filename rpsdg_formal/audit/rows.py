"""What an audit reports: a finding per check, a row per rule, axiom, definition, constant
or rendering, and the report of one rule file (as a table or JSON)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Finding:
    """The outcome of one check of one row: passed or not, and why (with a counterexample)."""

    ok: bool
    detail: str
    counterexample: str | None = None


@dataclass(frozen=True)
class AuditRow:
    """One rule, axiom or definition and its verdict under each check that applies to it."""

    kind: str  # "rule", "axiom", "definition"
    name: str
    location: str
    statement: str
    structure: Finding | None = None
    kernel: Finding | None = None
    model: Finding | None = None

    @property
    def ok(self) -> bool:
        return all(f.ok for f in (self.structure, self.kernel, self.model) if f is not None)

    def reasons(self) -> list[str]:
        checks = (("structure", self.structure), ("kernel", self.kernel), ("model", self.model))
        return [f"{label}: {f.detail}" for label, f in checks if f is not None and not f.ok]


@dataclass(frozen=True)
class AuditReport:
    """The whole audit of one rule file."""

    path: str
    theory: str
    rows: tuple[AuditRow, ...]
    seconds: float
    lean_version: str

    @property
    def ok(self) -> bool:
        return bool(self.rows) and all(row.ok for row in self.rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "file": self.path,
            "theory": self.theory,
            "passed": self.ok,
            "lean_version": self.lean_version,
            "seconds": round(self.seconds, 3),
            "rows": [{**asdict(row), "ok": row.ok} for row in self.rows],
        }

    def table(self) -> str:
        """A fixed-width table: one row per rule, axiom and definition, then the reasons."""

        def mark(finding: Finding | None) -> str:
            return "-" if finding is None else ("ok" if finding.ok else "FAIL")

        width = max([len(r.name) for r in self.rows] + [4])
        head = (
            f"{'kind':<10} {'name':<{width}} {'structure':<9} {'kernel':<6} {'model':<5}  verdict"
        )
        lines = [head, "-" * len(head)]
        for row in self.rows:
            model = mark(row.model)
            lines.append(
                f"{row.kind:<10} {row.name:<{width}} {mark(row.structure):<9} "
                f"{mark(row.kernel):<6} {model:<5}  {'PASS' if row.ok else 'FAIL'}"
            )
        failed = [row for row in self.rows if not row.ok]
        if failed:
            lines.append("")
            for row in failed:
                lines.append(f"{row.location}: {row.kind} {row.name}: {row.statement}")
                lines.extend(f"    {reason}" for reason in row.reasons())
        passed = sum(row.ok for row in self.rows)
        verdict = "PASSED" if self.ok else "FAILED"
        lines.append("")
        lines.append(
            f"audit {verdict}: {passed}/{len(self.rows)} rows pass ({self.path}, theory "
            f"{self.theory}, Lean {self.lean_version}, {self.seconds:.1f} s)"
        )
        return "\n".join(lines)
