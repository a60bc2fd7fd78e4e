"""The web app in a real browser: Debian's Chromium driven by Playwright against
the app served by uvicorn on localhost.  Two reviewers screen the same record
blind, disagree, and a third resolves the conflict by clicking.

Skips without Chromium (/usr/bin/chromium) or Playwright, except under CI=true,
where it fails: CI installs both (.ci/run)."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ..conftest import IN_CI

CHROMIUM = os.environ.get("SYSREVIEW_CHROMIUM", "/usr/bin/chromium")


def _need(condition: bool, reason: str) -> None:
    if not condition:
        if IN_CI:
            pytest.fail(f"{reason} (CI=true: the browser test must run)")
        pytest.skip(reason)


@pytest.fixture
def server(tmp_path: Path, review_dir: Path) -> Iterator[str]:
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
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(timeout=10)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_two_reviewers_disagree_and_a_third_resolves_in_chromium(
    server: str, tmp_path: Path
) -> None:
    _need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    try:
        from playwright.sync_api import expect, sync_playwright
    except ImportError:
        _need(False, "Playwright is not installed (pip install playwright)")
        raise
    flags = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=flags)
        try:
            page = browser.new_page(viewport={"width": 1200, "height": 900})

            def sign_in(name: str) -> None:
                page.goto(server + "/")
                expect(page.get_by_role("heading", name="Who is screening?")).to_be_visible()
                page.get_by_label("Your name").fill(name)
                page.get_by_role("button", name="Start screening").click()
                expect(page.get_by_test_id("reviewer")).to_have_text(name)

            sign_in("ann")
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

            sign_in("bob")
            expect(page.get_by_test_id("record-id")).to_have_text("r0")
            expect(page.locator("article")).not_to_contain_text("randomised, workers")
            page.get_by_label("Note (optional)").fill("e i m")  # keys typed in the note ...
            expect(page.get_by_test_id("record-id")).to_have_text("r0")  # ... decide nothing
            page.get_by_label("Note (optional)").fill("")
            page.locator("h1").click()
            page.keyboard.press("e")  # the exclude key
            expect(page.get_by_test_id("record-id")).to_have_text("r1")
            page.get_by_role("button", name="Sign out").click()

            sign_in("cat")
            page.get_by_role("link", name="Conflicts").click()
            row = page.locator('tr[data-record="r0"]')
            expect(row).to_contain_text("ann: include — randomised, workers")
            expect(row).to_contain_text("bob: exclude")
            page.screenshot(path=str(tmp_path / "conflicts.png"), full_page=True)
            row.get_by_role("button", name="Include").click()
            expect(page.get_by_test_id("no-conflicts")).to_be_visible()
            page.get_by_role("link", name="Agreement").click()
            expect(page.get_by_test_id("pairs")).to_contain_text("ann & bob")
            if os.environ.get("SYSREVIEW_SCREENSHOTS"):
                for name in ("screen.png", "conflicts.png"):
                    target = Path(os.environ["SYSREVIEW_SCREENSHOTS"]) / name
                    target.write_bytes((tmp_path / name).read_bytes())
        finally:
            browser.close()
