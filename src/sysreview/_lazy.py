"""Public names of a package loaded on first use (PEP 562), so that importing the
package, or a light sibling module, does not bring in numpy, scipy or scikit-learn.

A package names where each public name lives and installs the two hooks::

    _WHERE = {"rate": "_certainty", ...}
    __getattr__, __dir__ = exports(__name__, _WHERE)
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from importlib import import_module
from typing import Any


def exports(
    package: str, where: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module ``__getattr__`` and ``__dir__`` of ``package``."""

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f".{module}", package), name)
        setattr(sys.modules[package], name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(where)

    return __getattr__, __dir__
