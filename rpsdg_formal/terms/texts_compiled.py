"""The compiled printers' engine (`terms/_texts.c`, an optional extension): a signature's
tables as the engine reads them, and its rule for templates.

`SignatureTexts` (`terms.texts`) is the reference: the engine prints the same texts into the
same memos, and anything it would not print exactly as the Python methods do, it hands back to
them. A template from a rule file (a LaTeX `latex`, a Lean `lean_symbol` with `{0}`) is filled
by the engine only when `str.format` would just put the arguments in place; any other template
is given to `str.format` itself.
"""

from __future__ import annotations

from collections.abc import Callable
from string import Formatter
from types import ModuleType
from typing import TYPE_CHECKING, Any

from rpsdg_formal.terms.expr import Expr, Kind
from rpsdg_formal.terms.extension import optional_extension
from rpsdg_formal.terms.signature import Fixity

if TYPE_CHECKING:
    from rpsdg_formal.terms.texts import SignatureTexts

MAX_FIELDS = 15
"""Fields of the longest template the engine fills itself (`MAX_PIECES` in `_texts.h` is
`2 * MAX_FIELDS + 1`); a longer one goes to `str.format`."""

_FIXITY = {
    Fixity.INFIX: 0, Fixity.PREFIX: 1, Fixity.POSTFIX: 2, Fixity.FUNCTION: 3, Fixity.CONSTANT: 4,
}  # fmt: skip

Pieces = tuple[str | int, ...]


def compiled_module() -> ModuleType | None:
    """The compiled engine's module, or None where it was not built (no C compiler)."""
    return optional_extension("terms._texts")


def template_pieces(template: str) -> Pieces | None:
    """`template` as literal texts between argument indices, `"{0} + {1}"` as
    `("", 0, " + ", 1, "")` (`{{` and `}}` already read as braces), so that joining the pieces
    with the indices replaced by the arguments is `template.format(*arguments)`; None where
    `str.format` does more than that (a conversion, a format spec, an attribute or item, an
    automatic or non-canonical number, a malformed template, more than `MAX_FIELDS` fields)."""
    pieces: list[str | int] = []
    literal = ""
    try:
        parsed = list(Formatter().parse(template))
    except ValueError:
        return None
    for text, field, spec, conversion in parsed:
        literal += text
        if field is None:
            continue
        if spec or conversion is not None or not field.isdecimal() or str(int(field)) != field:
            return None
        pieces += [literal, int(field)]
        literal = ""
    pieces.append(literal)
    return tuple(pieces) if len(pieces) <= 2 * MAX_FIELDS + 1 else None


def operator_table(texts: SignatureTexts) -> tuple[tuple[Any, ...], ...]:
    """One tuple per operator of `texts`'s tables, in the order `_texts.c` reads it."""
    return tuple(
        (
            name,
            _FIXITY[fixity],
            texts.precedence[name],
            name in texts.prefix,
            texts.braced[name],
            texts.symbol[name],
            texts.lean[name],
            texts.template[name],
            template_pieces(texts.lean[name]) if texts.template[name] else None,
            texts.lean_name[name],
            texts.latex[name],
            template_pieces(texts.latex[name]),
        )
        for name, fixity in texts.fixity.items()
    )


def engine_for(
    texts: SignatureTexts, numeral: Callable[[int], str], settings: dict[str, Any], atom: int
) -> Any | None:
    """The compiled engine over `texts`'s tables and memos (`numeral` prints a numeral in
    kernel syntax, `settings` is `terms.texts`'s globals, where it reads `LIMIT`), or None
    where the module is not built or a table does not fit it (a precedence beyond a C long)."""
    module = compiled_module()
    if module is None:
        return None
    memos = (texts.human_memo, texts.lean_memo, texts.kernel_memo, texts.argument_memo)
    try:
        return module.engine(
            operator_table(texts),
            (*memos, texts.latex_memo),
            (Kind.VAR, Kind.NUM, Kind.APP),
            Expr,
            numeral,
            settings,
            texts,
            atom,
        )
    except OverflowError:
        return None
