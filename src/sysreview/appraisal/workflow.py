"""Risk of bias assessed as Cochrane asks: independently by two assessors, then agreed.

The same holds for the appraisal of listed systematic reviews with AMSTAR 2, whose
answers (:class:`~sysreview.model.ReviewAppraisal`) key on the review instead of a
study; "study" below means either subject.

Each study × tool × domain (× outcome) needs ``required`` independent judgements (the
protocol's ``screening_reviewers``, two by default).  When they all agree, that
judgement becomes the review's (a consensus row, written at once); when they
disagree, the key is a conflict the team settles (:func:`agree`).  Until an assessor
has judged a key, they see nobody else's judgement on it (:func:`visible`); once a
consensus stands, individual judgements on it can no longer change (the team changes
the consensus instead).  With RoB 2's signalling questions answered, the judgement
is the algorithm's unless the assessor gives a reason to depart from it.

Pure functions over ``ReviewData.risk_of_bias``; the facade stores.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Literal, TypeVar

from ..errors import SysreviewError, WorkflowError
from ..model import ReviewAppraisal, RobAssessment
from . import rob2
from .tools import TOOLS, domain_code, tool

Key = tuple[str, str, str, str | None]
State = Literal["awaiting", "conflict", "settled"]
#: a judgement of a study's risk of bias, or an answer appraising a listed review
J = TypeVar("J", bound=RobAssessment | ReviewAppraisal)


@dataclass(frozen=True)
class RobPosition:
    """Where one study × tool × domain (× outcome) stands (``study`` is the listed
    review's id for AMSTAR 2)."""

    study: str
    tool: str
    domain: str
    outcome: str | None
    state: State
    #: the consensus judgement, once settled
    judgement: str | None
    #: who has judged it independently, in order
    assessors: tuple[str, ...]


def key_of(a: RobAssessment | ReviewAppraisal) -> Key:
    return (a.study, a.tool, a.domain, a.outcome)


def assessment(
    *,
    study: str,
    tool_code: str,
    domain: str,
    judgement: str | None,
    assessor: str | None,
    consensus: bool,
    support: str | None = None,
    outcome: str | None = None,
    answers: str | None = None,
    variant: str | None = None,
    assessed_at: str | None = None,
) -> RobAssessment | ReviewAppraisal:
    """One judgement, checked against its tool: the domain (code or heading such as
    ``D1``) and judgement must be the tool's; RoB 2's answers must fit its signalling
    questions, and a judgement other than the algorithm's needs ``support`` saying
    why.  Without a judgement, the algorithm's is taken.  For a tool that appraises
    listed reviews (AMSTAR 2), ``study`` is the review and the result a
    :class:`ReviewAppraisal`."""
    spec = tool(tool_code)
    code = domain_code(spec, domain)
    if spec.subject == "review" and (outcome or answers or variant):
        raise WorkflowError(
            f"{spec.name_en} appraises a whole review: no outcome, signalling answers or variant"
        )
    if code == "overall":
        raise WorkflowError(
            "the overall judgement follows from the domains; judge the domains",
            hint="domains: " + ", ".join(d.code for d in spec.domains),
        )
    _variant(tool_code, variant)
    if answers is not None:
        answers, proposed = _proposal(tool_code, code, answers, variant)
        if judgement is None:
            judgement = proposed
        elif judgement != proposed and not (support or "").strip():
            raise WorkflowError(
                _departs(proposed, judgement), hint="say why in the support text (--support)"
            )
    if judgement is None:
        raise WorkflowError(
            "a judgement is needed"
            + (" (or RoB 2's signalling answers)" if tool_code == rob2.TOOL else ""),
            hint="judgements: " + ", ".join(spec.judgements),
        )
    options = spec.options(code)
    if judgement not in options:
        raise WorkflowError(
            f"{spec.name_en}: judgement {judgement!r} is not one the tool uses"
            + ("" if options == spec.judgements else f" for {spec.heading(code)}"),
            hint="judgements: " + ", ".join(options),
        )
    if not consensus and not (assessor or "").strip():
        raise WorkflowError("an independent judgement needs the assessor's name")
    if spec.subject == "review":
        return ReviewAppraisal(
            review=study,
            tool=tool_code,
            domain=code,
            judgement=judgement,  # type: ignore[arg-type]
            support=support or None,
            assessor=assessor or None,
            consensus=consensus,
            assessed_at=assessed_at,
        )
    return RobAssessment(
        study=study,
        tool=tool_code,
        domain=code,
        judgement=judgement,  # type: ignore[arg-type]
        support=support or None,
        outcome=outcome,
        assessor=assessor or None,
        consensus=consensus,
        answers=answers,
        variant=variant,
        assessed_at=assessed_at,
    )


def problem(a: RobAssessment | ReviewAppraisal) -> tuple[str, str] | None:
    """What is wrong with a stored judgement that carries RoB 2 answers or a variant,
    or with a stored appraisal of a listed review, as (field, message); what
    :func:`assessment` would have refused."""
    if isinstance(a, ReviewAppraisal):
        return _appraisal_problem(a)
    if a.tool in TOOLS and TOOLS[a.tool].subject == "review":
        return "tool", f"{TOOLS[a.tool].name_en} appraises listed reviews: review_appraisals"
    if a.answers is None and a.variant is None:
        return None
    try:
        _variant(a.tool, a.variant)
    except SysreviewError as error:
        return "variant", str(error)
    if a.answers is None:
        return None
    try:
        _, proposed = _proposal(a.tool, a.domain, a.answers, a.variant)
    except SysreviewError as error:
        return "answers", str(error)
    if a.judgement != proposed and not (a.support or "").strip():
        return "judgement", _departs(proposed, a.judgement)
    return None


def _appraisal_problem(a: ReviewAppraisal) -> tuple[str, str] | None:
    try:
        spec = tool(a.tool)
    except SysreviewError as error:
        return "tool", str(error)
    if spec.subject != "review":
        return "tool", f"{spec.name_en} judges studies; its judgements go in risk_of_bias"
    if a.domain not in {d.code for d in spec.domains}:
        return "domain", f"{spec.name_en}: unknown item {a.domain!r}"
    options = spec.options(a.domain)
    if a.judgement not in options:
        return "judgement", f"{spec.name_en} {spec.heading(a.domain)} takes " + ", ".join(options)
    return None


def _variant(tool_code: str, variant: str | None) -> None:
    if variant is not None and (tool_code != rob2.TOOL or variant not in rob2.VARIANTS):
        raise WorkflowError(
            f"variant {variant!r}: only RoB 2 has one, " + " or ".join(rob2.VARIANTS)
        )


def _proposal(tool_code: str, domain: str, answers: str, variant: str | None) -> tuple[str, str]:
    """RoB 2's answers in canonical form, and the judgement its algorithm gives them."""
    if tool_code != rob2.TOOL:
        raise WorkflowError(f"{tool(tool_code).name_en} has no signalling questions to answer")
    parsed = rob2.parse_answers(answers)
    proposed = rob2.propose(rob2.domain(domain, variant or "assignment"), parsed)
    return rob2.format_answers(parsed), proposed


def _departs(proposed: str, judgement: str | None) -> str:
    return (
        f"the RoB 2 algorithm proposes {proposed!r} for these answers; "
        f"judging {judgement!r} instead needs a reason"
    )


def _grouped(assessments: Iterable[J]) -> dict[Key, list[J]]:
    by_key: dict[Key, list[J]] = {}
    for a in assessments:
        by_key.setdefault(key_of(a), []).append(a)
    return by_key


def position(items: Sequence[J]) -> RobPosition:
    """Where the judgements ``items`` on one key leave it."""
    study, tool_code, domain, outcome = key_of(items[0])
    individual = [a for a in items if not a.consensus]
    agreed = [a for a in items if a.consensus]
    assessors = tuple(dict.fromkeys(a.assessor or "" for a in individual))
    if agreed:
        state: State = "settled"
        judgement: str | None = agreed[-1].judgement
    elif len(individual) >= 2 and len({a.judgement for a in individual}) > 1:
        state, judgement = "conflict", None
    else:
        state, judgement = "awaiting", None
    return RobPosition(study, tool_code, domain, outcome, state, judgement, assessors)


def positions(assessments: Iterable[J]) -> list[RobPosition]:
    """Every key judged by anyone, in the order first judged."""
    return [position(items) for items in _grouped(assessments).values()]


def conflicts(assessments: Iterable[J]) -> list[tuple[RobPosition, tuple[J, ...]]]:
    """The keys whose assessors disagree, each with its independent judgements (what
    the team sees to settle it)."""
    out = []
    for items in _grouped(assessments).values():
        where = position(items)
        if where.state == "conflict":
            out.append((where, tuple(a for a in items if not a.consensus)))
    return out


def record(assessments: Sequence[J], new: J, required: int) -> tuple[J, ...]:
    """The assessments with ``new`` (one assessor's independent judgement) in place
    of that assessor's earlier one on the key; when ``required`` assessors then agree,
    their judgement becomes the consensus."""
    if new.consensus:
        raise WorkflowError("record() takes an independent judgement; agree() a consensus")
    key = key_of(new)
    same_key = [a for a in assessments if key_of(a) == key]
    if any(a.consensus for a in same_key):
        raise WorkflowError(
            f"{_describe(key)}: a consensus judgement stands; "
            "independent judgements on it can no longer change",
            hint="the team changes the consensus (sysreview rob agree)",
        )
    out = (*(a for a in assessments if not (key_of(a) == key and a.assessor == new.assessor)), new)
    individual = [a for a in out if key_of(a) == key and not a.consensus]
    judgements = {a.judgement for a in individual}
    if len(individual) >= required and len(judgements) == 1:
        supports = dict.fromkeys(a.support for a in individual if a.support)
        agreed = replace(
            new, assessor=None, consensus=True, support=" / ".join(s for s in supports) or None
        )
        if isinstance(agreed, RobAssessment):
            answers = {a.answers for a in individual if isinstance(a, RobAssessment)}
            agreed = replace(agreed, answers=answers.pop() if len(answers) == 1 else None)
        out = (*out, agreed)
    return out


def agree(assessments: Sequence[J], new: J) -> tuple[J, ...]:
    """The assessments with ``new`` as the consensus on its key (replacing an
    earlier consensus; the independent judgements stay, for the record).  Refused
    where there is nothing to settle: a key nobody has judged, or one still awaiting
    its assessors without a conflict (dual assessment is not bypassed)."""
    if not new.consensus:
        raise WorkflowError("agree() takes a consensus judgement")
    key = key_of(new)
    same_key = [a for a in assessments if key_of(a) == key]
    if not same_key or position(same_key).state == "awaiting":
        judged = len({a.assessor for a in same_key})
        raise WorkflowError(
            f"{_describe(key)}: nothing to settle yet ({judged} independent judgement"
            f"{'' if judged == 1 else 's'}, no conflict)",
            hint="the assessors judge it first (sysreview rob assess); a consensus "
            "settles their conflict or changes an earlier consensus",
        )
    return (*(a for a in assessments if not (key_of(a) == key and a.consensus)), new)


def add(assessments: Sequence[J], new: J, required: int) -> tuple[J, ...]:
    """``new`` logged: :func:`agree` for a consensus, :func:`record` for one
    assessor's judgement."""
    return agree(assessments, new) if new.consensus else record(assessments, new, required)


def visible(assessments: Iterable[J], assessor: str) -> list[J]:
    """What ``assessor`` may see: consensus judgements, their own, and others' on the
    keys they have judged themselves (blinding until then)."""
    items = list(assessments)
    judged = {key_of(a) for a in items if not a.consensus and a.assessor == assessor}
    settled = {key_of(a) for a in items if a.consensus}
    return [
        a for a in items if a.consensus or a.assessor == assessor or key_of(a) in judged | settled
    ]


def _describe(key: Key) -> str:
    study, tool_code, domain, outcome = key
    return f"{study} · {tool_code} · {domain}" + (f" · {outcome}" if outcome else "")
