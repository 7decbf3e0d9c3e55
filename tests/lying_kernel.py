"""A direct kernel that lies, for the tests that `lean`'s cross-check catches it: the real
kernel's verdicts, except that each accepted theorem it is told to lie about is reported with
its last axiom left out."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from rpsdg_formal.kernel.check import Accepted, Verdict
from rpsdg_formal.kernel.direct import DirectKernel
from rpsdg_formal.kernel.proofspec import ProofSpec


def lie_about(monkeypatch: pytest.MonkeyPatch, lied: Callable[[str], bool] = bool) -> None:
    """From now on (the workers fork after), the direct kernel lies about every theorem whose
    name `lied` holds for (by default every theorem)."""
    check = DirectKernel.check_spec

    def one_axiom_short(self: DirectKernel, spec: ProofSpec) -> Verdict:
        verdict = check(self, spec)
        if not lied(spec.name):
            return verdict
        assert isinstance(verdict, Accepted)
        return Accepted(verdict.axioms[:-1])

    monkeypatch.setattr(DirectKernel, "check_spec", one_axiom_short)
