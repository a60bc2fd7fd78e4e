"""The public API is exactly what __all__ says (STYLE.md 3)."""

from __future__ import annotations

import sysreview

EXPECTED = {
    "ConvergenceError",
    "InsufficientData",
    "DanglingReference",
    "DataError",
    "MissingExtra",
    "ParseError",
    "Review",
    "ReviewData",
    "ReviewExists",
    "ReviewNotFound",
    "Status",
    "StoreError",
    "SysreviewError",
    "__version__",
    "dedup",
    "grade",
    "ingest",
    "model",
    "read_table",
    "stats",
    "Table",
    "read_bundle",
    "write_bundle",
}


def test_all_is_the_expected_api() -> None:
    assert set(sysreview.__all__) == EXPECTED


def test_nothing_leaks() -> None:
    public = {name for name in vars(sysreview) if not name.startswith("_")}
    submodules = {
        "bundle",
        "errors",
        "review",
        "store",
        "integrity",
        "prisma",
        "protocol",
        "accounts",
        "cli",
        "report",
        "appraisal",
        "extraction",
        "revman",
        "stats",
        "tabular",
        "screening",
        "embed",
        "web",
        "_fields",
    }
    assert public - set(sysreview.__all__) - submodules == set()


def test_every_error_derives_from_the_base() -> None:
    for name in EXPECTED:
        obj = getattr(sysreview, name)
        if isinstance(obj, type) and issubclass(obj, Exception):
            assert issubclass(obj, sysreview.SysreviewError)
