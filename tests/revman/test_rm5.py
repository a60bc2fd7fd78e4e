"""RevMan 5 files: the numbers RevMan itself writes, a review out and back, the bundled
example, and files that cannot be read.

The reference numbers are RevMan 5's own, from its file of the Fleiss (1993) examples
(distributed with R's ``meta`` package as ``Fleiss1993.rm5`` and, exported from
RevMan as "Data and analyses", ``Fleiss93_CR.csv``): aspirin after myocardial
infarction (Mantel-Haenszel odds ratio, fixed effect) and mental health treatment
(mean difference, fixed effect).  The trial data are the published ones.
"""

from __future__ import annotations

import csv
import io
import math
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path

import pytest
import scipy.stats

from sysreview import revman
from sysreview.bundle import read_bundle, write_bundle
from sysreview.errors import ParseError
from sysreview.integrity import problems
from sysreview.model import (
    Analysis,
    Comparison,
    Exclusion,
    Outcome,
    OutcomeData,
    Protocol,
    Report,
    ReviewData,
    ReviewInfo,
    RobAssessment,
    Study,
)

ASPIRIN = [  # trial, deaths and patients on aspirin, deaths and patients on control, year
    ("MRC-1", 49, 615, 67, 624, 1974),
    ("CDP", 44, 758, 64, 771, 1976),
    ("MRC-2", 102, 832, 126, 850, 1979),
    ("GASP", 32, 317, 38, 309, 1979),
    ("PARIS", 85, 810, 52, 406, 1980),
    ("AMIS", 246, 2267, 219, 2257, 1980),
    ("ISIS-2", 1570, 8587, 1720, 8600, 1988),
]
MENTAL = [  # trial, mean, SD, n treated, mean, SD, n control, year
    ("Davis", 5.0, 4.7, 13, 6.5, 3.8, 13, 1973),
    ("Florell", 4.9, 1.71, 30, 6.1, 2.3, 50, 1971),
    ("Gruen", 22.5, 3.44, 35, 24.9, 10.65, 35, 1975),
    ("Hart", 12.5, 1.47, 20, 12.3, 1.66, 20, 1975),
    ("Wilson", 6.5, 0.76, 8, 7.38, 1.41, 8, 1977),
]
#: RevMan 5's DICH_OUTCOME of the aspirin analysis (its full-precision attributes)
REVMAN_OR = {
    "EFFECT_SIZE": 0.8968655609130709,
    "CI_START": 0.8405144008917793,
    "CI_END": 0.9569947088336491,
    "LOG_EFFECT_SIZE": -0.04727265230640342,
    "LOG_CI_START": -0.07545484120814404,
    "LOG_CI_END": -0.019090463404662757,
    "CHI2": 9.946055983220074,
    "I2": 39.67458045558399,
    "Z": 3.287633061337987,
    "TAU2": 0.0,
    "WEIGHT": 100.00000000000001,
}
#: ... and of each trial: effect, CI, SE and variance of the log odds ratio, weight (%)
REVMAN_OR_STUDIES = {
    "MRC-1": (
        0.7197141500975687,
        0.4889745274989256,
        1.0593362817898602,
        0.1972198088133556,
        0.038895652988376536,
        3.176490004091248,
    ),
    "CDP": (
        0.6807598039215687,
        0.45739090373983604,
        1.0132119087766858,
        0.20289716633892102,
        0.04116726010836378,
        3.1016891143394365,
    ),
    "MRC-2": (
        0.8028701891715591,
        0.6064528819242718,
        1.062902922672345,
        0.14314855217027966,
        0.020491507988447278,
        5.675380442715663,
    ),
    "GASP": (
        0.8007386888273315,
        0.4862610363759706,
        1.318597213882381,
        0.2544888962290453,
        0.06476459830387778,
        1.795484618258711,
    ),
    "PARIS": (
        0.7981432360742705,
        0.5525633542165779,
        1.1528680293941878,
        0.18761568222036212,
        0.035199644215011906,
        3.2176243566716805,
    ),
    "AMIS": (
        1.1327364047365673,
        0.9346646778747347,
        1.3727829808793592,
        0.098064939620213,
        0.00961673238271602,
        10.153491219997628,
    ),
    "ISIS-2": (
        0.8949693601254097,
        0.8294175772940908,
        0.965701930475584,
        0.03880976559851533,
        0.0015061979058117042,
        72.87984024392564,
    ),
}
#: RevMan 5's "Data and analyses" export of the mean-difference analysis (8 decimals)
REVMAN_MD = {
    "EFFECT_SIZE": -0.70938839,
    "CI_START": -1.25848502,
    "CI_END": -0.16029176,
    "CHI2": 5.66012379,
    "I2": 29.33016758,
    "Z": 2.53211477,
    "P_Z": 0.01133769,
}
REVMAN_MD_STUDIES = {  # effect, SE, weight (%)
    "Davis": (-1.5, 1.67630546, 2.79315513),
    "Florell": (-1.2, 0.45085474, 38.61251498),
    "Gruen": (-2.4, 1.89175731, 2.19316111),
    "Hart": (0.2, 0.49580742, 31.92826572),
    "Wilson": (-0.88, 0.56631484, 24.47290305),
}


def _id(label: str) -> str:
    return label.lower().replace("-", "")


def fleiss() -> ReviewData:
    """The two Fleiss (1993) analyses as a sysreview review."""
    trials = [(t[0], t[-1]) for t in ASPIRIN] + [(t[0], t[-1]) for t in MENTAL]
    rows = [
        OutcomeData(
            id=f"death-{_id(t)}",
            study=_id(t),
            outcome="death",
            data_type="dichotomous",
            comparison="treat",
            events_1=a,
            n_1=n1,
            events_2=c,
            n_2=n2,
        )
        for t, a, n1, c, n2, _ in ASPIRIN
    ] + [
        OutcomeData(
            id=f"mh-{_id(t)}",
            study=_id(t),
            outcome="mh",
            data_type="continuous",
            comparison="treat",
            mean_1=m1,
            sd_1=s1,
            n_1=n1,
            mean_2=m2,
            sd_2=s2,
            n_2=n2,
        )
        for t, m1, s1, n1, m2, s2, n2, _ in MENTAL
    ]
    return ReviewData(
        review=ReviewInfo(id="fleiss1993", title="Examples from Fleiss 1993"),
        protocol=Protocol(
            outcomes=(
                Outcome(id="death", name="Death", direction="lower_is_better"),
                Outcome(
                    id="mh", name="Mental health", kind="continuous", direction="lower_is_better"
                ),
            ),
            comparisons=(
                Comparison(
                    id="treat",
                    intervention="Treatment",
                    comparator="Control",
                    name="Examples from Fleiss (1993)",
                ),
            ),
        ),
        studies=tuple(Study(id=_id(t), label=t, design="RCT") for t, _ in trials),
        reports=tuple(
            Report(
                id=_id(t), study=_id(t), citation=f"{t} trial", first_author=t, year=y, main=True
            )
            for t, y in trials
        ),
        risk_of_bias=(
            RobAssessment(
                study="isis2",
                tool="rob1",
                domain="random_sequence_generation",
                judgement="low",
                support="Central telephone randomisation",
            ),
            RobAssessment(
                study="isis2",
                tool="rob1",
                domain="blinding_outcome_assessment",
                judgement="unclear",
            ),
            RobAssessment(
                study="paris",
                tool="rob1",
                domain="incomplete_outcome_data",
                judgement="high",
                support="12% lost",
            ),
        ),
        outcome_data=tuple(rows),
        analyses=(
            Analysis(
                id="death",
                comparison="treat",
                outcome="death",
                measure="OR",
                model="fixed",
                method="MH",
                studies=tuple(_id(t[0]) for t in ASPIRIN),
            ),
            Analysis(
                id="mh",
                comparison="treat",
                outcome="mh",
                measure="MD",
                model="fixed",
                studies=tuple(_id(t[0]) for t in MENTAL),
            ),
        ),
    )


def _outcomes(text: str) -> tuple[ET.Element, ET.Element]:
    root = ET.fromstring(text)
    dich = root.find("ANALYSES_AND_DATA/COMPARISON/DICH_OUTCOME")
    cont = root.find("ANALYSES_AND_DATA/COMPARISON/CONT_OUTCOME")
    assert dich is not None and cont is not None
    return dich, cont


def _names(root: ET.Element) -> dict[str, str]:
    return {s.get("ID", ""): s.get("NAME", "") for s in root.iter("STUDY")}


def test_the_fleiss_review_is_valid_review_data() -> None:
    assert problems(fleiss()) == []


def test_mantel_haenszel_odds_ratio_as_revman_5_calculates_it() -> None:
    dich, _ = _outcomes(revman.rm5(fleiss()).text)
    for attribute, expected in REVMAN_OR.items():
        assert float(dich.get(attribute, "nan")) == pytest.approx(expected, rel=1e-12, abs=1e-15), (
            attribute
        )
    assert (dich.get("METHOD"), dich.get("EFFECT_MEASURE"), dich.get("RANDOM")) == (
        "MH",
        "OR",
        "NO",
    )
    assert (
        dich.get("EVENTS_1"),
        dich.get("TOTAL_1"),
        dich.get("EVENTS_2"),
        dich.get("TOTAL_2"),
    ) == ("2128", "14186", "2286", "13817")
    assert (dich.get("STUDIES"), dich.get("DF")) == ("7", "6")
    # RevMan's P values are its own approximations of the normal and chi-squared tails;
    # ours are scipy's: equal to RevMan's to 3e-11 (Z) and 6e-7 (chi-squared), relative
    assert float(dich.get("P_Z", "nan")) == pytest.approx(0.0010103343130005407, rel=1e-10)
    assert float(dich.get("P_CHI2", "nan")) == pytest.approx(0.1269422521561745, rel=1e-6)
    assert float(dich.get("P_CHI2", "nan")) == pytest.approx(
        scipy.stats.chi2.sf(REVMAN_OR["CHI2"], 6), rel=1e-12
    )
    names = _names(ET.fromstring(revman.rm5(fleiss()).text))
    studies = {names[d.get("STUDY_ID", "")]: d for d in dich.iter("DICH_DATA")}
    assert set(studies) == set(REVMAN_OR_STUDIES)
    for trial, (effect, low, high, se, var, weight) in REVMAN_OR_STUDIES.items():
        got = studies[trial]
        for attribute, expected in (
            ("EFFECT_SIZE", effect),
            ("CI_START", low),
            ("CI_END", high),
            ("SE", se),
            ("VAR", var),
            ("WEIGHT", weight),
        ):
            assert float(got.get(attribute, "nan")) == pytest.approx(expected, rel=1e-12), (
                trial,
                attribute,
            )
        assert float(got.get("LOG_EFFECT_SIZE", "nan")) == pytest.approx(
            math.log10(effect), rel=1e-12
        )


def test_mean_difference_as_revman_5_exports_it() -> None:
    _, cont = _outcomes(revman.rm5(fleiss()).text)
    for attribute, expected in REVMAN_MD.items():
        assert float(cont.get(attribute, "nan")) == pytest.approx(expected, abs=5e-9), attribute
    assert (
        cont.get("EFFECT_MEASURE"),
        cont.get("RANDOM"),
        cont.get("TOTAL_1"),
        cont.get("TOTAL_2"),
    ) == ("MD", "NO", "106", "126")
    names = _names(ET.fromstring(revman.rm5(fleiss()).text))
    studies = {names[d.get("STUDY_ID", "")]: d for d in cont.iter("CONT_DATA")}
    for trial, (effect, se, weight) in REVMAN_MD_STUDIES.items():
        got = studies[trial]
        assert float(got.get("EFFECT_SIZE", "nan")) == pytest.approx(effect, abs=1e-12)
        assert float(got.get("SE", "nan")) == pytest.approx(se, abs=5e-9)
        assert float(got.get("WEIGHT", "nan")) == pytest.approx(weight, abs=5e-9)


def test_identifiers_are_written_as_revman_writes_them() -> None:
    root = ET.fromstring(revman.rm5(fleiss()).text)
    assert _names(root)["STD-ISIS_x002d_2"] == "ISIS-2"
    assert revman._vocab.decode_id("ISIS_x002d_2") == "ISIS-2"


def test_a_review_goes_out_and_comes_back(tmp_path: Path) -> None:
    original = fleiss()
    written = revman.write_rm5(original, tmp_path / "fleiss.rm5")
    assert written.analyses == ("death", "mh") and written.left_out == ()
    read = revman.read_rm5(tmp_path / "fleiss.rm5")
    assert read.warnings == ()
    data = read.data
    assert problems(data) == []
    assert data.review.title == "Examples from Fleiss 1993"
    # RevMan keeps a study's name, not our id: compare by name
    name = {s.id: s.label for s in original.studies} | {s.id: s.label for s in data.studies}
    assert sorted(s.label for s in data.studies) == sorted(s.label for s in original.studies)
    assert {(name[r.study], r.year, r.main) for r in data.reports} == {
        (name[r.study], r.year, r.main) for r in original.reports
    }

    # arm-level numbers, study by study
    def arms(d: ReviewData) -> set[tuple[object, ...]]:
        return {
            (name[r.study], r.data_type, r.events_1, r.n_1, r.events_2, r.n_2, *means(r))
            for r in d.outcome_data
        }

    def means(r: OutcomeData) -> tuple[float | None, ...]:
        return (r.mean_1, r.sd_1, r.mean_2, r.sd_2)

    assert arms(data) == arms(original)
    # the analyses, with RevMan's calculated totals as the reported result
    by_measure = {a.measure: a for a in data.analyses}
    assert (by_measure["OR"].model, by_measure["OR"].method) == ("fixed", "MH")
    assert {name[s] for s in by_measure["OR"].studies} == {t[0] for t in ASPIRIN}
    reported = by_measure["OR"].reported
    assert reported is not None
    assert reported.estimate == pytest.approx(REVMAN_OR["EFFECT_SIZE"], rel=1e-15)
    assert (reported.studies, reported.participants, reported.df) == (7, 28003, 6)
    assert {(o.name, o.direction) for o in data.protocol.outcomes} == {
        ("Death", "lower_is_better"),
        ("Mental health", "lower_is_better"),
    }
    assert data.protocol.comparisons[0].name == "Examples from Fleiss (1993)"
    # risk of bias: RevMan's YES / NO / UNKNOWN are low / high / unclear
    assert {(name[r.study], r.domain, r.judgement, r.support) for r in data.risk_of_bias} == {
        (name[r.study], r.domain, r.judgement, r.support) for r in original.risk_of_bias
    }
    # and out again: the same file
    assert revman.rm5(data).text.count("<DICH_DATA") == 7
    # a bundle of what was read loads
    write_bundle(data, tmp_path / "bundle")
    assert read_bundle(tmp_path / "bundle") == data


def test_the_bundled_example_says_which_analyses_revman_cannot_hold(
    example_bundle: Path, tmp_path: Path
) -> None:
    data = read_bundle(example_bundle)
    written = revman.write_rm5(data, tmp_path / "niph.rm5")
    assert written.analyses == ()
    assert {a for a, _ in written.left_out} == {a.id for a in data.analyses}
    reasons = dict(written.left_out)
    assert reasons["tr-vs-annet-rtw-12mnd"] == "the review does not list the analysis' studies"
    assert "arm-level" in reasons["tr-vs-vanlig-rtw-12mnd"]
    back = revman.read_rm5(tmp_path / "niph.rm5").data
    assert len(back.studies) == len(data.studies)
    assert len(back.exclusions) == len(data.exclusions)
    agreed = [r for r in data.risk_of_bias if r.tool == "rob1" and r.consensus]
    assert {(r.domain, r.judgement, r.support) for r in back.risk_of_bias} == {
        (r.domain, r.judgement, r.support) for r in agreed
    }
    assert len(back.risk_of_bias) == len(agreed)
    english = {e.reason_en or e.reason for e in data.exclusions}
    assert {e.reason for e in back.exclusions} == english


def _rm5(body: str, encoding: str = "UTF-8") -> str:
    declaration = f'<?xml version="1.0" encoding="{encoding}" standalone="no"?>'
    return f'{declaration}\n<COCHRANE_REVIEW REVMAN_VERSION="5">\n{body}\n</COCHRANE_REVIEW>\n'


STUDIES_50 = """<COVER_SHEET><TITLE>Old review</TITLE></COVER_SHEET>
<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>
<STUDY DATA_SOURCE="PUB" ID="STD-M_x00fc_ller_x0020_2001" NAME="Müller 2001" YEAR="2001">
<REFERENCE PRIMARY="YES" TYPE="JOURNAL_ARTICLE"><AU>Müller A, Berg B</AU><TI>A trial</TI>
<SO>J Trials 2001;1:1-9</SO><YR>2001</YR></REFERENCE></STUDY>
<STUDY DATA_SOURCE="PUB" ID="STD-Berg_x0020_2003" NAME="Berg 2003" YEAR="2003"/>
</INCLUDED_STUDIES><EXCLUDED_STUDIES>
<STUDY DATA_SOURCE="PUB" ID="STD-Ek_x0020_1999" NAME="Ek 1999" YEAR="1999"/>
<STUDY DATA_SOURCE="PUB" ID="STD-Ek_x0020_1999_x002d_2" NAME="Ek 1999" YEAR="1999"/>
</EXCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>
<CHARACTERISTICS_OF_STUDIES><CHARACTERISTICS_OF_INCLUDED_STUDIES>
<INCLUDED_CHAR STUDY_ID="STD-Berg_x0020_2003"><CHAR_METHODS><P>RCT</P></CHAR_METHODS>
<CHAR_PARTICIPANTS><P>40 adults</P></CHAR_PARTICIPANTS></INCLUDED_CHAR>
</CHARACTERISTICS_OF_INCLUDED_STUDIES><CHARACTERISTICS_OF_EXCLUDED_STUDIES>
<EXCLUDED_CHAR STUDY_ID="STD-Ek_x0020_1999">
<REASON_FOR_EXCLUSION><P>Not randomised</P></REASON_FOR_EXCLUSION></EXCLUDED_CHAR>
</CHARACTERISTICS_OF_EXCLUDED_STUDIES></CHARACTERISTICS_OF_STUDIES>
<QUALITY_ITEMS>
<QUALITY_ITEM ID="QIT-01" LEVEL="STUDY" NO="1"><NAME>Adequate sequence generation?</NAME>
<QUALITY_ITEM_DATA><QUALITY_ITEM_DATA_ENTRY RESULT="YES" STUDY_ID="STD-Berg_x0020_2003">
<DESCRIPTION><P>Computer list</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY></QUALITY_ITEM_DATA>
</QUALITY_ITEM>
<QUALITY_ITEM ID="QIT-07" LEVEL="STUDY" NO="7"><NAME>Funding source</NAME><QUALITY_ITEM_DATA>
<QUALITY_ITEM_DATA_ENTRY RESULT="NO" STUDY_ID="STD-Berg_x0020_2003"/>
</QUALITY_ITEM_DATA></QUALITY_ITEM>
</QUALITY_ITEMS>"""


def test_a_revman_5_0_file_in_latin_1_with_subgroups(tmp_path: Path) -> None:
    analyses = """<ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1">
<NAME>Drug versus placebo</NAME>
<DICH_OUTCOME EFFECT_MEASURE="RR" ID="CMP-001.01" METHOD="MH" RANDOM="YES" EFFECT_SIZE="0.8"
 CI_START="0.5" CI_END="1.2" STUDIES="2" TOTAL_1="100" TOTAL_2="100">
<NAME>Relapse</NAME><GROUP_LABEL_1>Drug</GROUP_LABEL_1><GROUP_LABEL_2>Placebo</GROUP_LABEL_2>
<DICH_SUBGROUP ID="CMP-001.01.01" NO="1"><NAME>Adults</NAME>
<DICH_DATA EVENTS_1="10" EVENTS_2="15" STUDY_ID="STD-M_x00fc_ller_x0020_2001" TOTAL_1="50"
 TOTAL_2="50"/></DICH_SUBGROUP>
<DICH_SUBGROUP ID="CMP-001.01.02" NO="2"><NAME>Children</NAME>
<DICH_DATA EVENTS_1="8" EVENTS_2="9" STUDY_ID="STD-Berg_x0020_2003" TOTAL_1="50" TOTAL_2="50"/>
</DICH_SUBGROUP>
</DICH_OUTCOME>
<IV_OUTCOME ID="CMP-001.02"><NAME>Time to relapse</NAME></IV_OUTCOME>
</COMPARISON></ANALYSES_AND_DATA>"""
    path = tmp_path / "old.rm5"
    path.write_bytes(_rm5(STUDIES_50 + analyses, "ISO-8859-1").encode("latin-1"))
    read = revman.read_rm5(path)
    data = read.data
    assert [s.label for s in data.studies] == ["Müller 2001", "Berg 2003"]
    assert data.reports[0].citation == "Müller A, Berg B. A trial. J Trials 2001;1:1-9. 2001"
    assert [(e.id, e.reason) for e in data.exclusions] == [
        ("ek-1999", "Not randomised"),
        ("ek-1999-2", "Not stated"),  # two excluded studies of one name: RevMan's ids differ
    ]
    assert data.studies[1].note == "Methods: RCT\nParticipants: 40 adults"
    assert [(r.domain, r.judgement, r.support) for r in data.risk_of_bias] == [
        ("random_sequence_generation", "low", "Computer list")
    ]
    assert any(
        "'Funding source' is not one of the Cochrane tool's domains" in w for w in read.warnings
    )
    assert any(
        "generic inverse-variance outcome 'Time to relapse' was not read" in w
        for w in read.warnings
    )
    assert [(r.group, r.events_1, r.n_2) for r in data.outcome_data] == [
        ("Adults", 10, 50),
        ("Children", 8, 50),
    ]
    (analysis,) = data.analyses
    assert (analysis.measure, analysis.model, analysis.method) == ("RR", "random", "MH")
    assert problems(data) == []


_BAD_DATA = (
    '\n<ANALYSES_AND_DATA><COMPARISON ID="C1"><DICH_OUTCOME ID="C1.1" EFFECT_MEASURE="RR">\n'
    '<DICH_DATA EVENTS_1="{e}" EVENTS_2="1" TOTAL_1="5" TOTAL_2="5" STUDY_ID="{s}"/>'
    "</DICH_OUTCOME></COMPARISON></ANALYSES_AND_DATA>"
)


@pytest.mark.parametrize(
    ("body", "marker", "field", "message"),
    [
        (
            "<COVER_SHEET><TITLE>x</TITLE>\n<STUDIES_AND_REFERENCES>\n</COVER_SHEET>",
            "</COVER_SHEET>",
            None,
            "not well-formed XML: mismatched tag",
        ),
        (
            STUDIES_50.replace('RESULT="YES"', 'RESULT="MAYBE"'),
            'RESULT="MAYBE"',
            "RESULT",
            "RESULT 'MAYBE' is not YES, NO or UNKNOWN",
        ),
        (
            STUDIES_50.replace(' YEAR="2003"', ' YEAR="n.d."'),
            'YEAR="n.d."',
            "YEAR",
            "YEAR 'n.d.' is not a year",
        ),
        (
            STUDIES_50 + _BAD_DATA.format(e="ten", s="STD-Berg_x0020_2003"),
            "<DICH_DATA",
            "EVENTS_1",
            "EVENTS_1 'ten' is not a number",
        ),
        (
            STUDIES_50 + _BAD_DATA.format(e="2.5", s="STD-Berg_x0020_2003"),
            "<DICH_DATA",
            "EVENTS_1",
            "EVENTS_1 2.5 is not a whole number",
        ),
        (
            STUDIES_50 + _BAD_DATA.format(e="2", s="STD-Nobody"),
            "<DICH_DATA",
            "STUDY_ID",
            "STUDY_ID 'STD-Nobody' names no study of the file",
        ),
        (
            STUDIES_50.replace('RESULT="YES" STUDY_ID="STD-Berg_x0020_2003"', 'RESULT="YES"'),
            'RESULT="YES">',
            "STUDY_ID",
            "QUALITY_ITEM_DATA_ENTRY has no STUDY_ID",
        ),
        (
            STUDIES_50 + '\n<ANALYSES_AND_DATA><COMPARISON ID="C1">\n'
            '<DICH_OUTCOME ID="C1.1" EFFECT_MEASURE="NNT"/></COMPARISON></ANALYSES_AND_DATA>',
            'EFFECT_MEASURE="NNT"',
            "EFFECT_MEASURE",
            "EFFECT_MEASURE 'NNT' is not one of RR, OR, RD, PETO_OR",
        ),
    ],
)
def test_what_cannot_be_read_is_named_by_file_line_and_attribute(
    tmp_path: Path, body: str, marker: str, field: str | None, message: str
) -> None:
    text = _rm5(body)
    line = next(n for n, t in enumerate(text.splitlines(), start=1) if marker in t)
    path = tmp_path / "bad.rm5"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ParseError) as caught:
        revman.read_rm5(path)
    error = caught.value
    assert message in str(error)
    assert (error.path, error.line, error.field) == (str(path), line, field)


def test_a_file_that_is_not_a_revman_file(tmp_path: Path) -> None:
    path = tmp_path / "x.rm5"
    path.write_text("<?xml version='1.0'?>\n<xml><records/></xml>\n", encoding="utf-8")
    with pytest.raises(ParseError, match="not a RevMan 5 file: the root element is xml"):
        revman.read_rm5(path)


def test_an_analysis_with_a_measure_revman_5_lacks_is_left_out_with_the_reason() -> None:
    data = fleiss()
    hazard = replace(data.analyses[0], id="death-rd", measure="ROM")
    written = revman.rm5(replace(data, analyses=(*data.analyses, hazard)))
    assert written.left_out == (
        ("death-rd", "RevMan 5 has no dichotomous outcome with the measure ROM"),
    )


#: RevMan 5's "Data and analyses" export of the Fleiss file (Fleiss93_CR.csv), the
#: columns compared: all but the names we give differently, P(Q) (RevMan's
#: approximation), the subgroup test (no subgroups) and RevMan's user-defined order
REVMAN_TABLE = """\
Comparison Number,Outcome Number,Subgroup Number,Name,Data Type,Statistical Method,\
Effect Measure,Analysis Model,Events 1,Mean 1,SD 1,Total 1,Events 2,Mean 2,SD 2,Total 2,\
Effect Estimate,SE,CI Start,CI End,Weight,Q,P(Q),I²(Q),Tau²,Z,P(Z),Qint,P(Qint),I²(Qint),df,\
Group Label 1,Group Label 2,Left Graph Label,Right Graph Label,Year of study,User defined order
1,0,0,Examples from Fleiss (1993),,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,
1,1,0,Aspirin for Preventing Death after Myocardial Infarction,DIC,MH,OR,Fixed,2128,,,14186,\
2286,,,13817,0.89686556,,0.8405144,0.95699471,100,9.94605598,0.12694225,39.67458046,0,\
3.28763306,0.00101033,0,0,0,6,Aspirin,Control,Favours experimental,Favours control,,
1,1,0,MRC-1,,,,,49,0,0,615,67,0,0,624,0.71971415,0.19721981,0.48897453,1.05933628,3.17649,\
,,,,,,,,,,,,,,1974,1
1,1,0,CDP,,,,,44,0,0,758,64,0,0,771,0.6807598,0.20289717,0.4573909,1.01321191,3.10168911,\
,,,,,,,,,,,,,,1976,2
1,1,0,MRC-2,,,,,102,0,0,832,126,0,0,850,0.80287019,0.14314855,0.60645288,1.06290292,\
5.67538044,,,,,,,,,,,,,,,1979,6
1,1,0,GASP,,,,,32,0,0,317,38,0,0,309,0.80073869,0.2544889,0.48626104,1.31859721,1.79548462,\
,,,,,,,,,,,,,,1979,8
1,1,0,PARIS,,,,,85,0,0,810,52,0,0,406,0.79814324,0.18761568,0.55256335,1.15286803,\
3.21762436,,,,,,,,,,,,,,,1980,9
1,1,0,AMIS,,,,,246,0,0,2267,219,0,0,2257,1.1327364,0.09806494,0.93466468,1.37278298,\
10.15349122,,,,,,,,,,,,,,,1980,10
1,1,0,ISIS-2,,,,,1570,0,0,8587,1720,0,0,8600,0.89496936,0.03880977,0.82941758,0.96570193,\
72.87984024,,,,,,,,,,,,,,,1988,11
1,2,0,Mental Health Treatment versus Control,CON,IV,MD,Fixed,0,,,106,0,,,126,-0.70938839,,\
-1.25848502,-0.16029176,100,5.66012379,0.22600895,29.33016758,0,2.53211477,0.01133769,0,1,0,4,\
Mental Health Treatment,Control,Favours experimental,Favours control,,
1,2,0,Davis,,,,,0,5,4.7,13,0,6.5,3.8,13,-1.5,1.67630546,-4.78549833,1.78549833,2.79315513,\
,,,,,,,,,,,,,,1973,12
1,2,0,Florell,,,,,0,4.9,1.71,30,0,6.1,2.3,50,-1.2,0.45085474,-2.08365906,-0.31634094,\
38.61251498,,,,,,,,,,,,,,,1971,13
1,2,0,Gruen,,,,,0,22.5,3.44,35,0,24.9,10.65,35,-2.4,1.89175731,-6.10777619,1.30777619,\
2.19316111,,,,,,,,,,,,,,,1975,14
1,2,0,Hart,,,,,0,12.5,1.47,20,0,12.3,1.66,20,0.2,0.49580742,-0.77176469,1.17176469,\
31.92826572,,,,,,,,,,,,,,,1975,15
1,2,0,Wilson,,,,,0,6.5,0.76,8,0,7.38,1.41,8,-0.88,0.56631484,-1.98995669,0.22995669,\
24.47290305,,,,,,,,,,,,,,,1977,16
"""
_NOT_COMPARED = {
    "P(Q)",
    "Qint",
    "P(Qint)",
    "I²(Qint)",
    "Group Label 1",
    "Group Label 2",
    "User defined order",
}


def test_the_data_and_analyses_table_is_revman_5_s_cell_for_cell() -> None:
    table = revman.analyses_table(fleiss())
    assert table.left_out == () and table.analyses == ("death", "mh")
    ours = list(csv.DictReader(io.StringIO(table.text)))
    theirs = list(csv.DictReader(io.StringIO(REVMAN_TABLE)))
    assert list(ours[0]) == list(theirs[0])  # the same columns in the same order
    assert len(ours) == len(theirs)
    outcome_rows = {2, 10}  # we name the outcomes as the review's protocol does
    for n, (mine, real) in enumerate(zip(ours, theirs, strict=True), start=1):
        for column, value in real.items():
            if column in _NOT_COMPARED or (column == "Name" and n in outcome_rows):
                continue
            assert mine[column] == value, (n, column)
        if n in outcome_rows:
            assert float(mine["P(Q)"]) == pytest.approx(float(real["P(Q)"]), rel=1e-6)


@pytest.mark.parametrize(
    ("left", "direction"),
    [
        ("Favours experimental", "lower_is_better"),  # RevMan's default
        ("Favours control", "higher_is_better"),
        ("Favours drug", "lower_is_better"),
        ("Favours placebo", "higher_is_better"),
        ("Favours usual care", "higher_is_better"),
        ("Favours nothing named", None),
    ],
)
def test_an_outcome_s_direction_comes_from_the_left_axis_label(
    left: str, direction: str | None
) -> None:
    assert revman._vocab.direction_from_labels(left, "Drug", "Placebo") == direction


def test_an_outcome_where_higher_is_better_puts_the_control_on_the_left() -> None:
    data = fleiss()
    outcomes = tuple(replace(o, direction="higher_is_better") for o in data.protocol.outcomes)
    text = revman.rm5(replace(data, protocol=replace(data.protocol, outcomes=outcomes))).text
    dich, _ = _outcomes(text)
    assert (dich.findtext("GRAPH_LABEL_1"), dich.findtext("GRAPH_LABEL_2")) == (
        "Favours control",
        "Favours experimental",
    )


def test_a_study_and_an_excluded_full_text_may_share_an_id() -> None:
    data = fleiss()
    excluded = Exclusion(
        id="gasp", citation="GASP pilot. J 1978;1:1", reason="Not randomised", group="Excluded"
    )
    root = ET.fromstring(revman.rm5(replace(data, exclusions=(excluded,))).text)
    included = root.find("STUDIES_AND_REFERENCES/STUDIES/INCLUDED_STUDIES")
    excluded_group = root.find("STUDIES_AND_REFERENCES/STUDIES/EXCLUDED_STUDIES")
    assert included is not None and excluded_group is not None
    (other,) = excluded_group.iter("STUDY")
    assert other.get("ID") not in {s.get("ID") for s in included.iter("STUDY")}
    (reason,) = root.iter("EXCLUDED_CHAR")
    assert reason.get("STUDY_ID") == other.get("ID")
    assert reason.findtext("REASON_FOR_EXCLUSION/P") == "Not randomised"


def test_judgements_per_group_of_outcomes_keep_the_most_cautious(tmp_path: Path) -> None:
    item = """<QUALITY_ITEMS><QUALITY_ITEM ID="QIT-04" LEVEL="GROUP" NO="4">
<NAME>Blinding of outcome assessment (detection bias)</NAME>
<QUALITY_ITEM_DATA>
<QUALITY_ITEM_DATA_ENTRY GROUP_ID="QIG-04.01" RESULT="YES" STUDY_ID="STD-Berg_x0020_2003">
<DESCRIPTION><P>Registry data</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY>
<QUALITY_ITEM_DATA_ENTRY GROUP_ID="QIG-04.02" RESULT="NO" STUDY_ID="STD-Berg_x0020_2003">
<DESCRIPTION><P>Self-report, unblinded</P></DESCRIPTION></QUALITY_ITEM_DATA_ENTRY>
<QUALITY_ITEM_DATA_ENTRY GROUP_ID="QIG-04.02" RESULT="UNKNOWN"
 STUDY_ID="STD-M_x00fc_ller_x0020_2001"/>
</QUALITY_ITEM_DATA>
<QUALITY_ITEM_GROUPS>
<QUALITY_ITEM_GROUP ID="QIG-04.01" NO="1"><NAME>Objective outcomes</NAME></QUALITY_ITEM_GROUP>
<QUALITY_ITEM_GROUP ID="QIG-04.02" NO="2"><NAME>Subjective outcomes</NAME></QUALITY_ITEM_GROUP>
</QUALITY_ITEM_GROUPS>
</QUALITY_ITEM></QUALITY_ITEMS>"""
    body = STUDIES_50[: STUDIES_50.index("<QUALITY_ITEMS>")] + item
    path = tmp_path / "groups.rm5"
    path.write_text(_rm5(body), encoding="utf-8")
    read = revman.read_rm5(path)
    judged = {(r.study, r.judgement, r.support) for r in read.data.risk_of_bias}
    assert judged == {
        (
            "berg-2003",
            "high",
            "Objective outcomes: low (Registry data); "
            "Subjective outcomes: high (Self-report, unblinded)",
        ),
        ("muller-2001", "unclear", "Subjective outcomes"),
    }
    assert any("kept the most cautious judgement (high)" in w for w in read.warnings)
    assert problems(read.data) == []


def test_a_study_judged_per_outcome_is_written_with_its_most_cautious_judgement() -> None:
    data = fleiss()
    per_outcome = (
        RobAssessment(
            study="paris",
            tool="rob1",
            domain="blinding_outcome_assessment",
            judgement="low",
            outcome="death",
            support="Death registry",
        ),
        RobAssessment(
            study="paris",
            tool="rob1",
            domain="blinding_outcome_assessment",
            judgement="high",
            outcome="mh",
            support="Self-report",
        ),
    )
    text = revman.rm5(replace(data, risk_of_bias=data.risk_of_bias + per_outcome)).text
    root = ET.fromstring(text)
    entries = [
        e
        for item in root.iter("QUALITY_ITEM")
        if item.findtext("NAME", "").startswith("Blinding of outcome")
        for e in item.iter("QUALITY_ITEM_DATA_ENTRY")
        if e.get("STUDY_ID") == "STD-PARIS"
    ]
    assert [(e.get("RESULT"), e.findtext("DESCRIPTION/P")) for e in entries] == [
        ("NO", "Death: low (Death registry); Mental health: high (Self-report)")
    ]


def test_report_ids_stay_unique_when_a_study_s_second_report_meets_another_study(
    tmp_path: Path,
) -> None:
    body = """<STUDIES_AND_REFERENCES><STUDIES><INCLUDED_STUDIES>
<STUDY ID="STD-A" NAME="A" YEAR="2001"><REFERENCE PRIMARY="YES"><TI>One</TI></REFERENCE>
<REFERENCE PRIMARY="NO"><TI>Two</TI></REFERENCE></STUDY>
<STUDY ID="STD-A_x002d_2" NAME="A-2" YEAR="2002"><REFERENCE PRIMARY="YES"><TI>Three</TI>
</REFERENCE></STUDY>
</INCLUDED_STUDIES></STUDIES></STUDIES_AND_REFERENCES>"""
    path = tmp_path / "ids.rm5"
    path.write_text(_rm5(body), encoding="utf-8")
    data = revman.read_rm5(path).data
    assert [(r.id, r.study, r.title) for r in data.reports] == [
        ("a", "a", "One"),
        ("a-2", "a", "Two"),
        ("a-2-2", "a-2", "Three"),
    ]
    assert problems(data) == []


def test_peto_odds_ratios_and_studies_without_events_travel_as_revman_has_them(
    tmp_path: Path,
) -> None:
    data = fleiss()
    rows = tuple(
        replace(r, events_1=0, events_2=0) if r.id == "death-mrc1" else r for r in data.outcome_data
    )
    peto = replace(data.analyses[0], method="PETO")
    data = replace(data, outcome_data=rows, analyses=(peto, data.analyses[1]))
    written = revman.write_rm5(data, tmp_path / "peto.rm5")
    dich, _ = _outcomes(written.text)
    assert (dich.get("EFFECT_MEASURE"), dich.get("METHOD")) == ("PETO_OR", "PETO")
    assert (dich.get("STUDIES"), dich.get("DF")) == ("7", "5")  # one study not estimable
    mrc1 = next(d for d in dich.iter("DICH_DATA") if d.get("STUDY_ID") == "STD-MRC_x002d_1")
    assert (mrc1.get("ESTIMABLE"), mrc1.get("EFFECT_SIZE"), mrc1.get("WEIGHT")) == ("NO", "", "0.0")
    back = revman.read_rm5(tmp_path / "peto.rm5").data
    death = next(a for a in back.analyses if a.method == "PETO")
    assert (death.measure, death.model) == ("OR", "fixed")
    assert problems(back) == []


def test_a_row_revman_holds_no_numbers_for_is_skipped_with_a_warning(tmp_path: Path) -> None:
    analyses = """<ANALYSES_AND_DATA><COMPARISON ID="CMP-001"><NAME>Drug versus placebo</NAME>
<CONT_OUTCOME EFFECT_MEASURE="MD" ID="CMP-001.01"><NAME>Pain</NAME>
<CONT_DATA ESTIMABLE="NO" MEAN_1="" SD_1="" TOTAL_1="20" MEAN_2="" SD_2="" TOTAL_2="20"
 STUDY_ID="STD-Berg_x0020_2003"/>
<CONT_DATA MEAN_1="3.5" SD_1="1.2" TOTAL_1="25" MEAN_2="4.1" SD_2="1.3" TOTAL_2="24"
 STUDY_ID="STD-M_x00fc_ller_x0020_2001"/>
</CONT_OUTCOME></COMPARISON></ANALYSES_AND_DATA>"""
    path = tmp_path / "empty.rm5"
    path.write_text(_rm5(STUDIES_50 + analyses), encoding="utf-8")
    read = revman.read_rm5(path)
    assert [(r.study, r.mean_1, r.n_1) for r in read.data.outcome_data] == [
        ("muller-2001", 3.5, 25)
    ]
    assert type(read.data.outcome_data[0].n_1) is int
    assert any("Berg 2003's row is not estimable and lacks numbers" in w for w in read.warnings)
    assert read.data.analyses[0].studies == ("muller-2001",)
    assert problems(read.data) == []
