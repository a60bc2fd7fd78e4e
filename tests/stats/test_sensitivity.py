"""Leave-one-out and cumulative meta-analysis.

Oracle: ``shared/reference/metafor/p09_bcg_leave1out_cumulative`` (dat.bcg, metafor
3.8-1 ``leave1out`` and ``cumul`` sorted by year; the two 1973 studies keep their
input order): both analyses (DL, FE), every row and field.  Closed forms:
``CLOSED_FORM``, 1e-10 relative.  Values marked "R" were computed with R 4.2.2 /
metafor 3.8-1 (call beside them); REML is iterative (``ITERATIVE``, 1e-8).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from sysreview.errors import DataError, InsufficientData
from sysreview.stats._rma import rma
from sysreview.stats._sensitivity import CumulativeResult, cumulative, leave1out

from ._tree import assert_tree
from .conftest import CLOSED_FORM, ITERATIVE, analysis, assert_close, load_reference

P09 = "p09_bcg_leave1out_cumulative"


def bcg() -> tuple[np.ndarray, np.ndarray, list[int], list[str], list[str]]:
    rows = load_reference(P09)["studies"]
    yi = np.array([r["yi"] for r in rows])
    vi = np.array([r["vi"] for r in rows])
    grp = [r["grp"] for r in load_reference("p07_bcg_subgroup_alloc")["studies"]]
    return yi, vi, [r["year"] for r in rows], [r["study"] for r in rows], grp


@pytest.mark.parametrize("analysis_id", ["sensitivity_DL", "sensitivity_FE"])
def test_p09_leave1out(analysis_id: str) -> None:
    expected = analysis(load_reference(P09), analysis_id)["expected"]["leave1out"]
    yi, vi, _, study, _ = bcg()
    result = leave1out(yi, vi, method=analysis_id[-2:], study=study)
    assert assert_tree(result.rows(), expected, CLOSED_FORM) == 13 * 11
    assert result.to_dict()["leave1out"] == result.rows()
    assert list(result.k) == [12] * 13


@pytest.mark.parametrize("analysis_id", ["sensitivity_DL", "sensitivity_FE"])
def test_p09_cumulative_by_year(analysis_id: str) -> None:
    expected = analysis(load_reference(P09), analysis_id)["expected"]["cumulative"]
    yi, vi, year, study, _ = bcg()
    result = cumulative(yi, vi, year, method=analysis_id[-2:], study=study)
    assert assert_tree(result.rows(), expected, CLOSED_FORM) == 13 * 11
    assert list(result.k) == list(range(1, 14))


def test_cumulative_ties_keep_input_order() -> None:
    yi, vi, year, study, _ = bcg()
    result = cumulative(yi, vi, year, method="DL", study=study)
    tied = [result.label.index(s) for s in ("Frimodt-Moller et al 1973", "Vandiviere et al 1973")]
    assert tied[1] == tied[0] + 1  # 1973 twice: Frimodt-Moller (study 5) before study 7
    assert list(result.index[tied]) == [4, 6]
    again = cumulative(yi, vi, [float(y) for y in year], method="DL", study=study)
    assert again.label == result.label


def test_cumulative_by_subgroup_label_with_reml_knha() -> None:
    """R: cumul(rma(yi, vi, method="REML", test="knha"), order=grp [, decreasing=TRUE])."""
    yi, vi, _, _, grp = bcg()
    result = cumulative(yi, vi, grp, method="REML", test="knha")
    assert list(result.index) == [4, 5, 0, 1, 2, 3, 6, 7, 8, 9, 10, 11, 12]
    first = result.rows()[0]
    assert first["k"] == 1 and first["Q"] == 0 and first["I2_pct"] == 0 and "t" in first
    assert_close(result.stat[0], -0.96133692512416735, CLOSED_FORM, "k = 1 uses z")
    assert_close(result.p[0], 0.33638278745531058, CLOSED_FORM, "k = 1 p")
    for name, want in (("estimate", -0.59548495770086396), ("se", 0.20054064619478282),
                       ("stat", -2.9693978203424969), ("p", 0.09716481025052312),
                       ("tau2", 0.089284441522275146), ("ci_lb", -1.4583417164765677)):  # fmt: skip
        assert_close(getattr(result, name)[2], want, ITERATIVE, f"row 3 {name}")
    down = cumulative(yi, vi, grp, decreasing=True, method="REML", test="knha")
    assert list(down.index) == [9, 10, 11, 12, 0, 1, 2, 3, 6, 7, 8, 4, 5]
    assert_close(down.estimate[-1], -0.71453234836510127, ITERATIVE, "all studies")


def test_leave1out_reml_knha() -> None:
    """R: leave1out(rma(yi, vi, method="REML", test="knha")), first row."""
    yi, vi, _, _, _ = bcg()
    result = leave1out(yi, vi, method="REML", test="knha")
    for name, want in (("estimate", -0.7070837880314369), ("se", 0.19400273953668226),
                       ("stat", -3.6447103258443456), ("p", 0.0038562058372470964),
                       ("tau2", 0.33615674530030565), ("Q", 151.5825727471086),
                       ("I2", 93.225934911122309)):  # fmt: skip
        assert_close(getattr(result, name)[0], want, ITERATIVE, name)
    assert result.label[0] == "1" and "t" in result.rows()[0]


def test_last_cumulative_row_is_the_full_model() -> None:
    yi, vi, _, _, _ = bcg()
    result = cumulative(yi, vi)
    full = rma(yi, vi)
    assert isinstance(result, CumulativeResult)
    assert list(result.index) == list(range(13))
    for name in ("estimate", "se", "tau2", "Q", "I2", "H2"):
        assert_close(getattr(result, name)[-1], getattr(full, name), CLOSED_FORM, name)


def test_leave1out_of_two_studies_is_each_study_alone() -> None:
    result = leave1out([0.1, 0.5], [0.04, 0.09], method="DL")
    np.testing.assert_allclose(result.estimate, [0.5, 0.1], rtol=1e-15)
    np.testing.assert_allclose(result.se, [0.3, 0.2], rtol=1e-15)
    assert list(result.Q) == [0, 0] and list(result.H2) == [1, 1]


def test_fixed_effect_rows_have_no_tau2() -> None:
    yi, vi, _, _, _ = bcg()
    assert all(row["tau2"] is None for row in leave1out(yi, vi, method="FE").rows())


def test_guards() -> None:
    yi, vi, year, _, _ = bcg()
    with pytest.raises(InsufficientData, match="at least 2 studies"):
        leave1out([0.1], [0.01])
    with pytest.raises(DataError, match="order has 3 values for 13 studies"):
        cumulative(yi, vi, [1, 2, 3])
    with pytest.raises(DataError, match="order is missing for study 2"):
        cumulative(yi, vi, [1, math.nan, *year[2:]])
    with pytest.raises(DataError, match="cannot be compared"):
        cumulative(yi, vi, ["a", 1, *year[2:]])
    with pytest.raises(DataError, match="study has 2 labels for 13 studies"):
        leave1out(yi, vi, study=["a", "b"])
    with pytest.raises(DataError, match="method='XX'"):
        leave1out(yi, vi, method="XX")
