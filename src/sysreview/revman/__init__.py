"""RevMan 5 files (``.rm5``), both ways: a review written as RevMan 5 reads it, and a
review kept in RevMan 5 read into sysreview.

    >>> from sysreview import revman
    >>> written = revman.write_rm5(data, "review.rm5")   # written.left_out: what could not be
    >>> read = revman.read_rm5("old-review.rm5")         # read.data, read.warnings
"""

from __future__ import annotations

from ._read import Rm5Review, read_rm5
from ._write import Rm5File, rm5, write_rm5

__all__ = ["Rm5File", "Rm5Review", "read_rm5", "rm5", "write_rm5"]
