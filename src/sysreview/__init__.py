"""sysreview: systematic reviews from database search exports to GRADE
Summary-of-Findings tables, as one open, scriptable, reproducible system.

The public API is what ``__all__`` lists; everything else is private.
"""

from importlib import import_module as _import_module
from importlib.metadata import PackageNotFoundError as _PackageNotFoundError
from importlib.metadata import version as _version
from typing import TYPE_CHECKING as _TYPE_CHECKING
from typing import Any as _Any

from . import dedup, grade, ingest, model
from .bundle import read_bundle, write_bundle
from .errors import (
    ConvergenceError,
    DanglingReference,
    DataError,
    InsufficientData,
    MissingExtra,
    ParseError,
    ReviewExists,
    ReviewNotFound,
    StoreError,
    SysreviewError,
)
from .model import ReviewData
from .review import Review, Status
from .tabular import Table, read_table

if _TYPE_CHECKING:
    from . import stats


def __getattr__(name: str) -> _Any:
    """``sysreview.stats`` is imported on first use: it brings scipy, which a CLI
    command that does no statistics should not wait for."""
    if name == "stats":
        module = _import_module(".stats", __name__)
        globals()[name] = module
        return module
    raise AttributeError(f"module 'sysreview' has no attribute {name!r}")


try:
    __version__ = _version("sysreview")
except _PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

__all__ = [
    "ConvergenceError",
    "DanglingReference",
    "DataError",
    "InsufficientData",
    "MissingExtra",
    "ParseError",
    "Review",
    "ReviewData",
    "ReviewExists",
    "ReviewNotFound",
    "Status",
    "StoreError",
    "SysreviewError",
    "Table",
    "__version__",
    "dedup",
    "grade",
    "ingest",
    "model",
    "read_bundle",
    "read_table",
    "stats",
    "write_bundle",
]
