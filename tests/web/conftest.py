"""A small review for the web app's tests, on SQLite and (marked) PostgreSQL: six
records, the protocol's exclusion reasons and a population to highlight."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sysreview import Review
from sysreview.model import Protocol, Record, replace

REASONS = ("wrong population", "wrong intervention", "not a trial")


@pytest.fixture
def review_dir(tmp_path: Path, db_url: str) -> Iterator[Path]:
    root = tmp_path / "rev"
    with Review.init(root, database=db_url, title="Graded activity review") as review:
        records = tuple(
            Record(
                id=f"r{i}",
                search=None,
                title=f"Trial {i} of graded activity for sick leave",
                abstract=f"Randomised trial {i}: workers on long-term sick leave.",
                authors=("Hansen A", "Olsen B"),
                year=2010 + i,
            )
            for i in range(6)
        )
        protocol = Protocol(population="Workers on sick leave", exclusion_reasons=REASONS)
        review.save(replace(review.data(), records=records, protocol=protocol))
    yield root


@pytest.fixture(autouse=True)
def _close_every_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close each review an app opened: an app closes its review on shutdown, which a
    test client never entered as a context does not run, and a PostgreSQL pool left
    to the garbage collector warns (and fails the run) whenever it happens to go."""
    opened: list[Review] = []
    original = Review.open.__func__  # type: ignore[attr-defined]

    def open_and_keep(cls: type[Review], directory: str | Path, **options: bool) -> Review:
        review: Review = original(cls, directory, **options)
        opened.append(review)
        return review

    monkeypatch.setattr(Review, "open", classmethod(open_and_keep))
    yield
    for review in opened:
        review.close()
