"""Each trap the issue names, and each normalisation, on hand-made records."""

from __future__ import annotations

import pytest

from sysreview.dedup import Verdict, deduplicate
from sysreview.dedup._compare import compare, journal_match
from sysreview.dedup._keys import canonical_doi, journal_words, keys, surnames, title_numbers
from sysreview.model import Record, replace

from .conftest import record

TITLE = "Effect of graded activity on return to work after long-term sick leave"
AUTHORS = ("Andersen, L. L.", "Jensen, C.")


def article(rid: str, **changes: object) -> Record:
    fields: dict[str, object] = dict(
        title=TITLE,
        authors=AUTHORS,
        year=2012,
        journal="Scandinavian Journal of Work",
        volume="38",
        issue="2",
        pages="120-128",
        doi="10.5271/sjweh.3264",
    )
    fields.update(changes)
    return record(rid, **fields)


def verdict(a: Record, b: Record) -> Verdict:
    return compare(keys(0, a), keys(1, b)).verdict


def same_group(*records: Record) -> bool:
    groups = deduplicate(records).groups
    return len({groups[r.id] for r in records}) == 1


# --- normalisation -------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "10.1016/S0025-7753(17)30624-3",
        "10.1016/s0025-7753%2817%2930624-3",
        "10.1016/S0025-7753(17)30624-3/",
    ],
)
def test_doi_forms_agree(raw: str) -> None:
    assert canonical_doi(raw) == "10.1016/s0025-7753(17)30624-3"


@pytest.mark.parametrize(
    ("authors", "expected"),
    [
        (("Curley S.Bruen R.O'Reilly M.",), ("curley", "bruen", "oreilly")),
        (("Smith JA", "Jones B"), ("smith", "jones")),
        (("Smith, John A.", "Müller, K."), ("smith", "muller")),
        (("McKinney Jr., Earl H.",), ("mckinney",)),
        (("John Smith",), ("smith",)),
    ],
)
def test_surnames_from_every_author_form(
    authors: tuple[str, ...], expected: tuple[str, ...]
) -> None:
    assert surnames(authors) == expected


@pytest.mark.parametrize(
    ("a", "b", "match"),
    [
        ("Int J Oncol", "International Journal of Oncology", True),
        ("Jthoraccardiovascsurg", "The Journal of Thoracic & Cardiovascular Surgery", True),
        ("Dtsch-Med-Wochenschr", "Deutsche medizinische Wochenschrift (1946)", True),
        ("PLoS ONE [Electronic Resource]", "PLoS ONE", True),
        ("Diabetes Care", "Diabetologia", False),
        ("Chest", "Cancer", False),
    ],
)
def test_journal_abbreviations(a: str, b: str, match: bool) -> None:
    assert journal_match(journal_words(a), journal_words(b)) is match


def test_numbers_in_titles_roman_as_digits() -> None:
    assert title_numbers("type ii diabetes phase i trial") == ("1", "2")
    assert title_numbers("can i return to work") == ()
    assert title_numbers("part 2 part 2") == ("2", "2")


# --- what is one reference ---------------------------------------------------------


def test_the_same_article_from_two_databases_is_one_reference() -> None:
    medline = article("m", title=TITLE + ".", authors=("Andersen LL", "Jensen C"), doi=None)
    embase = article("e", title=TITLE.upper(), journal="Scand J Work", pages="120-8")
    assert verdict(medline, embase) is Verdict.DUPLICATE
    assert same_group(medline, embase)


def test_epub_and_print_years_one_apart_merge_two_apart_do_not() -> None:
    assert verdict(article("a"), article("b", year=2013)) is Verdict.DUPLICATE
    other_volume = article("c", year=2014, volume="40", doi=None)
    assert verdict(article("a", doi=None), other_volume) is not Verdict.DUPLICATE


def test_a_truncated_title_counts_as_the_same_title() -> None:
    long_title = TITLE + " in a randomised controlled trial with two years of follow-up"
    truncated = article("t", title=long_title[:100], doi=None)
    assert verdict(article("f", title=long_title), truncated) is Verdict.DUPLICATE


def test_a_translated_title_merges_only_on_author_volume_and_page_range() -> None:
    translated = article("n", title="[Gradert aktivitet og retur til arbeid]", doi=None)
    assert verdict(article("e", doi=None), translated) is Verdict.DUPLICATE
    one_page = article("p", title="[Gradert aktivitet og retur til arbeid]", doi=None, pages="120")
    assert verdict(article("e", doi=None, pages="120"), one_page) is Verdict.DISTINCT


def test_a_translated_title_without_author_merges_on_journal_volume_and_page_range() -> None:
    # Rathbone's Toomes 1984: one database lost the author; the journal stands in for it
    english = article("e", doi=None, authors=())
    original = article("n", title="[Gradert aktivitet og retur til arbeid]", doi=None)
    assert verdict(english, original) is Verdict.DUPLICATE
    elsewhere = article(
        "o",
        title="[Gradert aktivitet og retur til arbeid]",
        doi=None,
        journal="Tidsskr Nor Laegeforen",
    )
    assert verdict(english, elsewhere) is Verdict.DISTINCT


def test_versions_of_one_cochrane_review_are_one_reference() -> None:
    title = "Treatment for POEMS syndrome"
    v2008 = article(
        "a",
        title=title,
        year=2008,
        journal="Cochrane Database Syst Rev",
        volume=None,
        pages="CD006828",
        doi=None,
    )
    v2012 = article(
        "b",
        title=title,
        year=2012,
        journal="Cochrane Database Syst Rev",
        volume="6",
        pages=None,
        doi="10.1002/14651858.CD006828.pub3",
    )
    assert keys(0, v2012).review_number == "CD006828"
    assert verdict(v2008, v2012) is Verdict.DUPLICATE
    another = article(
        "c",
        title=title,
        year=2012,
        journal="Cochrane Database Syst Rev",
        pages="CD009999",
        doi=None,
    )
    assert verdict(v2008, another) is not Verdict.DUPLICATE


def test_a_supplement_doi_shared_by_different_abstracts_joins_nothing() -> None:
    doi = "10.1093/eurheartj/ehx502"
    place = dict(doi=doi, journal="European Heart Journal", volume="38", issue="Suppl 1")
    first = article(
        "1", title="Exercise capacity after cardiac rehabilitation", pages="893", **place
    )
    second = article("2", title="Sick leave among nurses with chronic pain", pages="894", **place)
    assert verdict(first, second) is Verdict.UNCERTAIN  # same authors: a person looks
    assert not same_group(first, second)
    stranger = replace(second, id="3", authors=("Olsen, K.",))
    assert verdict(first, stranger) is Verdict.DISTINCT


def test_a_title_whose_subtitle_was_dropped_needs_the_same_author_and_place() -> None:
    full = "Inhibition of DPP-4 activity: role of non-GLP-1-mediated cardioprotection after MI"
    short = "Inhibition of DPP-4 activity"
    place = dict(journal="Cardiovasc Diabetol", volume="13", pages="69-78", doi=None)
    assert verdict(article("f", title=full, **place), article("s", title=short, **place)) is (
        Verdict.DUPLICATE
    )
    by_doi = dict(journal="Cardiovasc Diabetol", volume="13", pages=None, doi="10.1186/x69")
    assert verdict(article("f", title=full, **by_doi), article("s", title=short, **by_doi)) is (
        Verdict.DUPLICATE
    )
    other_author = article("o", title=short, authors=("Brown, P.",), **place)
    assert verdict(article("f", title=full, **place), other_author) is Verdict.DISTINCT
    elsewhere = article("e", title=short, volume="14", pages="1-9", doi=None)
    assert verdict(article("f", title=full, **place), elsewhere) is Verdict.DISTINCT
    # a supplement's abstracts share pages and DOIs: a person looks
    supplement = dict(place, issue="Suppl 1", pages="S69")
    cut = article("s", title=short, **supplement)
    assert verdict(article("f", title=full, **supplement), cut) is Verdict.UNCERTAIN
    # no authors on one side (and an epub year): the journal and the page range stand in
    anonymous = article("a", title=short, authors=(), year=2013, **place)
    assert verdict(article("f", title=full, **place), anonymous) is Verdict.DUPLICATE
    unplaced = article("u", title=short, authors=(), year=2013, **dict(place, pages="69"))
    assert verdict(article("f", title=full, **place), unplaced) is Verdict.DISTINCT


def test_an_editorial_marker_before_a_title_of_its_own_is_not_generic() -> None:
    title = "Editor's Comments: Turning the Corner: the influence of positive thinking on IS"
    print_ = article("p", title=title, authors=(), year=2014, issue="1", pages="iii-vi", doi=None)
    online = article("o", title=title, authors=(), year=2015, issue="1", pages="iii-vi", doi=None)
    assert not keys(0, print_).generic
    assert verdict(print_, online) is Verdict.DUPLICATE
    recurring = dict(authors=(), journal="MIS Quarterly", pages=None, doi=None)
    remarks = "Remarks from the incoming MIS Quarterly editor"
    assert keys(0, article("r", title=remarks, **recurring)).generic
    one = article("1", title=remarks, issue="1", **recurring)
    two = article("2", title=remarks, issue="2", **recurring)
    assert verdict(one, two) is Verdict.DISTINCT


@pytest.mark.parametrize("title", ["Front Matter", "Editorial", "Erratum", "Editor's Comments"])
def test_generic_titles_in_different_issues_stay_apart(title: str) -> None:
    one = article("1", title=title, authors=(), issue="1", pages=None, doi=None)
    two = article("2", title=title, authors=(), issue="2", pages=None, doi=None)
    assert verdict(one, two) is Verdict.DISTINCT
    same_issue = article("3", title=title, authors=(), issue="1", pages=None, doi=None)
    assert verdict(one, same_issue) is Verdict.DUPLICATE


def test_a_conference_abstract_and_the_article_are_different_works() -> None:
    abstract = article(
        "a",
        journal="Occupational and Environmental Medicine",
        volume="68",
        issue="Suppl 1",
        pages="A45",
        doi=None,
        year=2011,
    )
    paper = article(
        "p",
        journal="Occupational and Environmental Medicine",
        volume="69",
        issue="3",
        pages="180-186",
        doi=None,
        year=2012,
    )
    assert verdict(abstract, paper) is Verdict.DISTINCT


def test_an_erratum_is_not_its_article() -> None:
    erratum = article("x", title="Erratum: " + TITLE, doi="10.5271/sjweh.3300", pages="300")
    assert verdict(article("a"), erratum) is Verdict.DISTINCT


def test_numbered_parts_and_trials_are_different_works() -> None:
    one = article("1", title="FOCUS 1: a phase III trial of ceftaroline", doi=None, pages="19-32")
    two = article("2", title="FOCUS 2: a phase III trial of ceftaroline", doi=None, pages="33-44")
    assert verdict(one, two) is Verdict.DISTINCT
    repeated = article("5", title="ASCO 2009 solid tumours: part 2: Part 1", doi=None)
    other = article("6", title="ASCO 2009 solid tumours: part 2: Part 2", doi=None)
    assert verdict(repeated, other) is Verdict.DISTINCT
    spaced = article("7", title="Integrin (alpha)v(beta)3 in phase 2", doi=None)
    kept = article("8", title="Integrin alphavbeta3 in phase 2", doi=None)
    assert verdict(spaced, kept) is Verdict.DUPLICATE  # the 3 inside a word counts
    dropped = article("9", title="Integrin alphavbeta in phase 2", doi=None)
    assert verdict(dropped, kept) is Verdict.DUPLICATE  # one source lost the 3
    arm = "Weekly versus standard docetaxel plus doxorubicin ({}) in metastatic breast cancer"
    d4 = article("d4", title=arm.format("D4"), doi=None, pages=None)
    d2 = article("d2", title=arm.format("D2"), doi=None, pages=None)
    assert verdict(d4, d2) is Verdict.DISTINCT
    combined = "trial of ixabepilone and dasatinib for metastatic breast cancer"
    phase2 = article("p2", title=f"Phase II {combined}", doi=None, pages=None)
    phase12 = article("p12", title=f"Phase I/II {combined}", doi=None, pages=None)
    assert title_numbers("phase i ii trial") == ("1-2",)
    assert verdict(phase2, phase12) is Verdict.DISTINCT
    assert verdict(
        phase12, article("p1-2", title=f"Phase 1/2 {combined}", doi=None, pages=None)
    ) is (Verdict.DUPLICATE)
    part1 = article("3", title="Evaluating systems - Part I", doi=None)
    part2 = article("4", title="Evaluating systems - Part II", doi=None)
    assert verdict(part1, part2) is Verdict.DISTINCT


def test_numbers_in_unrelated_titles_on_a_supplement_doi_ask_no_one() -> None:
    place = dict(doi="10.1002/dmrr.2604", journal="Diabetes Metab Res Rev", issue="Suppl 3")
    one = article("1", title="Cardiac effects of SGLT1 inhibition after MI", pages="51", **place)
    two = article(
        "2",
        title="Exenatide and carotid intima-media in type 2 diabetes",
        pages="52",
        authors=("Chen R",),
        **place,
    )
    assert compare(keys(0, one), keys(1, two)).verdict is Verdict.DISTINCT


def test_different_pmids_are_different_records() -> None:
    assert verdict(article("a", pmid="123"), article("b", pmid="456")) is Verdict.DISTINCT


def test_different_authors_on_one_title_wait_for_a_person() -> None:
    other = article("o", authors=("Brown, P.", "Green, Q."), doi=None)
    assert verdict(article("a", doi=None), other) is Verdict.UNCERTAIN
    result = deduplicate([article("a", doi=None), other])
    assert [(p.a, p.b) for p in result.uncertain] == [("a", "o")]
