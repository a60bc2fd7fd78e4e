"""Reference results computed with metafor 3.8-1 (R 4.2.2), read from
``../shared/reference/metafor/`` (see its README).  Without that folder the tests
that need it skip with the reason; under CI=true they fail.

Tolerances: closed forms match to 1e-10 relative, iterative estimators (REML, ML,
PM, EB, SJ, Q-profile) to 1e-8, as the reference's README says they reproduce.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from ..shared_data import SHARED, require

REFERENCE = SHARED / "reference" / "metafor"
CLOSED_FORM = 1e-10
ITERATIVE = 1e-8


def load_reference(case: str) -> dict[str, Any]:
    """One reference case by file stem, e.g. ``p01_bcg_binary_mh_iv_dl``."""
    path = require(REFERENCE / f"{case}.json", "metafor reference results")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


@pytest.fixture
def reference() -> Callable[[str], dict[str, Any]]:
    return load_reference


def analysis(case: dict[str, Any], analysis_id: str) -> dict[str, Any]:
    for entry in case["analyses"]:
        if entry["id"] == analysis_id:
            return entry  # type: ignore[no-any-return]
    raise KeyError(analysis_id)


def column(rows: list[dict[str, Any]], key: str) -> list[float]:
    """A per-study column, ``None`` (NA) as NaN."""
    return [math.nan if r.get(key) is None else float(r[key]) for r in rows]


def assert_close(actual: Any, expected: Any, rel: float, what: str = "") -> None:
    """Relative agreement (absolute near zero), NaN/None equal to each other."""
    if expected is None:
        assert actual is None or (isinstance(actual, float) and math.isnan(actual)), (what, actual)
        return
    assert actual is not None, (what, "is None, expected", expected)
    a, e = float(actual), float(expected)
    if math.isnan(e):
        assert math.isnan(a), (what, a)
        return
    assert math.isclose(a, e, rel_tol=rel, abs_tol=rel * 1e-3), f"{what}: {a!r} != {e!r}"
