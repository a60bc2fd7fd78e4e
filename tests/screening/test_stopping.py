"""Stopping rules on constructed cases where the answer is known."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import hypergeom

from sysreview.errors import DataError
from sysreview.screening import (
    Buscar,
    ConsecutiveIrrelevant,
    ScreenedFraction,
    buscar_p_value,
    recall_lower_bound,
)
from sysreview.screening._stopping import hypergeom_cdf

# our log-space sum against scipy's routine: both are exact up to rounding
CDF_RTOL = 1e-9


def test_hypergeom_cdf_matches_scipy() -> None:
    rng = np.random.default_rng(7)
    population = rng.integers(10, 3000, size=300)
    successes = np.array([rng.integers(0, p + 1) for p in population])
    draws = np.array([rng.integers(0, p + 1) for p in population])
    k = np.array([rng.integers(0, min(s, d) + 1) for s, d in zip(successes, draws, strict=True)])
    ours = hypergeom_cdf(k, population, successes, draws)
    theirs = hypergeom.cdf(k, population, successes, draws)
    np.testing.assert_allclose(ours, theirs, rtol=CDF_RTOL, atol=1e-300)


def test_buscar_stops_where_the_hand_computed_p_falls_below_alpha() -> None:
    # N = 100: 10 relevant screened first, then irrelevant ones.  After n screened the
    # urn of the last n − 10 records has k = 0, K̂ = ⌊10/0.95 − 10 + 1⌋ = 1 and
    # p = P(X = 0) = 1 − (n − 10)/90, below 0.05 first at n = 96.
    labels = np.r_[np.ones(10, dtype=int), np.zeros(90, dtype=int)]
    assert buscar_p_value(labels[:95], 100) == pytest.approx(5 / 90)
    assert buscar_p_value(labels[:96], 100) == pytest.approx(4 / 90)
    stop = Buscar(target=0.95, confidence=0.95).evaluate(labels, 100)
    assert stop.stopped and stop.screened == 96 and stop.found == 10
    assert stop.estimated_recall >= 0.95 and stop.target == 0.95


def test_buscar_takes_the_smallest_p_over_urns() -> None:
    # brute force over every urn, as buscar's reference code does
    rng = np.random.default_rng(3)
    labels = np.r_[rng.binomial(1, 0.4, 60), rng.binomial(1, 0.05, 140)]
    n_records, target = 400, 0.9
    r_seen = labels.sum()
    p = []
    for j in range(1, len(labels) + 1):
        k = labels[-j:].sum()
        needed = np.floor(r_seen / target - (r_seen - k) + 1)
        p.append(hypergeom.cdf(k, n_records - len(labels) + j, needed, j))
    assert buscar_p_value(labels, n_records, target) == pytest.approx(min(p), rel=1e-9)


def test_buscar_never_stops_without_evidence() -> None:
    labels = np.r_[np.ones(5, dtype=int), np.zeros(10, dtype=int)]
    stop = Buscar().evaluate(labels, 1000)
    assert not stop.stopped and stop.screened == 15


def test_buscar_reaches_its_target_on_random_orders() -> None:
    """Unranked screening is the hardest case for the test: it should still hold its
    recall target in at least ~95 % of runs (here 100 seeded runs)."""
    rng = np.random.default_rng(11)
    misses = 0
    for _ in range(100):
        labels = rng.permutation(np.r_[np.ones(40, dtype=int), np.zeros(460, dtype=int)])
        stop = Buscar(target=0.9, confidence=0.95, check_every=5).evaluate(labels, 500)
        misses += stop.found / 40 < 0.9
    assert misses <= 100 * 0.05 + 4  # 5 % plus about two binomial sd of slack


def test_recall_lower_bound() -> None:
    labels = np.r_[np.ones(10, dtype=int), np.zeros(90, dtype=int)]
    assert recall_lower_bound(labels, 100) == 1.0  # everything screened
    assert recall_lower_bound([], 100) == 0.0  # nothing screened, nothing ruled out
    assert recall_lower_bound(labels[:96], 100) == 1.0  # "recall < 1" rejected too
    for screened in (11, 20, 60):
        low = recall_lower_bound(labels[:screened], 100)
        assert buscar_p_value(labels[:screened], 100, low) < 0.05
        assert buscar_p_value(labels[:screened], 100, low + 1e-3) >= 0.05
    assert recall_lower_bound(labels[:20], 100) < recall_lower_bound(labels[:60], 100)


def test_consecutive_irrelevant() -> None:
    labels = np.array([1, 0, 1, 0, 0, 0, 1, 0])
    stop = ConsecutiveIrrelevant(3).evaluate(labels, 20)
    assert stop.stopped and stop.screened == 6 and stop.found == 2
    assert not ConsecutiveIrrelevant(4).evaluate(labels, 20).stopped


def test_screened_fraction() -> None:
    labels = np.array([1, 0, 1, 0, 0, 0, 1, 0, 0, 0])
    stop = ScreenedFraction(0.25).evaluate(labels, 10)
    assert stop.stopped and stop.screened == 3 and stop.found == 2  # ⌈2.5⌉
    assert not ScreenedFraction(0.5).evaluate(labels[:4], 10).stopped


def test_bad_decisions_are_refused() -> None:
    with pytest.raises(DataError, match=r"0 \(irrelevant\) or 1"):
        Buscar().evaluate([1, 2, 0], 10)
    with pytest.raises(DataError, match="decisions for"):
        ConsecutiveIrrelevant().evaluate([0] * 11, 10)
    with pytest.raises(DataError, match="target"):
        buscar_p_value([1, 0], 10, target=0)
