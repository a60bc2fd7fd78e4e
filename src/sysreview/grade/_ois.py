"""The optimal information size (OIS): the number of participants a single adequately
powered trial would need, GRADE's second test of imprecision.

GRADE suggests rating down for imprecision when the total number of participants in
the pooled studies is below the OIS, even when the confidence interval looks narrow
(Guyatt et al. 2011, GRADE guidelines 6; GRADE Handbook 5.2.2.2).  The OIS is a
conventional two-group sample-size calculation with equal groups:

    dichotomous:  n = (z_{1−α/2} + z_{1−β})² · [p₁(1 − p₁) + p₂(1 − p₂)] / (p₁ − p₂)²
                  p₂ = control risk, p₁ = p₂ · (1 − RRR)
    continuous:   n = 2 (z_{1−α/2} + z_{1−β})² σ² / δ²

per group, rounded up; the OIS is twice that.  GRADE's defaults are α = 0.05 two-sided,
β = 0.20 (80 % power) and a relative risk reduction of 20–30 % (25 % here).  Continuous
outcomes default to σ = 1, so δ is then in SD units (δ = 0.2: a "small" effect).

References
----------
Guyatt GH et al. GRADE guidelines 6. Rating the quality of evidence—imprecision.
    J Clin Epidemiol 2011;64:1283–93 (the OIS, and Fig. 3 for RRR 20–30 %).
Schünemann H et al. (eds). GRADE Handbook, 2013: 5.2.2.2 (optimal information size).
Cochrane Handbook for Systematic Reviews of Interventions, version 6.4, 2023: ch. 14.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Any

from ..errors import DataError
from ._absolute import _check_finite, format_number

_TEXT = {
    "en": {
        "ois": "Optimal information size",
        "participants": "participants",
        "two_sided": "two-sided",
        "control_risk": "control risk",
        "rrr": "relative risk reduction",
        "rri": "relative risk increase",
        "delta": "difference",
        "sd": "standard deviation",
    },
    "nb": {
        "ois": "Optimal informasjonsstørrelse",
        "participants": "deltakere",
        "two_sided": "tosidig",
        "control_risk": "risiko i kontrollgruppen",
        "rrr": "relativ risikoreduksjon",
        "rri": "relativ risikoøkning",
        "delta": "forskjell",
        "sd": "standardavvik",
    },
}


@dataclass(frozen=True)
class InformationSize:
    """An optimal information size and the inputs that gave it.

    ``detail`` holds the inputs: ``control_risk``, ``rrr`` and ``p1`` (the intervention
    risk) for a dichotomous outcome; ``delta`` and ``sd`` for a continuous one.
    """

    kind: str
    per_group: int
    total: int
    alpha: float
    beta: float
    detail: dict[str, float]

    def describe(self, lang: str) -> str:
        """One sentence with the OIS and its inputs, e.g. "Optimal information size 1,806
        participants (α 0.05 two-sided, β 0.20, control risk 20 %, relative risk reduction
        25 %)"; in bokmål "Optimal informasjonsstørrelse 1806 deltakere (α 0,05 tosidig,
        …)"."""
        if lang not in _TEXT:
            raise DataError(f"unknown language {lang!r}", hint="use 'en' or 'nb'")
        t = _TEXT[lang]
        parts = [
            f"α {_probability(self.alpha, lang)} {t['two_sided']}",
            f"β {_probability(self.beta, lang)}",
        ]
        if self.kind == "dichotomous":
            rrr = self.detail["rrr"]
            parts.append(f"{t['control_risk']} {_percent(self.detail['control_risk'], lang)}")
            parts.append(f"{t['rrr' if rrr > 0 else 'rri']} {_percent(abs(rrr), lang)}")
        else:
            parts.append(f"{t['delta']} {_plain(abs(self.detail['delta']), lang)}")
            parts.append(f"{t['sd']} {_plain(self.detail['sd'], lang)}")
        total = format_number(self.total, lang)
        return f"{t['ois']} {total} {t['participants']} ({', '.join(parts)})"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def ois_dichotomous(
    control_risk: float, rrr: float = 0.25, *, alpha: float = 0.05, beta: float = 0.20
) -> InformationSize:
    """The OIS for a dichotomous outcome.

    Parameters
    ----------
    control_risk : p₂, the risk in the control group, in (0, 1).
    rrr : the relative risk reduction to detect (0.25 = 25 %); negative for a relative
        increase; not 0, and p₁ = p₂(1 − rrr) must lie in (0, 1).
    alpha : two-sided type I error.
    beta : type II error (1 − power).

    Returns
    -------
    InformationSize with ``per_group`` = ⌈(z_{1−α/2} + z_{1−β})² [p₁(1−p₁) + p₂(1−p₂)] /
    (p₁ − p₂)²⌉ and ``total`` = 2 · ``per_group``.

    Raises
    ------
    DataError
        A risk outside (0, 1), rrr = 0, or α or β outside (0, 1).
    """
    _check_error_rates(alpha, beta)
    _check_finite(control_risk=control_risk, rrr=rrr)
    if not 0.0 < control_risk < 1.0:
        raise DataError(
            f"the control risk must lie strictly between 0 and 1, not {control_risk}",
            hint="give 20 % as 0.2",
        )
    if rrr == 0:
        raise DataError("the relative risk reduction must not be 0: there is nothing to detect")
    p2 = control_risk
    p1 = p2 * (1.0 - rrr)
    if not 0.0 < p1 < 1.0:
        raise DataError(
            f"a relative risk reduction of {rrr} makes the intervention risk {p1}, outside (0, 1)",
            hint="give 25 % as 0.25; a relative increase is negative",
        )
    n = _z_squared(alpha, beta) * (p1 * (1 - p1) + p2 * (1 - p2)) / (p1 - p2) ** 2
    return _result("dichotomous", n, alpha, beta, {"control_risk": p2, "rrr": rrr, "p1": p1})


def ois_continuous(
    delta: float, sd: float = 1.0, *, alpha: float = 0.05, beta: float = 0.20
) -> InformationSize:
    """The OIS for a continuous outcome.

    Parameters
    ----------
    delta : the difference in means to detect (its sign does not matter; not 0).
    sd : the common standard deviation σ (> 0); with the default 1, ``delta`` is in SD
        units.
    alpha, beta : two-sided type I error and type II error.

    Returns
    -------
    InformationSize with ``per_group`` = ⌈2 (z_{1−α/2} + z_{1−β})² σ² / δ²⌉.

    Raises
    ------
    DataError
        delta = 0, sd ≤ 0, a non-finite number, or α or β outside (0, 1).
    """
    _check_error_rates(alpha, beta)
    _check_finite(delta=delta, sd=sd)
    if delta == 0:
        raise DataError("the difference to detect must not be 0")
    if sd <= 0:
        raise DataError(f"the standard deviation must be greater than 0, not {sd}")
    n = 2.0 * _z_squared(alpha, beta) * sd**2 / delta**2
    return _result("continuous", n, alpha, beta, {"delta": delta, "sd": sd})


def _z_squared(alpha: float, beta: float) -> float:
    normal = NormalDist()
    return (normal.inv_cdf(1.0 - alpha / 2.0) + normal.inv_cdf(1.0 - beta)) ** 2


def _result(
    kind: str, n: float, alpha: float, beta: float, detail: dict[str, float]
) -> InformationSize:
    # snapped first, so that an n of 400.0000000001 from rounding error is 400, not 401
    per_group = math.ceil(round(n, 9))
    return InformationSize(kind, per_group, 2 * per_group, alpha, beta, detail)


def _check_error_rates(alpha: float, beta: float) -> None:
    _check_finite(alpha=alpha, beta=beta)
    for name, value in (("alpha", alpha), ("beta", beta)):
        if not 0.0 < value < 1.0:
            raise DataError(f"{name} must lie strictly between 0 and 1, not {value}")


def _plain(value: float, lang: str) -> str:
    """Up to 4 decimals, trailing zeros dropped: 0.2, 1, 12.5."""
    return format_number(value, lang, 4, strip=True)


def _probability(value: float, lang: str) -> str:
    """At least two decimals, as α and β are written: 0.05, 0.20, 0.001."""
    text = _plain(value, lang)
    mark = "." if lang == "en" else ","
    whole, _, frac = text.partition(mark)
    return f"{whole}{mark}{frac.ljust(2, '0')}"


def _percent(value: float, lang: str) -> str:
    return f"{format_number(value * 100, lang, 2, strip=True)} %"
