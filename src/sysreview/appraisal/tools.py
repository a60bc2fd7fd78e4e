"""The appraisal tools a review can record judgements with — the risk-of-bias tools
for studies (RoB 1, RoB 2, ROBINS-I) and AMSTAR 2 for listed systematic reviews —
each as its domains in order, their headings, and the judgements a domain can take;
and the overall judgement a subject's domain judgements lead to.

Sources:

* Higgins JPT, Altman DG, Gøtzsche PC, et al.  The Cochrane Collaboration's tool for
  assessing risk of bias in randomised trials (RoB 1).  BMJ 2011;343:d5928.  Domains
  from :mod:`.rob1`, headed A-G as RevMan heads them.
* Sterne JAC, Savović J, Page MJ, et al.  RoB 2: a revised tool for assessing risk of
  bias in randomised trials.  BMJ 2019;366:l4898.  Domains from :mod:`.rob2`, headed
  D1-D5.
* Sterne JAC, Hernán MA, Reeves BC, et al.  ROBINS-I: a tool for assessing risk of
  bias in non-randomised studies of interventions.  BMJ 2016;355:i4919.  Domains
  from :mod:`.robins_i`, headed D1-D7.
* Shea BJ, Reeves BC, Wells G, et al.  AMSTAR 2.  BMJ 2017;358:j4008.  Items from
  :mod:`.amstar2`, headed Q1-Q16 (Q9 and Q11 in two rows each); its "judgements" are
  the checklist's answers, and its overall the confidence in the review's results.

Every risk-of-bias tool also takes ``no_information`` for a domain nobody could judge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ..errors import DataError
from . import amstar2, rob1, rob2, robins_i

OVERALL = "overall"


@dataclass(frozen=True)
class ToolDomain:
    """A domain of an appraisal tool: its code and names in English and bokmål, and
    the judgements it takes when not all of the tool's (AMSTAR 2's items)."""

    code: str
    name_en: str
    name_nb: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tool:
    """An appraisal tool: its domains in order, their headings, the judgements a
    domain can take (best first), and what it appraises: a ``study`` (risk of bias)
    or a listed systematic ``review`` (AMSTAR 2)."""

    code: str
    name_en: str
    name_nb: str
    domains: tuple[ToolDomain, ...]
    headings: tuple[str, ...]
    judgements: tuple[str, ...]
    subject: Literal["study", "review"] = "study"

    def heading(self, domain: str) -> str:
        """The heading of ``domain`` (a code): ``D1``, ``Q9a``."""
        for code, heading in zip((d.code for d in self.domains), self.headings, strict=True):
            if code == domain:
                return heading
        return domain

    def options(self, domain: str) -> tuple[str, ...]:
        """The judgements ``domain`` (a code) takes."""
        for d in self.domains:
            if d.code == domain:
                return d.options or self.judgements
        return self.judgements


TOOLS: dict[str, Tool] = {
    rob1.TOOL: Tool(
        rob1.TOOL,
        "RoB 1",
        "RoB 1",
        tuple(ToolDomain(d.code, d.name_en, d.name_nb) for d in rob1.DOMAINS),
        tuple("ABCDEFG"[: len(rob1.DOMAINS)]),
        (*rob1.JUDGEMENTS, "no_information"),
    ),
    rob2.TOOL: Tool(
        rob2.TOOL,
        "RoB 2",
        "RoB 2",
        tuple(ToolDomain(d.code, d.name_en, d.name_nb) for d in rob2.domains()),
        tuple(d.heading for d in rob2.domains()),
        (*rob2.JUDGEMENTS, "no_information"),
    ),
    robins_i.TOOL: Tool(
        robins_i.TOOL,
        "ROBINS-I",
        "ROBINS-I",
        tuple(ToolDomain(d.code, d.name_en, d.name_nb) for d in robins_i.DOMAINS),
        tuple(f"D{i}" for i in range(1, len(robins_i.DOMAINS) + 1)),
        robins_i.JUDGEMENTS,
    ),
    amstar2.TOOL: Tool(
        amstar2.TOOL,
        "AMSTAR 2",
        "AMSTAR 2",
        tuple(ToolDomain(i.code, i.name_en, i.name_nb, i.answers) for i in amstar2.ITEMS),
        tuple(i.heading for i in amstar2.ITEMS),
        amstar2.ANSWERS,
        subject="review",
    ),
}

#: the tools that judge studies' risk of bias (what the traffic-light figures draw)
ROB_TOOLS: tuple[str, ...] = tuple(t.code for t in TOOLS.values() if t.subject == "study")


def tool(code: str) -> Tool:
    """The tool with ``code`` (``rob1``, ``rob2``, ``robins_i``, ``amstar2``);
    :class:`DataError` for another."""
    found = TOOLS.get(code)
    if found is None:
        raise DataError(f"unknown appraisal tool {code!r}", hint="tools are: " + ", ".join(TOOLS))
    return found


def domain_code(tool: Tool, domain: str) -> str:
    """The tool's code for ``domain``: a code, a heading (``D1``, ``Q9a``, any case) or
    ``overall``.  Raises :class:`DataError` naming the domains for anything else."""
    codes = [d.code for d in tool.domains]
    if domain in codes or domain == OVERALL:
        return domain
    key = domain.strip().lower()
    for code, heading in zip(codes, tool.headings, strict=True):
        if key in (heading.lower(), code.lower()):
            return code
    raise DataError(
        f"{tool.name_en}: unknown domain {domain!r}",
        hint="domains are: " + ", ".join([*codes, OVERALL]),
    )


def derive_overall(tool: str, judgements: Iterable[str | None]) -> str | None:
    """The overall judgement a subject's domain judgements (in the tool's domain
    order) lead to.

    RoB 1: high if any domain is high, else unclear if any is unclear (or has no
    information), else low.  RoB 2: high if any is high, else some concerns if any
    has some concerns, else no information if any has none, else low.  ROBINS-I: the
    worst of low < moderate < serious < critical, except that no information in a
    domain makes the overall no information unless a domain is serious or critical.

    A domain not assessed (``None``) leaves the overall undetermined (``None``) unless
    the judgements present already reach the worst level a missing domain could add
    (high for RoB 1 and RoB 2; critical for ROBINS-I).

    AMSTAR 2: the overall confidence in the review's results (see
    :func:`.amstar2.rate`): high, moderate, low or critically low.
    """
    found = list(judgements)
    if tool == amstar2.TOOL:
        return amstar2.rate(dict(zip(amstar2.ITEM_CODES, found, strict=True))).rating
    known = [j for j in found if j is not None]
    missing = len(known) < len(found)
    if not known:
        return None
    if tool == "robins_i":
        order = ("low", "moderate", "serious", "critical")
        worst = max((order.index(j) for j in known if j in order), default=-1)
        if "critical" in known:
            return "critical"
        if missing:
            return None
        if worst >= order.index("serious"):
            return order[worst]
        if "no_information" in known:
            return "no_information"
        return order[worst]
    if "high" in known:
        return "high"
    if missing:
        return None
    if tool == "rob2":
        if "some_concerns" in known:
            return "some_concerns"
        return "no_information" if "no_information" in known else "low"
    if "unclear" in known or "no_information" in known:
        return "unclear"
    return "low"
