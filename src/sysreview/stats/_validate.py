"""Input checks shared by the statistics kernels: clear errors, never silent NaN."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DataError
from ._results import FloatArray


def as_float_array(values: Any, name: str, *, allow_nan: bool = False) -> FloatArray:
    """``values`` as a 1-D float array; names the argument and study when it is not."""
    if values is None:
        raise DataError(f"{name} is missing")
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError(f"{name} must be numbers") from None
    if array.ndim == 0:
        array = array.reshape(1)
    if array.ndim != 1:
        raise DataError(f"{name} must be one value per study (1-D), got shape {array.shape}")
    if array.size == 0:
        raise DataError(f"{name} is empty: no studies")
    if np.isfinite(array).all():  # the common case, checked cheaply
        return array
    bad = np.flatnonzero(~np.isfinite(array)) if not allow_nan else np.flatnonzero(np.isinf(array))
    if bad.size:
        raise DataError(f"{name} is not a finite number in study {bad[0] + 1}: {array[bad[0]]}")
    return array


def check_same_length(**arrays: FloatArray) -> None:
    """All arrays describe the same studies."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name}: {n}" for name, n in lengths.items())
        raise DataError(f"inputs differ in length ({detail})")


def check_level(level: float) -> float:
    """A confidence level in percent, 1 < level < 100 (as metafor's ``level``)."""
    if isinstance(level, bool) or not (isinstance(level, (int, float)) and 1 < level < 100):
        raise DataError(f"level={level!r} must be a percentage between 1 and 100 (e.g. 95)")
    return float(level)


def study_labels(study: Any, k: int) -> tuple[str, ...] | None:
    """Study labels as text, one per study (or None when not given)."""
    if study is None:
        return None
    labels = tuple(str(s) for s in study)
    if len(labels) != k:
        raise DataError(f"study has {len(labels)} labels for {k} studies")
    return labels
