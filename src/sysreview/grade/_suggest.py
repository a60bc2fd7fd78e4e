"""Suggested GRADE judgements, each with the reason a reviewer can check.

Judgements are the reviewers'; these are starting points computed from the data, as
GRADEpro leaves to the reviewer and as the GRADE guidance operationalises them:

- **Risk of bias** (GRADE guidelines 4, Guyatt 2011): each study's overall risk of
  bias (RoB 1: high if any domain is high, unclear if any is unclear; RoB 2 and
  ROBINS-I: their overall judgement, or the worst domain), weighted by the study's
  weight in the analysis; a study nobody assessed keeps its weight and counts as
  unclear.  Very serious when half the weight is at high risk; serious when a
  quarter is at high risk or half is at high or unclear risk.
- **Inconsistency** (GRADE guidelines 7, Guyatt 2011; Cochrane Handbook 10.10.2):
  I² (50 % substantial, 75 % considerable), the χ² test at P < 0.10, whether the
  studies' confidence intervals overlap, and whether the prediction interval
  (Higgins 2009, t with k−2 df) reaches both sides of the null.
- **Imprecision** (GRADE guidelines 6, Guyatt 2011; guidance 34, Zeng 2022): whether
  the CI of the absolute effect crosses the reviewers' threshold (or the null), and
  both appreciable benefit and harm (the threshold on either side, or RR 0.75 and
  1.25 without one); and whether the participants reach the optimal information
  size.  Extremely serious when the CI spans both appreciable benefit and harm and
  the information size is not reached.
- **Publication bias** (Cochrane Handbook 13.3.5.4): Egger's test only with ten or
  more studies; fewer cannot tell.
- **Large effect** (GRADE guidelines 9, Guyatt 2011): for non-randomised evidence,
  a ratio beyond 2 (or 0.5) with a CI that excludes the null rates up one level,
  beyond 5 (or 0.2) two.
- Indirectness, dose-response and plausible confounding need the reviewers' reading
  of the question and the studies: no suggestion is made, and the reason says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..model import RobAssessment
from ._absolute import absolute_effect
from ._certainty import DOMAINS
from ._evidence import Evidence
from ._ois import InformationSize, ois_continuous, ois_dichotomous

#: RoB judgements in three classes
_HIGH = frozenset({"high", "serious", "critical"})
_CONCERN = frozenset({"unclear", "some_concerns", "moderate", "no_information"})
_ORDER = {"low": 0, "unclear": 1, "some_concerns": 1, "moderate": 1, "no_information": 1}


@dataclass(frozen=True)
class Suggestion:
    """A suggested judgement for one domain; ``level`` None means the data cannot
    say and the reviewers must judge (the reason explains)."""

    domain: str
    level: str | None
    reason: str

    def to_dict(self) -> dict[str, str | None]:
        return {"domain": self.domain, "level": self.level, "reason": self.reason}


_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "rob_none": "No risk-of-bias assessments for the studies of this analysis.",
        "rob": "{high} of the weight from studies at high risk of bias, {concern} at unclear "
        "risk or some concerns{missing} ({basis}).",
        "rob_missing": ", {missing} from studies nobody has assessed (counted as unclear)",
        "weighted": "weighted by the analysis' weights",
        "unweighted": "studies counted equally: the analysis' weights are not known",
        "one_study": "One study: inconsistency cannot be assessed.",
        "no_het": "No heterogeneity statistics or study results to judge inconsistency from.",
        "het": "I² = {i2}{q}{overlap}{pi}.",
        "q": ", χ² test P {p}",
        "no_overlap": "; the confidence intervals of some studies do not overlap",
        "overlap": "; the studies' confidence intervals overlap",
        "pi_both": "; the prediction interval ({lb} to {ub}) includes effects on both sides of "
        "the null",
        "pi_one": "; the prediction interval ({lb} to {ub}) lies on one side of the null",
        "no_ci": "No effect estimate with a confidence interval.",
        "crosses": "The 95 % CI ({lb} to {ub}{unit}) crosses {what}",
        "not_crosses": "The 95 % CI ({lb} to {ub}{unit}) does not cross {what}",
        "both": " and includes both appreciable benefit and appreciable harm",
        "null": "the null",
        "threshold": "the reviewers' threshold of {t}",
        "ois_met": "; {n} participants reach the optimal information size. {ois}.",
        "ois_not": "; {n} participants do not reach the optimal information size. {ois}.",
        "ois_unknown": "; the number of participants is not known, so it cannot be checked "
        "against the optimal information size. {ois}.",
        "ois_none": "; the optimal information size cannot be computed without a control risk "
        "or standard deviation.",
        "pb_few": "k = {k}: small-study tests need at least 10 studies (Cochrane Handbook "
        "13.3.5.4); judge from the searches and the studies' funding.",
        "pb_nodata": "{k} studies, but no study-level data for Egger's test.",
        "pb": "Egger's test for small-study effects: P {p} ({k} studies).",
        "le_rct": "Randomised trials: rating up is for non-randomised evidence.",
        "le_nonratio": "Large effect is judged on a ratio measure.",
        "le": "{measure} {est} (95 % CI {lb} to {ub}).",
        "reviewers": "For the reviewers to judge against the review question.",
    },
    "nb": {
        "rob_none": "Ingen vurderinger av risiko for skjevheter for studiene i analysen.",
        "rob": "{high} av vekten fra studier med høy risiko for skjevheter, {concern} med uklar "
        "risiko{missing} ({basis}).",
        "rob_missing": ", {missing} fra studier ingen har vurdert (regnet som uklar)",
        "weighted": "vektet etter studienes vekt i analysen",
        "unweighted": "studiene telt likt: vektene i analysen er ikke kjent",
        "one_study": "Én studie: inkonsistens kan ikke vurderes.",
        "no_het": "Ingen mål på heterogenitet eller studieresultater å vurdere "
        "inkonsistens ut fra.",
        "het": "I² = {i2}{q}{overlap}{pi}.",
        "q": ", χ²-test P {p}",
        "no_overlap": "; konfidensintervallene til noen studier overlapper ikke",
        "overlap": "; studienes konfidensintervaller overlapper",
        "pi_both": "; prediksjonsintervallet ({lb} til {ub}) omfatter effekter på begge sider av "
        "nullverdien",
        "pi_one": "; prediksjonsintervallet ({lb} til {ub}) ligger på én side av nullverdien",
        "no_ci": "Ingen effektestimat med konfidensintervall.",
        "crosses": "95 % KI ({lb} til {ub}{unit}) krysser {what}",
        "not_crosses": "95 % KI ({lb} til {ub}{unit}) krysser ikke {what}",
        "both": " og omfatter både en viktig fordel og en viktig ulempe",
        "null": "nullverdien",
        "threshold": "terskelen på {t} som forfatterne satte",
        "ois_met": "; {n} deltakere når optimal informasjonsstørrelse. {ois}.",
        "ois_not": "; {n} deltakere når ikke optimal informasjonsstørrelse. {ois}.",
        "ois_unknown": "; antall deltakere er ukjent og kan ikke sjekkes mot optimal "
        "informasjonsstørrelse. {ois}.",
        "ois_none": "; optimal informasjonsstørrelse kan ikke beregnes uten risiko i "
        "kontrollgruppen eller standardavvik.",
        "pb_few": "k = {k}: tester for småstudieeffekter krever minst 10 studier "
        "(Cochrane Handbook "
        "13.3.5.4); vurder ut fra søkene og studienes finansiering.",
        "pb_nodata": "{k} studier, men ingen data på studienivå for Eggers test.",
        "pb": "Eggers test for småstudieeffekter: P {p} ({k} studier).",
        "le_rct": "Randomiserte studier: oppgradering gjelder ikke-randomiserte studier.",
        "le_nonratio": "Stor effekt vurderes på et relativt effektmål.",
        "le": "{measure} {est} (95 % KI {lb} til {ub}).",
        "reviewers": "Vurderes av forfatterne opp mot problemstillingen.",
    },
}


def suggest(
    evidence: Evidence,
    *,
    baseline: float | None = None,
    rrr: float = 0.25,
    alpha: float = 0.05,
    beta: float = 0.20,
    lang: str = "en",
) -> list[Suggestion]:
    """A suggestion for each of the eight domains, in GRADE's order.

    ``baseline`` is the assumed control risk for the absolute effect and the
    information size (default: the control groups' pooled risk); ``rrr`` the
    relative risk reduction the optimal information size is computed for.
    """
    t = _TEXT[lang] if lang in _TEXT else _TEXT["en"]
    found = {
        "risk_of_bias": _risk_of_bias(evidence, t, lang),
        "inconsistency": _inconsistency(evidence, t, lang),
        "indirectness": Suggestion("indirectness", None, t["reviewers"]),
        "imprecision": _imprecision(evidence, baseline, rrr, alpha, beta, t, lang),
        "publication_bias": _publication_bias(evidence, t, lang),
        "large_effect": _large_effect(evidence, t, lang),
        "dose_response": Suggestion("dose_response", None, t["reviewers"]),
        "plausible_confounding": Suggestion("plausible_confounding", None, t["reviewers"]),
    }
    return [found[d] for d in DOMAINS]


# --- risk of bias -------------------------------------------------------------------


def study_risk(assessments: list[RobAssessment]) -> str:
    """One study's overall risk of bias: ``low``, ``concerns`` or ``high``."""
    overall = [a.judgement for a in assessments if a.domain == "overall"]
    judgements = overall or [a.judgement for a in assessments]
    if any(j in _HIGH for j in judgements):
        return "high"
    if any(j in _CONCERN for j in judgements):
        return "concerns"
    return "low"


def _risk_of_bias(e: Evidence, t: dict[str, str], lang: str) -> Suggestion:
    by_study: dict[str, list[RobAssessment]] = {}
    for a in e.risk_of_bias:
        by_study.setdefault(a.study, []).append(a)
    studies = [s for s in e.studies if s in by_study]
    if not studies:
        return Suggestion("risk_of_bias", None, t["rob_none"])
    weighted = len(e.weights) == len(e.studies) and sum(e.weights) > 0
    weight = dict(zip(e.studies, e.weights, strict=True)) if weighted else {}
    # every study of the analysis carries its weight: one nobody assessed is not low
    total = sum(weight.values()) if weighted else float(len(e.studies))
    share = {"low": 0.0, "concerns": 0.0, "high": 0.0, "missing": 0.0}
    for s in e.studies:
        specific = [a for a in by_study.get(s, ()) if a.outcome == e.assessment.outcome]
        general = [a for a in by_study.get(s, ()) if a.outcome is None]
        risk = study_risk(specific or general) if s in by_study else "missing"
        share[risk] += (weight[s] if weighted else 1.0) / total
    high, concern, missing = share["high"], share["concerns"], share["missing"]
    if high >= 0.5:
        level = "very_serious"
    elif high >= 0.25 or high + concern + missing >= 0.5:
        level = "serious"
    else:
        level = "not_serious"
    reason = t["rob"].format(
        high=_pct(high, lang),
        concern=_pct(concern, lang),
        missing=t["rob_missing"].format(missing=_pct(missing, lang)) if missing else "",
        basis=t["weighted"] if weighted else t["unweighted"],
    )
    return Suggestion("risk_of_bias", level, reason)


# --- inconsistency ----------------------------------------------------------------


def _inconsistency(e: Evidence, t: dict[str, str], lang: str) -> Suggestion:
    if e.k is not None and e.k < 2:
        return Suggestion("inconsistency", "not_serious", t["one_study"])
    if e.i2 is None:
        return Suggestion("inconsistency", None, t["no_het"])
    overlap = _overlap(e.study_ci)
    pi_both = None
    if e.pi_lb is not None and e.pi_ub is not None:
        pi_both = e.pi_lb < e.null < e.pi_ub
    parts = {
        "i2": f"{_num(e.i2, 0, lang)} %",
        "q": t["q"].format(p=_p(e.q_p, lang)) if e.q_p is not None else "",
        "overlap": "" if overlap is None else (t["overlap"] if overlap else t["no_overlap"]),
        "pi": ""
        if pi_both is None
        else t["pi_both" if pi_both else "pi_one"].format(
            lb=_num(e.pi_lb, 2, lang), ub=_num(e.pi_ub, 2, lang)
        ),
    }
    if e.i2 >= 75 and (overlap is False or pi_both):
        level = "very_serious"
    elif e.i2 >= 50 or (e.q_p is not None and e.q_p < 0.10 and overlap is False):
        level = "serious"
    else:
        level = "not_serious"
    return Suggestion("inconsistency", level, t["het"].format(**parts))


def _overlap(cis: tuple[tuple[float, float], ...]) -> bool | None:
    """Whether every pair of confidence intervals overlaps (None: fewer than two)."""
    finite = [(lb, ub) for lb, ub in cis if math.isfinite(lb) and math.isfinite(ub)]
    if len(finite) < 2:
        return None
    return max(lb for lb, _ in finite) <= min(ub for _, ub in finite)


# --- imprecision ------------------------------------------------------------------


def _imprecision(
    e: Evidence,
    baseline: float | None,
    rrr: float,
    alpha: float,
    beta: float,
    t: dict[str, str],
    lang: str,
) -> Suggestion:
    if e.estimate is None or e.ci_lb is None or e.ci_ub is None or e.measure is None:
        return Suggestion("imprecision", None, t["no_ci"])
    threshold = e.assessment.threshold
    risk = baseline if baseline is not None else e.control_risk_pooled
    ois: InformationSize | None = None
    absolute = e.measure in ("RR", "OR", "HR", "RD")
    if absolute and risk is not None and 0 < risk < 1:
        effect = absolute_effect(e.measure, e.estimate, e.ci_lb, e.ci_ub, risk, per=1000)
        mid, lb, ub = (
            effect.difference / 1000,
            effect.difference_lb / 1000,
            effect.difference_ub / 1000,
        )
        shown_lb, shown_ub = (
            _num(effect.difference_lb, 0, lang),
            _num(effect.difference_ub, 0, lang),
        )
        unit = " " + ("per 1000" if lang == "nb" else "per 1,000")
        if threshold:
            both = lb <= -threshold and ub >= threshold
        elif e.measure == "RD":  # GRADE's RR 0.75 / 1.25 at this control risk
            both = lb <= -0.25 * risk and ub >= 0.25 * risk
        else:
            both = e.ci_lb <= 0.75 and e.ci_ub >= 1.25
        ois = ois_dichotomous(risk, rrr, alpha=alpha, beta=beta)
    elif e.is_ratio:
        mid, lb, ub = math.log(e.estimate), math.log(e.ci_lb), math.log(e.ci_ub)
        shown_lb, shown_ub, unit = _num(e.ci_lb, 2, lang), _num(e.ci_ub, 2, lang), ""
        both = e.ci_lb <= 0.75 and e.ci_ub >= 1.25
        threshold = None
    else:
        mid, lb, ub = e.estimate, e.ci_lb, e.ci_ub
        shown_lb, shown_ub, unit = _num(lb, 2, lang), _num(ub, 2, lang), ""
        sd = 1.0 if e.measure == "SMD" else e.control_sd
        delta = threshold if threshold else (0.2 * sd if sd else None)
        both = threshold is not None and threshold > 0 and lb <= -threshold and ub >= threshold
        if delta and sd:
            ois = ois_continuous(delta, sd, alpha=alpha, beta=beta)
    crosses = _crosses(mid, lb, ub, threshold or 0.0)
    what = t["threshold"].format(t=_num(threshold, 3, lang)) if threshold else t["null"]
    text = t["crosses" if crosses else "not_crosses"].format(
        lb=shown_lb, ub=shown_ub, unit=unit, what=what
    )
    if crosses and both:
        text += t["both"]
    levels = (1 if crosses else 0) + (1 if crosses and both else 0)
    if ois is None:
        text += t["ois_none"]
    else:
        described = ois.describe(lang)
        if e.participants is None:
            text += t["ois_unknown"].format(ois=described)
        elif e.participants < ois.total:
            text += t["ois_not"].format(n=e.participants, ois=described)
            levels = 3 if levels == 2 else max(levels, 1)
        else:
            text += t["ois_met"].format(n=e.participants, ois=described)
    if not text.endswith("."):
        text += "."
    level = ("not_serious", "serious", "very_serious", "extremely_serious")[levels]
    return Suggestion("imprecision", level, text)


def _crosses(estimate: float, lb: float, ub: float, threshold: float) -> bool:
    """Whether the CI crosses the threshold that matters for the point estimate
    (GRADE's minimally contextualised approach): an important effect's CI reaching
    below the threshold, a trivial effect's CI reaching beyond either side."""
    if estimate >= threshold and (threshold > 0 or estimate > 0):
        return lb < threshold
    if estimate <= -threshold and (threshold > 0 or estimate < 0):
        return ub > -threshold
    return lb < -threshold or ub > threshold


# --- publication bias and large effect ----------------------------------------------


def _publication_bias(e: Evidence, t: dict[str, str], lang: str) -> Suggestion:
    k = e.k if e.k is not None else len(e.studies)
    if k < 10:
        return Suggestion("publication_bias", None, t["pb_few"].format(k=k))
    if e.egger_p is None:
        return Suggestion("publication_bias", None, t["pb_nodata"].format(k=k))
    level = "serious" if e.egger_p < 0.10 else "not_serious"
    return Suggestion("publication_bias", level, t["pb"].format(p=_p(e.egger_p, lang), k=k))


def _large_effect(e: Evidence, t: dict[str, str], lang: str) -> Suggestion:
    if e.assessment.design == "rct" and not e.robins:
        return Suggestion("large_effect", "none", t["le_rct"])
    if not e.is_ratio or e.estimate is None or e.ci_lb is None or e.ci_ub is None:
        return Suggestion("large_effect", None, t["le_nonratio"])
    text = t["le"].format(
        measure=e.measure,
        est=_num(e.estimate, 2, lang),
        lb=_num(e.ci_lb, 2, lang),
        ub=_num(e.ci_ub, 2, lang),
    )
    excludes_null = e.ci_lb > 1 or e.ci_ub < 1
    ratio = max(e.estimate, 1 / e.estimate)
    level = "none"
    if excludes_null and ratio > 5:
        level = "two"
    elif excludes_null and ratio > 2:
        level = "one"
    return Suggestion("large_effect", level, text)


# --- numbers in words -------------------------------------------------------------------


def _num(value: float | None, decimals: int, lang: str) -> str:
    if value is None:
        return "–"
    text = f"{value:.{decimals}f}"
    return text.replace(".", ",").replace("-", "−") if lang == "nb" else text


def _pct(share: float, lang: str) -> str:
    return f"{_num(share * 100, 0, lang)} %"


def _p(p: float | None, lang: str) -> str:
    if p is None:
        return "–"
    return ("< 0,001" if lang == "nb" else "< 0.001") if p < 0.001 else "= " + _num(p, 3, lang)
