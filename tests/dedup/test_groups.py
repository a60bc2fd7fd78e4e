"""Clustering, people's judgements, scoring, and properties over generated records."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.dedup import deduplicate, score
from sysreview.dedup._cluster import Groups

from .conftest import record

TITLE = "Workplace interventions for people with common mental disorders"


def test_a_chain_never_joins_two_records_judged_distinct() -> None:
    groups = Groups(3)
    assert groups.merge(0, 1, lambda x, y: True)
    assert not groups.merge(1, 2, lambda x, y: {x, y} != {0, 2})
    assert groups.find(2) == 2 and groups.find(0) == groups.find(1)


def test_a_page_range_chain_cannot_pull_in_a_different_pmid() -> None:
    a = record("a", title=TITLE, authors=("Nieuwenhuijsen, K.",), year=2014,
               journal="Cochrane Database Syst Rev", pages="1-20", pmid="111")  # fmt: skip
    b = record("b", title=TITLE, authors=("Nieuwenhuijsen, K.",), year=2014,
               journal="Cochrane Database of Systematic Reviews", pages="1-20")  # fmt: skip
    c = record("c", title=TITLE, authors=("Nieuwenhuijsen, K.",), year=2014,
               journal="Cochrane Database Syst Rev", pages="1-20", pmid="222")  # fmt: skip
    groups = deduplicate([a, b, c]).groups
    assert groups["a"] != groups["c"]


def _twins() -> list:  # type: ignore[type-arg]
    base = dict(title=TITLE, authors=("Smith, J.",), year=2020, journal="BMJ", pages="1-9")
    return [record("x", **base), record("y", **base)]


def test_a_persons_distinct_verdict_is_obeyed() -> None:
    x, y = _twins()
    assert deduplicate([x, y]).groups["y"] == "x"
    apart = deduplicate([x, y], judgements=[("x", "y", False)]).groups
    assert apart == {"x": "x", "y": "y"}


def test_a_persons_duplicate_verdict_merges_what_the_tool_would_not() -> None:
    x = record("x", title=TITLE, authors=("Smith, J.",), year=2020)
    z = record("z", title="Something else entirely", authors=("Brown, K.",), year=1999)
    assert deduplicate([x, z]).groups["z"] == "z"
    assert deduplicate([x, z], judgements=[("z", "x", True)]).groups["z"] == "x"


def test_the_root_is_the_preferred_then_most_complete_record() -> None:
    x, _ = _twins()
    fuller = record("y", title=TITLE, authors=("Smith, J.",), year=2020, journal="BMJ",
                    pages="1-9", doi="10.1136/bmj.1")  # fmt: skip
    assert deduplicate([x, fuller]).groups["x"] == "y"
    assert deduplicate([x, fuller], prefer_roots={"x"}).groups["y"] == "x"


def test_repeated_ids_are_refused() -> None:
    x, _ = _twins()
    try:
        deduplicate([x, x])
    except ValueError as exc:
        assert "'x'" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected a ValueError")


def test_score_by_hand() -> None:
    # truth: {a,b,c} one work, {d} another; predicted: {a,b} and {c,d}
    truth = {"a": "w1", "b": "w1", "c": "w1", "d": "w2"}
    predicted = {"a": "a", "b": "a", "c": "c", "d": "c"}
    found = score(predicted, truth)
    # true pairs ab ac bc = 3; predicted ab cd = 2; correct: ab
    assert (found.pair_precision, found.pair_recall) == (0.5, 1 / 3)
    # cluster {a,b}: one work of size 2 -> 1 correct; {c,d}: two works -> 1 false removal
    assert (found.correct_removals, found.false_removals, found.removable) == (1, 1, 2)
    assert found.sensitivity == 0.5 and found.specificity == 0.5


words = st.lists(
    st.sampled_from(["pain", "work", "return", "trial", "sick", "leave", "nurses", "back",
                     "exercise", "cohort", "therapy", "graded", "activity", "mental"]),
    min_size=6, max_size=12,
).map(" ".join)  # fmt: skip


@st.composite
def records(draw: st.DrawFn) -> list:  # type: ignore[type-arg]
    n = draw(st.integers(1, 12))
    out = []
    for i in range(n):
        out.append(
            record(
                f"r{i}",
                title=draw(words),
                authors=(draw(st.sampled_from(["Lie, A.", "Berg, B.", "Dahl C"])),),
                year=draw(st.integers(2000, 2003)),
                journal=draw(st.sampled_from(["BMJ", "Lancet", "Spine", None])),
                pages=draw(st.sampled_from(["1-10", "11-20", None])),
                doi=draw(st.sampled_from([None, "10.1/a", "10.1/b"])),
            )
        )
    return out


@settings(max_examples=150, deadline=None)
@given(records())
def test_exact_copies_always_join_their_original(originals: list) -> None:  # type: ignore[type-arg]
    from dataclasses import replace

    copies = [replace(r, id=r.id + "-copy") for r in originals]
    result = deduplicate([*originals, *copies])
    for r in originals:
        assert result.groups[r.id] == result.groups[r.id + "-copy"]
    for root in set(result.groups.values()):
        assert result.groups[root] == root
