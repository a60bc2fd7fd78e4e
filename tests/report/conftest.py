"""The example review, read once per module, for the figure tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.bundle import read_bundle
from sysreview.model import ReviewData

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "niph-rehab"


@pytest.fixture(scope="module")
def data() -> ReviewData:
    return read_bundle(EXAMPLE)


@pytest.fixture(scope="module")
def labels(data: ReviewData) -> dict[str, str]:
    return {s.id: s.label for s in data.studies}
