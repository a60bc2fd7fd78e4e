"""The Cochrane risk-of-bias tool for randomised trials, version 2 (RoB 2), for
individually randomised, parallel-group trials: its five domains, their signalling
questions, when each question is asked, and the algorithms that propose a domain's
judgement from the answers.

Answers are ``Y`` (yes), ``PY`` (probably yes), ``PN`` (probably no), ``N`` (no),
``NI`` (no information) and ``NA`` (not applicable).  A question whose condition
("If Y/PY to 2.3: ...") does not hold is not asked: it takes no answer or ``NA``.
Only the effect of adhering to intervention lets an asked question be answered
``NA`` (2.3-2.5, "[If applicable:]": the review chose not to address that kind of
deviation), and question 3.2 has no ``NI``.

A domain is judged ``low``, ``some_concerns`` or ``high``; the algorithm's judgement
is a proposal the reviewers may override with a reason.  Domain 2 depends on the
effect of interest (:data:`VARIANTS`): of assignment to intervention (the
intention-to-treat effect) or of adhering to intervention (the per-protocol effect).

Sources
-------
* Higgins JPT, Savović J, Page MJ, Sterne JAC (eds).  Revised Cochrane risk-of-bias
  tool for randomized trials (RoB 2): full guidance document, 22 August 2019
  (riskofbias.info): the signalling questions, their response options and
  conditions, and the decision diagrams ("algorithms") of every domain.
* Sterne JAC, Savović J, Page MJ, et al.  RoB 2: a revised tool for assessing risk
  of bias in randomised trials.  BMJ 2019;366:l4898: the domains, the questions
  (Table 1) and the overall judgement (Table 3).
* The guidance's decision diagrams and tables as transcribed in public
  implementations, read to cross-check every domain: InfinityBowman/corates
  (``ROB2Checklist/scoring/decision-diagrams/*.md`` and its scoring code) and
  Younthing/eagent (``src/rob2/rob2_questions.yaml``, ``decision_rules.py``), and
  the criteria tables reprinted in Syst Rev 2021;10:171, Table 2.  Where they differ
  the guidance's diagram wins: in domain 4 a "no information" answer to 4.2 leads
  to some concerns, never low; 3.2 has no "no information" option; and in domain 2
  (assignment) 2.4 is asked only after Y/PY to 2.3 (after NI the judgement is
  already some concerns).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from ..errors import DataError

TOOL = "rob2"
ANSWERS = ("Y", "PY", "PN", "N", "NI", "NA")
JUDGEMENTS = ("low", "some_concerns", "high")
VARIANTS = ("assignment", "adherence")

_ASKED = ("Y", "PY", "PN", "N", "NI")  # the answers an asked question takes
_YES = ("Y", "PY")
_NO = ("N", "PN")
_NOT_NO = ("Y", "PY", "NI")
_NOT_YES = ("N", "PN", "NI")


@dataclass(frozen=True)
class Condition:
    """When a question is asked: if any (``every`` false) or every one of the listed
    questions was asked and got one of the listed answers.

    ``str()`` gives the guidance's wording, e.g. ``If Y/PY/NI to 2.1 or 2.2``.
    """

    on: tuple[tuple[str, tuple[str, ...]], ...]
    every: bool = False

    def holds(self, asked: Mapping[str, str]) -> bool:
        """Whether the condition holds, given the answers to the questions asked."""
        met = (asked.get(question) in answers for question, answers in self.on)
        return all(met) if self.every else any(met)

    def __str__(self) -> str:
        groups: list[tuple[tuple[str, ...], list[str]]] = []
        for question, answers in self.on:
            if groups and groups[-1][0] == answers:
                groups[-1][1].append(question)
            else:
                groups.append((answers, [question]))
        joiner = " and " if self.every else " or "
        parts = ["/".join(answers) + " to " + joiner.join(ids) for answers, ids in groups]
        return "If " + ("," + joiner).join(parts)


@dataclass(frozen=True)
class Question:
    """A signalling question: its number (``2.4``), its wording, the answers it takes
    when asked, and when it is asked (``None``: always)."""

    id: str
    text: str
    options: tuple[str, ...]
    asked_if: Condition | None = None


@dataclass(frozen=True)
class Domain:
    """A domain of RoB 2: its code (as stored in a review), heading (``D1``-``D5``),
    names in English and bokmål, and signalling questions.  ``variant`` is the
    effect of interest the questions address, for domain 2 only."""

    code: str
    heading: str
    name_en: str
    name_nb: str
    questions: tuple[Question, ...]
    variant: str | None = None


def _if_any(answers: tuple[str, ...], *questions: str) -> Condition:
    return Condition(tuple((q, answers) for q in questions))


_D1 = Domain(
    "randomisation_process",
    "D1",
    "Bias arising from the randomisation process",
    "Skjevhet fra randomiseringsprosessen",
    (
        Question("1.1", "Was the allocation sequence random?", _ASKED),
        Question(
            "1.2",
            "Was the allocation sequence concealed until participants were enrolled and "
            "assigned to interventions?",
            _ASKED,
        ),
        Question(
            "1.3",
            "Did baseline differences between intervention groups suggest a problem with "
            "the randomization process?",
            _ASKED,
        ),
    ),
)

_D2_NAME = (
    "deviations_from_intended_interventions",
    "D2",
    "Bias due to deviations from intended interventions",
    "Skjevhet fra avvik fra de planlagte tiltakene",
)
_AWARE = (
    Question(
        "2.1", "Were participants aware of their assigned intervention during the trial?", _ASKED
    ),
    Question(
        "2.2",
        "Were carers and people delivering the interventions aware of participants' "
        "assigned intervention during the trial?",
        _ASKED,
    ),
)

_D2_ASSIGNMENT = Domain(
    *_D2_NAME,
    (
        *_AWARE,
        Question(
            "2.3",
            "Were there deviations from the intended intervention that arose because of "
            "the trial context?",
            _ASKED,
            _if_any(_NOT_NO, "2.1", "2.2"),
        ),
        Question(
            "2.4",
            "Were these deviations likely to have affected the outcome?",
            _ASKED,
            _if_any(_YES, "2.3"),
        ),
        Question(
            "2.5",
            "Were these deviations from intended intervention balanced between groups?",
            _ASKED,
            _if_any(_NOT_NO, "2.4"),
        ),
        Question(
            "2.6",
            "Was an appropriate analysis used to estimate the effect of assignment to "
            "intervention?",
            _ASKED,
        ),
        Question(
            "2.7",
            "Was there potential for a substantial impact (on the result) of the failure to "
            "analyse participants in the group to which they were randomized?",
            _ASKED,
            _if_any(_NOT_YES, "2.6"),
        ),
    ),
    "assignment",
)

_D2_ADHERENCE = Domain(
    *_D2_NAME,
    (
        *_AWARE,
        Question(
            "2.3",
            "Were important non-protocol interventions balanced across intervention groups?",
            ANSWERS,
            _if_any(_NOT_NO, "2.1", "2.2"),
        ),
        Question(
            "2.4",
            "Were there failures in implementing the intervention that could have affected "
            "the outcome?",
            ANSWERS,
        ),
        Question(
            "2.5",
            "Was there non-adherence to the assigned intervention regimen that could have "
            "affected participants' outcomes?",
            ANSWERS,
        ),
        Question(
            "2.6",
            "Was an appropriate analysis used to estimate the effect of adhering to the "
            "intervention?",
            _ASKED,
            Condition((("2.3", _NOT_YES), ("2.4", _NOT_NO), ("2.5", _NOT_NO))),
        ),
    ),
    "adherence",
)

_D3 = Domain(
    "missing_outcome_data",
    "D3",
    "Bias due to missing outcome data",
    "Skjevhet fra manglende utfallsdata",
    (
        Question(
            "3.1",
            "Were data for this outcome available for all, or nearly all, participants randomized?",
            _ASKED,
        ),
        Question(
            "3.2",
            "Is there evidence that the result was not biased by missing outcome data?",
            ("Y", "PY", "PN", "N"),
            _if_any(_NOT_YES, "3.1"),
        ),
        Question(
            "3.3",
            "Could missingness in the outcome depend on its true value?",
            _ASKED,
            _if_any(_NO, "3.2"),
        ),
        Question(
            "3.4",
            "Is it likely that missingness in the outcome depended on its true value?",
            _ASKED,
            _if_any(_NOT_NO, "3.3"),
        ),
    ),
)

_D4 = Domain(
    "measurement_of_the_outcome",
    "D4",
    "Bias in measurement of the outcome",
    "Skjevhet i målingen av utfallet",
    (
        Question("4.1", "Was the method of measuring the outcome inappropriate?", _ASKED),
        Question(
            "4.2",
            "Could measurement or ascertainment of the outcome have differed between "
            "intervention groups?",
            _ASKED,
        ),
        Question(
            "4.3",
            "Were outcome assessors aware of the intervention received by study participants?",
            _ASKED,
            Condition((("4.1", _NOT_YES), ("4.2", _NOT_YES)), every=True),
        ),
        Question(
            "4.4",
            "Could assessment of the outcome have been influenced by knowledge of "
            "intervention received?",
            _ASKED,
            _if_any(_NOT_NO, "4.3"),
        ),
        Question(
            "4.5",
            "Is it likely that assessment of the outcome was influenced by knowledge of "
            "intervention received?",
            _ASKED,
            _if_any(_NOT_NO, "4.4"),
        ),
    ),
)

_D5 = Domain(
    "selection_of_the_reported_result",
    "D5",
    "Bias in selection of the reported result",
    "Skjevhet i utvalget av det rapporterte resultatet",
    (
        Question(
            "5.1",
            "Were the data that produced this result analysed in accordance with a "
            "pre-specified analysis plan that was finalized before unblinded outcome data "
            "were available for analysis?",
            _ASKED,
        ),
        Question(
            "5.2",
            "Is the numerical result being assessed likely to have been selected, on the "
            "basis of the results, from multiple eligible outcome measurements (e.g. "
            "scales, definitions, time points) within the outcome domain?",
            _ASKED,
        ),
        Question(
            "5.3",
            "Is the numerical result being assessed likely to have been selected, on the "
            "basis of the results, from multiple eligible analyses of the data?",
            _ASKED,
        ),
    ),
)

_DOMAINS = {
    "assignment": (_D1, _D2_ASSIGNMENT, _D3, _D4, _D5),
    "adherence": (_D1, _D2_ADHERENCE, _D3, _D4, _D5),
}


def _variant(variant: str) -> str:
    if variant not in VARIANTS:
        raise DataError(
            f"RoB 2: unknown effect of interest {variant!r}; it is one of: {', '.join(VARIANTS)}"
        )
    return variant


def domains(variant: str = "assignment") -> tuple[Domain, ...]:
    """The five domains, in order, with domain 2's questions for ``variant``
    (``assignment`` or ``adherence``).  Raises :class:`DataError` for another
    variant."""
    return _DOMAINS[_variant(variant)]


def domain(code_or_heading: str, variant: str = "assignment") -> Domain:
    """One domain by its code (``randomisation_process``) or heading (``D1``, any
    case).  Raises :class:`DataError`, naming the domains, for anything else."""
    found = domains(variant)
    key = code_or_heading.strip().lower()
    for d in found:
        if key in (d.code, d.heading.lower()):
            return d
    known = ", ".join(f"{d.heading} ({d.code})" for d in found)
    raise DataError(f"RoB 2: unknown domain {code_or_heading!r}; the domains are {known}")


# --- answers as text ---------------------------------------------------------------

_PIECE = re.compile(r"(\d+\.\d+)=([^\s=]+)")


def _order(question: str) -> tuple[int, ...]:
    return tuple(int(part) for part in question.split("."))


def parse_answers(text: str) -> dict[str, str]:
    """Answers written as ``1.1=Y 1.2=PY 1.3=N`` (separated by spaces, commas or
    semicolons; answers in any case) as ``{"1.1": "Y", ...}``.

    Raises :class:`DataError` naming the piece that is not ``question=answer``, the
    question with an answer that is not one of :data:`ANSWERS`, or the question
    answered twice.  Whether the questions belong to a domain is :func:`check`'s
    business.
    """
    found: dict[str, str] = {}
    for piece in re.split(r"[\s,;]+", re.sub(r"\s*=\s*", "=", text.strip())):
        if not piece:
            continue
        match = _PIECE.fullmatch(piece)
        if match is None:
            raise DataError(
                f"RoB 2 answers: {piece!r} is not question=answer",
                hint="write the answers as 1.1=Y 1.2=PY 1.3=N",
            )
        question, raw = match.groups()
        answer = raw.upper()
        if answer not in ANSWERS:
            raise DataError(
                f"RoB 2 answers: question {question}: {raw!r} is not an answer",
                hint="answers are: " + ", ".join(ANSWERS),
            )
        if question in found:
            raise DataError(
                f"RoB 2 answers: question {question} is answered twice "
                f"({found[question]!r} and {answer!r})"
            )
        found[question] = answer
    return found


def format_answers(answers: Mapping[str, str]) -> str:
    """Answers as text, ``1.1=Y 1.2=PY 1.3=N``, questions in numeric order: what
    :func:`parse_answers` reads back.  Raises :class:`DataError` for a question that
    is not a number like ``1.1`` or an answer not in :data:`ANSWERS`."""
    for question, answer in answers.items():
        if not re.fullmatch(r"\d+\.\d+", question):
            raise DataError(f"RoB 2 answers: {question!r} is not a question number like 1.1")
        if answer not in ANSWERS:
            raise DataError(
                f"RoB 2 answers: question {question}: {answer!r} is not an answer",
                hint="answers are: " + ", ".join(ANSWERS),
            )
    return " ".join(f"{q}={answers[q]}" for q in sorted(answers, key=_order))


# --- skip logic and checks ---------------------------------------------------------


def applicable(domain: Domain, answers: Mapping[str, str]) -> tuple[str, ...]:
    """The questions of ``domain`` that are asked, given the answers so far.

    A question with a condition is asked when the condition holds for the answers to
    the questions asked before it; an answer to a question that is not asked counts
    for nothing (so a stale answer cannot bring a later question back).  A question
    whose condition depends on an unanswered one is not (yet) asked.
    """
    asked: list[str] = []
    given: dict[str, str] = {}
    for question in domain.questions:
        if question.asked_if is None or question.asked_if.holds(given):
            asked.append(question.id)
            if question.id in answers:
                given[question.id] = answers[question.id]
    return tuple(asked)


def check(domain: Domain, answers: Mapping[str, str]) -> None:
    """Raise :class:`DataError` unless ``answers`` answer ``domain`` completely: no
    question from elsewhere, every asked question answered with one of its
    options, and a question not asked left out or answered ``NA``.  The message
    names the question(s) and the offending answer."""
    where = f"RoB 2 {domain.heading}"
    ids = [q.id for q in domain.questions]
    foreign = [q for q in answers if q not in ids]
    if foreign:
        raise DataError(
            f"{where}: question {', '.join(foreign)} is not in this domain",
            hint=f"its questions are {', '.join(ids)}",
        )
    asked = applicable(domain, answers)
    for question in domain.questions:
        answer = answers.get(question.id)
        if answer is None:
            continue
        if question.id in asked:
            if answer not in question.options:
                raise DataError(
                    f"{where}, question {question.id}: {answer!r} is not one of "
                    + "/".join(question.options)
                )
        elif answer != "NA":
            raise DataError(
                f"{where}, question {question.id}: not asked ({question.asked_if}), so it "
                f"takes NA or no answer, not {answer!r}"
            )
    missing = [q for q in asked if q not in answers]
    if missing:
        raise DataError(f"{where}: question {', '.join(missing)} is not answered")


# --- the algorithms ----------------------------------------------------------------


def _worst(*judgements: str) -> str:
    return max(judgements, key=JUDGEMENTS.index)


def _randomisation(a: Mapping[str, str]) -> str:
    if a["1.2"] in _NO:
        return "high"
    if a["1.2"] == "NI":
        return "high" if a["1.3"] in _YES else "some_concerns"
    if a["1.1"] in _NO or a["1.3"] in _YES:
        return "some_concerns"
    return "low"


def _deviations_assignment(a: Mapping[str, str]) -> str:
    # part 1 (2.1-2.5): deviations that arose because of the trial context
    if "2.3" not in a or a["2.3"] in _NO:
        part1 = "low"
    elif a["2.3"] == "NI" or a["2.4"] in _NO or a["2.5"] in _YES:
        part1 = "some_concerns"
    else:
        part1 = "high"
    # part 2 (2.6, 2.7): the analysis
    if a["2.6"] in _YES:
        part2 = "low"
    elif a["2.7"] in _NO:
        part2 = "some_concerns"
    else:
        part2 = "high"
    return _worst(part1, part2)


def _deviations_adherence(a: Mapping[str, str]) -> str:
    if "2.6" not in a:  # no unbalanced non-protocol intervention, failure or non-adherence
        return "low"
    return "some_concerns" if a["2.6"] in _YES else "high"


def _missing_data(a: Mapping[str, str]) -> str:
    if a["3.1"] in _YES or a["3.2"] in _YES or a["3.3"] in _NO:
        return "low"
    return "some_concerns" if a["3.4"] in _NO else "high"


def _measurement(a: Mapping[str, str]) -> str:
    if a["4.1"] in _YES or a["4.2"] in _YES:
        return "high"
    if a["4.3"] in _NO or a["4.4"] in _NO:
        return "some_concerns" if a["4.2"] == "NI" else "low"
    return "some_concerns" if a["4.5"] in _NO else "high"


def _reporting(a: Mapping[str, str]) -> str:
    if a["5.2"] in _YES or a["5.3"] in _YES:
        return "high"
    if "NI" in (a["5.2"], a["5.3"]) or a["5.1"] not in _YES:
        return "some_concerns"
    return "low"


_ALGORITHMS: dict[tuple[str, str | None], Callable[[Mapping[str, str]], str]] = {
    (_D1.code, None): _randomisation,
    (_D2_ASSIGNMENT.code, "assignment"): _deviations_assignment,
    (_D2_ADHERENCE.code, "adherence"): _deviations_adherence,
    (_D3.code, None): _missing_data,
    (_D4.code, None): _measurement,
    (_D5.code, None): _reporting,
}


def propose(domain: Domain, answers: Mapping[str, str]) -> str:
    """The judgement the guidance's algorithm proposes for ``domain`` from the
    answers to its signalling questions: ``low``, ``some_concerns`` or ``high``.

    Raises :class:`DataError` when the answers do not pass :func:`check`.

    Notes
    -----
    D1: high if 1.2 is N/PN, or NI with 1.3 Y/PY; some concerns if 1.2 is NI (1.3
    otherwise), or 1.2 is Y/PY with 1.1 N/PN or 1.3 Y/PY; else low.
    D2, assignment: the worse of part 1 (low without awareness or with 2.3 N/PN;
    some concerns for 2.3 NI, 2.4 N/PN or 2.5 Y/PY; else high) and part 2 (low for
    2.6 Y/PY; some concerns for 2.7 N/PN; else high).
    D2, adherence: low unless 2.6 is asked; then some concerns for 2.6 Y/PY, else high.
    D3: low for 3.1 Y/PY, 3.2 Y/PY or 3.3 N/PN; some concerns for 3.4 N/PN; else high.
    D4: high for 4.1 or 4.2 Y/PY; for 4.3 or 4.4 N/PN low, or some concerns if 4.2
    is NI; some concerns for 4.5 N/PN; else high.
    D5: high if 5.2 or 5.3 is Y/PY; some concerns if either is NI or 5.1 is not
    Y/PY; else low.

    References
    ----------
    Higgins JPT, Savović J, Page MJ, Sterne JAC (eds).  RoB 2 full guidance
    document, 22 August 2019: the algorithm of each domain.
    """
    check(domain, answers)
    algorithm = _ALGORITHMS.get((domain.code, domain.variant))
    if algorithm is None:
        raise DataError(f"RoB 2: no algorithm for domain {domain.code!r}")
    asked = {q: answers[q] for q in applicable(domain, answers)}
    return algorithm(asked)


def overall(judgements: Iterable[str]) -> str:
    """The overall judgement from the five domain judgements: low if all are low,
    high if any is high, otherwise some concerns.

    The guidance lets reviewers judge a result high overall when some concerns in
    several domains together lower confidence substantially; that is their
    override, not the algorithm's.  Raises :class:`DataError` for a judgement not in
    :data:`JUDGEMENTS` or other than five judgements.

    References
    ----------
    Sterne JAC, et al.  BMJ 2019;366:l4898, Table 3.
    """
    found = list(judgements)
    for judgement in found:
        if judgement not in JUDGEMENTS:
            raise DataError(
                f"RoB 2 overall: {judgement!r} is not a domain judgement",
                hint="judgements are: " + ", ".join(JUDGEMENTS),
            )
    if len(found) != len(_DOMAINS["assignment"]):
        raise DataError(f"RoB 2 overall: needs the 5 domain judgements, got {len(found)}")
    if "high" in found:
        return "high"
    return "low" if all(j == "low" for j in found) else "some_concerns"
