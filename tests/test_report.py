"""The HTML report of the example: what a reader must find, in well-formed HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from sysreview import Review

VOID = {"meta", "br", "col", "img", "input", "link", "hr", "wbr"}


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def html(tmp_path_factory: pytest.TempPathFactory, example_bundle: Path) -> str:
    root = tmp_path_factory.mktemp("demo")
    with Review.init(root / "demo") as review:
        review.load(example_bundle, replace=True)
        path = review.write_report()
    assert path == root / "demo" / "report.html"
    return path.read_text(encoding="utf-8")


def test_report_is_well_formed(html: str) -> None:
    parser = _Balance()
    parser.feed(html)
    assert parser.errors == [] and parser.stack == []


def test_report_holds_each_section(html: str) -> None:
    for anchor in ("question", "searches", "prisma", "studies", "rob", "sof", "excluded", "notes"):
        assert f'id="{anchor}"' in html
    assert "Arbeidsrettede rehabiliteringstiltak ved langtidssykmelding" in html
    assert "n = 7 186" in html and "n = 6 985" in html and "n = 163" in html
    assert "Included studies (20 studies in 25 reports)" in html


def test_report_shows_rob_sof_and_exclusions(html: str) -> None:
    assert html.count('class="j j-') == 140
    for n in (4, 5, 6, 7, *range(9, 17)):
        assert f'id="tabell-{n}"' in html
    assert "RR 1,01 (0,70 til 1,48)" in html
    assert "⨁◯◯◯" in html
    assert "Ikke tilfredsstillende populasjon" in html
    assert "The counts do not all add up" in html
