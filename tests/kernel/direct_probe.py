"""Run in a child process by test_direct.py (the Lean runtime never enters pytest's process):
hand-built bad terms through the direct route's own checker, and a record of every
declaration it sends. Prints one JSON object.

    python direct_probe.py RULES_FILE LEAN_PATH
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from rpsdg_formal.families.records import binders_of
from rpsdg_formal.kernel.direct import DirectKernel, DirectSetup
from rpsdg_formal.kernel.emit import theorem
from rpsdg_formal.kernel.kconsts import LOGIC
from rpsdg_formal.kernel.kterms import Scope
from rpsdg_formal.kernel.lean_abi import box, tag
from rpsdg_formal.kernel.runner import embedded_library
from rpsdg_formal.rewriting.steps import RuleIndex
from rpsdg_formal.rewriting.walk import WalkConfig, draw_walk, theorem_rng
from rpsdg_formal.theory.rules import load_rules


def main() -> None:
    rules = load_rules(sys.argv[1])
    kernel = DirectKernel(DirectSetup(rules.theory, Path(sys.argv[2]), embedded_library()))
    rt, b = kernel.rt, kernel.builder
    sent: list[int] = []
    add = rt.add_decl

    def recording(env: int, decl: int, heartbeats: int, depth: int) -> int:
        sent.append(tag(decl))  # the Declaration constructor: 2 is thmDecl
        return add(env, decl, heartbeats, depth)

    rt.add_decl = recording  # type: ignore[method-assign]
    zero = b.consts.full(rules.theory.signature.numerals.zero)
    one = b.consts.full(rules.theory.signature.numerals.one)

    def verdict(name: str, make) -> str:  # type: ignore[no-untyped-def]
        s = Scope(b, [])
        try:
            ty, value = make(s)
            return str(kernel._add(name, ty, value, s.used))
        finally:
            s.close()

    def refl(s: Scope, term: int) -> int:
        return s.app(s.const(f"{LOGIC}.Eq.refl"), b.R, term)

    out = {
        "wrong statement": verdict(
            "p1", lambda s: (b.eq(s, s.const(zero), s.const(one)), refl(s, s.const(zero)))
        ),
        "loose bound variable": verdict(
            "p2", lambda s: (b.eq(s, s.const(zero), s.const(zero)), int(rt.mk_bvar(box(3))))
        ),
        "unknown constant": verdict(
            "p3",
            lambda s: (
                b.eq(s, s.const(zero), s.const(zero)),
                refl(s, int(rt.mk_const(rt.name("Nope.nothing"), box(0)))),
            ),
        ),
        "non-Prop type": verdict("p4", lambda s: (b.R, s.const(zero))),
        "good": verdict(
            "p5", lambda s: (b.eq(s, s.const(zero), s.const(zero)), refl(s, s.const(zero)))
        ),
    }
    index = RuleIndex.build(rules.rules)
    for i in range(200):
        walk = draw_walk(WalkConfig(steps=6), index, theorem_rng(3, i))
        thm = theorem(
            f"w{i}", binders_of(walk.start, walk.end), walk.start, walk.steps, rules.theory
        )
        kernel.check(thm)
    kinds = sorted(set(sent))
    print(json.dumps({"verdicts": out, "sent": len(sent), "declaration_kinds": kinds}))


if __name__ == "__main__":
    main()
