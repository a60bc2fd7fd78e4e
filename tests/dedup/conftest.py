"""The labelled deduplication benchmarks in ``../shared/data/dedup/`` (see its README).
Without that folder these tests skip with the reason; under CI=true they fail."""

from __future__ import annotations

from pathlib import Path

from sysreview.model import Record

from ..shared_data import SHARED, require

DEDUP = SHARED / "data" / "dedup"
SETS = ("asysd_diabetes", "colrev_misq", "rathbone_respiratory")


def benchmark(name: str) -> Path:
    return require(DEDUP / f"{name}.csv", "labelled deduplication set")


def record(rid: str, **fields: object) -> Record:
    """A record as a database would export it; ``authors`` as a tuple of names."""
    return Record(id=rid, search=None, **fields)  # type: ignore[arg-type]
