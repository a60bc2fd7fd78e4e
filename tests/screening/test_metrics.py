"""Metric definitions against hand-computed examples (README protocol: N' = N − 2,
R' = R − 1)."""

from __future__ import annotations

import numpy as np
import pytest

from sysreview.errors import DataError, InsufficientData
from sysreview.screening import screening_metrics


def _order_with_priors(hits_after_priors: list[int]) -> tuple[list[int], np.ndarray]:
    """Records 0 (relevant prior) and 1 (irrelevant prior) first, then ``hits``."""
    labels = np.array([1, 0, *hits_after_priors])
    return list(range(len(labels))), labels


def test_hand_computed_example() -> None:
    # N' = 10, R' = 4; relevant at positions 1, 3, 6, 10 after the priors
    order, labels = _order_with_priors([1, 0, 1, 0, 0, 1, 0, 0, 0, 1])
    m = screening_metrics(order, labels, prior=(0, 1))
    assert (m.records, m.relevant) == (10, 4)
    assert m.recall_5 == 0.25  # ⌈0.05·10⌉ = 1 record: 1 of 4
    assert m.recall_10 == 0.25  # ⌈0.10·10⌉ = 1
    assert m.recall_25 == 0.5  # ⌈0.25·10⌉ = 3 records: 2 of 4
    assert m.recall_50 == 0.5  # 5 records: 2 of 4
    assert m.screened_95 == 10  # ⌈0.95·4⌉ = 4 relevant: the last one, at 10
    assert m.screened_100 == 10
    assert m.wss95 == pytest.approx(100 * ((10 - 10) / 10 - 0.05))  # −5 points


def test_wss_when_relevant_come_first() -> None:
    # N' = 100, R' = 20 all first: n95 = ⌈0.95·20⌉ = 19 → WSS = 100·(81/100 − 0.05) = 76
    order, labels = _order_with_priors([1] * 20 + [0] * 80)
    m = screening_metrics(order, labels, prior=(0, 1))
    assert m.screened_95 == 19 and m.screened_100 == 20
    assert m.wss95 == pytest.approx(76.0)
    assert m.recall_10 == 0.5 and m.recall_25 == 1.0


def test_shares_round_up() -> None:
    # N' = 63: recall@5% looks at ⌈3.15⌉ = 4 records; R' = 3: n95 needs ⌈2.85⌉ = 3 found
    order, labels = _order_with_priors([0, 1, 0, 0, 1] + [0] * 57 + [1])
    m = screening_metrics(order, labels, prior=(0, 1))
    assert (m.records, m.relevant) == (63, 3)
    assert m.recall_5 == 1 / 3
    assert m.screened_95 == m.screened_100 == 63


def test_priors_anywhere_in_the_order_are_left_out() -> None:
    labels = np.array([0, 1, 1, 0, 1, 0])
    # without the priors the order is 2, 5, 3, 4: labels 1, 0, 0, 1
    m = screening_metrics([2, 5, 1, 0, 3, 4], labels, prior=(1, 0))  # N' = 4, R' = 2
    assert (m.records, m.relevant, m.screened_95, m.screened_100) == (4, 2, 4, 4)


def test_order_must_be_a_permutation() -> None:
    labels = np.array([1, 0, 1])
    with pytest.raises(DataError, match="exactly once"):
        screening_metrics([0, 0, 2], labels)
    with pytest.raises(DataError):
        screening_metrics([0, 1], labels)


def test_no_relevant_besides_the_prior() -> None:
    order, labels = _order_with_priors([0, 0, 0])
    with pytest.raises(InsufficientData, match="no relevant"):
        screening_metrics(order, labels, prior=(0, 1))
