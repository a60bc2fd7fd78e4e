"""SWiM vote counting by direction of effect (``sysreview.grade._swim``).

Oracles: the example review's Tabell 17 (``examples/niph-rehab/trends.yaml``), counted
by hand below, and checked against every count the review's text states; the sign
test against ``scipy.stats.binomtest``; the Wilson interval against a hand computation
(3 of 4: 0.3006 to 0.9544), the textbook/statsmodels formula and scipy's
``BinomTestResult.proportion_ci``; Clopper-Pearson against R's ``binom.test``.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml
from scipy import stats

from sysreview import model
from sysreview.errors import DataError
from sysreview.grade._swim import (
    EffectDirectionPlot,
    StudyDirection,
    VoteCount,
    directions,
    effect_direction_plot,
    proportion_ci,
    sign_test,
    vote_count,
)

TRENDS = Path(__file__).resolve().parents[2] / "examples" / "niph-rehab" / "trends.yaml"

TR_UC = "TR vs. vanlig praksis"
TR_OTHER = "TR vs. annet tiltak"
AKT_UC = "AKT vs. vanlig praksis"
AKT_OTHER = "AKT vs. annet tiltak"
SINGLE_STUDY_LABELS = (
    "Problemløsning og håndteringsrettet behandling vs. vanlig praksis",
    "AKT med ekstra arbeids-relatert dialogmøte vs. AKT",
    "Psykiatrisk behandling og ergoterapi vs. vanlig praksis",
    "Stressreduserende tiltak vs. vanlig praksis",
    "Tverrfaglig rehabilitering med ekstra arbeidsplass tiltak vs. annet tiltak",
    "Elektronisk helsetiltak vs. vanlig praksis",
)
RTW, SYMPTOM, FUNCTION, COST, SELF_EFFICACY = (
    "Retur til arbeid",
    "Symptomreduksjon",
    "Funksjon",
    "Kostnadseffekt",
    "Mestringstro",
)


def tabell17() -> list[model.TrendRow]:
    assert TRENDS.exists(), f"the example's Tabell 17 ships with the repo: {TRENDS}"
    return [model.TrendRow(**item) for item in yaml.safe_load(TRENDS.read_text("utf-8"))]


def row(study: str, label: str = "A vs. B", **cells: str) -> model.TrendRow:
    return model.TrendRow(study, label, dict(cells))


def counts(v: VoteCount) -> tuple[int, int, int, int, int]:
    return v.studies, v.benefit, v.harm, v.no_difference, v.mixed


def by_domain(votes: list[VoteCount]) -> dict[str, tuple[int, int, int, int, int]]:
    return {v.domain: counts(v) for v in votes}


# --- parsing the example ------------------------------------------------------------


def test_every_cell_of_tabell17_parses() -> None:
    rows = tabell17()
    assert len(rows) == 21  # 21 printed rows; Aasdahl 2018 and Gismervik 2020 are one study
    cells = [d for r in rows for d in directions([r])]  # row by row: nothing pooled
    assert len(cells) == sum(len(r.directions) for r in rows) == 44
    assert sum(d.outcomes for d in cells) == 55  # sub-outcomes: 17 "+", 1 "-", 37 "="
    assert sum(d.favouring for d in cells) == 17
    assert [d.cell for d in cells] == [r.directions[k].strip() for r in rows for k in r.directions]
    meijer = next(d for d in cells if d.study == "meijer2006" and d.domain == SYMPTOM)
    assert meijer == StudyDirection(
        "meijer2006",
        SYMPTOM,
        "mixed",  # "=", "+", "+": 2 of 3 (67 %) one way is below 70 %
        3,
        2,
        "Smerte =; Helseplager +; Frykt for bevegelse +",
    )
    jensen = next(d for d in cells if d.study == "jensen2011" and d.domain == SYMPTOM)
    assert (jensen.direction, jensen.outcomes) == ("no_difference", 3)  # hyphenated label


def test_tabell17_study_directions() -> None:
    found = {(d.study, d.domain): d.direction for d in directions(tabell17())}
    assert len(found) == 43  # 44 cells, the two Aasdahl/Gismervik return-to-work cells pooled
    assert len({study for study, _ in found}) == 20  # "Tabell 17 ... (n=20)"
    aasdahl = next(d for d in directions(tabell17()) if d.study == "aasdahl2018")
    # "=" (Aasdahl 2018) and "+" (Gismervik 2020), one trial: 1 of 2 one way -> mixed
    assert aasdahl == StudyDirection("aasdahl2018", RTW, "mixed", 2, 1, "= | +")
    assert found["jensen2011", FUNCTION] == "mixed"  # Fysisk =; Sosial =; Kognitiv +
    assert found["aasdahl2018", SYMPTOM] == "no_difference"  # four "="
    assert found["martin2013", RTW] == "harm"
    assert found["hees2013", SELF_EFFICACY] == "no_difference"


# --- Tabell 17, counted by hand -------------------------------------------------------


def test_tabell17_vote_count_all_comparisons() -> None:
    votes = vote_count(tabell17())
    assert [v.domain for v in votes] == [RTW, SYMPTOM, FUNCTION, COST, SELF_EFFICACY]
    # (studies, benefit, harm, no_difference, mixed)
    assert by_domain(votes) == {
        # benefit: bultmann2009, lambeek2010, dalgaard2017, marhold2001, netterstrom2013,
        #   volker2015; harm: martin2013; mixed: aasdahl2018 (= Aasdahl 2018, + Gismervik
        #   2020); no difference: meijer2006, poulsen2014, brendbekken2017, jensen2011,
        #   moll2018, myhre2014, lindell2008, salomonsson2017, brouwers2006, deweerd2016,
        #   hees2013, skagseth2019
        RTW: (20, 6, 1, 12, 1),
        # benefit: bultmann2009 (Smerte +), hees2013 (Depresjon +); mixed: meijer2006
        #   (=, +, +); no difference: lambeek2010, aasdahl2018 (4 x =), jensen2011 (3 x =),
        #   moll2018, marhold2001 (2 x =), salomonsson2017 (2 x =), brouwers2006,
        #   netterstrom2013
        SYMPTOM: (11, 2, 0, 8, 1),
        # benefit: bultmann2009, lambeek2010, meijer2006 (all Fysisk +); mixed: jensen2011
        #   (Fysisk =, Sosial =, Kognitiv +); no difference: moll2018, marhold2001,
        #   deweerd2016, volker2015
        FUNCTION: (8, 3, 0, 4, 1),
        # benefit: bultmann2009, lambeek2010; no difference: meijer2006
        COST: (3, 2, 0, 1, 0),
        # no difference: hees2013 (the cell placed under Mestringstro, see its note)
        SELF_EFFICACY: (1, 0, 0, 1, 0),
    }
    rtw = votes[0]
    assert rtw.proportion == pytest.approx(6 / 7)
    assert rtw.p_sign == pytest.approx(16 / 128)  # 2 * (C(7,0) + C(7,1)) / 2^7
    assert (rtw.ci_lb, rtw.ci_ub) == pytest.approx((0.48687, 0.97432), abs=5e-6)
    assert votes[-1].proportion is votes[-1].p_sign is votes[-1].ci_lb is None


def test_tabell17_vote_count_per_comparison() -> None:
    rows = tabell17()
    expected = {
        TR_UC: {
            # benefit: bultmann2009, lambeek2010; harm: martin2013; no difference:
            #   meijer2006, poulsen2014
            RTW: (5, 2, 1, 2, 0),
            # benefit: bultmann2009; no difference: lambeek2010; mixed: meijer2006
            SYMPTOM: (3, 1, 0, 1, 1),
            # benefit: bultmann2009, lambeek2010, meijer2006
            FUNCTION: (3, 3, 0, 0, 0),
            # benefit: bultmann2009, lambeek2010; no difference: meijer2006
            COST: (3, 2, 0, 1, 0),
        },
        TR_OTHER: {
            # mixed: aasdahl2018 (= and +); no difference: brendbekken2017, jensen2011,
            #   moll2018, myhre2014
            RTW: (5, 0, 0, 4, 1),
            # no difference: aasdahl2018 (Gismervik 2020), jensen2011, moll2018
            SYMPTOM: (3, 0, 0, 3, 0),
            # mixed: jensen2011; no difference: moll2018
            FUNCTION: (2, 0, 0, 1, 1),
        },
        AKT_UC: {
            # benefit: dalgaard2017, marhold2001; no difference: lindell2008
            RTW: (3, 2, 0, 1, 0),
            SYMPTOM: (1, 0, 0, 1, 0),  # marhold2001
            FUNCTION: (1, 0, 0, 1, 0),  # marhold2001
        },
        AKT_OTHER: {RTW: (1, 0, 0, 1, 0), SYMPTOM: (1, 0, 0, 1, 0)},  # salomonsson2017
        SINGLE_STUDY_LABELS[0]: {RTW: (1, 0, 0, 1, 0), SYMPTOM: (1, 0, 0, 1, 0)},  # brouwers
        SINGLE_STUDY_LABELS[1]: {RTW: (1, 0, 0, 1, 0), FUNCTION: (1, 0, 0, 1, 0)},  # deweerd
        SINGLE_STUDY_LABELS[2]: {  # hees2013
            RTW: (1, 0, 0, 1, 0),
            SYMPTOM: (1, 1, 0, 0, 0),
            SELF_EFFICACY: (1, 0, 0, 1, 0),
        },
        SINGLE_STUDY_LABELS[3]: {RTW: (1, 1, 0, 0, 0), SYMPTOM: (1, 0, 0, 1, 0)},  # netterstrom
        SINGLE_STUDY_LABELS[4]: {RTW: (1, 0, 0, 1, 0)},  # skagseth2019
        SINGLE_STUDY_LABELS[5]: {RTW: (1, 1, 0, 0, 0), FUNCTION: (1, 0, 0, 1, 0)},  # volker
    }
    labels = list(dict.fromkeys(r.comparison_label for r in rows))
    assert labels == list(expected)
    for label, domains in expected.items():
        assert by_domain(vote_count(rows, comparison_label=label)) == domains, label
    # per comparison, the per-domain studies add up to the all-comparison counts
    total = by_domain(vote_count(rows))
    for domain, all_counts in total.items():
        parts = [d[domain] for d in expected.values() if domain in d]
        assert tuple(map(sum, zip(*parts, strict=True))) == all_counts


def test_tabell17_matches_the_counts_the_review_states() -> None:
    rows = tabell17()
    tr_uc = {v.domain: v for v in vote_count(rows, comparison_label=TR_UC)}
    # "Alle de tre studiene som evaluerte fysisk funksjon rapporterte bedre funksjon"
    assert (tr_uc[FUNCTION].studies, tr_uc[FUNCTION].benefit) == (3, 3)
    # "For kostnadseffekt rapporterte to av tre studier at tiltaket var kostnadseffektivt".
    # The summary's "Tre av de seks studiene" has six where Tabell 17 and the chapter
    # have five TR-vs-usual-care studies: a slip in the review, not a different count.
    assert (tr_uc[COST].studies, tr_uc[COST].benefit) == (3, 2)
    # "I studiene som ikke ble inkludert i metaanalysen ... en studie ... i favør
    # tiltaksgruppen (49) [Lambeek +], mens den andre ... ingen forskjell (45) [Poulsen =]"
    found = {(d.study, d.domain): d.direction for d in directions(rows, comparison_label=TR_UC)}
    assert (found["lambeek2010", RTW], found["poulsen2014", RTW]) == ("benefit", "no_difference")
    # "For smertenivå fant vi mer inkonsekvente resultater": Smerte +, =, = (Bültmann,
    # Lambeek, Meijer); the symptom domain is benefit 1, no difference 1, mixed 1.
    assert counts(tr_uc[SYMPTOM]) == (3, 1, 0, 1, 1)
    # "Fem studier (seks publikasjoner)" compared TR with another active intervention:
    # five studies once Aasdahl 2018 / Gismervik 2020 count as one.
    assert vote_count(rows, comparison_label=TR_OTHER)[0].studies == 5
    # AKT vs. usual care: "To av de tre studiene rapporterte effekter ... Den tredje
    # studien viste ingen forskjell".
    akt_uc = vote_count(rows, comparison_label=AKT_UC)[0]
    assert counts(akt_uc) == (3, 2, 0, 1, 0)
    # "For arbeidsfokusert kognitiv terapi rapporterte to av de fire studiene noe bedre
    # effekt" (AKT vs. usual care and vs. another intervention together).
    akt = [vote_count(rows, comparison_label=label)[0] for label in (AKT_UC, AKT_OTHER)]
    assert (sum(v.studies for v in akt), sum(v.benefit for v in akt)) == (4, 2)
    # "Vi vurderte seks sammenligninger av tiltak som er undersøkt i kun én studie. For
    # vårt primære utfall er det to av de seks studiene som indikerer at tiltaket har
    # bedre effekt" (Netterstrøm, Volker).  The summary says seven comparisons, "de
    # resterende fem ... ingen tydelige effekter": it also counts AKT vs. another
    # intervention (Salomonsson, one study) -- 2 of 7 with benefit, 5 without.
    single = [vote_count(rows, comparison_label=label)[0] for label in SINGLE_STUDY_LABELS]
    assert (len(single), sum(v.benefit for v in single)) == (6, 2)
    akt_other = vote_count(rows, comparison_label=AKT_OTHER)[0]
    assert sum(v.benefit for v in [*single, akt_other]) == 2
    assert sum(v.no_difference for v in [*single, akt_other]) == 5
    # "Ingen av de evaluerte tiltakene viste negative effekter på retur til arbeid" --
    # yet Tabell 17 prints "-" for Martin 2013 (TR vs. usual care).  The text speaks of
    # (significant) effects, the table of direction; we count the table: one harm.
    assert vote_count(rows)[0].harm == 1


# --- the 70 % rule ------------------------------------------------------------------


def outcome_cell(**signs: int) -> str:
    """A cell with ``plus`` "+", ``minus`` "-" and ``equal`` "=" labelled sub-outcomes."""
    marks = {"plus": "+", "minus": "-", "equal": "="}
    parts = [f"O{i}" for i in range(sum(signs.values()))]
    out, i = [], 0
    for name, n in signs.items():
        for _ in range(n):
            out.append(f"{parts[i]} {marks[name]}")
            i += 1
    return "; ".join(out)


@pytest.mark.parametrize(
    ("signs", "direction"),
    [
        ({"plus": 7, "equal": 3}, "benefit"),  # exactly 70 %: that way
        ({"plus": 6, "equal": 4}, "mixed"),  # 60 %
        ({"plus": 3, "equal": 1}, "benefit"),  # 75 %
        ({"plus": 2, "equal": 1}, "mixed"),  # 66.7 %
        ({"equal": 7, "plus": 3}, "no_difference"),  # "=" is a direction of its own
        ({"equal": 2, "plus": 1}, "mixed"),
        ({"minus": 7, "plus": 3}, "harm"),
        ({"minus": 69, "plus": 31}, "mixed"),  # 69 %
        ({"minus": 70, "plus": 30}, "harm"),
        ({"plus": 1, "minus": 1}, "mixed"),
        ({"plus": 2, "minus": 1, "equal": 1}, "mixed"),
        ({"plus": 1}, "benefit"),
    ],
)
def test_seventy_percent_rule(signs: dict[str, int], direction: str) -> None:
    [d] = directions([row("s", D=outcome_cell(**signs))])
    assert d.direction == direction
    assert (d.outcomes, d.favouring) == (sum(signs.values()), signs.get("plus", 0))


def test_threshold_can_be_changed_but_stays_a_majority() -> None:
    cell = outcome_cell(plus=2, equal=1)
    assert directions([row("s", D=cell)], threshold=0.6)[0].direction == "benefit"
    # read as the decimal it prints as (0.6666666666666666), so 2 of 3 reaches 2 / 3
    assert directions([row("s", D=cell)], threshold=2 / 3)[0].direction == "benefit"
    assert directions([row("s", D=cell)], threshold=0.67)[0].direction == "mixed"
    for bad in (0.5, 0.3, 1.1):
        with pytest.raises(DataError, match="threshold"):
            directions([row("s", D=cell)], threshold=bad)


def test_rows_of_one_study_are_pooled_per_domain() -> None:
    rows = [
        row("s1", D="+", E="Smerte +"),
        row("s2", D="="),
        row("s1", D="+; Depresjon +", E="Depresjon -"),
    ]
    found = directions(rows)
    assert [(d.study, d.domain) for d in found] == [("s1", "D"), ("s1", "E"), ("s2", "D")]
    assert found[0] == StudyDirection("s1", "D", "benefit", 3, 3, "+ | +; Depresjon +")
    assert found[1] == StudyDirection("s1", "E", "mixed", 2, 1, "Smerte + | Depresjon -")
    assert counts(vote_count(rows)[0]) == (2, 1, 0, 1, 0)


# --- other notations and unreadable cells --------------------------------------------


@pytest.mark.parametrize(
    ("cell", "outcomes", "favouring", "direction"),
    [
        ("+", 1, 1, "benefit"),
        (" = ", 1, 0, "no_difference"),
        ("\u2212", 1, 0, "harm"),  # a typographic minus
        ("\u2013", 1, 0, "harm"),  # an en dash
        ("Smerte: +", 1, 1, "benefit"),
        ("Smerte +\nDepresjon +\nLivskvalitet -", 3, 2, "mixed"),  # one per line
        ("Smerte +;", 1, 1, "benefit"),  # a trailing separator
        ("Frykt- og unngåelsesadferd -", 1, 0, "harm"),
    ],
)
def test_notations(cell: str, outcomes: int, favouring: int, direction: str) -> None:
    [d] = directions([row("s", D=cell)])
    assert (d.outcomes, d.favouring, d.direction) == (outcomes, favouring, direction)


@pytest.mark.parametrize(
    "cell", ["?", "Smerte", "Smerte=", "+ +", "Smerte ++", ";", "positiv", "Smerte +/-"]
)
def test_an_unreadable_cell_names_study_and_domain(cell: str) -> None:
    rows = [row("ok2020", D="+"), row("odd2019", "X vs. Y", **{"Retur til arbeid": cell})]
    with pytest.raises(DataError, match=r"study 'odd2019', domain 'Retur til arbeid'") as info:
        directions(rows)
    assert info.value.hint and "';'" in info.value.hint
    with pytest.raises(DataError, match="odd2019"):
        vote_count(rows)


def test_a_cell_that_is_not_text() -> None:
    rows = [model.TrendRow("s", "A vs. B", {"D": 1})]  # type: ignore[dict-item]
    with pytest.raises(DataError, match=r"study 's', domain 'D'.*not text"):
        directions(rows)


def test_empty_input_and_empty_cells() -> None:
    assert directions([]) == []
    assert vote_count([]) == []
    assert vote_count([], comparison_label="A vs. B") == []
    assert effect_direction_plot([]) == EffectDirectionPlot((), (), {})
    blank = [model.TrendRow("s", "A vs. B"), row("t", D="  ")]
    blank.append(model.TrendRow("u", "A vs. B", {"D": None}))  # type: ignore[dict-item]
    assert directions(blank) == []
    assert vote_count(blank) == []


def test_unknown_comparison_label() -> None:
    with pytest.raises(DataError, match="no trend row has the comparison label 'TR vs x'"):
        vote_count(tabell17(), comparison_label="TR vs x")


# --- statistics -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("benefit", "harm", "p"),
    [(3, 1, 0.625), (6, 1, 0.125), (2, 0, 0.5), (1, 1, 1.0), (10, 0, 2 / 1024), (0, 5, 0.0625)],
)
def test_sign_test_known_values(benefit: int, harm: int, p: float) -> None:
    assert sign_test(benefit, harm) == pytest.approx(p, rel=1e-12)


def test_sign_test_equals_scipy_binomtest() -> None:
    for n in range(1, 41):
        for k in range(n + 1):
            expected = stats.binomtest(k, n, 0.5).pvalue
            assert sign_test(k, n - k) == pytest.approx(expected, rel=1e-12), (k, n)
    assert sign_test(0, 0) is None
    with pytest.raises(DataError):
        sign_test(-1, 2)


def test_wilson_known_values() -> None:
    # by hand: z = 1.959964, z² = 3.841459; centre (3 + z²/2)/(4 + z²) = 0.627510,
    # half-width z/(4 + z²) * sqrt(3*1/4 + z²/4) = 0.326887
    assert proportion_ci(3, 4) == pytest.approx((0.3006, 0.9544), abs=5e-5)
    assert proportion_ci(0, 10) == pytest.approx((0.0, 3.841459 / 13.841459), abs=1e-6)
    assert proportion_ci(10, 10)[1] == 1.0


def statsmodels_wilson(count: int, nobs: int, alpha: float) -> tuple[float, float]:
    """statsmodels.stats.proportion.proportion_confint(method="wilson"), transcribed."""
    crit = stats.norm.isf(alpha / 2.0)
    crit2 = crit**2
    prop = count / nobs
    denom = 1 + crit2 / nobs
    center = (prop + crit2 / (2 * nobs)) / denom
    dist = crit * math.sqrt(prop * (1.0 - prop) / nobs + crit2 / (4.0 * nobs**2)) / denom
    return center - dist, center + dist


@pytest.mark.parametrize("level", [0.9, 0.95, 0.99])
def test_wilson_matches_statsmodels_formula_and_scipy(level: float) -> None:
    for n in range(1, 31):
        for x in range(n + 1):
            ours = proportion_ci(x, n, level=level)
            assert ours == pytest.approx(statsmodels_wilson(x, n, 1 - level), abs=1e-12)
            ci = stats.binomtest(x, n).proportion_ci(confidence_level=level, method="wilson")
            assert ours == pytest.approx((ci.low, ci.high), abs=1e-12)


def test_clopper_pearson() -> None:
    # R: binom.test(3, 4)$conf.int -> 0.1941204 0.9936905
    assert proportion_ci(3, 4, method="clopper-pearson") == pytest.approx(
        (0.1941204, 0.9936905), abs=1e-7
    )
    for n in range(1, 21):
        for x in range(n + 1):
            ci = stats.binomtest(x, n).proportion_ci(method="exact")
            got = proportion_ci(x, n, method="clopper-pearson")
            assert got == pytest.approx((ci.low, ci.high), abs=1e-12)
    [v] = vote_count([row(f"s{i}", D=c) for i, c in enumerate("+++-")], method="clopper-pearson")
    assert (v.ci_lb, v.ci_ub, v.method) == pytest.approx((0.1941204, 0.9936905, "clopper-pearson"))


def test_bad_options() -> None:
    rows = [row("s", D="+")]
    with pytest.raises(DataError, match="method 'exact' is not one of"):
        vote_count(rows, method="exact")  # type: ignore[arg-type]
    with pytest.raises(DataError, match="level must be between 0 and 1"):
        vote_count(rows, level=95)
    with pytest.raises(DataError):
        proportion_ci(5, 4)


# --- describe ---------------------------------------------------------------------


def three_of_four() -> VoteCount:
    [v] = vote_count([row(f"s{i}", D=c) for i, c in enumerate("+-++")])
    return v


def test_describe_the_handbook_example() -> None:
    v = three_of_four()
    assert counts(v) == (4, 3, 1, 0, 0)
    assert v.describe("en") == (
        "3 of 4 studies favoured the intervention (75%, 95% CI 30% to 95%); sign test P = 0.63"
    )
    assert v.describe("nb") == (
        "3 av 4 studier var i favør av tiltaket (75 %, 95 % KI 30 % til 95 %); "
        "fortegnstest P = 0,63"
    )
    with pytest.raises(DataError, match="language 'de'"):
        v.describe("de")


def test_describe_tabell17() -> None:
    rtw, symptom, _, cost, self_efficacy = vote_count(tabell17())
    assert rtw.describe("en") == (
        "6 of 7 studies favoured the intervention (86%, 95% CI 49% to 97%); "
        "sign test P = 0.13; 12 studies with no difference and 1 with mixed effects not counted"
    )
    assert rtw.describe("nb") == (
        "6 av 7 studier var i favør av tiltaket (86 %, 95 % KI 49 % til 97 %); "
        "fortegnstest P = 0,13; 12 studier uten forskjell og 1 med blandede resultater "
        "er ikke talt med"
    )
    assert symptom.describe("en").startswith("2 of 2 studies favoured the intervention (100%")
    assert cost.describe("nb").endswith("; 1 studie uten forskjell er ikke talt med")
    assert self_efficacy.describe("en") == (
        "No study showed a direction of effect (1 study with no difference)"
    )
    assert self_efficacy.describe("nb") == (
        "Ingen studier viste en retning på effekten (1 studie uten forskjell)"
    )


def test_describe_other_levels_and_small_p() -> None:
    [v] = vote_count([row(f"s{i}", D="+") for i in range(10)], level=0.9)
    assert v.describe("en") == (
        "10 of 10 studies favoured the intervention (100%, 90% CI 79% to 100%); sign test P = 0.002"
    )
    assert v.describe("nb").endswith("(100 %, 90 % KI 79 % til 100 %); fortegnstest P = 0,002")
    [many] = vote_count([row(f"s{i}", D="+") for i in range(12)])
    assert many.describe("en").endswith("sign test P < 0.001")
    assert many.describe("nb").endswith("fortegnstest P < 0,001")
    [one] = vote_count([row("s", D="-"), row("t", D="+; -")])
    assert one.describe("en") == (
        "0 of 1 study favoured the intervention (0%, 95% CI 0% to 79%); "
        "sign test P = 1.00; 1 study with mixed effects not counted"
    )
    assert one.describe("nb").endswith(
        "fortegnstest P = 1,00; 1 studie med blandede resultater er ikke talt med"
    )


# --- the effect-direction plot -----------------------------------------------------


def test_effect_direction_plot_of_tabell17() -> None:
    plot = effect_direction_plot(
        tabell17(),
        comparison_label=TR_UC,
        sample_sizes={"bultmann2009": 113, "martin2013": 168, "aasdahl2018": 166},
    )
    assert plot.domains == (RTW, SYMPTOM, FUNCTION, COST)
    assert plot.rows == (
        ("bultmann2009", ("▲", "▲", "▲", "▲")),
        ("lambeek2010", ("▲", "◄►", "▲", "▲")),
        ("martin2013", ("▼", None, None, None)),
        ("meijer2006", ("◄►", "◄►", "▲", "◄►")),  # "=", mixed, "+", "="
        ("poulsen2014", ("◄►", None, None, None)),
    )
    assert plot.sizes == {"bultmann2009": 113, "martin2013": 168}  # aasdahl2018 not in it
    whole = effect_direction_plot(tabell17())
    assert whole.domains == (RTW, SYMPTOM, FUNCTION, COST, SELF_EFFICACY)
    assert len(whole.rows) == 20 and whole.sizes == {}
    assert dict(whole.rows)["hees2013"] == ("◄►", "▲", None, None, "◄►")


@pytest.mark.parametrize("size", [0, -3, 2.5, True, "100"])
def test_effect_direction_plot_rejects_bad_sizes(size: object) -> None:
    with pytest.raises(DataError, match="sample size must be a positive integer"):
        effect_direction_plot([row("s", D="+")], sample_sizes={"s": size})  # type: ignore[dict-item]
