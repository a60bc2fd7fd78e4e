"""The one exception tree.  Every error a user can see is one of these.

::

    SysreviewError                 base; carries a one-line message and a hint
    ├── ParseError                 input file is malformed: names path, line, field
    │   └── DanglingReference      an id that points at nothing
    ├── DataError                  well-formed input that breaks a rule of the model
    │   ├── InsufficientData       too little data for the computation asked (k = 0, ...)
    │   └── WorkflowError          an action the screening workflow does not allow now
    ├── ConvergenceError           an iterative estimator did not converge
    ├── ReviewNotFound             no review in this directory or its parents
    ├── ReviewExists               ``init`` where a review already is
    ├── StoreError                 the database cannot be reached, migrated or written
    └── MissingExtra               an optional dependency is not installed

The core raises these; the CLI turns them into ``error: <message>`` plus the hint
and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

from pathlib import Path


class SysreviewError(Exception):
    """Base of every error sysreview raises on purpose."""

    exit_code = 1
    default_hint: str | None = None

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint if hint is not None else self.default_hint

    def __str__(self) -> str:
        return self.message


class ParseError(SysreviewError):
    """A file could not be read as what it claims to be.

    ``path``, ``line`` (1-based) and ``field`` say where; any may be unknown.
    """

    exit_code = 65  # EX_DATAERR

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.line = line
        self.field = field
        where = ":".join(str(p) for p in (self.path, line) if p is not None)
        prefix = f"{where}: " if where else ""
        in_field = f"field '{field}': " if field else ""
        super().__init__(f"{prefix}{in_field}{message}", hint=hint)
        self.reason = message


class DanglingReference(ParseError):
    """An identifier refers to something the review does not contain."""


class DataError(SysreviewError):
    """Input that is well-formed but breaks a rule of the review model."""

    exit_code = 65


class InsufficientData(DataError):
    """Too little data for the computation asked for (no studies, no events, ...)."""


class WorkflowError(DataError):
    """An action the workflow does not allow at this point: deciding a record that is
    a duplicate or has not reached the stage, an exclusion without its reason,
    resolving a record that is not in conflict."""


class EntryError(WorkflowError):
    """A value someone entered that cannot be taken (more events than participants, a
    number that is not one); ``field`` names it, so a form or a file can point at it."""

    def __init__(self, message: str, *, field: str, hint: str | None = None) -> None:
        super().__init__(message, hint=hint)
        self.field = field


class ConvergenceError(SysreviewError):
    """An iterative estimator did not converge; the message says which and how far."""

    exit_code = 70  # EX_SOFTWARE
    default_hint = "try another estimator (method=...), or raise maxiter"


class ReviewNotFound(SysreviewError):
    exit_code = 2
    default_hint = "run 'sysreview init DIR' to create a review, or pass --review DIR"


class ReviewExists(SysreviewError):
    exit_code = 2
    default_hint = "use a new directory, or work in the existing review"


class StoreError(SysreviewError):
    exit_code = 74  # EX_IOERR


class MissingExtra(SysreviewError):
    """An optional dependency is missing; the message names the extra to install."""

    exit_code = 3

    def __init__(self, extra: str, module: str) -> None:
        super().__init__(
            f"this needs the optional dependency '{module}'",
            hint=f"pip install 'sysreview[{extra}]'",
        )
        self.extra = extra
