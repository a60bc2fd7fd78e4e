"""Risk-of-bias tools as data (domains, judgements) and their algorithms.

* :mod:`.rob1`, :mod:`.rob2`, :mod:`.robins_i`: each tool's domains; RoB 2 also its
  signalling questions, skip logic and algorithms;
* :mod:`.tools`: the three tools side by side, as the report and the workflow use
  them, and the overall judgement derived from a study's domains;
* :mod:`.workflow`: independent judgements by two assessors, then agreed.
"""

from . import rob1, rob2, robins_i, tools, workflow

__all__ = ["rob1", "rob2", "robins_i", "tools", "workflow"]
