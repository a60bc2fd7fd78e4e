"""The shared data folder (``../shared``) beside the repository: tests that read it
skip with the reason when it is absent — except under CI=true, where they fail."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


def require(path: Path, what: str) -> Path:
    """``path`` if it exists; otherwise skip (fail under CI=true) naming ``what``."""
    if not path.exists():
        reason = f"{what} not found at {path}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return path
