"""The web app in a real browser: Debian's Chromium driven by Playwright against
the app served by uvicorn on localhost.  Two reviewers screen the same record
blind, disagree, and a third resolves the conflict by clicking; a reviewer answers
RoB 2's signalling questions for a domain and sees the algorithm's judgement.

Skips without Chromium (/usr/bin/chromium) or Playwright, except under CI=true,
where it fails: CI installs both (.ci/run)."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sysreview import Review
from sysreview.appraisal import amstar2
from sysreview.model import Outcome, Study, SystematicReview, replace

from ..conftest import IN_CI

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("SYSREVIEW_CHROMIUM", "/usr/bin/chromium")


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the browser test must run)")
        pytest.skip(reason)


@pytest.fixture
def server(review_dir: Path) -> Iterator[str]:
    with _serving(review_dir) as url:
        yield url


@contextmanager
def _serving(review_dir: Path) -> Iterator[str]:
    """The web app on ``review_dir``, served by uvicorn on a free localhost port."""
    import uvicorn

    from sysreview.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(review_dir), host="127.0.0.1", port=port, log_level="warning"
    )
    app_server = uvicorn.Server(config)
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not app_server.started:
        assert time.monotonic() < deadline, "the web app did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        app_server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def _chromium() -> Iterator[Page]:
    """A page in Debian's Chromium, 1200 × 900 (skips without it, unless CI=true)."""
    _need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _need(False, "Playwright is not installed (pip install playwright)")
        raise
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            yield browser.new_page(viewport={"width": 1200, "height": 900})
        finally:
            browser.close()


def _sign_in(page: Page, server: str, name: str, password: str | None = None) -> None:
    from playwright.sync_api import expect

    page.goto(server + "/")
    expect(page.get_by_role("heading", name="Who is screening?")).to_be_visible()
    page.get_by_label("Your name").fill(name)
    if password is not None:
        page.get_by_label("Your password").fill(password)
    page.get_by_role("button", name="Start screening").click()
    expect(page.get_by_test_id("reviewer")).to_have_text(name)


def _keep_screenshots(tmp_path: Path, *names: str) -> None:
    """Copies to $SYSREVIEW_SCREENSHOTS, when set, to look at."""
    if os.environ.get("SYSREVIEW_SCREENSHOTS"):
        for name in names:
            target = Path(os.environ["SYSREVIEW_SCREENSHOTS"]) / name
            target.write_bytes((tmp_path / name).read_bytes())


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_two_reviewers_disagree_and_a_third_resolves_in_chromium(
    server: str, tmp_path: Path
) -> None:
    with _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "ann")
        expect(page.get_by_test_id("record-id")).to_have_text("r0")
        expect(page.locator("mark").first).to_have_text("leave")
        page.get_by_label("Note (optional)").fill("randomised, workers")
        page.get_by_role("button", name="Include").click()
        expect(page.get_by_test_id("done")).to_contain_text("r0 is saved")
        expect(page.get_by_test_id("record-id")).to_have_text("r1")
        page.screenshot(path=str(tmp_path / "screen.png"), full_page=True)
        page.get_by_role("link", name="My decisions").click()
        expect(page.locator('tr[data-record="r0"]')).to_contain_text("include")
        page.get_by_role("button", name="Sign out").click()

        _sign_in(page, server, "bob")
        expect(page.get_by_test_id("record-id")).to_have_text("r0")
        expect(page.locator("article")).not_to_contain_text("randomised, workers")
        page.get_by_label("Note (optional)").fill("e i m")  # keys typed in the note ...
        expect(page.get_by_test_id("record-id")).to_have_text("r0")  # ... decide nothing
        page.get_by_label("Note (optional)").fill("")
        page.locator("h1").click()
        page.keyboard.press("e")  # the exclude key
        expect(page.get_by_test_id("record-id")).to_have_text("r1")
        page.get_by_role("button", name="Sign out").click()

        _sign_in(page, server, "cat")
        page.get_by_role("link", name="Conflicts").click()
        row = page.locator('tr[data-record="r0"]')
        expect(row).to_contain_text("ann: include — randomised, workers")
        expect(row).to_contain_text("bob: exclude")
        page.screenshot(path=str(tmp_path / "conflicts.png"), full_page=True)
        row.get_by_role("button", name="Include").click()
        expect(page.get_by_test_id("no-conflicts")).to_be_visible()
        page.get_by_role("link", name="Agreement").click()
        expect(page.get_by_test_id("pairs")).to_contain_text("ann & bob")
        _keep_screenshots(tmp_path, "screen.png", "conflicts.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_reviewer_answers_rob2_questions_in_chromium(
    server: str, review_dir: Path, tmp_path: Path
) -> None:
    d1, d3 = "randomisation_process", "missing_outcome_data"
    with Review.open(review_dir) as review:
        studies = (
            Study(id="hansen2012", label="Hansen 2012"),
            Study(id="olsen2015", label="Olsen 2015"),
            Study(id="berg2019", label="Berg 2019"),
        )
        review.save(replace(review.data(), studies=studies))
        for who in ("ann", "bob"):  # settled: both judged D3 low
            review.assess_risk_of_bias("olsen2015", "D3", answers="3.1=Y", assessor=who)
        review.assess_risk_of_bias("olsen2015", "D1", answers="1.1=Y 1.2=Y 1.3=N", assessor="bob")
        review.assess_risk_of_bias("olsen2015", "D1", answers="1.1=Y 1.2=N 1.3=N", assessor="ann")
        review.assess_risk_of_bias("olsen2015", "D5", judgement="high", assessor="bob",
                                   support="Only one of three scales reported")  # fmt: skip
    with _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "ann")
        page.get_by_role("link", name="Risk of bias").click()
        grid = page.get_by_test_id("rob-grid")
        expect(grid.locator(f'tr[data-study="olsen2015"] td[data-domain="{d3}"]')).to_have_text(
            re.compile(r"settled: \+Low")  # robvis's symbol, then the judgement
        )
        expect(grid.locator(f'tr[data-study="olsen2015"] td[data-domain="{d1}"]')).to_contain_text(
            "conflict"
        )
        expect(grid).not_to_contain_text("Only one of three scales")  # bob's, blinded
        page.get_by_role("link", name="Hansen 2012").click()
        expect(page.get_by_test_id("study")).to_have_text("Hansen 2012")
        domain = page.locator(f"#rob-{d1}")
        for question, answer in (("1.1", "Y"), ("1.2", "PY"), ("1.3", "N")):
            domain.locator(f'input[name="q_{question}"][value="{answer}"]').click()
        domain.get_by_label("Support for the judgement").fill("Computer-generated, central")
        domain.get_by_role("button", name="Save D1").click()
        domain = page.locator(f"#rob-{d1}")
        expect(domain.get_by_test_id("saved")).to_contain_text("D1 is saved")
        expect(domain.get_by_test_id("yours-D1")).to_have_text(
            re.compile(r"Your judgement: \+Low\s+the RoB 2 algorithm's, from your answers")
        )
        expect(domain.locator('input[name="q_1.2"][value="PY"]')).to_be_checked()
        page.screenshot(path=str(tmp_path / "rob_study.png"), full_page=True)
        page.get_by_role("link", name="all studies").click()
        expect(page.locator(f'tr[data-study="hansen2012"] td[data-domain="{d1}"]')).to_contain_text(
            "awaiting the other assessor"
        )
        page.screenshot(path=str(tmp_path / "rob_grid.png"), full_page=True)
        _keep_screenshots(tmp_path, "rob_study.png", "rob_grid.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_reviewer_appraises_a_listed_review_with_amstar2_in_chromium(
    server: str, review_dir: Path, tmp_path: Path
) -> None:
    with Review.open(review_dir) as review:
        listed = (SystematicReview(id="arends2012", label="Arends 2012", aim="To assess RTW."),)
        review.save(replace(review.data(), systematic_reviews=listed))
        for code in amstar2.ITEM_CODES:  # bob has answered every item: no flaw but 7
            review.assess_risk_of_bias(
                "arends2012", code, tool="amstar2", assessor="bob",
                judgement="no" if code == "7" else "yes",
            )  # fmt: skip
    with _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "ann")
        page.goto(server + "/rob?tool=amstar2")
        row = page.locator('tr[data-study="arends2012"]')
        expect(row.locator('td[data-domain="7"]')).to_have_text("–")  # bob's stays hidden
        expect(page.get_by_test_id("confidence-arends2012")).to_have_text("18 items to agree")
        page.get_by_role("link", name="Arends 2012").click()
        expect(page.get_by_test_id("aim")).to_contain_text("To assess RTW.")
        item = page.locator("#rob-7")
        expect(item).to_contain_text("(critical domain)")
        item.get_by_label("Your answer").select_option("no")
        item.get_by_label("Where the review shows it").fill("No list of excluded studies")
        item.get_by_role("button", name="Save Q7").click()
        item = page.locator("#rob-7")
        expect(item.get_by_test_id("where-Q7")).to_contain_text("Settled: ×No")  # agreed with bob
        for code in amstar2.ITEM_CODES:
            if code == "7":
                continue
            item = page.locator(f"#rob-{code}")
            item.get_by_label("Your answer").select_option("yes")
            item.get_by_role("button", name=f"Save Q{code}").click()
        expect(page.get_by_test_id("confidence")).to_contain_text("Low critical flaw: 7")
        page.screenshot(path=str(tmp_path / "amstar2_review.png"), full_page=True)
        page.goto(server + "/rob?tool=amstar2")
        expect(page.get_by_test_id("confidence-arends2012")).to_contain_text("Low")
        page.screenshot(path=str(tmp_path / "amstar2_grid.png"), full_page=True)
        _keep_screenshots(tmp_path, "amstar2_review.png", "amstar2_grid.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_with_accounts_a_reviewer_signs_in_with_a_password_and_a_lead_settles(
    server: str, review_dir: Path
) -> None:
    with Review.open(review_dir) as review:
        review.add_account("cat", "correct horse", role="lead")
        review.add_account("ann", "battery staple")
        review.decide("r0", "include", reviewer="ann")
        review.decide("r0", "exclude", reviewer="cat")
    with _chromium() as page:
        from playwright.sync_api import expect

        page.goto(server + "/")
        page.get_by_label("Your name").fill("ann")
        page.get_by_label("Your password").fill("correct horse")  # cat's, not ann's
        page.get_by_role("button", name="Start screening").click()
        expect(page.get_by_role("alert")).to_contain_text("name and password do not match")
        _sign_in(page, server, "ann", "battery staple")
        page.get_by_role("link", name="Conflicts").click()
        expect(page.locator('tr[data-record="r0"]')).to_contain_text("a lead settles it (cat)")
        expect(page.locator('tr[data-record="r0"] button')).to_have_count(0)
        page.get_by_role("button", name="Sign out").click()
        _sign_in(page, server, "cat", "correct horse")
        page.get_by_role("link", name="Conflicts").click()
        page.locator('tr[data-record="r0"]').get_by_role("button", name="Include").click()
        expect(page.get_by_test_id("no-conflicts")).to_be_visible()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_full_text_inclusions_found_and_join_studies_in_chromium(
    server: str, review_dir: Path
) -> None:
    with Review.open(review_dir) as review:
        for record in ("r0", "r1"):
            for stage in ("title_abstract", "full_text"):
                for who in ("ann", "bob"):
                    review.decide(record, "include", reviewer=who, stage=stage)
    with _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "ann")
        page.get_by_role("link", name="Studies").click()
        first = page.locator('tr[data-record="r0"]')
        expect(first.get_by_label("Study label")).to_have_value("Hansen 2010")
        first.get_by_role("button", name="New study").click()
        expect(page.get_by_test_id("done")).to_have_text("r0 is a report of hansen2010.")
        second = page.locator('tr[data-record="r1"]')
        second.get_by_label("Study", exact=True).select_option("hansen2010")
        second.get_by_role("button", name="Link").click()
        expect(page.get_by_test_id("none-waiting")).to_be_visible()
        expect(page.locator('tr[data-study="hansen2010"] .report')).to_have_count(2)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_two_extractors_enter_a_row_blind_and_a_lead_settles_in_chromium(
    server: str, review_dir: Path, tmp_path: Path
) -> None:
    with Review.open(review_dir) as review:
        data = review.data()
        protocol = replace(data.protocol, outcomes=(Outcome("rtw", "Return to work"),))
        review.save(
            replace(data, protocol=protocol, studies=(Study(id="alpha", label="Alpha 2010"),))
        )
    numbers = {"Events": ("60", "52"), "Participants": ("66", "68")}

    def enter(page: Page, who: str, events: str) -> None:
        from playwright.sync_api import expect

        _sign_in(page, server, who)
        page.get_by_role("link", name="Data").click()
        form = page.get_by_test_id("entry-form")
        form.get_by_label("Study").select_option("alpha")
        form.get_by_label("Outcome").select_option("rtw")
        form.get_by_label("Time point").fill("12 mnd")
        form.get_by_label("Data type").select_option("dichotomous")
        for row, (treated, control) in numbers.items():
            arm = form.locator("table.arms tr", has_text=row)
            arm.locator("input").nth(0).fill(events if row == "Events" else treated)
            arm.locator("input").nth(1).fill(control)
        page.screenshot(path=str(tmp_path / f"extract-{who}.png"), full_page=True)
        form.get_by_role("button", name="Save my entry").click()
        expect(page.get_by_test_id("done")).to_contain_text(f"alpha-rtw-12-mnd entered by {who}")
        page.get_by_role("button", name="Sign out").click()

    with _chromium() as page:
        from playwright.sync_api import expect

        enter(page, "ann", "60")
        enter(page, "bob", "61")
        _sign_in(page, server, "cat")
        page.get_by_role("link", name="Data").click()
        conflict = page.locator('[data-conflict="alpha-rtw-12-mnd"]')
        expect(conflict.locator("tr.differs")).to_have_text(
            re.compile(r"Events \(intervention\)\s*60\s*61")
        )
        page.screenshot(path=str(tmp_path / "extract-conflict.png"), full_page=True)
        conflict.get_by_label("The team's values").select_option("ann")
        conflict.get_by_role("button", name="Settle").click()
        expect(page.get_by_test_id("done")).to_contain_text("agreed from ann's entry")
        expect(page.locator('tr[data-row="alpha-rtw-12-mnd"] .state')).to_have_text("agreed")
    _keep_screenshots(tmp_path, "extract-ann.png", "extract-bob.png", "extract-conflict.png")
    with Review.open(review_dir) as review:
        assert [d.events_1 for d in review.data().outcome_data] == [60]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_header_stays_one_line_with_the_examples_long_title(review_dir: Path) -> None:
    """The bundled example's Norwegian title is cut with an ellipsis (whole on hover),
    so the nav, the reviewer and Sign out stay on one line at 1200 px."""
    long = "Arbeidsrettede rehabiliteringstiltak ved langtidssykmelding: en systematisk oversikt"
    with Review.open(review_dir) as review:
        data = review.data()
        review.save(replace(data, review=replace(data.review, title=long)))
    with _serving(review_dir) as server, _chromium() as page:
        _sign_in(page, server, "ann")
        for path, here in (("/rob", "Risk of bias"), ("/analyses", "Analyses"),
                           ("/fulltexts", "Full texts"), ("/screen/ta", "Screening")):  # fmt: skip
            page.goto(server + path)
            assert page.locator("header .review").get_attribute("title") == long
            sections = page.locator("header nav.main")
            for name in ("Screening", "Full texts", "Studies", "Risk of bias", "Data",
                         "Analyses", "GRADE"):  # fmt: skip
                assert sections.get_by_role("link", name=name, exact=True).is_visible()
            assert (
                sections.get_by_role("link", name=here, exact=True).get_attribute("class") == "here"
            )
            assert sections.locator("a.here").count() == 1, path
            tops = [
                page.locator(selector).bounding_box()["y"]  # type: ignore[index]
                for selector in (
                    "header nav.main a >> nth=0",
                    "header nav.main a >> nth=-1",
                    "header button",
                )
            ]
            assert max(tops) - min(tops) < 12, (path, tops)
        # the screening pages' own links, a level down, the page's marked
        subsections = page.locator("header nav.sub")
        assert subsections.locator("a.here").inner_text() == "Title and abstract"
        assert page.locator('link[rel="icon"]').count() == 1


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_reviewer_grades_an_outcome_in_chromium(review_dir: Path, tmp_path: Path) -> None:
    """From analyses to a judged Summary-of-Findings row: start, let the tool suggest,
    judge risk of bias serious (refused without a footnote, then saved with one)."""
    from ..revman.test_rm5 import fleiss

    with Review.open(review_dir) as review:
        review.save(fleiss())
    with _serving(review_dir) as server, _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "ann")
        page.get_by_role("link", name="GRADE").click()
        page.get_by_role("button", name="Start GRADE for them").click()
        expect(page.get_by_test_id("done")).to_have_text("2 assessments started by ann.")
        page.get_by_role("button", name="Suggest every domain from the data").click()
        death = page.get_by_test_id("assessment-death")
        row = death.locator('tr[data-domain="risk_of_bias"]')
        expect(row).to_contain_text("Serious: 3 % of the weight")
        row.get_by_label("Risk of bias", exact=True).select_option("serious")
        row.get_by_role("button", name="Save").click()
        expect(page.get_by_role("alert")).to_contain_text("needs a footnote saying why")
        row = page.get_by_test_id("assessment-death").locator('tr[data-domain="risk_of_bias"]')
        expect(row.get_by_label("Risk of bias", exact=True)).to_have_value("serious")
        row.get_by_label("Footnote for Risk of bias").fill("Allocation concealment unclear")
        row.get_by_role("button", name="Save").click()
        expect(page.get_by_test_id("level-death")).to_have_text("⨁⨁⨁◯ Moderate")
        expect(page.get_by_test_id("certainty-death")).to_contain_text("Moderate 1")
        page.screenshot(path=str(tmp_path / "grade.png"), full_page=True)
        _keep_screenshots(tmp_path, "grade.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_reviewer_adds_full_texts_while_screening_in_chromium(
    server: str, review_dir: Path, tmp_path: Path
) -> None:
    with Review.open(review_dir) as review:
        for record in ("r0", "r1"):
            for who in ("ann", "bob"):
                review.decide(record, "include", reviewer=who)
    pdf = tmp_path / "Hansen 2010.pdf"
    pdf.write_bytes(b"%PDF-1.4\n% a trial report\n%%EOF\n")
    with _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "ann")
        page.get_by_role("link", name="Full text", exact=True).click()
        card = page.locator("article.card")
        shown = card.get_attribute("data-record")
        expect(page.get_by_test_id("fulltext")).to_contain_text("No full text yet.")
        page.get_by_label("Add the file").set_input_files(pdf)
        page.get_by_role("button", name="Upload").click()
        link = page.get_by_test_id("fulltext").get_by_role("link", name="Hansen 2010.pdf")
        expect(link).to_be_visible()
        with page.context.expect_page() as opened:
            link.click()  # opens in a tab of its own
        assert opened.value.url == f"{server}/fulltext/{shown}"
        opened.value.close()
        served = page.request.get(f"{server}/fulltext/{shown}")  # with the reviewer's cookie
        assert (served.status, served.headers["content-type"]) == (200, "application/pdf")
        assert served.body() == pdf.read_bytes()
        expect(page.get_by_test_id("retrieval")).to_contain_text("1 retrieved")
        page.screenshot(path=tmp_path / "fulltext-screen.png", full_page=True)

        page.get_by_role("button", name="Include").click()
        other = "r1" if shown == "r0" else "r0"
        expect(card).to_have_attribute("data-record", other)
        page.get_by_label("or say why it could not be retrieved").fill("not held by the library")
        page.get_by_role("button", name="Not retrieved").click()
        expect(page.get_by_test_id("nothing")).to_be_visible()

        page.locator("header").get_by_role("link", name="Full texts").click()
        expect(page.get_by_test_id("retrieval-counts")).to_have_text(
            re.compile(r"2 sought · 1 retrieved ·\s+1 not retrieved · 0 awaited")
        )
        expect(page.locator(f'tr[data-record="{other}"]')).to_contain_text(
            "Not retrieved: not held by the library"
        )
        page.screenshot(path=tmp_path / "fulltexts.png", full_page=True)
    _keep_screenshots(tmp_path, "fulltext-screen.png", "fulltexts.png")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_lead_plans_an_analysis_and_sees_its_forest_plot_in_chromium(
    server: str, review_dir: Path, tmp_path: Path
) -> None:
    with Review.open(review_dir) as review:
        review.add_outcome("rtw", by="cat", name="Return to work")
        review.add_comparison("tr", by="cat", intervention="Rehabilitation", comparator="Usual")
        trials = {"hansen2010": (30, 60, 20, 58), "olsen2014": (45, 100, 38, 102)}
        studies = tuple(Study(id=s, label=f"{s[:-4].capitalize()} {s[-4:]}") for s in trials)
        review.save(replace(review.data(), studies=studies))
        for study, (a, n1, c, n2) in trials.items():
            for who in ("ann", "bob"):
                review.extract(by=who, study=study, outcome="rtw", comparison="tr",
                               data_type="dichotomous", events_1=a, n_1=n1, events_2=c,
                               n_2=n2)  # fmt: skip
    with _chromium() as page:
        from playwright.sync_api import expect

        _sign_in(page, server, "cat")
        page.get_by_role("link", name="Data", exact=True).click()
        page.get_by_test_id("analyses-link").get_by_role("link", name="Analyses").click()
        page.get_by_label("Time point").fill("")
        page.get_by_role("button", name="Plan the analysis").click()
        expect(page.get_by_test_id("done")).to_have_text("Analysis tr-rtw is planned.")
        card = page.locator('[data-analysis="tr-rtw"]')
        expect(card.get_by_test_id("pooled")).to_contain_text("2 studies, 320 participants")
        plot = card.get_by_role("img", name="Forest plot of tr-rtw")
        expect(plot).to_be_visible()
        page.wait_for_function(
            "document.querySelector('img.forest').complete"
            " && document.querySelector('img.forest').naturalWidth > 0"
        )
        # at its own size, legible: a phone scrolls the figure, not the page
        natural, shown = page.evaluate(
            "[document.querySelector('img.forest').naturalWidth,"
            " document.querySelector('img.forest').getBoundingClientRect().width]"
        )
        assert abs(shown - natural) < 1, (shown, natural)
        full_size = card.get_by_test_id("forest-full-size")
        assert full_size.get_attribute("href") == "/analyses/tr-rtw/forest.svg"
        page.screenshot(path=tmp_path / "analyses.png", full_page=True)
        page.set_viewport_size({"width": 390, "height": 844})
        page.reload()
        page.wait_for_function("document.querySelector('img.forest').complete")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.screenshot(path=tmp_path / "analyses-phone.png", full_page=True)
        # a double click plans once: the second is refused
        page.get_by_label("Time point").fill("")
        page.get_by_role("button", name="Plan the analysis").click()
        expect(page.get_by_role("alert")).to_contain_text("already pools these studies")
    _keep_screenshots(tmp_path, "analyses.png", "analyses-phone.png")


PHONE_PAGES = ("/grade", "/rob/{study}?tool=rob2", "/fulltexts", "/stats/ta", "/extract",
               "/studies", "/analyses", "/screen/ft", "/conflicts/ta")  # fmt: skip


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_example_s_pages_fit_a_phone_in_chromium(
    review_dir: Path, example_bundle: Path, tmp_path: Path
) -> None:
    """At 390 × 844 no page scrolls sideways (wide tables scroll in their card), and
    the header takes a small part of the screen."""
    with Review.open(review_dir) as review:
        records = review.data().records  # the example has none: screening pages need some
        review.load(example_bundle, replace=True)
        review.save(replace(review.data(), records=records))
        for record in ("r0", "r1", "r2"):
            for who in ("ann", "bob"):
                review.decide(record, "include", reviewer=who)
        review.decide("r3", "include", reviewer="ann")
        review.decide("r3", "exclude", reviewer="bob", reason="wrong population")
        study = next(s.id for s in review.data().studies if s.status == "included")
    with _serving(review_dir) as server, _chromium() as page:
        page.set_viewport_size({"width": 390, "height": 844})
        _sign_in(page, server, "ann")
        shots = []
        for path in (p.format(study=study) for p in PHONE_PAGES):
            page.goto(server + path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
            header = page.locator("header").bounding_box()
            assert header is not None and header["height"] < 844 / 6, (path, header)
            name = "example-" + path.split("?")[0].strip("/").replace("/", "-") + "-phone.png"
            page.screenshot(path=tmp_path / name, full_page=True)
            shots.append(name)
    _keep_screenshots(tmp_path, *shots)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_screening_keys_are_offered_only_with_a_keyboard_in_chromium(server: str) -> None:
    with _chromium() as page:
        _sign_in(page, server, "ann")
        assert page.locator(".keys").is_visible()
        page.set_viewport_size({"width": 390, "height": 844})
        assert not page.locator(".keys").is_visible()
        assert page.get_by_role("button", name="Include").is_visible()
