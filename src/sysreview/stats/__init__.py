"""The statistics core: effect sizes, pooling, heterogeneity, subgroups, small-study
effects and sensitivity analyses with metafor's vocabulary, in pure numpy/scipy
(no I/O, no pandas).  Results match metafor 3.8 to machine precision (see
tests/stats) and can be asked for in RevMan 5's or RevMan Web's conventions.

    >>> from sysreview import stats
    >>> es = stats.escalc("RR", ai=[4, 6], n1i=[123, 306], ci=[11, 29], n2i=[139, 303])
    >>> round(stats.rma(es, method="DL").estimate_exp, 4)
    0.2658
"""

from ._analysis import METHODS, PRESETS, MetaOptions, MetaReport, meta_analysis, options_for
from ._bias import EggerResult, FunnelData, RankTestResult, egger, funnel_data, ranktest
from ._convert import (
    mean_sd_from_five_numbers,
    mean_sd_from_median_iqr,
    mean_sd_from_median_range,
    sd_from_ci,
    sd_from_se,
    se_from_sd,
)
from ._effects import EffectSizes, escalc
from ._generic import log_hr_from_oe, se_from_ci, se_from_p, yi_from_ci
from ._mh import revman5_mh_random, rma_mh
from ._peto import revman5_peto_random, rma_peto
from ._qprofile import Tau2Interval, confint_tau2
from ._results import BatchResult, MetaResult
from ._rma import rma
from ._sensitivity import CumulativeResult, LeaveOneOutResult, cumulative, leave1out
from ._subgroups import SubgroupModelResult, SubgroupResult, subgroup_differences, subgroups
from ._trimfill import TrimFillResult, trimfill

__all__ = [
    "METHODS",
    "PRESETS",
    "BatchResult",
    "CumulativeResult",
    "EffectSizes",
    "EggerResult",
    "FunnelData",
    "LeaveOneOutResult",
    "MetaOptions",
    "MetaReport",
    "MetaResult",
    "RankTestResult",
    "SubgroupModelResult",
    "SubgroupResult",
    "Tau2Interval",
    "TrimFillResult",
    "confint_tau2",
    "cumulative",
    "egger",
    "escalc",
    "funnel_data",
    "leave1out",
    "log_hr_from_oe",
    "mean_sd_from_five_numbers",
    "mean_sd_from_median_iqr",
    "mean_sd_from_median_range",
    "meta_analysis",
    "options_for",
    "ranktest",
    "revman5_mh_random",
    "revman5_peto_random",
    "rma",
    "rma_mh",
    "rma_peto",
    "sd_from_ci",
    "sd_from_se",
    "se_from_ci",
    "se_from_p",
    "se_from_sd",
    "subgroup_differences",
    "subgroups",
    "trimfill",
    "yi_from_ci",
]
