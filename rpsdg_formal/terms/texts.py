"""The printers' engine: one `SignatureTexts` per signature, with its operator tables and a
bounded memo of each syntax's sub-tree texts.

A node's text in every syntax here depends only on the node (its parent decides about
parentheses), and a theorem's states share all but one path of their trees, so each distinct
node is printed once per syntax: certificates, records, tactics and wrong steps print the same
sub-trees again and again. A memo is emptied when it reaches `LIMIT` entries, so a run of
millions of theorems holds at most `LIMIT` texts (and the trees they name) per syntax.
`terms.printers` is the public face; `tests/terms/reference_printers.py` keeps the plain
recursive printers these must agree with byte for byte.

Where the optional extension `terms/_texts.c` is built, `texts_of` gives a `CompiledTexts`: the
same methods run in C over the same tables and memos, with `SignatureTexts`'s Python methods
as the reference and the fallback (`use_compiled(False)` switches the engine off).
"""

from __future__ import annotations

from typing import Any

from rpsdg_formal.terms.expr import Expr, Kind, Path
from rpsdg_formal.terms.extension import Switch
from rpsdg_formal.terms.signature import Fixity, Numerals, Signature
from rpsdg_formal.terms.texts_compiled import engine_for

ATOM = 1000  # precedence of variables, numerals and calls: never parenthesised
LIMIT = 1 << 12
"""Entries per memo before it is emptied: a theorem's certificate and record need a few
hundred, and a larger memo finds little more (in one worker preparing 6,000 default theorems,
4,096 entries per memo took the same CPU as 32,768 and 30 MB less peak memory)."""

_APP, _VAR, _NUM = Kind.APP, Kind.VAR, Kind.NUM
_INFIX, _PREFIX, _POSTFIX = Fixity.INFIX, Fixity.PREFIX, Fixity.POSTFIX
_FUNCTION, _CONSTANT = Fixity.FUNCTION, Fixity.CONSTANT
_PRINTING = ("infix", "kernel", "kernel_argument", "kernel_context", "lean_argument", "to_latex")
"""The printing methods, each also in the compiled engine (`CompiledTexts`)."""


def numeral_to_kernel(value: int, numerals: Numerals) -> str:
    """A natural number in binary `bit0`/`bit1` form: 6 is `bit0 (bit1 one)`."""
    if value == 0:
        return numerals.zero
    if value == 1:
        return numerals.one
    inner = numeral_to_kernel(value // 2, numerals)
    inner = inner if value // 2 == 1 else f"({inner})"
    return f"{numerals.bit1 if value % 2 else numerals.bit0} {inner}"


def _remember(memo: dict[Expr, str], node: Expr, text: str) -> None:
    """Keep `text` as `node`'s in `memo`, emptying it first when it holds `LIMIT` texts."""
    if len(memo) >= LIMIT:
        memo.clear()
    memo[node] = text


def is_atomic(expr: Expr) -> bool:
    """True if `expr` prints in kernel syntax as one token (no parentheses needed)."""
    return (
        expr.kind is _VAR
        or (expr.kind is _NUM and expr.value < 2)
        or (expr.kind is _APP and not expr.args)
    )


class SignatureTexts:
    """Printers of one signature's trees in human, standard Lean, kernel and LaTeX syntax, each
    remembering the texts it made (see the module docstring)."""

    __slots__ = (
        "argument_memo", "braced", "fixity", "human_memo", "kernel_memo", "latex", "latex_memo",
        "lean", "lean_memo", "lean_name", "numerals", "precedence", "prefix", "symbol", "template",
    )  # fmt: skip

    def __init__(self, sig: Signature) -> None:
        ops = {op.name: sig.by_name(op.name) for op in sig.operators}
        self.fixity = {name: op.fixity for name, op in ops.items()}
        self.precedence = {  # as a child: calls and constants never need parentheses
            name: ATOM if op.fixity in (_FUNCTION, _CONSTANT) else op.precedence
            for name, op in ops.items()
        }
        self.prefix = frozenset(name for name, op in ops.items() if op.fixity is _PREFIX)
        self.symbol = {name: op.symbol for name, op in ops.items()}
        self.lean = {name: op.lean_symbol for name, op in ops.items()}
        self.template = {name: "{0}" in op.lean_symbol for name, op in ops.items()}
        self.lean_name = {name: op.lean for name, op in ops.items()}
        self.latex = {name: op.latex for name, op in ops.items()}
        self.braced = {n: o.fixity is _FUNCTION or r"\frac" in o.latex for n, o in ops.items()}
        self.numerals = sig.numerals
        self.lean_memo: dict[Expr, str] = {}
        # where every operator's Lean symbol is its human one and none is called or constant
        # (a call's Lean syntax differs), the two syntaxes print every tree alike: one memo
        named = (_FUNCTION, _CONSTANT)
        alike = all(o.symbol == o.lean_symbol and o.fixity not in named for o in ops.values())
        self.human_memo: dict[Expr, str] = self.lean_memo if alike else {}
        self.kernel_memo: dict[Expr, str] = {}
        self.argument_memo: dict[Expr, str] = {}
        self.latex_memo: dict[Expr, str] = {}

    def _child_precedence(self, node: Expr) -> int:
        return ATOM if node.kind is not _APP else self.precedence[node.head]

    def infix(self, node: Expr, lean: bool) -> str:
        """Human syntax (`lean` false) or standard Lean syntax, with the fewest parentheses
        that parse back to the same tree."""
        memo = self.lean_memo if lean else self.human_memo
        text = memo.get(node)
        if text is None:
            if node.kind is _APP:
                text = self._infix_app(node, lean, memo)
            else:
                text = node.head if node.kind is _VAR else str(node.value)
            _remember(memo, node, text)
        return text

    def _infix_app(self, node: Expr, lean: bool, memo: dict[Expr, str]) -> str:
        """`infix` of an application, its children's texts taken from `memo` where they are."""
        head, args, precedences = node.head, node.args, self.precedence
        fixity = self.fixity[head]
        symbol = self.lean[head] if lean else self.symbol[head]
        if fixity is _INFIX:
            left, right = args[0], args[1]
            precedence = precedences[head]
            left_text = memo.get(left) or self.infix(left, lean)
            right_text = memo.get(right) or self.infix(right, lean)
            if (ATOM if left.kind is not _APP else precedences[left.head]) < precedence:
                left_text = f"({left_text})"
            if right.kind is not _APP:
                if ATOM <= precedence:
                    right_text = f"({right_text})"
            elif precedences[right.head] <= precedence and right.head not in self.prefix:
                right_text = f"({right_text})"
            return f"{left_text} {symbol} {right_text}"
        if fixity is _PREFIX:
            arg = args[0]
            text = memo.get(arg) or self.infix(arg, lean)
            if arg.kind is not _APP:
                if ATOM < precedences[head]:
                    text = f"({text})"
            elif arg.head in self.prefix or precedences[arg.head] < precedences[head]:
                text = f"({text})"
            return f"{symbol}{text}"
        if fixity is _POSTFIX:  # (x^2)^3 and (a⁻¹)⁻¹: never stack postfix symbols
            arg = args[0]
            text = memo.get(arg) or self.infix(arg, lean)
            below = ATOM if arg.kind is not _APP else precedences[arg.head]
            # in Lean, `f x⁻¹` is `f (x⁻¹)`: a rendered application needs parentheses here
            if below <= precedences[head] or (
                lean and below == ATOM and arg.kind is _APP and bool(arg.args)
            ):
                text = f"({text})"
            return f"{text}{symbol}"
        if fixity is _CONSTANT:
            return symbol
        if not lean:
            return f"{symbol}({', '.join([self.infix(a, False) for a in args])})"
        if self.template[head]:  # e.g. `deriv (fun x => {0}) x`
            return symbol.format(*[self.infix(a, True) for a in args])
        return " ".join([symbol, *[self.lean_argument(a) for a in args]])

    def lean_argument(self, node: Expr) -> str:
        """`node` as an application's argument in standard Lean syntax."""
        text = self.infix(node, True)
        return text if node.kind is not _APP or not node.args else f"({text})"

    def kernel(self, node: Expr) -> str:
        """Lean kernel prefix syntax for the `prelude` theory: `add (mul a b) (neg c)`."""
        if node.kind is _VAR:
            return node.head
        text = self.kernel_memo.get(node)
        if text is None:
            if node.kind is _NUM:
                text = numeral_to_kernel(node.value, self.numerals)
            else:
                text = " ".join([self.lean_name[node.head], *map(self.kernel_argument, node.args)])
            memo = self.kernel_memo
            _remember(memo, node, text)
        return text

    def kernel_argument(self, node: Expr) -> str:
        """`node` as an argument in kernel syntax: parenthesised unless it is one token."""
        if node.kind is _VAR:
            return node.head
        text = self.argument_memo.get(node)
        if text is None:
            text = self.kernel(node)
            if not is_atomic(node):
                text = f"({text})"
            memo = self.argument_memo
            _remember(memo, node, text)
        return text

    def kernel_context(self, node: Expr, path: Path, hole: str) -> str:
        """The kernel text of `node` with the sub-tree at `path` replaced by the variable
        `hole`, built from the memoised texts of the sub-trees beside the path (the context
        itself, new at every step, is neither built as a tree nor remembered)."""
        along = []
        for index in path:
            along.append(node)
            node = node.args[index]
        text, argument, names = hole, self.kernel_argument, self.lean_name  # a hole: one token
        for depth in range(len(along) - 1, -1, -1):
            parent, index = along[depth], path[depth]
            inner = text if depth == len(along) - 1 else f"({text})"
            args = parent.args
            if len(args) == 1:
                text = f"{names[parent.head]} {inner}"
            elif len(args) == 2:
                if index == 0:
                    text = f"{names[parent.head]} {inner} {argument(args[1])}"
                else:
                    text = f"{names[parent.head]} {argument(args[0])} {inner}"
            else:
                parts = [inner if k == index else argument(a) for k, a in enumerate(args)]
                text = " ".join([names[parent.head], *parts])
        return text

    def to_latex(self, node: Expr) -> str:
        """LaTeX, from each operator's `latex` template (`{0}`, `{1}` are the rendered
        arguments)."""
        memo = self.latex_memo
        text = memo.get(node)
        if text is None:
            if node.kind is _APP:
                text = self._latex_app(node, memo)
            else:
                text = node.head if node.kind is _VAR else str(node.value)
            _remember(memo, node, text)
        return text

    def _latex_app(self, node: Expr, memo: dict[Expr, str]) -> str:
        """`to_latex` of an application: a function's or a fraction's arguments are braced,
        others are wrapped in `\\left( … \\right)` where precedence asks (and the right side of
        an infix operator of the same precedence, unless its text already starts so)."""
        head, args = node.head, node.args
        template = self.latex[head]
        rendered = [memo.get(a) or self.to_latex(a) for a in args]
        if self.braced[head]:  # never parenthesised
            return template.format(*rendered)
        fixity, precedence = self.fixity[head], self.precedence[head]
        for number, arg in enumerate(args):
            below = ATOM if arg.kind is not _APP else self.precedence[arg.head]
            if (
                below < precedence
                or (fixity is _PREFIX and arg.kind is _APP and arg.head in self.prefix)
                or (fixity is _POSTFIX and below == precedence)
                or (
                    fixity is _INFIX
                    and number == 1
                    and below == precedence
                    and not rendered[1].startswith(r"\left")
                )
            ):
                rendered[number] = rf"\left({rendered[number]}\right)"
        return template.format(*rendered)


class CompiledTexts(SignatureTexts):
    """The same printers run by the compiled engine (`terms/_texts.c`): each printing method
    is the engine's, over this object's tables and memos, which are its reference's (a
    `SignatureTexts` of the same signature); a tree the engine does not print, it hands to the
    reference's Python method, so every text is the reference's."""

    __slots__ = ("engine", *_PRINTING)  # these slots hide the Python methods of the same names

    def __init__(self, reference: SignatureTexts, engine: Any) -> None:
        for name in SignatureTexts.__slots__:
            setattr(self, name, getattr(reference, name))
        self.engine = engine
        for name in _PRINTING:
            setattr(self, name, getattr(engine, name))


_BY_SIGNATURE: dict[int, tuple[Signature, SignatureTexts]] = {}
_SIGNATURES_LIMIT = 64
_COMPILED = Switch()  # the switch `use_compiled` turns


def use_compiled(on: bool) -> bool:
    """Print through the compiled engine where it is built (`on`, the default) or through the
    Python methods only (for tests and comparisons); returns the previous setting. Printers
    already made are forgotten, so the next `texts_of` of every signature follows the
    switch."""
    _BY_SIGNATURE.clear()
    return _COMPILED.set(on)


def texts_of(sig: Signature) -> SignatureTexts:
    """The printers of `sig` (made once per signature object and kept with it): compiled
    where the engine is built and switched on, the Python reference otherwise."""
    known = _BY_SIGNATURE.get(id(sig))
    if known is None or known[0] is not sig:
        if len(_BY_SIGNATURE) >= _SIGNATURES_LIMIT:
            _BY_SIGNATURE.clear()
        known = _BY_SIGNATURE[id(sig)] = (sig, make_texts(sig, _COMPILED.on))
    return known[1]


def make_texts(sig: Signature, compiled: bool) -> SignatureTexts:
    """New printers of `sig` with empty memos: compiled if `compiled` and the engine is built
    (and takes the signature's tables), the Python reference otherwise."""
    reference = SignatureTexts(sig)
    if not compiled:
        return reference
    numerals = sig.numerals
    engine = engine_for(reference, lambda n: numeral_to_kernel(n, numerals), globals(), ATOM)
    return reference if engine is None else CompiledTexts(reference, engine)
