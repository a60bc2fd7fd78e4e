"""Deduplication against bib-dedupe, on the three labelled sets in ../shared/data/dedup/
and on a synthetic 100,000-record set built from them (bench/synthetic_dedup.py).

Each tool runs on each set in a fresh subprocess of this file (``--tool``), which
reads the CSV, deduplicates, writes ``record_id,group_id`` and prints the seconds from
reading to groups (imports and interpreter start-up excluded) and its peak RSS (its own
VmHWM or its largest worker's: bib-dedupe forks one per core).  The parent kills the
child's process group after ``DEDUP_BENCH_TIMEOUT`` seconds (default 3600) and scores
both tools with our scorer (``sysreview.dedup.score``, the README's protocol).
bib-dedupe needs 100-250 s per 10k records here (about 35 min for the 100,000), so on
the synthetic set it runs on a subsample of whole true groups (``DEDUP_BENCH_BIB_SAMPLE``,
default 20,000 records; 0 runs it on the full set); ours runs on that subsample too,
for the ratio, and on the full set.

    .venv/bin/python bench/dedup_bench.py                 # the Markdown section
    .venv/bin/python bench/dedup_bench.py --tool bib-dedupe --input X.csv --output G.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import synthetic_dedup

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "dedup"
BUILD = ROOT / "build" / "bench"
SETS = ("rathbone_respiratory", "asysd_diabetes", "colrev_misq")
TOOLS = ("ours", "bib-dedupe")
SYNTHETIC_RECORDS = 100_000
TIMEOUT = float(os.environ.get("DEDUP_BENCH_TIMEOUT", "3600"))
BIB_SAMPLE = int(os.environ.get("DEDUP_BENCH_BIB_SAMPLE", "20000"))
NO_OURS = "sysreview.dedup.deduplicate not available"
ANCHORS = {  # README: bib-dedupe 0.11, pair F1 and false removals, same machine
    "rathbone_respiratory": (0.959, 0),
    "asysd_diabetes": (1.000, 0),
    "colrev_misq": (0.992, 4),
}


# --- the child: one tool on one file -------------------------------------------------


def ours_groups(path: Path) -> dict[str, str]:
    from sysreview.dedup import deduplicate, read_csv

    return dict(deduplicate(read_csv(path)).groups)


def bib_dedupe_frame(path: Path) -> Any:
    """The benchmark columns under bib-dedupe's names; an empty entry type is an article."""
    import pandas as pd

    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = df.drop(columns=["dup_group"], errors="ignore")
    df = df.rename(columns={"record_id": "ID", "entry_type": "ENTRYTYPE"})
    df["ENTRYTYPE"] = df["ENTRYTYPE"].replace("", "article")
    return df


def bib_dedupe_groups(path: Path) -> dict[str, str]:
    """prep -> block -> match -> cluster; only 'duplicate' pairs merge ('maybe' pairs are
    left for a person, as ours leaves its uncertain pairs)."""
    from bib_dedupe import bib_dedupe as bd

    records = bib_dedupe_frame(path)
    prepared = bd.prep(records, verbosity_level=0)
    matched = bd.match(bd.block(prepared, verbosity_level=0), verbosity_level=0)
    groups = {str(rid): str(rid) for rid in records["ID"]}
    for component in bd.cluster(matched, verbosity_level=0):
        for rid in component:
            groups[str(rid)] = str(component[0])
    return groups


def child(tool: str, source: Path, output: Path) -> None:
    runner = ours_groups if tool == "ours" else bib_dedupe_groups
    if tool == "bib-dedupe":
        import bib_dedupe.bib_dedupe  # noqa: F401  (import time is not dedup time)
    else:
        import sysreview.dedup  # noqa: F401
    start = time.perf_counter()
    groups = runner(source)
    seconds = time.perf_counter() - start
    with output.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["record_id", "group_id"])
        writer.writerows(groups.items())
    print(json.dumps({"seconds": seconds, "peak_mib": own_peak_mib()}))


# --- the parent: measure, score, tabulate ---------------------------------------------


@dataclass
class Run:
    tool: str
    records: int
    seconds: float | None = None
    peak_mib: float | None = None
    score: Any = None  # sysreview.dedup.Score
    note: str = ""


def own_peak_mib() -> float:
    """This process's peak RSS since exec (VmHWM) or its largest reaped worker's.

    Not ``ru_maxrss`` of the whole child seen from the parent: Linux carries the
    parent's RSS at fork into the child's ``ru_maxrss`` (a 500 MiB parent makes an empty
    child report 500 MiB), and the parent holds the 100,000 synthetic rows."""
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    status = Path("/proc/self/status")
    lines = status.read_text().splitlines() if status.exists() else []
    hwm = [int(x.split()[1]) for x in lines if x.startswith("VmHWM:")]
    own = hwm[0] if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return max(own, workers) / 1024


def wait_for(proc: subprocess.Popen[bytes], timeout: float) -> int | None:
    """Exit code, or None after killing the child's process group on timeout."""
    try:
        return proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return None


def measure(tool: str, source: Path, records: int, work: Path) -> Run:
    from sysreview.dedup import read_truth, score

    print(f"dedup_bench: {tool} on {source.name} ({records:,} records)", file=sys.stderr)
    run = Run(tool, records)
    output, log = work / f"{tool}-{source.stem}.groups.csv", work / f"{tool}-{source.stem}.log"
    command = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--tool",
        tool,
        "--input",
        str(source),
    ]
    with log.open("wb") as sink:
        proc = subprocess.Popen(
            [*command, "--output", str(output)],
            stdout=sink,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        code = wait_for(proc, TIMEOUT)
    text = log.read_text(errors="replace").strip()
    if code is None:
        run.note = f"timed out after {TIMEOUT:,.0f} s"
    elif code != 0:
        run.note = f"failed (exit {code}): {text.splitlines()[-1] if text else ''}"
    else:
        report = json.loads(text.splitlines()[-1])
        run.seconds, run.peak_mib = report["seconds"], report["peak_mib"]
        with output.open(encoding="utf-8", newline="") as handle:
            predicted = {r["record_id"]: r["group_id"] for r in csv.DictReader(handle)}
        run.score = score(predicted, read_truth(source))
    return run


def ours_available() -> bool:
    import sysreview.dedup

    return hasattr(sysreview.dedup, "deduplicate")


def runs_for(source: Path, records: int, work: Path, tools: tuple[str, ...] = TOOLS) -> list[Run]:
    runs = []
    for tool in tools:
        if tool == "ours" and not ours_available():
            runs.append(Run(tool, records, note=NO_OURS))
        else:
            runs.append(measure(tool, source, records, work))
    return runs


def label(run: Run) -> str:
    return "sysreview" if run.tool == "ours" else "bib-dedupe 0.11"


def row(run: Run) -> str:
    s = run.score
    if s is None or run.seconds is None:
        return f"| {label(run)} | {run.records:,} | {run.note} |{'|' * 6} {mib(run)} |"
    per10k = run.seconds / run.records * 10_000
    return (
        f"| {label(run)} | {run.records:,} | {s.pair_precision:.3f} | {s.pair_recall:.3f} | "
        f"{s.pair_f1:.3f} | {s.sensitivity:.3f} | {s.false_removals:,} | "
        f"{run.seconds:,.1f} | {per10k:,.2f} | {mib(run)} |"
    )


def mib(run: Run) -> str:
    return f"{run.peak_mib:,.0f}" if run.peak_mib is not None else "–"


HEADER = [
    "| tool | records | pair P | pair R | pair F1 | rec sens | false removals | seconds | s per 10k | peak RSS MiB |",
    "|---|---|---|---|---|---|---|---|---|---|",
]


def ratio(runs: list[Run], name: str) -> str:
    by = {r.tool: r for r in runs}
    ours, bib = by.get("ours"), by.get("bib-dedupe")
    if not (ours and bib and ours.seconds and bib.seconds):
        why = (ours.note if ours else "") or (bib.note if bib else "") or "not run"
        return f"- {name}: no ratio ({why})"
    mem = (
        f"; peak RSS {bib.peak_mib / ours.peak_mib:,.1f}×" if ours.peak_mib and bib.peak_mib else ""
    )
    return f"- {name}: bib-dedupe seconds / ours {bib.seconds / ours.seconds:,.1f}×{mem}"


def anchor_note(name: str, runs: list[Run]) -> str:
    bib = next((r for r in runs if r.tool == "bib-dedupe"), None)
    if name not in ANCHORS or bib is None or bib.score is None:
        return ""
    f1, false = ANCHORS[name]
    s = bib.score
    same = abs(s.pair_f1 - f1) <= 0.005 and s.false_removals == false
    return (
        f"bib-dedupe {'reproduces' if same else 'does NOT reproduce'} the README anchor "
        f"(pair F1 {f1:.3f}, {false} false removals)."
    )


def section(title: str, runs: list[Run], note: str = "") -> list[str]:
    lines = [f"**{title}**", "", *HEADER, *[row(r) for r in runs], ""]
    return lines + ([note, ""] if note else [])


def describe(info: dict[str, Any]) -> str:
    return (
        f"{info['records']:,} records, {info['works']:,} works, {info['removable']:,} removable "
        f"duplicates ({info['dup_rate']:.1%}), group sizes {info['group_sizes']}"
    )


#: What a reader of a set's table should know about its labels.
LABEL_NOTES = {
    "asysd_diabetes": (
        "The pairs sysreview misses here are one labelled group of 8 records split in two: "
        "two conference abstracts on pages 51 and 52 of one supplement (Diabetes Metab Res "
        "Rev 30 Suppl 3), with different author lists (5 and 3 names) and different "
        "abstract texts, sharing the supplement's DOI. The labels (bib-dedupe's, on which "
        "it was developed) call them one work; sysreview keeps them apart and lists the "
        "cross pairs as uncertain for a person (`tests/dedup/test_benchmarks.py`)."
    ),
}


def labelled(name: str, work: Path) -> tuple[list[str], str]:
    source = DATA / f"{name}.csv"
    records = len(read_ids(source))
    runs = runs_for(source, records, work)
    notes = " ".join(n for n in (anchor_note(name, runs), LABEL_NOTES.get(name, "")) if n)
    return section(f"{name} ({records:,} records)", runs, notes), ratio(runs, name)


def projection(bib: Run, records: int) -> str:
    text = "bib-dedupe runs on this subsample of whole true groups only"
    if bib.seconds is None:
        return f"{text}."
    minutes = bib.seconds / bib.records * records / 60
    return (
        f"{text}: at its rate here the full {records:,} records would take about {minutes:,.0f} "
        "min if it scaled linearly (set DEDUP_BENCH_BIB_SAMPLE=0 to run it on the full set)."
    )


def synthetic(work: Path) -> tuple[list[str], list[str]]:
    rows = synthetic_dedup.build(SYNTHETIC_RECORDS)
    full = synthetic_dedup.write(work / "synthetic.csv", rows)
    n = len(rows)
    lines = [
        f"**Synthetic set** (`bench/synthetic_dedup.py`, seed {synthetic_dedup.SEED}, generated "
        f"into a temporary directory): {describe(synthetic_dedup.summary(rows))}.",
        "",
    ]
    if not 0 < BIB_SAMPLE < n:
        runs = runs_for(full, n, work)
        return lines + section(f"synthetic, {n:,} records", runs), [ratio(runs, "synthetic")]
    sample = synthetic_dedup.subsample(rows, BIB_SAMPLE)
    part = synthetic_dedup.write(work / "synthetic_sample.csv", sample)
    skipped = Run("bib-dedupe", n, note=f"not run: see the {len(sample):,}-record subsample")
    big = [*runs_for(full, n, work, ("ours",)), skipped]
    small = runs_for(part, len(sample), work)
    lines += section(f"synthetic, all {n:,} records", big)
    lines += section(
        f"synthetic, subsample: {describe(synthetic_dedup.summary(sample))}",
        small,
        projection(small[-1], n),
    )
    return lines, [ratio(small, f"synthetic {len(sample):,}"), per_10k(big[0], small[-1])]


def per_10k(ours: Run, bib: Run) -> str:
    if not (ours.seconds and bib.seconds):
        return "- seconds per 10k records, bib-dedupe (subsample) / ours (full set): not measured"
    rate = (bib.seconds / bib.records) / (ours.seconds / ours.records)
    return (
        f"- seconds per 10k records, bib-dedupe on {bib.records:,} / ours on {ours.records:,}: "
        f"{rate:,.1f}×"
    )


INTRO = (
    "Both tools on the same files in the same run, each in its own fresh process; both "
    "scored with `sysreview.dedup.score` (pairwise P/R/F1 over record pairs; record "
    "sensitivity and false removals as defined in `../shared/data/dedup/README.md`). "
    "Seconds: reading the CSV to groups, imports excluded. Peak RSS: the process or its "
    "largest worker process (bib-dedupe runs with its default `cpu=-1`, one worker per "
    "core; ours in one process). bib-dedupe merges only its `duplicate` pairs (its "
    "`maybe` pairs are left for a person, as ours leaves its uncertain pairs)."
)


def run() -> str:
    BUILD.mkdir(parents=True, exist_ok=True)
    lines, ratios = [INTRO, ""], []
    with tempfile.TemporaryDirectory(dir=BUILD, prefix="dedup-") as tmp:
        for name in SETS:
            part, line = labelled(name, Path(tmp))
            lines += part
            ratios.append(line)
        part, more = synthetic(Path(tmp))
    return "\n".join([*lines, *part, "Ratios (same data, same run):", "", *ratios, *more])


def read_ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [r["record_id"] for r in csv.DictReader(handle)]


def main() -> None:
    parser = argparse.ArgumentParser(description="Deduplication benchmark against bib-dedupe")
    parser.add_argument("--tool", choices=TOOLS)
    parser.add_argument("--input", type=Path)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if args.tool:
        child(args.tool, args.input, args.output)
    else:
        print(run())


if __name__ == "__main__":
    main()
