"""Absolute effects for Summary-of-Findings tables: a relative effect applied to an
assumed control risk, and continuous effects re-expressed, with GRADEpro's cell text in
English and Norwegian bokmål.

Dichotomous outcomes (Cochrane Handbook, ch. 14.1.5 and 15.4.4): with ACR the assumed
control risk, the corresponding intervention risk is

    RR:  ICR = RR · ACR
    OR:  ICR = OR · ACR / (1 − ACR + OR · ACR)
    HR:  ICR = 1 − (1 − ACR)^HR
    RD:  ICR = ACR + RD

applied in turn to the estimate and to both confidence limits (each formula increases
with the ratio, so the limits stay ordered).  A risk below 0 % or above 100 % cannot
happen: it is clamped and the result says so.  Risks are shown as natural frequencies
"per 1000" (Santesso et al. 2016), or per 100 or per 100 000.  The number needed to treat
is 1 / |ICR − ACR| rounded up to a whole person (Handbook 15.4.4).

Continuous outcomes (Handbook 15.5): a mean difference is added to the control group's
mean; a standardised mean difference is read with Cohen's rules of thumb (15.5.3.1),
re-expressed as a mean difference by a reference SD, or as an odds ratio by
ln(OR) = π/√3 · SMD (Chinn 2000; Handbook 15.5.3.2).

Words such as "fewer"/"more" and "lower"/"higher" describe the sign of the number only,
never benefit or harm.

References
----------
Higgins JPT et al. (eds). Cochrane Handbook for Systematic Reviews of Interventions,
    version 6.4, 2023: ch. 14.1.5 (SoF tables), 15.4 (dichotomous), 15.5 (continuous).
Schünemann H et al. (eds). GRADE Handbook, 2013 (absolute effects in SoF tables;
    5.2.2 on imprecision judged on the absolute effect).
Guyatt GH et al. GRADE guidelines 6. Rating the quality of evidence—imprecision.
    J Clin Epidemiol 2011;64:1283–93 (CIs around the absolute effect).
Santesso N et al. 2016, J Clin Epidemiol: natural frequencies "per 1000" in GRADE
    Summary-of-Findings tables; and Santesso N et al. GRADE guidelines 26, J Clin
    Epidemiol 2020;119:126–35.
Chinn S. A simple method for converting an odds ratio to effect size for use in
    meta-analysis. Stat Med 2000;19:3127–31.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..errors import DataError

RATIO_MEASURES = ("RR", "OR", "HR")
DICHOTOMOUS_MEASURES = (*RATIO_MEASURES, "RD")
CONTINUOUS_MEASURES = ("MD", "SMD")
PER_VALUES = (100, 1000, 100000)
LANGUAGES = ("en", "nb")

#: Values this close outside [0, per] are floating-point noise, not a clamped bound.
_CLAMP_TOLERANCE = 1e-12
#: Digits kept before rounding, so 2.4999999999999996 (really 2.5) rounds to 3.
_SNAP_DIGITS = 9

_WORDS = {
    "en": {"to": "to", "from": "from", "fewer": "fewer", "more": "more", "lower": "lower",
           "higher": "higher"},
    "nb": {"to": "til", "from": "fra", "fewer": "færre", "more": "flere", "lower": "lavere",
           "higher": "høyere"},
}  # fmt: skip


def round_half_away(value: float, decimals: int = 0) -> float:
    """Round half away from zero (2.5 → 3, −2.5 → −3), as GRADEpro and people do.

    Python's ``round`` rounds half to even (2.5 → 2).  The value is first snapped to
    9 decimals, so a tie that floating point stores as 2.4999999999999996 still rounds up.
    """
    snapped = Decimal(repr(round(value, _SNAP_DIGITS)))
    return float(snapped.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def format_number(value: float, lang: str, decimals: int = 0, *, strip: bool = False) -> str:
    """``value`` rounded half away from zero, with the language's marks.

    en: "1,806", "3.25"; nb: "1806", "10 000", "3,25" (a space groups thousands from five
    digits on, as Norwegian does).  ``strip`` drops trailing zeros of the decimals.
    """
    _check_lang(lang)
    rounded = round_half_away(value, decimals) or 0.0  # never "-0"
    text = f"{abs(rounded):.{decimals}f}"
    if strip and "." in text:
        text = text.rstrip("0").rstrip(".")
    whole, _, frac = text.partition(".")
    if lang == "en":
        whole = f"{int(whole):,}"
    elif len(whole) >= 5:
        whole = f"{int(whole):,}".replace(",", " ")
    mark = "." if lang == "en" else ","
    return ("-" if rounded < 0 else "") + whole + (mark + frac if frac else "")


# --------------------------------------------------------------------------- dichotomous


@dataclass(frozen=True)
class RoundedAbsoluteEffect:
    """The whole numbers a Summary-of-Findings table prints, per ``per`` people."""

    control: int
    intervention: int
    intervention_lb: int
    intervention_ub: int
    difference: int
    difference_lb: int
    difference_ub: int


@dataclass(frozen=True)
class AbsoluteEffect:
    """A relative effect made absolute at one assumed control risk.

    All risks are per ``per`` people and unrounded; ``difference`` is
    ``intervention − control`` (negative: fewer events with the intervention).
    ``clamped`` is True when a bound fell outside 0 … ``per`` and was clamped.
    """

    measure: str
    per: int
    baseline: float
    control: float
    intervention: float
    intervention_lb: float
    intervention_ub: float
    difference: float
    difference_lb: float
    difference_ub: float
    clamped: bool

    def nnt(self) -> int | None:
        """Number needed to treat (for benefit or for harm: see the sign of
        ``difference``): ``per / |difference|`` rounded up to a whole person, as the
        Cochrane Handbook (15.4.4) does (16.2 → 17).  None when the difference is 0."""
        if self.difference == 0:
            return None
        return math.ceil(round(self.per / abs(self.difference), _SNAP_DIGITS))

    def rounded(self) -> RoundedAbsoluteEffect:
        """The whole numbers GRADEpro prints.

        Each is the unrounded value rounded half away from zero.  The rounded difference
        is *not* the rounded intervention risk minus the rounded control risk, so the
        printed numbers can disagree by one: control 72.5 and intervention 73.4 print as
        73 and 73, with a difference of 1 (0.9 rounded).
        """

        def r(x: float) -> int:
            return int(round_half_away(x))

        return RoundedAbsoluteEffect(
            control=r(self.control),
            intervention=r(self.intervention),
            intervention_lb=r(self.intervention_lb),
            intervention_ub=r(self.intervention_ub),
            difference=r(self.difference),
            difference_lb=r(self.difference_lb),
            difference_ub=r(self.difference_ub),
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def absolute_effect(
    measure: str,
    estimate: float,
    ci_lb: float,
    ci_ub: float,
    baseline: float,
    *,
    per: int = 1000,
) -> AbsoluteEffect:
    """Apply a relative effect (and its CI) to an assumed control risk.

    Parameters
    ----------
    measure : "RR", "OR", "HR" or "RD"
    estimate, ci_lb, ci_ub : the relative effect on its natural scale (a ratio, not its
        log); for RD a difference in proportions (−0.05 is 5 percentage points fewer).
    baseline : the assumed control risk as a proportion in [0, 1].
    per : 100, 1000 or 100000 — the denominator of the natural frequencies.

    Returns
    -------
    AbsoluteEffect with unrounded risks per ``per``; see ``AbsoluteEffect.rounded``.

    Raises
    ------
    DataError
        An unknown measure or ``per``; a non-finite number; a baseline outside [0, 1];
        a ratio ≤ 0; an RD outside [−1, 1]; limits that do not enclose the estimate.

    Notes
    -----
    ICR = RR·ACR; OR·ACR / (1 − ACR + OR·ACR); 1 − (1 − ACR)^HR; ACR + RD (Cochrane
    Handbook 14.1.5 and 15.4.4).  A risk outside [0, 1] is clamped (only RR and RD can
    produce one) and ``clamped`` is set.
    """
    code = _check_measure(measure, DICHOTOMOUS_MEASURES)
    if per not in PER_VALUES:
        raise DataError(f"per must be one of 100, 1000 or 100000, not {per!r}")
    _check_finite(estimate=estimate, ci_lb=ci_lb, ci_ub=ci_ub, baseline=baseline)
    if not 0.0 <= baseline <= 1.0:
        raise DataError(
            f"the assumed control risk must be a proportion between 0 and 1, not {baseline}",
            hint="give 30 % as 0.3",
        )
    _check_ordered(code, estimate, ci_lb, ci_ub)
    if code in RATIO_MEASURES and ci_lb <= 0:
        raise DataError(f"a {code} must be greater than 0, not {ci_lb}")
    if code == "RD" and (ci_lb < -1 or ci_ub > 1):
        raise DataError(
            f"a risk difference must lie between -1 and 1, not {ci_lb} to {ci_ub}",
            hint="give the RD as a proportion: 5 percentage points fewer is -0.05",
        )

    risks = [_intervention_risk(code, x, baseline) for x in (estimate, ci_lb, ci_ub)]
    clamped = any(r < -_CLAMP_TOLERANCE or r > 1 + _CLAMP_TOLERANCE for r in risks)
    icr, icr_lb, icr_ub = (min(max(r, 0.0), 1.0) * per for r in risks)
    control = baseline * per
    return AbsoluteEffect(
        measure=code,
        per=per,
        baseline=baseline,
        control=control,
        intervention=icr,
        intervention_lb=icr_lb,
        intervention_ub=icr_ub,
        difference=icr - control,
        difference_lb=icr_lb - control,
        difference_ub=icr_ub - control,
        clamped=clamped,
    )


def _intervention_risk(measure: str, x: float, acr: float) -> float:
    """ICR for one value of the relative effect; written so that each step is monotone
    in ``x`` in floating point too, which keeps the CI limits ordered."""
    if measure == "RD":
        return acr + x
    if measure == "RR":
        return x * acr
    if acr == 0.0 or acr == 1.0:  # OR and HR leave certainty alone
        return acr
    if measure == "OR":
        odds = x * acr
        # OR·ACR / (1 − ACR + OR·ACR), divided through by OR·ACR
        return 0.0 if odds == 0.0 else 1.0 / (1.0 + (1.0 - acr) / odds)
    # HR: 1 − (1 − ACR)^HR, accurate for small risks
    return -math.expm1(x * math.log1p(-acr))


def format_risk(value: float, per: int, lang: str, *, decimals: int = 0) -> str:
    """A risk as a natural frequency: en "238 per 1,000", nb "238 per 1000"."""
    if per not in PER_VALUES:
        raise DataError(f"per must be one of 100, 1000 or 100000, not {per!r}")
    return f"{format_number(value, lang, decimals)} per {format_number(per, lang)}"


def format_intervention(effect: AbsoluteEffect, lang: str, *, decimals: int = 0) -> str:
    """The intervention-risk cell: en "238 per 1,000 (199 to 276)", nb "… (199 til 276)"."""
    w = _WORDS[_check_lang(lang)]
    risk = format_risk(effect.intervention, effect.per, lang, decimals=decimals)
    lb = format_number(effect.intervention_lb, lang, decimals)
    ub = format_number(effect.intervention_ub, lang, decimals)
    return f"{risk} ({lb} {w['to']} {ub})"


def format_difference(effect: AbsoluteEffect, lang: str, *, decimals: int = 0) -> str:
    """The risk-difference cell as GRADEpro writes it.

    en "62 fewer per 1,000 (from 80 fewer to 41 fewer)",
    nb "62 færre per 1000 (fra 80 færre til 41 færre)" (the Norwegian Institute of Public
    Health's wording, "1 flere" included).  The word follows the sign of the *unrounded*
    value, so −0.3 reads "0 fewer"; an exact 0 also reads "fewer"/"færre", as in
    GRADEpro's "0 fewer per 1,000" for an RR of 1.00.
    """
    w = _WORDS[_check_lang(lang)]

    def amount(x: float) -> str:
        return f"{format_number(abs(x), lang, decimals)} {w['more'] if x > 0 else w['fewer']}"

    per = format_number(effect.per, lang)
    return (
        f"{amount(effect.difference)} per {per} "
        f"({w['from']} {amount(effect.difference_lb)} {w['to']} {amount(effect.difference_ub)})"
    )


# --------------------------------------------------------------------------- continuous


@dataclass(frozen=True)
class ContinuousEffect:
    """A mean difference or standardised mean difference with its readings.

    ``intervention_mean`` is ``control_mean`` plus the MD (for an SMD: plus SMD·SD when a
    reference SD is given).  ``size`` is Cohen's label for |SMD|; ``md`` the SMD times the
    reference SD; ``odds_ratio`` exp(π/√3 · SMD); each as (estimate, lower, upper).
    """

    measure: str
    estimate: float
    ci_lb: float
    ci_ub: float
    control_mean: float | None
    intervention_mean: float | None
    size: str | None
    md: tuple[float, float, float] | None
    odds_ratio: tuple[float, float, float] | None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def smd_size(smd: float) -> str:
    """Cohen's rule of thumb on |SMD| (Cochrane Handbook 15.5.3.1): "trivial" below 0.2,
    "small" from 0.2, "moderate" from 0.5, "large" from 0.8."""
    size = abs(smd)
    if size >= 0.8:
        return "large"
    if size >= 0.5:
        return "moderate"
    if size >= 0.2:
        return "small"
    return "trivial"


def continuous_effect(
    measure: str,
    estimate: float,
    ci_lb: float,
    ci_ub: float,
    *,
    control_mean: float | None = None,
    reference_sd: float | None = None,
    as_odds_ratio: bool = False,
) -> ContinuousEffect:
    """Read an MD or SMD for a Summary-of-Findings table.

    Parameters
    ----------
    measure : "MD" or "SMD"
    estimate, ci_lb, ci_ub : the pooled effect and its CI.
    control_mean : the mean in the control group, for the intervention group's mean.
    reference_sd : SMD only: an SD on a familiar scale, to re-express the SMD as an MD
        (Handbook 15.5.3.2: multiply the SMD by a typical control-group SD).
    as_odds_ratio : SMD only: re-express as an odds ratio, ln(OR) = π/√3 · SMD
        (Chinn 2000; Handbook 15.5.3.2), which assumes logistic distributions.

    Raises
    ------
    DataError
        An unknown measure, a non-finite number, limits that do not enclose the estimate,
        a reference SD ≤ 0, or an SMD-only option given for an MD.
    """
    code = _check_measure(measure, CONTINUOUS_MEASURES)
    _check_finite(estimate=estimate, ci_lb=ci_lb, ci_ub=ci_ub)
    _check_ordered(code, estimate, ci_lb, ci_ub)
    if control_mean is not None:
        _check_finite(control_mean=control_mean)
    if code == "MD" and (reference_sd is not None or as_odds_ratio):
        raise DataError("reference_sd and as_odds_ratio re-express an SMD, not an MD")
    md: tuple[float, float, float] | None = None
    if reference_sd is not None:
        _check_finite(reference_sd=reference_sd)
        if reference_sd <= 0:
            raise DataError(f"the reference SD must be greater than 0, not {reference_sd}")
        md = (estimate * reference_sd, ci_lb * reference_sd, ci_ub * reference_sd)
    odds_ratio: tuple[float, float, float] | None = None
    if as_odds_ratio:
        k = math.pi / math.sqrt(3.0)
        odds_ratio = (math.exp(k * estimate), math.exp(k * ci_lb), math.exp(k * ci_ub))
    shift = estimate if code == "MD" else (md[0] if md is not None else None)
    return ContinuousEffect(
        measure=code,
        estimate=estimate,
        ci_lb=ci_lb,
        ci_ub=ci_ub,
        control_mean=control_mean,
        intervention_mean=(
            control_mean + shift if control_mean is not None and shift is not None else None
        ),
        size=smd_size(estimate) if code == "SMD" else None,
        md=md,
        odds_ratio=odds_ratio,
    )


def format_continuous(
    effect: ContinuousEffect, lang: str, unit: str | None = None, decimals: int = 2
) -> str:
    """The difference cell: en "MD 3.2 points higher (1.1 higher to 5.3 higher)",
    nb "MD 3,2 høyere (1,1 høyere til 5,3 høyere)".

    Numbers are rounded half away from zero to ``decimals`` and trailing zeros dropped
    (3.20 → "3.2").  ``unit`` follows the point estimate only; pass "SD" for GRADEpro's
    "SMD 0.31 SD lower".  An exact 0 reads "lower", like "0 fewer" for risks.
    """
    w = _WORDS[_check_lang(lang)]

    def amount(x: float, with_unit: bool = False) -> str:
        number = format_number(abs(x), lang, decimals, strip=True)
        word = w["higher"] if x > 0 else w["lower"]
        return f"{number} {unit} {word}" if with_unit and unit else f"{number} {word}"

    lb, ub = amount(effect.ci_lb), amount(effect.ci_ub)
    return f"{effect.measure} {amount(effect.estimate, True)} ({lb} {w['to']} {ub})"


def format_mean(value: float, lang: str, unit: str | None = None, decimals: int = 2) -> str:
    """A mean, e.g. the control group's: en "5.4 points", nb "5,4 poeng" (``unit`` as
    given)."""
    number = format_number(value, lang, decimals, strip=True)
    return f"{number} {unit}" if unit else number


def format_intervention_mean(
    effect: ContinuousEffect, lang: str, unit: str | None = None, decimals: int = 2
) -> str:
    """The intervention group's mean with its CI: en "8.6 points (6.5 to 10.7)",
    nb "8,6 poeng (6,5 til 10,7)".

    Raises
    ------
    DataError
        No intervention mean: give ``control_mean`` (and for an SMD a reference SD).
    """
    w = _WORDS[_check_lang(lang)]
    if effect.intervention_mean is None or effect.control_mean is None:
        raise DataError(
            "no intervention mean without a control mean",
            hint="pass control_mean (and for an SMD reference_sd) to continuous_effect",
        )
    lb, ub = (effect.ci_lb, effect.ci_ub) if effect.md is None else effect.md[1:]
    low = format_number(effect.control_mean + lb, lang, decimals, strip=True)
    high = format_number(effect.control_mean + ub, lang, decimals, strip=True)
    mean = format_mean(effect.intervention_mean, lang, unit, decimals)
    return f"{mean} ({low} {w['to']} {high})"


# --------------------------------------------------------------------------- checks


def _check_lang(lang: str) -> str:
    if lang not in LANGUAGES:
        raise DataError(f"unknown language {lang!r}", hint="use 'en' or 'nb'")
    return lang


def _check_measure(measure: str, allowed: tuple[str, ...]) -> str:
    code = str(measure).upper()
    if code not in allowed:
        raise DataError(f"unknown measure {measure!r}", hint=f"use one of {', '.join(allowed)}")
    return code


def _check_finite(**values: float) -> None:
    for name, value in values.items():
        try:
            finite = math.isfinite(value)
        except TypeError:
            finite = False
        if not finite:
            raise DataError(f"{name} must be a finite number, not {value!r}")


def _check_ordered(measure: str, estimate: float, ci_lb: float, ci_ub: float) -> None:
    if not ci_lb <= estimate <= ci_ub:
        raise DataError(
            f"the {measure} {estimate} does not lie within its limits {ci_lb} to {ci_ub}",
            hint="give the lower limit first",
        )
