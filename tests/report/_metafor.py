"""metafor's reference results for the figure tests, and how they are compared."""

from __future__ import annotations

import json
import math
from typing import Any

from sysreview import stats

from ..shared_data import SHARED, require

REFERENCE = SHARED / "reference" / "metafor"
TOL = 1e-10


def load(case: str) -> dict[str, Any]:
    path = require(REFERENCE / f"{case}.json", "metafor reference results")
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def single(result: stats.MetaResult | stats.BatchResult) -> stats.MetaResult:
    """``rma`` of one analysis."""
    assert isinstance(result, stats.MetaResult)
    return result


def close(actual: float | None, wanted: float, what: str = "") -> None:
    assert actual is not None, what
    assert math.isclose(actual, wanted, rel_tol=TOL, abs_tol=TOL * 1e-3), (what, actual, wanted)
