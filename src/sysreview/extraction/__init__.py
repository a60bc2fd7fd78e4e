"""Outcome data extracted by two people, then agreed.

Cochrane asks for outcome data to be extracted by two people independently; the NIPH
review had one extract and a second check.  Both are :class:`~sysreview.model.Extraction`
rows: each person's reading of one outcome-data row.  When the protocol's number of
extractors agree on every value, the row becomes the review's
(:class:`~sysreview.model.OutcomeData`, what the analyses read); when they differ, a
lead settles it.  A study's description (design, countries, participants ...: the
characteristics table) is edited with :func:`describe`.  Pure functions over
``ReviewData``; the facade stores.
"""

from ._studies import DESCRIBED, describe
from ._values import (
    COMPARED,
    NUMBER_FIELDS,
    VALUE_FIELDS,
    consistency_problems,
    doubts,
    label,
    required_problems,
    row_id,
    row_id_of,
)
from ._workflow import (
    ExtractionPosition,
    Tally,
    differences,
    entry,
    positions,
    record,
    settle,
    tally,
    visible,
)

__all__ = [
    "COMPARED",
    "DESCRIBED",
    "NUMBER_FIELDS",
    "VALUE_FIELDS",
    "ExtractionPosition",
    "Tally",
    "consistency_problems",
    "describe",
    "differences",
    "doubts",
    "entry",
    "label",
    "positions",
    "record",
    "required_problems",
    "row_id",
    "row_id_of",
    "settle",
    "tally",
    "visible",
]
