"""Compare a result's ``to_dict()`` with a reference ``expected`` block, key by key."""

from __future__ import annotations

from typing import Any

from .conftest import assert_close

#: Free-text keys of the reference that describe, not state, a result.
DESCRIPTIONS = frozenset({"desc", "pi_method", "pi_higgins_method"})


def assert_tree(actual: Any, expected: Any, rel: float, path: str = "") -> int:
    """Every value in ``expected`` (nested dicts and lists) matches ``actual``:
    numbers to ``rel``, text exactly, ``None`` as None/NaN.  Returns how many
    numbers were compared, so a test can check it compared something."""
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{path}: expected a mapping, got {actual!r}"
        count = 0
        for key, value in expected.items():
            if key in DESCRIPTIONS:
                continue
            assert key in actual, f"{path}.{key} missing"
            count += assert_tree(actual[key], value, rel, f"{path}.{key}")
        return count
    if isinstance(expected, list):
        assert isinstance(actual, list), f"{path}: expected a list, got {actual!r}"
        assert len(actual) == len(expected), f"{path}: {len(actual)} != {len(expected)} entries"
        return sum(
            assert_tree(a, e, rel, f"{path}[{i}]")
            for i, (a, e) in enumerate(zip(actual, expected, strict=True))
        )
    if isinstance(expected, str):
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
        return 0
    assert_close(actual, expected, rel, path)
    return 1
