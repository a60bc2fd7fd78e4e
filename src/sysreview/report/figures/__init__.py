"""Figures of the report (matplotlib; SVG and PNG): forest and funnel plots,
risk-of-bias traffic lights and summaries, the PRISMA 2020 flow diagram and the
effect-direction plot.  Each figure is a small data model built from the review
(what tests check) and a ``draw`` function (what readers see)."""
