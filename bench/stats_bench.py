"""Benchmark the statistics core against statsmodels, PyMARE and metafor, in one run
on the same simulated data, and check that the answers agree.

Run through ``make bench`` (which installs statsmodels and PyMARE); metafor is used
when ``Rscript`` with metafor is present.  Prints a Markdown section.
"""

from __future__ import annotations

import csv
import math
import shutil
import subprocess
import tempfile
import time
import tracemalloc
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

from sysreview import stats
from sysreview.errors import ConvergenceError

SEED = 20261123
N_BATCH = 10_000
K = 10
N_SINGLE = 1_000  # analyses timed one call at a time (all tools)
K_HUGE = 1_000_000


def simulate(n: int, k: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n analyses of k studies: vi ~ U(0.01, 0.5), true effects N(0.2, tau² ~ U(0, 0.3))."""
    vi = rng.uniform(0.01, 0.5, size=(n, k))
    tau2 = rng.uniform(0.0, 0.3, size=(n, 1))
    yi = rng.normal(0.2, np.sqrt(vi + tau2))
    return yi, vi


def best_of(fn: Callable[[], object], repeat: int = 3) -> float:
    """Best wall time of ``repeat`` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def fit_or_none(yi: np.ndarray, vi: np.ndarray, method: str) -> object:
    """One analysis; None where the estimator does not converge (metafor stops there too)."""
    try:
        return stats.rma(yi, vi, method=method)
    except ConvergenceError:
        return None


def ours(yi: np.ndarray, vi: np.ndarray) -> dict[str, float]:
    out: dict[str, float] = {}
    rows = range(N_SINGLE)
    for method in ("DL", "REML"):
        out[f"batch_{method}"] = best_of(lambda m=method: stats.rma(yi, vi, method=m)) / len(yi)
        out[f"single_{method}"] = (
            best_of(lambda m=method: [fit_or_none(yi[i], vi[i], m) for i in rows]) / N_SINGLE
        )
    return out


def statsmodels_times(yi: np.ndarray, vi: np.ndarray) -> dict[str, float]:
    from statsmodels.stats.meta_analysis import combine_effects

    rows = range(N_SINGLE)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dl = (
            best_of(lambda: [combine_effects(yi[i], vi[i], method_re="dl") for i in rows])
            / N_SINGLE
        )
        pm = (
            best_of(lambda: [combine_effects(yi[i], vi[i], method_re="iterated") for i in rows])
            / N_SINGLE
        )
    return {"single_DL": dl, "single_PM": pm}


def statsmodels_dl_tau2(yi: np.ndarray, vi: np.ndarray) -> np.ndarray:
    from statsmodels.stats.meta_analysis import combine_effects

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.array(
            [combine_effects(yi[i], vi[i], method_re="dl").tau2 for i in range(len(yi))]
        )


def pymare_times(yi: np.ndarray, vi: np.ndarray) -> dict[str, float]:
    from pymare.estimators import DerSimonianLaird, VarianceBasedLikelihoodEstimator

    y, v = yi.T, vi.T  # PyMARE stacks datasets in columns
    x = np.ones((yi.shape[1], 1))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dl = best_of(lambda: DerSimonianLaird().fit(y=y, v=v, X=x)) / len(yi)
        few = slice(0, N_SINGLE)
        reml = (
            best_of(
                lambda: VarianceBasedLikelihoodEstimator(method="REML").fit(
                    y=y[:, few], v=v[:, few], X=x
                ),
                repeat=1,
            )
            / N_SINGLE
        )
    return {"batch_DL": dl, "batch_REML": reml}


R_SCRIPT = r"""
suppressMessages(library(metafor))
d <- read.csv(commandArgs(TRUE)[1])
ids <- unique(d$id)
one <- function(s, method) tryCatch(rma(s$yi, s$vi, method = method)$tau2, error = function(e) NA)
fit <- function(method) sapply(ids, function(i) one(d[d$id == i, ], method))
t_dl <- system.time(tau_dl <- fit("DL"))[["elapsed"]]
t_reml <- system.time(tau_reml <- fit("REML"))[["elapsed"]]
write.csv(data.frame(id = ids, DL = tau_dl, REML = tau_reml), commandArgs(TRUE)[2], row.names = FALSE)
cat(t_dl / length(ids), t_reml / length(ids), as.character(packageVersion("metafor")), "\n")
"""


def metafor(
    yi: np.ndarray, vi: np.ndarray
) -> tuple[dict[str, float], dict[str, np.ndarray], str] | None:
    if shutil.which("Rscript") is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data, out, script = Path(tmp, "d.csv"), Path(tmp, "o.csv"), Path(tmp, "b.R")
        with data.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "yi", "vi"])
            for i in range(len(yi)):
                writer.writerows(
                    [i, repr(float(y)), repr(float(v))] for y, v in zip(yi[i], vi[i], strict=True)
                )
        script.write_text(R_SCRIPT)
        done = subprocess.run(
            ["Rscript", str(script), str(data), str(out)], capture_output=True, text=True
        )
        if done.returncode != 0:
            return None
        t_dl, t_reml, version = done.stdout.split()
        with out.open() as handle:
            rows = list(csv.DictReader(handle))
        tau2 = {
            m: np.array([float(r[m]) if r[m] != "NA" else math.nan for r in rows])
            for m in ("DL", "REML")
        }
    return {"single_DL": float(t_dl), "single_REML": float(t_reml)}, tau2, version


def huge() -> dict[str, float]:
    rng = np.random.default_rng(SEED + 1)
    yi, vi = simulate(1, K_HUGE, rng)
    out: dict[str, float] = {}
    for method in ("DL", "REML"):
        out[method] = best_of(lambda m=method: stats.rma(yi[0], vi[0], method=m), repeat=2)
    tracemalloc.start()
    stats.rma(yi[0], vi[0], method="REML")
    out["peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out


def us(seconds: float) -> str:
    return f"{seconds * 1e6:,.1f} µs"


def run() -> str:
    rng = np.random.default_rng(SEED)
    yi, vi = simulate(N_BATCH, K, rng)
    mine = ours(yi, vi)
    sm = statsmodels_times(yi, vi)
    pm = pymare_times(yi, vi)
    r = metafor(yi[:N_SINGLE], vi[:N_SINGLE])
    big = huge()

    lines = [
        f"Simulated data: {N_BATCH:,} analyses with k = {K} (seed {SEED}); single-call timings over the "
        f"first {N_SINGLE:,}. Times are the best of 3 runs, per analysis.",
        "",
        "| what | sysreview | statsmodels | PyMARE | metafor | target |",
        "|---|---|---|---|---|---|",
    ]
    mf = r[0] if r else {}
    lines.append(
        f"| DL, batch of {N_BATCH:,} | {us(mine['batch_DL'])} | – | {us(pm['batch_DL'])} | – | ≤ 3 µs |"
    )
    lines.append(
        f"| REML, batch | {us(mine['batch_REML'])} | – | {us(pm['batch_REML'])} (1,000) | – | ≤ 30 µs |"
    )
    lines.append(
        f"| DL, one call | {us(mine['single_DL'])} | {us(sm['single_DL'])} | – | "
        f"{us(mf['single_DL']) if mf else 'not run'} | ≤ 100 µs |"
    )
    lines.append(
        f"| REML, one call | {us(mine['single_REML'])} | PM: {us(sm['single_PM'])} | – | "
        f"{us(mf['single_REML']) if mf else 'not run'} | – |"
    )
    lines += [
        "",
        "Ratios (other tool's time / ours, same data, same run):",
        "",
        f"- PyMARE batch DL / sysreview batch DL: {pm['batch_DL'] / mine['batch_DL']:,.2f}× (below 1: PyMARE is faster here)",
        f"- PyMARE batch REML / sysreview batch REML: {pm['batch_REML'] / mine['batch_REML']:,.1f}×",
        f"- statsmodels DL / sysreview one-call DL: {sm['single_DL'] / mine['single_DL']:,.1f}×",
    ]
    if mf:
        lines += [
            f"- metafor DL / sysreview one-call DL: {mf['single_DL'] / mine['single_DL']:,.0f}×;"
            f" / sysreview batch DL: {mf['single_DL'] / mine['batch_DL']:,.0f}×",
            f"- metafor REML / sysreview one-call REML: {mf['single_REML'] / mine['single_REML']:,.0f}×;"
            f" / sysreview batch REML: {mf['single_REML'] / mine['batch_REML']:,.0f}×",
        ]
    lines += [
        "",
        f"One analysis with k = {K_HUGE:,}: DL {big['DL']:.3f} s (target < 1 s), REML {big['REML']:.3f} s "
        f"(target < 5 s), peak Python allocation during REML {big['peak_mib']:.0f} MiB. "
        "metafor is not run at this size (it allocates a k × k matrix).",
        "",
        "Agreement on the same data:",
        "",
    ]
    batch_dl = stats.rma(yi, vi, method="DL").tau2[:N_SINGLE]
    reml = stats.rma(yi, vi, method="REML")
    batch_reml = np.where(reml.converged, reml.tau2, np.nan)[:N_SINGLE]
    failed = int(np.isnan(batch_reml).sum())
    lines.append(
        f"- REML (Fisher scoring with metafor's defaults) does not converge in {failed} of the first "
        f"{N_SINGLE:,} analyses ({(~reml.converged).sum()} of {N_BATCH:,}); those raise ConvergenceError "
        "in a single call and are flagged `converged = False` in a batch."
    )
    if r:
        tau2 = r[1]
        dl_diff = np.max(np.abs(batch_dl - tau2["DL"]))
        both = ~np.isnan(batch_reml) & ~np.isnan(tau2["REML"])
        reml_diff = np.max(np.abs(batch_reml[both] - tau2["REML"][both]))
        same = bool(np.array_equal(np.isnan(batch_reml), np.isnan(tau2["REML"])))
        lines.append(
            f"- metafor {r[2]}: largest |Δτ²| over {N_SINGLE:,} analyses: DL {dl_diff:.1e}, REML {reml_diff:.1e}; "
            f"metafor fails to converge on {'the same' if same else 'different'} analyses "
            f"({int(np.isnan(tau2['REML']).sum())})."
        )
    sm_tau2 = statsmodels_dl_tau2(yi[:N_SINGLE], vi[:N_SINGLE])
    negative = np.flatnonzero(sm_tau2 < 0)
    worst = sm_tau2[negative].min() if negative.size else math.nan
    lines.append(
        f"- statsmodels DL returns τ² < 0 (no truncation) in {negative.size / N_SINGLE:.0%} of the "
        f"{N_SINGLE:,} analyses (most negative {worst:.3g}); sysreview truncates at 0 as metafor does."
    )
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
