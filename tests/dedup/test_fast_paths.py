"""The shortcuts that make deduplication fast answer as the full rules do."""

from __future__ import annotations

import gc
import re

import pytest

from sysreview.dedup import _keys, read_csv
from sysreview.dedup._gc import cycle_collector_paused
from sysreview.dedup._io import _AUTHOR_SEPARATORS, split_authors

from .conftest import SETS, benchmark


def _titles() -> list[str]:
    found = []
    for name in SETS:
        found += [_keys.words(r.title) for r in read_csv(benchmark(name))]
    return found


#: the notice pattern as one search over the whole title, as it was before the split
_NOTICE_WHOLE = re.compile(
    _keys._NOTICE.pattern.join(("^(?:", ")")) + "|" + _keys._NOTICE_END.pattern
)


def test_notice_and_generic_shortcuts_agree_with_their_whole_patterns() -> None:
    titles = [
        *_titles(),
        "erratum",
        "a comment on trials: a reply",
        "reply to smith",
        "remarks from the incoming misq editor",
        "table of contents 12",
        "editor s comments the reflexive researcher on the journal",
        "notice of retraction",
    ]
    assert len(titles) > 7000
    for title in titles:
        assert _keys._notice(title) == bool(_NOTICE_WHOLE.search(title)), title
        whole = _keys._GENERIC.search(title)
        expected = not title or (
            whole is not None
            and len(
                [
                    w
                    for w in f"{title[: whole.start()]} {title[whole.end() :]}".split()
                    if w not in _keys._EDITORIAL
                ]
            )
            < _keys.SPECIFIC_WORDS
        )
        assert _keys._generic(title, ()) == expected, title


@pytest.mark.parametrize(
    "cell",
    [
        "A; B",
        "Smith, J and Doe, K",
        " A ;  B ; ",
        "Smith J | Doe K",
        "A\tand\nB",
        "",
        " ; ",
        "Anand S",
    ],
)
def test_authors_split_as_by_the_separator_pattern(cell: str) -> None:
    expected = tuple(a.strip() for a in _AUTHOR_SEPARATORS.split(cell.strip()) if a.strip())
    assert split_authors(cell) == expected


def test_the_cycle_collector_is_resumed_only_if_it_was_running() -> None:
    assert gc.isenabled()
    with cycle_collector_paused():
        assert not gc.isenabled()
        with cycle_collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer pause holds
    assert gc.isenabled()
    gc.disable()
    try:
        with cycle_collector_paused():
            pass
        assert not gc.isenabled()  # a caller's own pause holds
    finally:
        gc.enable()
    with pytest.raises(ValueError), cycle_collector_paused():
        raise ValueError
    assert gc.isenabled()
