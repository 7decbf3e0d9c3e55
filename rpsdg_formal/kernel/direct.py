"""The direct kernel route: theorems checked by `lean_add_decl` on terms built in Python.

No parser, no elaborator: the proof spec a theorem was emitted from (`LeanTheorem.origin`) is
turned into a kernel term (`kterms`) and handed to Lean's C++ type checker against the
imported compiled theory. The verdicts mean what the `lean` route's mean: accepted with the
axioms the proof depends on (each a declared axiom of the theory), or rejected with the
kernel's exception kind and Lean's message. Each theorem is checked against the same base
environment, so nothing is ever added to it.

This runs the Lean runtime inside the calling process; `pool` keeps it in worker processes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rpsdg_formal.errors import KernelCrashError
from rpsdg_formal.kernel.check import Accepted, Kernel, Rejected, Verdict
from rpsdg_formal.kernel.emit import LeanTheorem
from rpsdg_formal.kernel.faults import LIMIT
from rpsdg_formal.kernel.kconsts import LOGIC, Constants
from rpsdg_formal.kernel.kobligation import obligation
from rpsdg_formal.kernel.koffered import offered
from rpsdg_formal.kernel.kterms import Scope, TermBuilder
from rpsdg_formal.kernel.lean_abi import LeanRuntime, Obj, field, runtime, tag
from rpsdg_formal.kernel.proofspec import ObligationSpec, OfferedSpec, ProofSpec, unpacked
from rpsdg_formal.kernel.runner import embedded_library
from rpsdg_formal.theory.section import Theory

EXCEPTION_KINDS = (
    "unknownConstant",
    "alreadyDeclared",
    "declTypeMismatch",
    "declHasMVars",
    "declHasFVars",
    "funExpected",
    "typeExpected",
    "letTypeMismatch",
    "exprTypeMismatch",
    "appTypeMismatch",
    "invalidProj",
    "thmTypeIsNotProp",
    "other",
    "deterministicTimeout",
    "excessiveMemory",
    "deepRecursion",
    "interrupted",
)
"""`Lean.Kernel.Exception`'s constructors in order (4.35): the tag is the index."""

_RESOURCE = frozenset({"deterministicTimeout", "excessiveMemory", "deepRecursion", "interrupted"})
REJECTED = "rejected by the Lean kernel"


@dataclass(frozen=True)
class Limits:
    """The kernel's budget per theorem: heartbeats (0: none) and recursion depth."""

    heartbeats: int = 200_000_000
    rec_depth: int = 10_000


@dataclass(frozen=True)
class DirectSetup:
    """What a process needs to start the direct route (picklable: sent to workers).
    `version`: the Lean version the run believes in (its records and compiled theory are named
    by it); the library loaded must state the same, or the process does not start ('': not
    compared)."""

    theory: Theory
    lean_path: Path
    library: Path
    limits: Limits = Limits()
    version: str = ""

    @classmethod
    def of(cls, kernel: Kernel) -> DirectSetup:
        """The setup for `kernel`'s theory, compiled where its `lean` finds it, run by the
        embedded library, which must be of `kernel`'s version."""
        lean_path = Path(kernel.runner.env["LEAN_PATH"])
        return cls(kernel.theory, lean_path, embedded_library(), version=kernel.version)


class VersionMismatchError(KernelCrashError):
    """The Lean library a process loaded is not of the version its run was prepared for."""


class NoSpecError(KernelCrashError):
    """A theorem reached the direct route without the spec it was built from."""


class DirectKernel:
    """The direct route in this process: the theory imported once, terms built per theorem."""

    def __init__(self, setup: DirectSetup) -> None:
        self.setup = setup
        self.theory = setup.theory
        self.rt: LeanRuntime = runtime(setup.library)
        stated = self.rt.version()
        if setup.version and stated != setup.version:
            raise VersionMismatchError(
                f"{setup.library} is Lean {stated}, but this run was prepared for Lean "
                f"{setup.version} (a remembered version out of date?); run the command again, "
                "which reads the version with `lean --version`"
            )
        self.env = self.rt.import_theory(setup.theory.lean_module, setup.lean_path)
        self.consts = Constants(self.rt, self.env, setup.theory)
        self.builder = TermBuilder(self.rt, self.consts, setup.theory)

    def check(self, theorem: LeanTheorem) -> Verdict:
        """The kernel's verdict on `theorem`, built from its spec."""
        spec = theorem.origin
        if spec is None or spec.name != theorem.name:
            raise NoSpecError(f"theorem {theorem.name} carries no proof spec for the kernel")
        return self.check_spec(unpacked(spec))

    def check_spec(self, spec: ProofSpec) -> Verdict:
        if isinstance(spec, ObligationSpec):
            ty, value, used = obligation(self.builder, spec)
        elif isinstance(spec, OfferedSpec):
            ty, value, used = offered(self.builder, spec)
        else:
            ty, value, used = self.builder.build(spec)
        return self._add(spec.name, ty, value, used)

    def _add(self, name: str, ty: Obj, value: Obj, used: set[str]) -> Verdict:
        """Send the theorem declaration (consuming `ty` and `value`) and read the result."""
        rt, limits = self.rt, self.setup.limits
        decl = self.builder.declaration(name, ty, value)
        try:
            result = rt.add_decl(self.env, decl, limits.heartbeats, limits.rec_depth)
        finally:
            rt.dec(decl)
        try:
            if tag(result) == 1:
                return self._accepted(used)
            return self._rejected(rt.inc(field(result, 0)))
        finally:
            rt.dec(result)

    def _accepted(self, used: set[str]) -> Verdict:
        axioms = self.consts.axioms_of(used)
        foreign = sorted(set(axioms) - self.theory.axioms)
        if foreign:
            return Rejected(
                f"depends on axiom(s) the theory does not declare: {', '.join(foreign)}"
            )
        return Accepted(axioms)

    def _rejected(self, exception: Obj) -> Verdict:
        number = tag(exception)
        kind = EXCEPTION_KINDS[number] if number < len(EXCEPTION_KINDS) else f"kind {number}"
        text = self.rt.exception_text(exception)
        reason = LIMIT if kind in _RESOURCE else REJECTED
        return Rejected(reason, (f"kernel exception {kind}: {text}",))

    def reflexivity(self, name: str, wrong: bool) -> Verdict:
        """`∀ x y : R, Eq x x := fun x y => Eq.refl x`, or (`wrong`) the same proof for
        `Eq x y`: a theorem every theory accepts, and a proof every theory rejects."""
        b = self.builder
        s = Scope(b, ["x", "y"])
        try:
            x, y = s.bvar("x"), s.bvar("y")
            statement = b.eq(s, s.rt.inc(x), y if wrong else s.rt.inc(x))
            if not wrong:
                s.rt.dec(y)
            proof = s.app(s.const(f"{LOGIC}.Eq.refl"), b.R, x)
            ty, value = b.close_over(s, ["x", "y"], [], statement, proof)
            return self._add(name, ty, value, s.used)
        finally:
            s.close()


def self_test(kernel: DirectKernel) -> str | None:
    """None if the route accepts a known theorem and rejects a known bad proof, else why not:
    the ABI facts it depends on hold for this library."""
    good = kernel.reflexivity("rpsdg_selftest_good", wrong=False)
    if not isinstance(good, Accepted):
        return f"a known theorem was not accepted: {good}"
    bad = kernel.reflexivity("rpsdg_selftest_bad", wrong=True)
    if not isinstance(bad, Rejected) or "declTypeMismatch" not in " ".join(bad.messages):
        return f"a known bad proof was not rejected as a type mismatch: {bad}"
    return None
