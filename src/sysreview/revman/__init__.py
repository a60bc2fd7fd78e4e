"""RevMan 5 files (``.rm5``), both ways: a review written as RevMan 5 reads it, and a
review kept in RevMan 5 read into sysreview.

    >>> from sysreview import revman
    >>> written = revman.write_rm5(data, "review.rm5")   # written.left_out: what could not be
    >>> read = revman.read_rm5("old-review.rm5")         # read.data, read.warnings
    >>> written = revman.write_table(data, "analyses.csv")  # RevMan's "Data and analyses" CSV
"""

from __future__ import annotations

from ._numbers import RevManFile
from ._read import Rm5Review, read_rm5
from ._table import COLUMNS, analyses_table, write_table
from ._write import rm5, write_rm5

__all__ = [
    "COLUMNS",
    "RevManFile",
    "Rm5Review",
    "analyses_table",
    "read_rm5",
    "rm5",
    "write_rm5",
    "write_table",
]
