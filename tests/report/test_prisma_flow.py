"""The PRISMA 2020 flow diagram (``sysreview.report.figures.prisma_flow``).

Oracles: the example review's counts as ``examples/niph-rehab/prisma.yaml`` records
them (read here with PyYAML, not through the bundle), the source's own flow diagram
(Figur 1 of the seed review: its Norwegian wording, e.g. "Referanser identifisert
gjennom databasesøk", "Fulltekster vurdert"), the arithmetic findings the example is
known to have (163 full texts excluded but 35 + 6 + 121 = 162 by reason; 75
exclusions listed), and a constructed update with other sources whose boxes are
worked out by hand.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from sysreview.bundle import read_bundle
from sysreview.errors import DataError
from sysreview.model import PrismaCounts, ReviewData
from sysreview.prisma import counts
from sysreview.report.figures.prisma_flow import Box, PrismaFlow, draw_prisma, prisma_flow

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "niph-rehab"


@pytest.fixture(scope="module")
def recorded() -> dict[str, object]:
    loaded = yaml.safe_load((EXAMPLE / "prisma.yaml").read_text("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture(scope="module")
def data() -> ReviewData:
    return read_bundle(EXAMPLE)


@pytest.fixture(scope="module")
def flow(data: ReviewData) -> PrismaFlow:
    return prisma_flow(counts(data), data=data)


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    texts = [" ".join(el.itertext()) for el in root.iter("{http://www.w3.org/2000/svg}text")]
    return " ".join(" ".join(texts).split())


def test_every_count_is_the_example_s(flow: PrismaFlow, recorded: dict[str, object]) -> None:
    for key in (
        "identified_databases",
        "identified_other",
        "screened",
        "excluded_screening",
        "fulltext_assessed",
        "fulltext_excluded",
        "studies_included",
        "reports_included",
        "systematic_reviews_included",
    ):
        box = flow.box(key)
        assert box.n == recorded[key], key
        assert box.text.endswith(f"(n = {recorded[key]})"), box.text
    assert flow.box("identified_databases").n == 7175
    assert flow.box("screened").n == 7186
    assert flow.box("studies_included").n == 20
    # the template's boxes the counts fill by its identities
    assert flow.box("reports_sought").n == 7186 - 6985 == 201
    assert flow.box("reports_not_retrieved").n == 0  # all 201 sought were assessed
    # duplicates are not reported: drawn, unknown
    assert "duplicates_removed" not in recorded
    assert flow.box("duplicates_removed").n is None
    assert flow.box("duplicates_removed").text == "Duplicate records removed (n = not reported)"


def test_english_texts(flow: PrismaFlow) -> None:
    assert flow.box("identified_databases").text == "Records identified from databases (n = 7175)"
    assert flow.box("identified_other").text == "Records identified from other sources (n = 11)"
    assert flow.box("screened").text == "Records screened (n = 7186)"
    assert flow.box("excluded_screening").text == "Records excluded (n = 6985)"
    assert flow.box("reports_sought").text == "Reports sought for retrieval (n = 201)"
    assert flow.box("fulltext_assessed").text == "Reports assessed for eligibility (n = 201)"
    assert flow.box("fulltext_excluded").text == "Reports excluded (n = 163)"
    assert flow.box("studies_included").text == "Studies included in review (n = 20)"
    assert flow.box("reports_included").text == "Reports of included studies (n = 25)"
    assert flow.box("removed_before_screening").n is None
    assert dict(flow.headers) == {
        "databases": "Identification of studies via databases and registers",
        "other": "Identification of studies via other methods",
    }
    assert flow.phases == (("Identification", 0, 0), ("Screening", 1, 3), ("Included", 4, 4))


def test_exclusion_reasons_with_n(flow: PrismaFlow, recorded: dict[str, object]) -> None:
    by_reason = recorded["fulltext_excluded_by_reason"]
    assert isinstance(by_reason, dict)
    reasons = [b for b in flow.boxes if b.key.startswith("excluded_reason_")]
    assert [(b.text, b.n) for b in reasons] == [
        (f"{reason} (n = {n})", n) for reason, n in by_reason.items()
    ]
    assert reasons[0].text == "Oversikter ekskludert etter fulltekstlesning (n = 35)"
    # listed in the frame of reports excluded
    excluded = flow.box("fulltext_excluded")
    assert {(b.column, b.row) for b in reasons} == {(excluded.column, excluded.row)}
    # the argument replaces the counts' reasons
    own = prisma_flow(counts(read_bundle(EXAMPLE)), exclusion_reasons={"Wrong design": 163})
    assert [b.text for b in own.boxes if b.key.startswith("excluded_reason_")] == [
        "Wrong design (n = 163)"
    ]
    with pytest.raises(DataError, match="count must be"):
        prisma_flow(PrismaCounts(), exclusion_reasons={"x": -1})


def test_the_known_findings(flow: PrismaFlow, data: ReviewData) -> None:
    found = {f.check: (f.expected, f.found) for f in flow.findings}
    assert found == {"exclusion_reasons": (163, 162), "exclusions_listed": (163, 75)}
    alone = prisma_flow(counts(data))  # without the review's lists
    assert [f.check for f in alone.findings] == ["exclusion_reasons"]


def test_layout_and_arrows(flow: PrismaFlow) -> None:
    main = ["identified_databases", "screened", "reports_sought", "fulltext_assessed"]
    assert [flow.box(k).row for k in main] == [0, 1, 2, 3]
    assert {flow.box(k).column for k in main} == {"databases"}
    assert flow.box("studies_included").row == 4
    assert flow.box("excluded_screening").column == "databases_side"
    assert flow.box("identified_other").column == "other"
    assert ("identified_other", "screened") in flow.arrows
    assert ("fulltext_assessed", "studies_included") in flow.arrows
    keys = flow.box_keys()
    assert len(set(keys)) == len(keys)
    for source, target in flow.arrows:
        assert source in keys and target in keys
    with pytest.raises(KeyError):
        flow.box("previous_studies")


def test_norwegian_texts_follow_the_source(data: ReviewData) -> None:
    nb = prisma_flow(counts(data), data=data, lang="nb")
    # the seed review's Figur 1 (Flytskjema over utvelgelse av studier)
    assert nb.box("identified_databases").text == (
        "Referanser identifisert gjennom databasesøk (n = 7175)"
    )
    assert (
        nb.box("identified_other").text == "Referanser identifisert gjennom andre kilder (n = 11)"
    )
    assert nb.box("screened").text == "Referanser vurdert på tittel/abstrakt (n = 7186)"
    assert nb.box("excluded_screening").text == "Referanser ekskludert (n = 6985)"
    assert nb.box("fulltext_assessed").text == "Fulltekster vurdert (n = 201)"
    assert nb.box("fulltext_excluded").text == "Fulltekster ekskludert (n = 163)"
    assert nb.box("studies_included").text == "Inkluderte studier (n = 20)"
    # where the source has no wording
    assert nb.box("duplicates_removed").text == "Duplikater fjernet (n = ikke oppgitt)"
    assert nb.box("reports_included").text == "Publikasjoner av inkluderte studier (n = 25)"
    assert [p[0] for p in nb.phases] == ["Identifisering", "Screening", "Inkludert"]
    with pytest.raises(DataError, match="language"):
        prisma_flow(counts(data), lang="sv")


UPDATE = PrismaCounts(
    identified_databases=500,
    identified_other=20,
    duplicates_removed=120,
    screened=400,
    excluded_screening=350,
    fulltext_assessed=48,
    fulltext_excluded=40,
    studies_included=6,
    reports_included=8,
    fulltext_excluded_by_reason={"Wrong population": 25, "Wrong design": 15},
)
PREVIOUS = PrismaCounts(studies_included=10, reports_included=14)


def test_an_update_with_other_sources() -> None:
    flow = prisma_flow(UPDATE, previous=PREVIOUS)
    assert flow.box("previous_studies") == Box(
        "previous_studies",
        "Studies included in previous version of review (n = 10)",
        10,
        "previous",
        0,
    )
    assert flow.box("previous_reports").n == 14
    assert flow.box("identified_other").n == 20
    assert flow.box("duplicates_removed").text == "Duplicate records removed (n = 120)"
    assert flow.box("studies_included").text == "New studies included in review (n = 6)"
    assert flow.box("reports_included").text == "Reports of new included studies (n = 8)"
    assert flow.box("total_studies").text == "Total studies included in review (n = 16)"
    assert flow.box("total_reports").text == "Reports of total included studies (n = 22)"
    assert flow.box("total_studies").row == 5
    assert ("previous_studies", "total_studies") in flow.arrows
    assert ("studies_included", "total_studies") in flow.arrows
    # 400 - 350 = 50 sought but 48 assessed: not retrieved unknown, and a finding
    assert flow.box("reports_sought").n == 50
    assert flow.box("reports_not_retrieved").text == "Reports not retrieved (n = not reported)"
    assert [(f.check, f.expected, f.found) for f in flow.findings] == [("screening", 50, 48)]
    assert dict(flow.headers)["previous"] == "Previous studies"
    assert flow.phases[-1] == ("Included", 4, 5)
    # systematic reviews: a line only when counted
    with pytest.raises(KeyError):
        flow.box("systematic_reviews_included")


def test_sources_left_out_when_unknown_or_none() -> None:
    for other in (None, 0):
        flow = prisma_flow(PrismaCounts(identified_databases=10, identified_other=other))
        assert "identified_other" not in flow.box_keys()
        assert "other" not in dict(flow.headers)
        assert all(source != "identified_other" for source, _ in flow.arrows)
    empty = prisma_flow(PrismaCounts())
    assert empty.box("screened").text == "Records screened (n = not reported)"
    assert empty.box("reports_sought").n is None
    assert empty.findings == ()


def test_drawing_svg_has_every_box_text(flow: PrismaFlow, tmp_path: Path) -> None:
    text = svg_text(draw_prisma(flow, tmp_path / "prisma.svg"))
    for box in flow.boxes:
        assert " ".join(box.text.split()) in text, box.text
    for _, header in flow.headers:
        assert header in text
    for phase, _, _ in flow.phases:
        assert phase in text


def test_drawing_norwegian_update_and_png(data: ReviewData, tmp_path: Path) -> None:
    nb = prisma_flow(counts(data), data=data, lang="nb")
    text = svg_text(draw_prisma(nb, tmp_path / "nb.svg"))
    assert "Referanser identifisert gjennom databasesøk (n = 7175)" in text
    assert "Primærstudier ekskludert etter fulltekstlesning (n = 121)" in text
    update = prisma_flow(UPDATE, previous=PREVIOUS)
    text = svg_text(draw_prisma(update, tmp_path / "update.svg"))
    assert "Total studies included in review (n = 16)" in text
    assert "Previous studies" in text
    png = draw_prisma(prisma_flow(counts(data)), tmp_path / "prisma.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert draw_prisma(update, tmp_path / "update.png").stat().st_size > 10_000
