"""The record of passed audits: a passing audit is remembered in the kernel cache under the hash
of the rule file and of every Lean source of its theory, and the commands that use a rule set
refuse one without it. Kept apart from the audit itself (`report`), which imports SymPy and the
model checks, so that `generate` can ask "was this audited?" without importing them."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.theory.rules import RuleSet

if TYPE_CHECKING:  # the report's rows are the audit's; `generate` only reads the record
    from rpsdg_formal.audit.rows import AuditReport

AUDIT_VERSION = 3  # 3: meanings from Lean, proofs in the model, the model registry, renderings


class AuditRequiredError(RpsdgError, PermissionError):
    """`generate` was given a rule file that has not passed the audit."""


def audit_key(rules: RuleSet) -> str:
    """What a passed audit vouches for: the rule file's bytes and every Lean source it uses."""
    digest = hashlib.sha256()
    digest.update(f"audit-v{AUDIT_VERSION}\0".encode())
    digest.update(rules.path.read_bytes())
    digest.update(rules.theory.source_hash().encode())
    return digest.hexdigest()


def _record_path(cache_dir: Path, key: str) -> Path:
    return cache_dir / "audits" / f"{key}.json"


def record_audit(report: AuditReport, rules: RuleSet, cache_dir: Path) -> None:
    """Remember a passed audit (a failed one is not recorded: generate must keep refusing)."""
    if not report.ok:
        return
    target = _record_path(cache_dir, audit_key(rules))
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_suffix(".tmp")
    temp.write_text(json.dumps(report.to_json(), indent=1), encoding="utf-8")
    temp.replace(target)


def require_audit(rules: RuleSet, cache_dir: Path) -> None:
    """Raise AuditRequiredError unless this exact rule file and theory have passed the audit."""
    record = _record_path(cache_dir, audit_key(rules))
    try:
        passed = json.loads(record.read_text(encoding="utf-8")).get("passed") is True
    except (OSError, ValueError):
        passed = False
    if not passed:
        raise AuditRequiredError(
            f"{rules.path} has not passed the soundness audit (or it or its Lean theory changed "
            f"since); run `rpsdg-formal audit {rules.path}` first"
        )
