"""The screening package's public names: all resolve, nothing heavy loads on import."""

from __future__ import annotations

import subprocess
import sys

import sysreview.screening as screening


def test_every_public_name_resolves() -> None:
    for name in screening.__all__:
        assert getattr(screening, name) is not None, name
    assert sorted(dir(screening)) == sorted(screening.__all__)


def test_importing_the_package_loads_no_numerics() -> None:
    """A sibling module (the screening workflow) is imported by the facade; that must
    not wait for numpy, scipy and scikit-learn."""
    code = (
        "import sys, sysreview.screening; "
        "print(any(m in sys.modules for m in ('numpy', 'scipy', 'sklearn')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.split() == ["False"], result.stderr
