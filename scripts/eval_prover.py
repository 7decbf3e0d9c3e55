"""Evaluate the baseline prover per curriculum level (what `rpsdg-formal evaluate` will do):
search every theorem of DIR/level_NN.jsonl with a budget of expansions, replay the proofs
found through the Lean kernel, write evaluation.json/.md/.svg and print the Markdown table.

    python scripts/eval_prover.py /tmp/cur --budget 50 --budget 200
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from benchlib import script_parser

from rpsdg_formal.env.environment import KernelChecker
from rpsdg_formal.env.evaluate import default_workers, evaluate, markdown_table
from rpsdg_formal.env.prover import SearchConfig
from rpsdg_formal.errors import RpsdgError
from rpsdg_formal.kernel.check import prepare_kernel
from rpsdg_formal.kernel.config import KernelConfig
from rpsdg_formal.theory.catalogue import rules_path
from rpsdg_formal.theory.rules import load_rules


def main() -> int:
    """Parse the options, evaluate once per budget, print each table; 2 on a usage error."""
    parser = script_parser(__doc__)
    parser.add_argument("dir", type=Path, help="a curriculum folder (or a dataset folder)")
    parser.add_argument("--budget", type=int, action="append", help="expansions (repeatable)")
    parser.add_argument("--out", type=Path, help="output folder (default: DIR, or DIR/budget_B)")
    parser.add_argument("--rules", type=Path, default=rules_path("field"))
    parser.add_argument("--weight", type=float, default=SearchConfig().weight)
    parser.add_argument("--fresh", action="store_true", help="let rules introduce variables")
    parser.add_argument("--workers", type=int, default=default_workers())
    parser.add_argument("--jobs", type=int, default=2, help="Lean processes for the replay")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args()
    budgets = args.budget or [50]
    try:
        rules = load_rules(args.rules)
        kernel = prepare_kernel(rules.theory, KernelConfig(sequential=True))
        config = SearchConfig(args.weight, fresh=args.fresh)
        for budget in budgets:
            out = args.out or args.dir
            if len(budgets) > 1:
                out = out / f"budget_{budget}"
            checker = KernelChecker(kernel, jobs=args.jobs)
            started = time.monotonic()
            report = evaluate(
                args.dir, rules, checker, budget, out, config, args.workers, not args.quiet
            )
            print(f"\nbudget {budget}: {time.monotonic() - started:.1f} s wall")
            print(markdown_table(report))
            for path in report.files:
                print(path)
    except RpsdgError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
