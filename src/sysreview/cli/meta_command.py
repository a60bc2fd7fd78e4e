"""``sysreview meta FILE``: a meta-analysis of a per-study table, metafor's way or
RevMan's, printed as text or JSON."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import click

from .. import Table, read_table
from ..errors import DataError

COLUMNS = ("ai", "bi", "ci", "di", "n1i", "n2i", "m1i", "sd1i", "m2i", "sd2i", "yi", "vi", "sei")
# The statistics core (and scipy) loads only when the command runs; these mirror
# stats.METHODS and stats.PRESETS (a test keeps them equal).
METHODS = ("FE", "MH", "PETO", "DL", "REML", "ML", "PM", "SJ", "HE", "EB", "HS")
PRESETS = ("metafor", "revman5", "revman_web")


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--measure",
    type=click.Choice(["RR", "OR", "RD", "MD", "SMD", "GEN"]),
    help="Effect measure (default: GEN for yi columns; required for counts or means).",
)
@click.option(
    "--method",
    type=click.Choice(METHODS, case_sensitive=False),
    help="FE, MH, PETO, or a tau² estimator for random effects (default: preset's).",
)
@click.option(
    "--model",
    type=click.Choice(["fixed", "random"]),
    default=None,
    help="For MH and PETO: fixed, or RevMan 5's random-effects version.",
)
@click.option("--test", type=click.Choice(["z", "knha"]), help="Wald z or Hartung-Knapp t.")
@click.option("--add", type=float, help="Continuity correction added to zero cells (0.5).")
@click.option(
    "--to", type=click.Choice(["only0", "all", "if0all", "none"]), help="Which studies get it."
)
@click.option(
    "--drop00/--keep00", default=None, help="Drop (RevMan) or keep (metafor) double-zero studies."
)
@click.option(
    "--vtype", type=click.Choice(["LS", "revman5"]), help="SMD: metafor's exact g, or RevMan 5's."
)
@click.option(
    "--mh-correction",
    type=click.Choice(["none", "revman5"]),
    help="MH: exact (none) or 0.5 added inside MH (RevMan 5).",
)
@click.option("--level", type=float, help="Confidence level in percent (95).")
@click.option(
    "--preset",
    type=click.Choice(PRESETS),
    help="A convention: metafor, revman5, revman_web.",
)
@click.option(
    "--subgroup", "subgroup_col", help="Column of subgroup labels (RevMan's separate tau²)."
)
@click.option(
    "--tau2-common", is_flag=True, default=None, help="Subgroups: metafor's common-tau² model."
)
@click.option("--egger", is_flag=True, help="Egger's regression test (classic and rma forms).")
@click.option("--ranktest", is_flag=True, help="Begg's rank correlation test.")
@click.option("--trimfill", is_flag=True, help="Trim-and-fill (L0).")
@click.option("--leave1out", is_flag=True, help="Leave-one-out sensitivity analysis.")
@click.option(
    "--cumulative", "cumulative_col", help="Cumulative meta-analysis ordered by this column."
)
@click.option(
    "--json", "as_json", is_flag=True, help="Print JSON (keys as metafor's reference results)."
)
def meta(
    file: Path,
    measure: str | None,
    subgroup_col: str | None,
    cumulative_col: str | None,
    egger: bool,
    ranktest: bool,
    trimfill: bool,
    leave1out: bool,
    as_json: bool,
    **choices: Any,
) -> None:
    """Meta-analysis of FILE (CSV, TSV, XLSX or JSON) with metafor's column names:
    ai n1i ci n2i (or bi di), m1i sd1i n1i m2i sd2i n2i, or yi with vi or sei;
    optional study column."""
    from .. import stats

    table = read_table(file, row="study")
    data = {name: table.numbers(name) for name in COLUMNS if table.has(name)}
    if measure is None:
        if "yi" not in data:
            raise DataError(
                "say which effect measure to compute", hint="pass --measure RR|OR|RD|MD|SMD"
            )
        measure = "GEN"
    if choices.get("method"):
        choices["method"] = choices["method"].upper()
    options = stats.options_for(choices.pop("preset"), measure=measure, **choices)
    report = stats.meta_analysis(
        data,
        options,
        study=table.texts("study") if table.has("study") else None,
        groups=table.texts(subgroup_col) if subgroup_col else None,
        order=_sort_key(table, cumulative_col) if cumulative_col else None,
        small_study=egger,
        rank=ranktest,
        fill=trimfill,
        loo=leave1out,
    )
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=2, ensure_ascii=False, allow_nan=False))
    else:
        click.echo(_text(report))


def _sort_key(table: Table, column: str) -> list[Any]:
    texts = table.texts(column)
    try:
        return [float(t) for t in texts]
    except ValueError:
        return texts


def _text(report: Any) -> str:
    result = report.result
    lines = [f"{'Study':<28} {'Estimate':>9} {'95 % CI':>19} {'Weight':>8}"]
    for row in result.studies():
        if row["yi"] is None:
            lines.append(f"{row['study'][:28]:<28} {'not estimable':>9}")
            continue
        key = "_exp" if result.is_ratio else ""
        est, lb, ub = row[f"yi{key}"], row[f"ci_lb{key}"], row[f"ci_ub{key}"]
        weight = row["weight_pct"]
        shown = "" if weight is None or math.isnan(weight) else f"{weight:7.1f}%"
        lines.append(f"{row['study'][:28]:<28} {est:9.2f} [{lb:8.2f}, {ub:8.2f}] {shown:>8}")
    lines += ["", result.summary()]
    blocks = report.to_dict()
    for name in ("subgroups", "egger", "ranktest", "trimfill", "leave1out", "cumulative"):
        if name in blocks:
            lines += ["", f"{name}:", json.dumps(blocks[name], indent=2, ensure_ascii=False)]
    return "\n".join(lines)
