"""The data-extraction pages over HTTP, on SQLite and PostgreSQL: two extractors enter
a row blinded to each other, agreement writes it, a difference is shown side by side,
and only a lead settles it once the review has accounts."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from fastapi.testclient import TestClient

from sysreview import Review, extraction
from sysreview.model import Analysis, Comparison, Outcome, Study, replace
from sysreview.web import create_app

ENTRY = {
    "study": "alpha",
    "outcome": "rtw",
    "comparison": "c1",
    "timepoint": "12 mnd",
    "data_type": "dichotomous",
    "events_1": "60",
    "n_1": "66",
    "events_2": "52",
    "n_2": "68",
    "source": "Table 2",
}


def _setup(review_dir: Path, mode: str = "independent") -> None:
    with Review.open(review_dir) as review:
        data = review.data()
        protocol = replace(
            data.protocol,
            outcomes=(Outcome("rtw", "Retur til arbeid", name_en="Return to work"),),
            comparisons=(Comparison("c1", "Graded activity", "Usual care"),),
            extraction_mode=mode,
        )
        studies = (Study(id="alpha", label="Alpha 2010"), Study(id="beta", label="Beta 2012"))
        review.save(replace(data, protocol=protocol, studies=studies))


def _client(review_dir: Path, name: str, password: str | None = None) -> TestClient:
    client = TestClient(create_app(review_dir))
    form = {"name": name} | ({"password": password} if password else {})
    response = client.post("/signin", data=form, follow_redirects=False)
    assert response.status_code == 303
    return client


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found is not None, name
    return found.group(1)


def test_two_extractors_blinded_then_a_lead_settles(review_dir: Path) -> None:
    _setup(review_dir)
    with Review.open(review_dir) as review:
        review.add_account("cat", "correct horse", role="lead")
        review.add_account("ann", "battery staple")
        review.add_account("bob", "battery staple")
    ann = _client(review_dir, "ann", "battery staple")
    page = ann.get("/extract").text
    assert "Two people enter each outcome-data row independently" in page
    assert '<option value="alpha">Alpha 2010</option>' in page
    assert '<option value="c1">Graded activity vs Usual care</option>' in page
    assert 'name="events_1" value="" inputmode="decimal" class="number"' in page
    assert 'name="timepoint" value="">' in page
    assert "Included studies with no outcome data yet: " in page and ">Beta 2012</a>." in page
    saved = ann.post("/extract", data=ENTRY)
    assert saved.status_code == 200
    assert "alpha-rtw-12-mnd entered by ann; waiting for a second extractor." in saved.text
    assert (
        ">Alpha 2010</a>" not in saved.text.split('data-testid="without-data"')[1].split("</p>")[0]
    )
    bob = _client(review_dir, "bob", "battery staple")
    blinded = bob.get("/extract?row=alpha-rtw-12-mnd").text
    assert _value(blinded, "events_1") == "" and "Enter alpha-rtw-12-mnd" in blinded
    assert _value(ann.get("/extract?row=alpha-rtw-12-mnd").text, "events_1") == "60"
    refused = bob.post("/extract", data=ENTRY | {"events_1": "70"})
    assert refused.status_code == 409 and "70 events among 66 participants" in refused.text
    assert _value(refused.text, "events_1") == "70"  # what bob typed is kept
    assert (
        'name="events_1" value="70" inputmode="decimal" class="number invalid" aria-invalid="true"'
        in refused.text
    )
    differs = bob.post("/extract", data=ENTRY | {"events_1": "61", "row": "alpha-rtw-12-mnd"})
    assert "the entries differ (events_1): a lead settles it" in differs.text
    detail = re.search(
        r'data-conflict="alpha-rtw-12-mnd">(.*?)</td></tr>\s*</tbody>\s*</table>\s*</div>',
        differs.text,
        re.S,
    )
    assert detail is not None
    shown = detail.group(1)
    assert "Events (intervention)</th><td>60</td><td>61</td>" in shown
    assert "A lead settles it (cat)" in shown and "/extract/settle" not in shown
    cat = _client(review_dir, "cat", "correct horse")
    assert 'action="/extract/settle"' in cat.get("/extract").text
    # the lead may instead correct the values: the form starts from the first entry
    settling = cat.get("/extract?row=alpha-rtw-12-mnd").text
    assert "Settle alpha-rtw-12-mnd" in settling and _value(settling, "events_1") == "60"
    assert "Settle with these values" in settling
    assert "Settle with these values" not in bob.get("/extract?row=alpha-rtw-12-mnd").text
    corrected = {k: "" for k in extraction.VALUE_FIELDS} | ENTRY | {"n_2": "67", "events_2": "80"}
    refused = cat.post("/extract/settle", data=corrected | {"row": "alpha-rtw-12-mnd"})
    assert refused.status_code == 409 and "80 events among 67 participants" in refused.text
    assert _value(refused.text, "n_2") == "67"  # what the lead typed is kept
    corrected |= {"events_2": "52", "row": "alpha-rtw-12-mnd"}
    settled = cat.post("/extract/settle", data=corrected)
    assert "alpha-rtw-12-mnd agreed with the values entered (settled by cat)" in settled.text
    with Review.open(review_dir) as review:
        [row] = review.data().outcome_data
    assert (row.events_1, row.n_2) == (60, 67)
    settled = cat.post("/extract/settle", data={"row": "alpha-rtw-12-mnd", "take": "bob"})
    assert "alpha-rtw-12-mnd agreed from bob&#39;s entry (settled by cat)" in settled.text
    with Review.open(review_dir) as review:
        [row] = review.data().outcome_data
    assert (row.id, row.events_1, row.comparison, row.source) == (
        "alpha-rtw-12-mnd",
        61,
        "c1",
        "Table 2",
    )


def test_checking_prefills_the_first_entry(review_dir: Path) -> None:
    _setup(review_dir, mode="checked")
    ann = _client(review_dir, "ann")
    ann.post("/extract", data=ENTRY)
    bob = _client(review_dir, "bob")
    page = bob.get("/extract").text
    assert "One person enters each outcome-data row and a second checks it" in page
    assert 'href="/extract?row=alpha-rtw-12-mnd#entry">check</a>' in page
    checking = bob.get("/extract?row=alpha-rtw-12-mnd").text
    assert _value(checking, "events_1") == "60" and _value(checking, "row") == "alpha-rtw-12-mnd"
    agreed = bob.post("/extract", data=ENTRY | {"row": "alpha-rtw-12-mnd"})
    assert "agreed: it is now the review&#39;s outcome data" in agreed.text
    assert re.search(
        r'data-row="alpha-rtw-12-mnd">.*?<span class="state agreed">agreed', agreed.text, re.S
    )


def test_a_study_s_description_is_edited_on_its_page(review_dir: Path) -> None:
    _setup(review_dir)
    with Review.open(review_dir) as review:
        review.describe_study("alpha", by="ann", characteristics={"age": "46", "women": "44 %"})
    ann = _client(review_dir, "ann")
    page = ann.get("/studies/alpha").text
    assert 'name="cell_value" value="46"' in page and 'aria-label="new column"' in page
    form = {
        "label": "Alpha 2010",
        "design": "RCT",
        "countries": "Norway; Sweden",
        "participants": "134",
        "cell_key": ["age", "setting", ""],  # women dropped, setting added
        "cell_value": ["46 (18-65)", "primary care", ""],
    }
    saved = ann.post("/studies/alpha", data=form)
    assert saved.status_code == 200 and "alpha&#39;s description is saved" in saved.text
    with Review.open(review_dir) as review:
        alpha = review.data().studies[0]
    assert (alpha.design, alpha.countries, alpha.participants) == ("RCT", ("Norway", "Sweden"), 134)
    assert alpha.characteristics == {"age": "46 (18-65)", "setting": "primary care"}
    refused = ann.post("/studies/alpha", data=form | {"participants": "many"})
    assert refused.status_code == 409 and "not a whole number" in refused.text


def test_the_data_page_offers_the_review_as_revman_files(review_dir: Path) -> None:
    """Once two extractors agree on both studies' rows and an analysis names them, the
    RevMan file holds it with RevMan's numbers; before, the page says why it cannot."""
    _setup(review_dir)
    with Review.open(review_dir) as review:
        data = review.data()
        review.save(
            replace(
                data,
                analyses=(
                    Analysis(
                        id="rtw-12",
                        comparison="c1",
                        outcome="rtw",
                        timepoint="12 mnd",
                        measure="RR",
                        model="fixed",
                        studies=("alpha", "beta"),
                    ),
                ),
            )
        )
    ann = _client(review_dir, "ann")
    page = ann.get("/extract").text
    assert "0 of 1 analyses with their study data" in page
    assert "rtw-12: not every study has one row of arm-level data" in page
    bob = _client(review_dir, "bob")
    for study, events in (("alpha", "60"), ("beta", "40")):
        entry = ENTRY | {"study": study, "events_1": events}
        for client in (ann, bob):
            assert client.post("/extract", data=entry).status_code == 200
    page = ann.get("/extract").text
    assert "1 of 1 analyses with their study data" in page
    assert 'data-testid="revman-left-out"' not in page
    response = ann.get("/export/revman.rm5")
    assert response.status_code == 200
    assert response.headers["content-disposition"].endswith('.rm5"')
    root = ET.fromstring(response.text)
    (outcome,) = root.iter("DICH_OUTCOME")
    assert outcome.findtext("NAME") == "Return to work, 12 mnd"
    assert (outcome.get("EVENTS_1"), outcome.get("TOTAL_1"), outcome.get("METHOD")) == (
        "100",
        "132",
        "MH",
    )
    table = ann.get("/export/revman.csv")
    assert table.status_code == 200 and table.text.startswith("Comparison Number,")
    assert ann.get("/export/revman.pdf").status_code == 404
    anonymous = TestClient(create_app(review_dir))
    assert anonymous.get("/export/revman.rm5", follow_redirects=False).status_code == 303
