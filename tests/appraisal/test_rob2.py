"""RoB 2's signalling questions, skip logic and algorithms (``sysreview.appraisal.rob2``).

Oracle: the RoB 2 full guidance document (Higgins, Savović, Page, Sterne, 22 August
2019), written out below by hand, not computed by the code under test:

* ``QUESTIONS``: per domain, each signalling question with its response options and
  the condition the guidance prefixes it with ("If Y/PY to 2.3: ..."), copied as the
  guidance words it and read by this file's own small parser;
* ``RULES``: per domain, the rows of the guidance's decision diagram, e.g.
  ``"1.2=N/PN" -> high``.  ``&`` joins conditions, ``or`` gives alternatives, and an
  answer ``-`` means "not asked".

Every combination of answers the skip logic allows is enumerated from ``QUESTIONS``;
each must match exactly one row of ``RULES`` (the rows are exclusive and
exhaustive), and the algorithm must propose that row's judgement.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.appraisal import rob2
from sysreview.appraisal.tools import TOOLS
from sysreview.errors import DataError

NOT_ASKED = "-"
ASKED = "Y/PY/PN/N/NI"
OR_NA = "Y/PY/PN/N/NI/NA"  # "[If applicable:]": NA is an answer when asked

# (question, response options when asked, the guidance's condition or None)
Spec = tuple[str, str, str | None]
QUESTIONS: dict[tuple[str, str], list[Spec]] = {
    ("D1", "assignment"): [("1.1", ASKED, None), ("1.2", ASKED, None), ("1.3", ASKED, None)],
    ("D2", "assignment"): [
        ("2.1", ASKED, None),
        ("2.2", ASKED, None),
        ("2.3", ASKED, "If Y/PY/NI to 2.1 or 2.2"),
        ("2.4", ASKED, "If Y/PY to 2.3"),
        ("2.5", ASKED, "If Y/PY/NI to 2.4"),
        ("2.6", ASKED, None),
        ("2.7", ASKED, "If N/PN/NI to 2.6"),
    ],
    ("D2", "adherence"): [
        ("2.1", ASKED, None),
        ("2.2", ASKED, None),
        ("2.3", OR_NA, "If Y/PY/NI to 2.1 or 2.2"),
        ("2.4", OR_NA, None),
        ("2.5", OR_NA, None),
        ("2.6", ASKED, "If N/PN/NI to 2.3, or Y/PY/NI to 2.4 or 2.5"),
    ],
    ("D3", "assignment"): [
        ("3.1", ASKED, None),
        ("3.2", "Y/PY/PN/N", "If N/PN/NI to 3.1"),  # the one question without NI
        ("3.3", ASKED, "If N/PN to 3.2"),
        ("3.4", ASKED, "If Y/PY/NI to 3.3"),
    ],
    ("D4", "assignment"): [
        ("4.1", ASKED, None),
        ("4.2", ASKED, None),
        ("4.3", ASKED, "If N/PN/NI to 4.1 and 4.2"),
        ("4.4", ASKED, "If Y/PY/NI to 4.3"),
        ("4.5", ASKED, "If Y/PY/NI to 4.4"),
    ],
    ("D5", "assignment"): [("5.1", ASKED, None), ("5.2", ASKED, None), ("5.3", ASKED, None)],
}

LOW, SOME, HIGH = "low", "some_concerns", "high"
AWARE = "2.1=Y/PY/NI or 2.2=Y/PY/NI"
UNAWARE = "2.1=N/PN & 2.2=N/PN"
DEVIATES = "2.4=Y/PY/NI or 2.5=Y/PY/NI"
MISSING = "3.1=N/PN/NI & 3.2=N/PN"
MEASURED = "4.1=N/PN/NI & 4.2=N/PN"
MEASURED_NI = "4.1=N/PN/NI & 4.2=NI"

RULES: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("D1", "assignment"): [
        ("1.2=N/PN", HIGH),
        ("1.2=NI & 1.3=Y/PY", HIGH),
        ("1.2=NI & 1.3=N/PN/NI", SOME),
        ("1.2=Y/PY & 1.1=N/PN", SOME),
        ("1.2=Y/PY & 1.1=Y/PY/NI & 1.3=Y/PY", SOME),
        ("1.2=Y/PY & 1.1=Y/PY/NI & 1.3=N/PN/NI", LOW),
    ],
    ("D2", "adherence"): [
        (f"{UNAWARE} & 2.4=NA/N/PN & 2.5=NA/N/PN", LOW),
        (f"{UNAWARE} & {DEVIATES} & 2.6=Y/PY", SOME),
        (f"{UNAWARE} & {DEVIATES} & 2.6=N/PN/NI", HIGH),
        (f"{AWARE} & 2.3=NA/Y/PY & 2.4=NA/N/PN & 2.5=NA/N/PN", LOW),
        (f"{AWARE} & 2.3=NA/Y/PY & {DEVIATES} & 2.6=Y/PY", SOME),
        (f"{AWARE} & 2.3=NA/Y/PY & {DEVIATES} & 2.6=N/PN/NI", HIGH),
        (f"{AWARE} & 2.3=N/PN/NI & 2.6=Y/PY", SOME),
        (f"{AWARE} & 2.3=N/PN/NI & 2.6=N/PN/NI", HIGH),
    ],
    ("D3", "assignment"): [
        ("3.1=Y/PY", LOW),
        ("3.1=N/PN/NI & 3.2=Y/PY", LOW),
        (f"{MISSING} & 3.3=N/PN", LOW),
        (f"{MISSING} & 3.3=Y/PY/NI & 3.4=N/PN", SOME),
        (f"{MISSING} & 3.3=Y/PY/NI & 3.4=Y/PY/NI", HIGH),
    ],
    ("D4", "assignment"): [
        ("4.1=Y/PY", HIGH),
        ("4.1=N/PN/NI & 4.2=Y/PY", HIGH),
        (f"{MEASURED} & 4.3=N/PN", LOW),
        (f"{MEASURED} & 4.3=Y/PY/NI & 4.4=N/PN", LOW),
        (f"{MEASURED} & 4.3=Y/PY/NI & 4.4=Y/PY/NI & 4.5=N/PN", SOME),
        (f"{MEASURED} & 4.3=Y/PY/NI & 4.4=Y/PY/NI & 4.5=Y/PY/NI", HIGH),
        (f"{MEASURED_NI} & 4.3=N/PN", SOME),
        (f"{MEASURED_NI} & 4.3=Y/PY/NI & 4.4=N/PN", SOME),
        (f"{MEASURED_NI} & 4.3=Y/PY/NI & 4.4=Y/PY/NI & 4.5=N/PN", SOME),
        (f"{MEASURED_NI} & 4.3=Y/PY/NI & 4.4=Y/PY/NI & 4.5=Y/PY/NI", HIGH),
    ],
    ("D5", "assignment"): [
        ("5.2=Y/PY or 5.3=Y/PY", HIGH),
        ("5.2=N/PN/NI & 5.3=N/PN/NI & 5.2=NI or 5.3=NI", SOME),
        ("5.2=N/PN & 5.3=N/PN & 5.1=Y/PY", LOW),
        ("5.2=N/PN & 5.3=N/PN & 5.1=N/PN/NI", SOME),
    ],
}

# domain 2, effect of assignment: two parts, then the domain's criteria
D2_PART_1 = [
    (UNAWARE, LOW),  # 2.3 not asked
    ("2.3=N/PN", LOW),
    ("2.3=NI", SOME),
    ("2.3=Y/PY & 2.4=N/PN", SOME),
    ("2.3=Y/PY & 2.4=Y/PY/NI & 2.5=Y/PY", SOME),
    ("2.3=Y/PY & 2.4=Y/PY/NI & 2.5=N/PN/NI", HIGH),
]
D2_PART_2 = [
    ("2.6=Y/PY", LOW),
    ("2.6=N/PN/NI & 2.7=N/PN", SOME),
    ("2.6=N/PN/NI & 2.7=Y/PY/NI", HIGH),
]


def d2_assignment(part1: str, part2: str) -> str:
    """Low if both parts are low, high if either is high, else some concerns."""
    if HIGH in (part1, part2):
        return HIGH
    return LOW if part1 == part2 == LOW else SOME


# --- this file's readers of the tables above ----------------------------------------


def holds(rule: str, answers: dict[str, str]) -> bool:
    """``"1.2=Y/PY & 1.1=N/PN or 1.3=Y/PY"``: every ``&`` clause has an alternative
    whose question got one of the answers listed (``-``: not asked)."""
    for clause in rule.split(" & "):
        alternatives = [alt.split("=") for alt in clause.split(" or ")]
        if not any(answers.get(q, NOT_ASKED) in allowed.split("/") for q, allowed in alternatives):
            return False
    return True


def asked(condition: str | None, answers: dict[str, str]) -> bool:
    """The guidance's "If Y/PY/NI to 2.1 or 2.2" ("and": all must hold)."""
    if condition is None:
        return True
    every = " and " in condition
    met = []
    for group in condition.removeprefix("If ").split(", or "):
        allowed, targets = group.split(" to ")
        for q in re.split(" or | and ", targets):
            met.append(answers.get(q, NOT_ASKED) in allowed.split("/"))
    return all(met) if every else any(met)


def combinations(specs: list[Spec]) -> Iterator[dict[str, str]]:
    """Every set of answers the skip logic allows, the questions not asked left out."""
    combos: list[dict[str, str]] = [{}]
    for question, options, condition in specs:
        grown: list[dict[str, str]] = []
        for combo in combos:
            if asked(condition, combo):
                grown.extend({**combo, question: o} for o in options.split("/"))
            else:
                grown.append(combo)
        combos = grown
    yield from combos


def expected(key: tuple[str, str], answers: dict[str, str]) -> str:
    def row(rules: list[tuple[str, str]]) -> str:
        matched = [outcome for rule, outcome in rules if holds(rule, answers)]
        assert len(matched) == 1, (answers, matched)
        return matched[0]

    if key == ("D2", "assignment"):
        return d2_assignment(row(D2_PART_1), row(D2_PART_2))
    return row(RULES[key])


# --- the algorithms against the decision diagrams -----------------------------------


@pytest.mark.parametrize("key", list(QUESTIONS), ids=lambda k: "-".join(k))
def test_every_allowed_combination_gets_the_diagrams_judgement(key: tuple[str, str]) -> None:
    heading, variant = key
    domain = rob2.domain(heading, variant)
    specs = QUESTIONS[key]
    all_ids = [q for q, _, _ in specs]
    seen = set()
    n = 0
    for answers in combinations(specs):
        n += 1
        want = expected(key, answers)
        assert rob2.propose(domain, answers) == want, answers
        # the questions asked are exactly those answered
        assert rob2.applicable(domain, answers) == tuple(answers), answers
        # a question not asked may as well be answered NA
        with_na = {q: answers.get(q, "NA") for q in all_ids}
        assert rob2.propose(domain, with_na) == want, with_na
        seen.add(want)
    assert seen == {LOW, SOME, HIGH}
    assert n > 100


def test_the_enumeration_covers_the_space() -> None:
    """Hand counts: D1 5³; D3 2 + 3 × (2 + 2 × (2 + 3 × 5)); D5 5³."""
    count = {k: sum(1 for _ in combinations(v)) for k, v in QUESTIONS.items()}
    assert count[("D1", "assignment")] == 125
    assert count[("D3", "assignment")] == 110
    assert count[("D5", "assignment")] == 125


# --- the questions ------------------------------------------------------------------


@pytest.mark.parametrize("key", list(QUESTIONS), ids=lambda k: "-".join(k))
def test_questions_options_and_conditions_are_the_guidances(key: tuple[str, str]) -> None:
    domain = rob2.domain(*key)
    got = [
        (q.id, set(q.options), None if q.asked_if is None else str(q.asked_if))
        for q in domain.questions
    ]
    want = [(q, set(options.split("/")), condition) for q, options, condition in QUESTIONS[key]]
    assert got == want
    for q in domain.questions:
        assert q.text.endswith("?") and q.id.startswith(key[0][1] + ".")
        assert list(q.options) == [a for a in rob2.ANSWERS if a in q.options]  # in order


def test_domains_keep_the_codes_headings_and_names() -> None:
    for variant in rob2.VARIANTS:
        found = rob2.domains(variant)
        assert [d.heading for d in found] == ["D1", "D2", "D3", "D4", "D5"]
        assert [d.code for d in found] == [d.code for d in TOOLS["rob2"].domains]
    assert [d.name_nb for d in rob2.domains()] == [
        "Skjevhet fra randomiseringsprosessen",
        "Skjevhet fra avvik fra de planlagte tiltakene",
        "Skjevhet fra manglende utfallsdata",
        "Skjevhet i målingen av utfallet",
        "Skjevhet i utvalget av det rapporterte resultatet",
    ]
    assignment, adherence = rob2.domain("D2"), rob2.domain("D2", "adherence")
    assert [q.id for q in assignment.questions][-1] == "2.7"
    assert [q.id for q in adherence.questions][-1] == "2.6"
    assert "adhering" in adherence.questions[-1].text
    assert "assignment" in assignment.questions[5].text
    assert rob2.domains("adherence")[2] is rob2.domains()[2]


def test_domain_by_code_or_heading() -> None:
    d1 = rob2.domain("randomisation_process")
    assert rob2.domain("D1") is d1
    assert rob2.domain(" d1 ") is d1
    assert rob2.domain("missing_outcome_data").heading == "D3"
    with pytest.raises(DataError) as caught:
        rob2.domain("D6")
    message = str(caught.value)
    assert "'D6'" in message
    for d in rob2.domains():
        assert d.heading in message and d.code in message
    with pytest.raises(DataError, match="per_protocol"):
        rob2.domain("D2", "per_protocol")
    with pytest.raises(DataError, match="assignment, adherence"):
        rob2.domains("itt")


# --- skip logic ---------------------------------------------------------------------


def test_skip_logic_follows_the_answers_so_far() -> None:
    d2 = rob2.domain("D2")
    assert rob2.applicable(d2, {}) == ("2.1", "2.2", "2.6")
    assert rob2.applicable(d2, {"2.1": "N", "2.2": "PN"}) == ("2.1", "2.2", "2.6")
    assert rob2.applicable(d2, {"2.1": "N", "2.2": "NI"}) == ("2.1", "2.2", "2.3", "2.6")
    # 2.4 only after Y/PY to 2.3 (NI already means some concerns); 2.5 after Y/PY/NI to 2.4
    assert "2.4" not in rob2.applicable(d2, {"2.1": "Y", "2.3": "NI"})
    assert rob2.applicable(d2, {"2.1": "Y", "2.3": "PY", "2.4": "NI"})[2:5] == ("2.3", "2.4", "2.5")
    assert "2.7" not in rob2.applicable(d2, {"2.6": "PY"})
    assert "2.7" in rob2.applicable(d2, {"2.6": "NI"})

    d3 = rob2.domain("D3")
    assert rob2.applicable(d3, {"3.1": "PY"}) == ("3.1",)
    assert rob2.applicable(d3, {"3.1": "NI"}) == ("3.1", "3.2")
    # a stale answer to a question not asked brings nothing back
    assert rob2.applicable(d3, {"3.1": "Y", "3.2": "N", "3.3": "Y"}) == ("3.1",)

    d4 = rob2.domain("D4")
    assert "4.3" not in rob2.applicable(d4, {"4.1": "N", "4.2": "PY"})
    assert "4.3" in rob2.applicable(d4, {"4.1": "NI", "4.2": "NI"})

    adherence = rob2.domain("D2", "adherence")
    assert rob2.applicable(adherence, {"2.1": "N", "2.2": "N"}) == ("2.1", "2.2", "2.4", "2.5")
    assert "2.6" in rob2.applicable(adherence, {"2.1": "Y", "2.2": "N", "2.3": "NI"})
    assert "2.6" not in rob2.applicable(adherence, {"2.1": "Y", "2.3": "NA", "2.4": "NA"})


def test_check_names_the_question_and_the_answer() -> None:
    d1, d2, d3 = rob2.domain("D1"), rob2.domain("D2"), rob2.domain("D3")
    with pytest.raises(DataError, match=r"D1: question 2\.1 is not in this domain"):
        rob2.check(d1, {"1.1": "Y", "1.2": "Y", "1.3": "N", "2.1": "Y"})
    with pytest.raises(DataError, match=r"question 3\.2: 'NI' is not one of Y/PY/PN/N"):
        rob2.check(d3, {"3.1": "N", "3.2": "NI"})
    with pytest.raises(DataError, match=r"question 1\.1: 'py' is not one of"):
        rob2.check(d1, {"1.1": "py", "1.2": "Y", "1.3": "N"})
    # NA answers a question only when it is not asked (or "[If applicable:]")
    with pytest.raises(DataError, match=r"question 2\.3: 'NA' is not one of"):
        rob2.check(d2, {"2.1": "Y", "2.2": "N", "2.3": "NA", "2.6": "Y"})
    with pytest.raises(
        DataError, match=r"question 2\.3: not asked \(If Y/PY/NI to 2\.1 or 2\.2\)"
    ) as caught:
        rob2.check(d2, {"2.1": "N", "2.2": "N", "2.3": "Y", "2.6": "Y"})
    assert "'Y'" in str(caught.value)
    with pytest.raises(DataError, match=r"D1: question 1\.2, 1\.3 is not answered"):
        rob2.check(d1, {"1.1": "Y"})
    with pytest.raises(DataError, match=r"question 2\.4 is not answered"):
        rob2.propose(d2, {"2.1": "Y", "2.2": "Y", "2.3": "Y", "2.6": "Y"})
    rob2.check(d2, {"2.1": "N", "2.2": "N", "2.3": "NA", "2.4": "NA", "2.6": "Y", "2.7": "NA"})


# --- answers as text ----------------------------------------------------------------


def test_parse_answers() -> None:
    want = {"1.1": "Y", "1.2": "PY", "1.3": "N"}
    assert rob2.parse_answers("1.1=Y, 1.2=PY; 1.3=N") == want
    assert rob2.parse_answers("1.1=Y 1.2=PY 1.3=N") == want
    assert rob2.parse_answers(" 1.1 = y\n1.2=py ;1.3=n ") == want
    assert rob2.parse_answers("2.10=na") == {"2.10": "NA"}
    assert rob2.parse_answers("") == {}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("1.1=Y 1.2", "'1.2' is not question=answer"),
        ("1.1Y", "'1.1Y' is not question=answer"),
        ("D1.1=Y", "'D1.1=Y' is not question=answer"),
        ("1.1=Y=N", "'1.1=Y=N' is not question=answer"),
        ("1.1=X", "question 1.1: 'X' is not an answer"),
        ("1.1=N/A", "question 1.1: 'N/A' is not an answer"),
        ("1.1=Y 1.1=n", "question 1.1 is answered twice ('Y' and 'N')"),
    ],
)
def test_parse_answers_names_the_bad_piece(text: str, named: str) -> None:
    with pytest.raises(DataError) as caught:
        rob2.parse_answers(text)
    assert named in str(caught.value)


def test_format_answers_in_numeric_order() -> None:
    assert rob2.format_answers({"2.10": "Y", "2.9": "NA", "1.1": "PN"}) == "1.1=PN 2.9=NA 2.10=Y"
    assert rob2.format_answers({}) == ""
    with pytest.raises(DataError, match="'py' is not an answer"):
        rob2.format_answers({"1.1": "py"})
    with pytest.raises(DataError, match="'q1' is not a question number"):
        rob2.format_answers({"q1": "Y"})


question_ids = st.builds(lambda d, q: f"{d}.{q}", st.integers(1, 9), st.integers(1, 20))
answer_sets = st.dictionaries(question_ids, st.sampled_from(rob2.ANSWERS), max_size=12)


@settings(max_examples=150, deadline=None)
@given(answer_sets)
def test_format_then_parse_round_trips(answers: dict[str, str]) -> None:
    text = rob2.format_answers(answers)
    assert rob2.parse_answers(text) == answers
    assert rob2.format_answers(rob2.parse_answers(text)) == text


@settings(max_examples=150, deadline=None)
@given(answer_sets, st.lists(st.sampled_from([" ", ", ", ";", " ; ", "\n"]), min_size=12))
def test_parse_reads_any_separators_and_case(answers: dict[str, str], seps: list[str]) -> None:
    pieces = [f"{q}={a.lower() if i % 2 else a}" for i, (q, a) in enumerate(answers.items())]
    text = "".join(p + s for p, s in zip(pieces, seps, strict=False))
    assert rob2.parse_answers(text) == answers


# --- overall ------------------------------------------------------------------------


def test_overall() -> None:
    assert rob2.overall([LOW] * 5) == LOW
    assert rob2.overall([LOW, SOME, LOW, LOW, LOW]) == SOME
    # several some-concerns stay some concerns: raising them is the reviewers' call
    assert rob2.overall([SOME] * 5) == SOME
    assert rob2.overall(iter([LOW, LOW, HIGH, SOME, LOW])) == HIGH
    with pytest.raises(DataError, match="'unclear' is not a domain judgement"):
        rob2.overall([LOW, LOW, "unclear", LOW, LOW])
    with pytest.raises(DataError, match="needs the 5 domain judgements, got 4"):
        rob2.overall([LOW] * 4)
