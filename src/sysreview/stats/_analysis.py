"""One meta-analysis as a user asks for it: data, a convention, and the extras.

``meta_analysis`` takes per-study columns (metafor's names), picks the effect-size
and pooling functions the options name, and runs the optional subgroup,
small-study and sensitivity analyses on the same effect sizes.  ``PRESETS`` are
the conventions a user can name: ``metafor`` (its defaults), ``revman5`` and
``revman_web`` (Cochrane's 2025 methods); explicit options override a preset.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import DataError
from ._bias import EggerResult, RankTestResult, egger, ranktest
from ._effects import BINARY_MEASURES, EffectSizes, escalc
from ._mh import revman5_mh_random, rma_mh
from ._peto import revman5_peto_random, rma_peto
from ._qprofile import confint_tau2
from ._results import MetaResult
from ._rma import rma
from ._sensitivity import CumulativeResult, LeaveOneOutResult, cumulative, leave1out
from ._subgroups import SubgroupModelResult, SubgroupResult, subgroups
from ._trimfill import TrimFillResult, trimfill

METHODS = ("FE", "MH", "PETO", "DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS")


@dataclass(frozen=True)
class MetaOptions:
    """How to analyse: every choice that changes a number, as a serialisable record.

    ``model`` only matters for MH and Peto (fixed, or RevMan 5's random version);
    the other methods say it themselves (FE fixed, the tau² estimators random).
    ``vtype`` is the SMD formula ("LS": metafor's exact Hedges' g; "revman5").
    ``mh_correction`` is "none" (metafor's exact MH) or "revman5" (0.5 inside MH).
    """

    measure: str = "GEN"
    method: str = "REML"
    model: str = "fixed"
    test: str = "z"
    level: float = 95.0
    add: float = 0.5
    to: str = "only0"
    drop00: bool = False
    addyi: bool = True
    vtype: str = "LS"
    mh_correction: str = "none"
    tau2_common: bool = False
    preset: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


PRESETS: dict[str, dict[str, Any]] = {
    "metafor": {
        "method": "REML",
        "test": "z",
        "drop00": False,
        "addyi": True,
        "vtype": "LS",
        "mh_correction": "none",
    },
    "revman5": {
        "method": "DL",
        "test": "z",
        "drop00": True,
        "addyi": False,
        "vtype": "revman5",
        "mh_correction": "revman5",
    },
    "revman_web": {
        "method": "REML",
        "test": "z",
        "drop00": True,
        "addyi": False,
        "vtype": "revman5",
        "mh_correction": "revman5",
    },
}


def options_for(preset: str | None = None, **overrides: Any) -> MetaOptions:
    """Options from a preset, with explicit choices (not None) taking precedence."""
    base = MetaOptions()
    if preset is not None:
        if preset not in PRESETS:
            raise DataError(f"preset {preset!r} is not one of: {', '.join(PRESETS)}")
        base = replace(base, preset=preset, **PRESETS[preset])
    chosen = {k: v for k, v in overrides.items() if v is not None}
    unknown = set(chosen) - set(MetaOptions.__dataclass_fields__)
    if unknown:
        raise DataError(f"unknown option(s): {', '.join(sorted(unknown))}")
    options = replace(base, **chosen)
    if options.method not in METHODS:
        raise DataError(f"method {options.method!r} is not one of: {', '.join(METHODS)}")
    if options.method in ("MH", "PETO") and options.measure not in BINARY_MEASURES:
        raise DataError(f"method {options.method} needs 2×2 data (measure RR, OR or RD)")
    if options.method == "PETO" and options.measure != "OR":
        options = replace(options, measure="OR")
    if options.preset == "revman5" and options.measure == "RD":
        options = replace(options, drop00=False)
    return options


@dataclass(frozen=True, eq=False)
class MetaReport:
    """The main result and whichever extra analyses were asked for."""

    options: MetaOptions
    result: MetaResult
    effects: EffectSizes
    subgroups: SubgroupResult | SubgroupModelResult | None = None
    egger: dict[str, EggerResult] = field(default_factory=dict)
    ranktest: RankTestResult | None = None
    trimfill: TrimFillResult | None = None
    leave1out: LeaveOneOutResult | None = None
    cumulative: CumulativeResult | None = None

    def to_dict(self) -> dict[str, Any]:
        out = self.result.to_dict()
        out["options"] = self.options.to_dict()
        if self.subgroups is not None:
            out["subgroups"] = self.subgroups.to_dict()
        if self.egger:
            out["egger"] = {name: r.to_dict() for name, r in self.egger.items()}
        for name in ("ranktest", "trimfill", "leave1out", "cumulative"):
            value = getattr(self, name)
            if value is not None:
                out[name] = value.to_dict()
        return out


def meta_analysis(
    data: Mapping[str, Any],
    options: MetaOptions,
    *,
    study: Sequence[str] | None = None,
    groups: Sequence[Any] | None = None,
    order: Sequence[Any] | None = None,
    small_study: bool = False,
    rank: bool = False,
    fill: bool = False,
    loo: bool = False,
) -> MetaReport:
    """Run one meta-analysis on per-study columns named as metafor names them.

    ``data`` holds ``ai, n1i, ci, n2i`` (or ``bi, di``), or ``m1i, sd1i, n1i, m2i,
    sd2i, n2i``, or ``yi`` with ``vi`` or ``sei``.  ``groups`` asks for a subgroup
    analysis, ``order`` for a cumulative one; the flags ask for Egger's test (both
    forms), the rank test, trim-and-fill and leave-one-out.
    """
    effects = _effects(data, options, study)
    result = _with_tau2_ci(_pool(data, effects, options, study))
    method = "FE" if options.method in ("FE", "MH", "PETO") else options.method
    yi, vi = effects.yi, effects.vi
    keep = np.isfinite(yi)
    common: dict[str, Any] = {"method": method, "test": options.test, "level": options.level}
    kept_study = [s for s, k in zip(effects.study or (), keep, strict=False) if k] or None
    report = MetaReport(options, result, effects)
    if groups is not None:
        kept_groups = [g for g, k in zip(groups, keep, strict=True) if k]
        report = replace(
            report,
            subgroups=subgroups(
                yi[keep],
                vi[keep],
                kept_groups,
                tau2_common=options.tau2_common,
                measure=effects.measure,
                study=kept_study,
                **common,
            ),
        )
    if small_study:
        report = replace(
            report,
            egger={
                "classic_lm": egger(yi[keep], vi[keep], model="lm"),
                "rma": egger(yi[keep], vi[keep], model="rma", **common),
            },
        )
    if rank:
        report = replace(report, ranktest=ranktest(yi[keep], vi[keep]))
    if fill:
        report = replace(
            report,
            trimfill=trimfill(
                yi[keep], vi[keep], measure=effects.measure, study=kept_study, **common
            ),
        )
    if loo:
        report = replace(
            report, leave1out=leave1out(yi[keep], vi[keep], study=kept_study, **common)
        )
    if order is not None:
        kept_order = [o for o, k in zip(order, keep, strict=True) if k]
        report = replace(
            report,
            cumulative=cumulative(yi[keep], vi[keep], kept_order, study=kept_study, **common),
        )
    return report


def _with_tau2_ci(result: MetaResult) -> MetaResult:
    """A random-effects result with its Q-profile CI for tau² (Viechtbauer 2007)."""
    if result.model != "random" or result.method not in _TAU2_ESTIMATORS or result.k < 2:
        return result
    interval = confint_tau2(result)
    return replace(result, tau2_ci_lb=interval.tau2[1], tau2_ci_ub=interval.tau2[2])


_TAU2_ESTIMATORS = ("DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS")


def _effects(
    data: Mapping[str, Any], options: MetaOptions, study: Sequence[str] | None
) -> EffectSizes:
    measure = options.measure
    if measure in BINARY_MEASURES:
        cells: dict[str, Any] = {
            name: data.get(name) for name in ("ai", "bi", "ci", "di", "n1i", "n2i")
        }
        return escalc(
            measure,
            **cells,
            add=options.add,
            to=options.to,  # type: ignore[arg-type]
            drop00=options.drop00,
            addyi=options.addyi,
            study=study,
        )
    if measure in ("MD", "SMD"):
        cols: dict[str, Any] = {
            name: data.get(name) for name in ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i")
        }
        return escalc(measure, **cols, vtype=options.vtype, study=study)
    if measure == "GEN":
        return escalc("GEN", yi=data.get("yi"), vi=data.get("vi"), sei=data.get("sei"), study=study)
    raise DataError(f"measure {measure!r} is not one of: RR, OR, RD, MD, SMD, GEN")


def _pool(
    data: Mapping[str, Any], effects: EffectSizes, options: MetaOptions, study: Sequence[str] | None
) -> MetaResult:
    cells: dict[str, Any] = {
        name: data.get(name) for name in ("ai", "bi", "ci", "di", "n1i", "n2i")
    }
    random = options.model == "random"
    if options.method == "MH":
        if random:
            return revman5_mh_random(
                **cells,
                measure=options.measure,  # type: ignore[arg-type]
                add=options.add,
                level=options.level,
                study=study,
            )
        return rma_mh(
            **cells,
            measure=options.measure,  # type: ignore[arg-type]
            correction=options.mh_correction,  # type: ignore[arg-type]
            add=options.add,
            level=options.level,
            study=study,
        )
    if options.method == "PETO":
        if random:
            return revman5_peto_random(**cells, level=options.level, study=study)
        return rma_peto(**cells, level=options.level, study=study)
    return rma(effects, method=options.method, test=options.test, level=options.level)
