"""``sysreview simulate``: replay a labelled set through prioritised screening and
report how early the relevant records came and where the stopping rules stopped."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import click

from . import _progress

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from .. import screening


@click.command()
@click.argument("data", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--model",
    default="sysreview",
    show_default=True,
    help="The ranking model: sysreview (TF-IDF SVMs), sysreview-minilm (those fused with "
    "sentence embeddings; embeds every record once, then reuses the vectors), or elas_u4 "
    "(ASReview's default, reimplemented).",
)
@click.option(
    "--seed",
    "seeds",
    type=int,
    multiple=True,
    help="Seed for the prior knowledge and the model; repeat for more runs (default: 0, 1 and 2).",
)
@click.option(
    "--label",
    default="label_included",
    show_default=True,
    help="The 0/1 column to simulate (e.g. label_abstract_screening).",
)
@click.option(
    "--criteria",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A text file with the eligibility criteria (used as a relevant pseudo-record).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON, with each screening order.")
def simulate(
    data: Path,
    model: str,
    seeds: tuple[int, ...],
    label: str,
    criteria: Path | None,
    as_json: bool,
) -> None:
    """Simulate screening DATA.csv (title, abstract and a 0/1 label per record).

    Each seed draws one relevant and one irrelevant record as prior knowledge; the
    model then ranks the rest, retrained as each decision comes in.  Reports
    recall after 5/10/25/50 % of records, WSS@95, records screened to find 95 % and
    100 %, and where each stopping rule stopped with the recall it achieved.
    """
    from .. import screening

    records = screening.read_labelled(data, label=label)
    criteria_text = criteria.read_text(encoding="utf-8") if criteria else None
    result = simulate_embedded(records, model, seeds or screening.SEEDS, criteria_text)
    if as_json:
        click.echo(json.dumps(result.to_dict(include_order=True), indent=2))
        return
    _print(result)


def simulate_embedded(
    records: screening.LabelledRecords, model: str, seeds: tuple[int, ...], criteria: str | None
) -> screening.SimulationResult:
    """:func:`screening.simulate`, with the records' embeddings when the model uses
    them (computed once and cached, see :func:`embed_texts`)."""
    from .. import screening

    config = screening.model_config(model)
    vectors = criteria_vector = None
    if config.needs_embeddings:
        vectors, criteria_vector = embed_texts(records.texts, criteria)
    return screening.simulate(
        records,
        model=config,
        seeds=seeds,
        criteria=criteria,
        embeddings=vectors,
        criteria_embedding=criteria_vector,
    )


def embed_texts(
    texts: list[str], criteria: str | None
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.float32] | None]:
    """Embeddings of ``texts`` (and of the criteria, without their ``#`` lines), from
    the on-disk cache where present; a progress bar on stderr while embedding."""
    from .. import embed, screening

    model = embed.encoder()
    with embed.EmbeddingCache(model) as cache, _progress.progress_bar() as update:
        vectors = cache.embed(texts, progress=lambda done, todo: update("embedding", done, todo))
        kept = screening.criteria_without_notes(criteria)
        crit = cache.embed([kept])[0] if kept.strip() else None
    return vectors, crit


def _print(result: screening.SimulationResult) -> None:
    click.echo(
        f"{result.path}: {result.records} records, {result.relevant} relevant "
        f"({result.label_column}); model {result.model.name}"
    )
    click.echo(
        f"{'seed':>6} {'prior':>11} {'rec@5%':>7} {'rec@10%':>7} {'rec@25%':>7} "
        f"{'rec@50%':>7} {'WSS@95':>7} {'to 95%':>7} {'to 100%':>7} {'cpu s':>6}"
    )
    for run in result.runs:
        m = run.metrics
        prior = f"{run.prior[0]},{run.prior[1]}"
        click.echo(
            f"{run.seed:>6} {prior:>11} {m.recall_5:>7.2f} {m.recall_10:>7.2f} "
            f"{m.recall_25:>7.2f} {m.recall_50:>7.2f} {m.wss95:>7.1f} "
            f"{m.screened_95:>7} {m.screened_100:>7} {run.cpu_seconds:>6.1f}"
        )
    mean = result.mean()
    click.echo(
        f"{'mean':>6} {'':>11} {mean['recall_5']:>7.2f} {mean['recall_10']:>7.2f} "
        f"{mean['recall_25']:>7.2f} {mean['recall_50']:>7.2f} {mean['wss95']:>7.1f} "
        f"{mean['screened_95']:>7.0f} {mean['screened_100']:>7.0f}"
    )
    click.echo("stopping rules (recall achieved excludes the prior relevant record):")
    for run in result.runs:
        for stop in run.stops:
            click.echo(f"  seed {run.seed}: {stop.summary()}")


def register(group: click.Group) -> None:
    group.add_command(simulate)
