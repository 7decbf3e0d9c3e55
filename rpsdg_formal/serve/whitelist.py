"""Kernel-syntax terms from outside (the verification service's `lean_statement` and
`lean_proof`), checked against a strict whitelist before any Lean file is written: only the
tokens of `∀`/`fun`/`have` terms, only names the theory's Lean files declare or the term binds,
no keyword, command, comment or escape hatch (`sorry`), bounded length and nesting.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from http import HTTPStatus

from rpsdg_formal.serve.errors import RequestError
from rpsdg_formal.terms.cursor import Cursor
from rpsdg_formal.terms.signature import LEAN_KEYWORDS, is_lean_ident
from rpsdg_formal.theory.leansource import scan_source
from rpsdg_formal.theory.section import Theory

MAX_KERNEL_CHARS = 100_000
"""The longest `lean_statement` or `lean_proof` accepted (characters)."""

MAX_DEPTH = 128
"""The deepest nesting of parentheses, binders and `have`s accepted in a kernel term."""

MAX_BINDER_CHARS = 64
"""The longest name a kernel term may bind."""

BANNED_WORDS = LEAN_KEYWORDS | frozenset(
    """elab elab_rules macro_rules initialize builtin_initialize export omit include
    declare_syntax_cat add_decl_doc unif_hint run_cmd run_elab run_meta suffices lemma nonrec
    register_option register_builtin_option register_simp_attr builtin_simproc simproc dsimproc
    instance attribute extends where using generalizing only seal unseal init_quot public meta
    module coinductive partial_fixpoint binder_predicate grind_pattern recommended_spelling
    declare_simp_like_tactic tactic_extension register_tactic_tag sorryAx admit native_decide
    decide rfl exact intro intros apply refine rw simp this λ forall exists let_fun let_delayed
    let_tmp letI haveI rec eval print check reduce synth exit guard_msgs lean_exe lean_lib
    require show_term dbg_trace assert unsafe implemented_by extern csimp""".split()
)
"""Words a kernel term may not contain: Lean keywords, command names, and escape hatches."""


class KernelSyntaxError(RequestError):
    """A kernel-syntax term outside the whitelist, with the line and column (1-based) of the
    offending token."""

    def __init__(self, what: str, line: int, column: int) -> None:
        self.what = what
        self.line = line
        self.column = column
        super().__init__(HTTPStatus.UNPROCESSABLE_ENTITY, f"{what} (line {line}, column {column})")


# --- the names a kernel term may use ------------------------------------------------------------


def constructors(source: str) -> frozenset[str]:
    """Full names of the constructors of the inductive types declared in one Lean source
    (`RpsdgFormal.Eq.refl`), which `theory.scan_declarations` does not list."""
    return frozenset(d.name for d in scan_source(source) if d.kind == "constructor")


@dataclass(frozen=True)
class TheoryNames:
    """The constants a kernel term may mention: every declaration of the theory's Lean modules
    (and their constructors), resolved inside the namespaces a checked file opens."""

    declarations: frozenset[str]
    opens: tuple[str, ...]

    def resolves(self, name: str) -> bool:
        """True if `name`, written in a checked file, names a declaration of the theory."""
        return name in self.declarations or any(
            f"{prefix}.{name}" in self.declarations for prefix in self.opens
        )

    def short_names(self) -> list[str]:
        """Every declaration, as short as the opened namespaces let it be written."""
        longest = sorted(self.opens, key=len, reverse=True)
        return sorted(
            {
                next((d[len(p) + 1 :] for p in longest if d.startswith(p + ".")), d)
                for d in self.declarations
            }
        )


def theory_names(theory: Theory) -> TheoryNames:
    """The names a kernel term over `theory` may use (Logic.lean's too: every module imported)."""
    built = set(theory.declarations)
    for module in theory.modules:
        built |= constructors(module.path.read_text(encoding="utf-8"))
    return TheoryNames(frozenset(built), theory.opens)


# --- kernel syntax: tokens ----------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<space> +)|(?P<newline>\n)"
    r"|(?P<ident>[A-Za-z][A-Za-z0-9_₀-₉]*(?:\.[A-Za-z][A-Za-z0-9_₀-₉]*)*)"
    r"|(?P<symbol>=>|:=|[∀→,:()])"
)
_HINTS = (
    ("--", "comments are not allowed"),
    ("/-", "comments are not allowed"),
    ("#", "commands (`#...`) are not allowed"),
    ("@[", "attributes are not allowed"),
    ("@", "`@` is not allowed; pass arguments explicitly"),
    ("\t", "tabs are not allowed; indent with spaces"),
    ("\r", "carriage returns are not allowed; end lines with \\n"),
    ("_", "placeholders (`_`) are not allowed; name every binder and argument"),
    ("λ", "`λ` is not allowed; write `fun x => ...`"),
)
_NUMERAL_HINT = (
    "numerals are not allowed: the theory spells numbers with its constants (zero, one, bit0, bit1)"
)
_ALLOWED = (
    "kernel syntax allows identifiers, `fun`, `have`, `∀`, `→`, `=>`, `:=`, `:`, `,`, "
    "parentheses, spaces and newlines"
)


@dataclass(frozen=True)
class Token:
    """One token of a kernel term; `line` and `column` are 0-based in the text, `file_column`
    is the column Lean sees in the checked file (its layout columns)."""

    kind: str  # "ident", "fun", "have", one of the symbols, or "end"
    text: str
    line: int
    column: int
    file_column: int


def _refusal(text: str, start: int) -> str:
    """Why the character at `start` cannot begin a token."""
    char = text[start]
    for prefix, hint in _HINTS:
        if text.startswith(prefix, start):
            return f"{hint}: found {prefix!r}"
    if char.isdigit():
        return f"{_NUMERAL_HINT}: found {char!r}"
    return f"character {char!r} is not allowed; {_ALLOWED}"


def tokenize_kernel(text: str, first_column: int = 0) -> list[Token]:
    """Split a kernel term into whitelisted tokens, or raise KernelSyntaxError at the first
    character or word outside the whitelist (so nothing unchecked reaches a Lean file)."""
    tokens: list[Token] = []
    line, line_start, pos = 0, 0, 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        column = pos - line_start
        if m is None:
            raise KernelSyntaxError(_refusal(text, pos), line + 1, column + 1)
        offset = first_column if line == 0 else 0
        kind = m.lastgroup or ""
        word = m.group()
        if kind == "newline":
            line, line_start = line + 1, m.end()
        elif kind == "ident":
            if word in ("fun", "have"):
                kind = word
            elif word in BANNED_WORDS:  # whole names: `And.intro` is a theorem, not `intro`
                raise KernelSyntaxError(
                    f"`{word}` is a Lean keyword or command and is not allowed in kernel syntax",
                    line + 1,
                    column + 1,
                )
            tokens.append(Token(kind, word, line, column, column + offset))
        elif kind == "symbol":
            tokens.append(Token(word, word, line, column, column + offset))
        pos = m.end()
    tokens.append(Token("end", "", line, pos - line_start, pos - line_start))
    return tokens


# --- kernel syntax: structure -------------------------------------------------------------------


@dataclass(frozen=True)
class HaveSpan:
    """The lines (0-based, inclusive) from a `have` to the end of its value: Lean's errors on
    these lines belong to that step."""

    first_line: int
    last_line: int


class _TermParser(Cursor[Token]):
    """Recursive descent over the kernel-term grammar, checking that every name is bound or
    declared and recording the line span of every `have`.

        term    := ("fun" binders "=>" | "∀" binders "," | have)* app ("→" term)?
        have    := "have" NAME (":" term)? ":=" term      (then the body, on a later line)
        binders := (NAME | "(" NAME+ ":" term ")")+ (":" term)?
        app     := atom atom*     (arguments to the right of an enclosing `have`, as Lean)
        atom    := NAME | "(" term ")"
    """

    def __init__(self, tokens: list[Token], names: TheoryNames) -> None:
        super().__init__(tokens)
        self.names = names
        self.depth = 0
        self.haves: list[HaveSpan] = []

    def fail(self, token: Token, what: str) -> KernelSyntaxError:
        return KernelSyntaxError(what, token.line + 1, token.column + 1)

    def expect(self, kind: str, context: str) -> Token:
        token = self.peek()
        if token.kind != kind:
            raise self.fail(token, f"expected `{kind}` {context}, found {_shown(token)}")
        return self.take()

    def parse(self) -> tuple[HaveSpan, ...]:
        if self.peek().kind == "end":
            raise self.fail(self.peek(), "the term is empty")
        self.term(frozenset(), -1)
        if self.peek().kind != "end":
            raise self.fail(self.peek(), f"unexpected {_shown(self.peek())} after a complete term")
        return tuple(self.haves)

    def term(self, scope: frozenset[str], limit: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.fail(self.peek(), f"the term is nested more than {MAX_DEPTH} levels deep")
        while True:
            token = self.peek()
            if token.kind == "fun":
                self.take()
                scope = self.binders(scope, "=>", "after the binders of `fun`")
            elif token.kind == "∀":
                self.take()
                scope = self.binders(scope, ",", "after the binders of `∀`")
            elif token.kind == "have":
                scope = self.have(scope)
            else:
                self.application(scope, limit)
                if self.peek().kind != "→":
                    break
                self.take()
        self.depth -= 1

    def binders(self, scope: frozenset[str], closer: str, context: str) -> frozenset[str]:
        bound: list[str] = []
        while self.peek().kind in ("ident", "("):
            if self.peek().kind == "ident":
                bound.append(self.binder(self.take()))
                continue
            self.take()
            group = [self.binder(self.take()) for _ in self._names_ahead()]
            if not group:
                raise self.fail(self.peek(), f"expected a binder name, found {_shown(self.peek())}")
            self.expect(":", "after the names of a binder group")
            self.term(scope | set(bound), -1)
            self.expect(")", "to close the binder group")
            bound += group
        if not bound:
            raise self.fail(self.peek(), f"expected a binder name, found {_shown(self.peek())}")
        if self.peek().kind == ":":
            self.take()
            self.term(scope | set(bound), -1)
        self.expect(closer, context)
        return scope | set(bound)

    def _names_ahead(self) -> range:
        count = 0
        while self.tokens[self.index + count].kind == "ident":
            count += 1
        return range(count)

    def have(self, scope: frozenset[str]) -> frozenset[str]:
        keyword = self.take()
        token = self.peek()
        if token.kind != "ident":
            raise self.fail(token, f"expected a name after `have`, found {_shown(token)}")
        name = self.binder(self.take())
        slot = len(self.haves)
        self.haves.append(HaveSpan(keyword.line, keyword.line))
        if self.peek().kind == ":":
            self.take()
            self.term(scope, keyword.file_column)
        self.expect(":=", f"after `have {name}`")
        self.term(scope, keyword.file_column)
        last = self.tokens[self.index - 1]
        self.haves[slot] = HaveSpan(keyword.line, last.line)
        if self.peek().kind == "end":
            raise self.fail(self.peek(), f"`have {name}` needs a term after it (its body)")
        return scope | {name}

    def application(self, scope: frozenset[str], limit: int) -> None:
        self.atom(scope)
        while self.peek().kind in ("ident", "(") and self.peek().file_column > limit:
            self.atom(scope)

    def atom(self, scope: frozenset[str]) -> None:
        token = self.take()
        if token.kind == "ident":
            if token.text not in scope and not self.names.resolves(token.text):
                raise self.fail(
                    token,
                    f"unknown identifier `{token.text}`: bind it with fun/∀/have or use a "
                    "constant of the theory (GET /theories lists them)",
                )
        elif token.kind == "(":
            self.term(scope, -1)
            self.expect(")", "to close the parenthesis")
        else:
            raise self.fail(token, f"expected an identifier or `(`, found {_shown(token)}")

    def binder(self, token: Token) -> str:
        name = token.text
        if not is_lean_ident(name) or "." in name or len(name) > MAX_BINDER_CHARS:
            raise self.fail(
                token,
                f"binder `{name}` must be a plain ASCII identifier of at most "
                f"{MAX_BINDER_CHARS} characters (x, h1, rpsdg_hole)",
            )
        if self.names.resolves(name):
            raise self.fail(token, f"binder `{name}` shadows a constant of the theory")
        return name


def _shown(token: Token) -> str:
    return "the end of the text" if token.kind == "end" else f"`{token.text}`"


def parse_kernel_term(text: str, names: TheoryNames, first_column: int = 0) -> tuple[HaveSpan, ...]:
    """Check a kernel term against the whitelist (tokens, grammar, bound or declared names,
    length, depth) and return the spans of its `have`s; raises KernelSyntaxError."""
    if len(text) > MAX_KERNEL_CHARS:
        raise KernelSyntaxError(f"the term is longer than {MAX_KERNEL_CHARS} characters", 1, 1)
    return _TermParser(tokenize_kernel(text, first_column), names).parse()
