"""GRADE informative statements (GRADE guidance 26; NIPH's bokmål wording).

The tables below are the specification: every certainty x size x change cell in both
languages, written out so a reviewer can read the wording without running anything.
"""

# ruff: noqa: E501  (the expected sentences are kept whole, one per row)

from __future__ import annotations

import doctest
import re
from collections.abc import Callable
from typing import Any

import pytest

from sysreview.errors import DataError
from sysreview.grade import _statements
from sysreview.grade._statements import (
    CERTAINTIES,
    CHANGES,
    SIZES,
    certainty_definition,
    certainty_label,
    certainty_phrase,
    certainty_symbols,
    change_words,
    favours,
    statement,
)

from ..shared_data import SHARED, require

NAMES = {
    "en": {
        "intervention": "multidisciplinary rehabilitation",
        "outcome": "return to work",
        "comparator": "usual care",
    },
    "nb": {
        "intervention": "tverrfaglig rehabilitering",
        "outcome": "retur til arbeid",
        "comparator": "vanlig praksis",
    },
}

# (lang, certainty, size, change) -> the statement, with the comparator given.
# fmt: off
WITH_COMPARATOR: dict[tuple[str, str, str, str], str] = {
    ("en", "high", "large", "increase"): "Multidisciplinary rehabilitation results in a large increase in return to work compared with usual care.",
    ("en", "high", "large", "decrease"): "Multidisciplinary rehabilitation results in a large reduction in return to work compared with usual care.",
    ("en", "high", "moderate", "increase"): "Multidisciplinary rehabilitation increases return to work compared with usual care.",
    ("en", "high", "moderate", "decrease"): "Multidisciplinary rehabilitation reduces return to work compared with usual care.",
    ("en", "high", "small", "increase"): "Multidisciplinary rehabilitation increases return to work slightly compared with usual care.",
    ("en", "high", "small", "decrease"): "Multidisciplinary rehabilitation reduces return to work slightly compared with usual care.",
    ("en", "high", "trivial", "increase"): "Multidisciplinary rehabilitation results in little to no difference in return to work compared with usual care.",
    ("en", "high", "trivial", "decrease"): "Multidisciplinary rehabilitation results in little to no difference in return to work compared with usual care.",
    ("en", "moderate", "large", "increase"): "Multidisciplinary rehabilitation probably results in a large increase in return to work compared with usual care.",
    ("en", "moderate", "large", "decrease"): "Multidisciplinary rehabilitation probably results in a large reduction in return to work compared with usual care.",
    ("en", "moderate", "moderate", "increase"): "Multidisciplinary rehabilitation probably increases return to work compared with usual care.",
    ("en", "moderate", "moderate", "decrease"): "Multidisciplinary rehabilitation probably reduces return to work compared with usual care.",
    ("en", "moderate", "small", "increase"): "Multidisciplinary rehabilitation probably increases return to work slightly compared with usual care.",
    ("en", "moderate", "small", "decrease"): "Multidisciplinary rehabilitation probably reduces return to work slightly compared with usual care.",
    ("en", "moderate", "trivial", "increase"): "Multidisciplinary rehabilitation probably results in little to no difference in return to work compared with usual care.",
    ("en", "moderate", "trivial", "decrease"): "Multidisciplinary rehabilitation probably results in little to no difference in return to work compared with usual care.",
    ("en", "low", "large", "increase"): "Multidisciplinary rehabilitation may result in a large increase in return to work compared with usual care.",
    ("en", "low", "large", "decrease"): "Multidisciplinary rehabilitation may result in a large reduction in return to work compared with usual care.",
    ("en", "low", "moderate", "increase"): "Multidisciplinary rehabilitation may increase return to work compared with usual care.",
    ("en", "low", "moderate", "decrease"): "Multidisciplinary rehabilitation may reduce return to work compared with usual care.",
    ("en", "low", "small", "increase"): "Multidisciplinary rehabilitation may increase return to work slightly compared with usual care.",
    ("en", "low", "small", "decrease"): "Multidisciplinary rehabilitation may reduce return to work slightly compared with usual care.",
    ("en", "low", "trivial", "increase"): "Multidisciplinary rehabilitation may result in little to no difference in return to work compared with usual care.",
    ("en", "low", "trivial", "decrease"): "Multidisciplinary rehabilitation may result in little to no difference in return to work compared with usual care.",
    ("en", "very_low", "large", "increase"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "large", "decrease"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "moderate", "increase"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "moderate", "decrease"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "small", "increase"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "small", "decrease"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "trivial", "increase"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("en", "very_low", "trivial", "decrease"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work compared with usual care.",
    ("nb", "high", "large", "increase"): "Tverrfaglig rehabilitering gir en stor økning i retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "high", "large", "decrease"): "Tverrfaglig rehabilitering gir en stor reduksjon i retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "high", "moderate", "increase"): "Tverrfaglig rehabilitering øker retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "high", "moderate", "decrease"): "Tverrfaglig rehabilitering reduserer retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "high", "small", "increase"): "Tverrfaglig rehabilitering øker retur til arbeid litt sammenlignet med vanlig praksis.",
    ("nb", "high", "small", "decrease"): "Tverrfaglig rehabilitering reduserer retur til arbeid litt sammenlignet med vanlig praksis.",
    ("nb", "high", "trivial", "increase"): "Det er liten eller ingen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "high", "trivial", "decrease"): "Det er liten eller ingen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "moderate", "large", "increase"): "Tverrfaglig rehabilitering gir trolig en stor økning i retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "moderate", "large", "decrease"): "Tverrfaglig rehabilitering gir trolig en stor reduksjon i retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "moderate", "moderate", "increase"): "Tverrfaglig rehabilitering øker trolig retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "moderate", "moderate", "decrease"): "Tverrfaglig rehabilitering reduserer trolig retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "moderate", "small", "increase"): "Tverrfaglig rehabilitering øker trolig retur til arbeid litt sammenlignet med vanlig praksis.",
    ("nb", "moderate", "small", "decrease"): "Tverrfaglig rehabilitering reduserer trolig retur til arbeid litt sammenlignet med vanlig praksis.",
    ("nb", "moderate", "trivial", "increase"): "Det er trolig ingen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "moderate", "trivial", "decrease"): "Det er trolig ingen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "low", "large", "increase"): "Tverrfaglig rehabilitering gir muligens en stor økning i retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "low", "large", "decrease"): "Tverrfaglig rehabilitering gir muligens en stor reduksjon i retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "low", "moderate", "increase"): "Tverrfaglig rehabilitering øker muligens retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "low", "moderate", "decrease"): "Tverrfaglig rehabilitering reduserer muligens retur til arbeid sammenlignet med vanlig praksis.",
    ("nb", "low", "small", "increase"): "Tverrfaglig rehabilitering øker muligens retur til arbeid litt sammenlignet med vanlig praksis.",
    ("nb", "low", "small", "decrease"): "Tverrfaglig rehabilitering reduserer muligens retur til arbeid litt sammenlignet med vanlig praksis.",
    ("nb", "low", "trivial", "increase"): "Det er muligens liten eller ingen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "low", "trivial", "decrease"): "Det er muligens liten eller ingen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "large", "increase"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "large", "decrease"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "moderate", "increase"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "moderate", "decrease"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "small", "increase"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "small", "decrease"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "trivial", "increase"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
    ("nb", "very_low", "trivial", "decrease"): "Det er usikkert om det er noen forskjell mellom tverrfaglig rehabilitering og vanlig praksis i retur til arbeid.",
}
# fmt: on

# Without a comparator the no-difference and very-low cells change frame in bokmål
# (and English just drops "compared with ..."); one change per cell is enough here.
# fmt: off
WITHOUT_COMPARATOR: dict[tuple[str, str, str, str | None], str] = {
    ("en", "high", "large", "decrease"): "Multidisciplinary rehabilitation results in a large reduction in return to work.",
    ("en", "high", "moderate", "increase"): "Multidisciplinary rehabilitation increases return to work.",
    ("en", "high", "small", "decrease"): "Multidisciplinary rehabilitation reduces return to work slightly.",
    ("en", "high", "trivial", None): "Multidisciplinary rehabilitation results in little to no difference in return to work.",
    ("en", "moderate", "large", "increase"): "Multidisciplinary rehabilitation probably results in a large increase in return to work.",
    ("en", "moderate", "moderate", "decrease"): "Multidisciplinary rehabilitation probably reduces return to work.",
    ("en", "moderate", "small", "increase"): "Multidisciplinary rehabilitation probably increases return to work slightly.",
    ("en", "moderate", "trivial", None): "Multidisciplinary rehabilitation probably results in little to no difference in return to work.",
    ("en", "low", "large", "decrease"): "Multidisciplinary rehabilitation may result in a large reduction in return to work.",
    ("en", "low", "moderate", "increase"): "Multidisciplinary rehabilitation may increase return to work.",
    ("en", "low", "small", "decrease"): "Multidisciplinary rehabilitation may reduce return to work slightly.",
    ("en", "low", "trivial", None): "Multidisciplinary rehabilitation may result in little to no difference in return to work.",
    ("en", "very_low", "large", None): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work.",
    ("en", "very_low", "moderate", "increase"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work.",
    ("en", "very_low", "small", "decrease"): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work.",
    ("en", "very_low", "trivial", None): "The evidence is very uncertain about the effect of multidisciplinary rehabilitation on return to work.",
    ("nb", "high", "large", "decrease"): "Tverrfaglig rehabilitering gir en stor reduksjon i retur til arbeid.",
    ("nb", "high", "moderate", "increase"): "Tverrfaglig rehabilitering øker retur til arbeid.",
    ("nb", "high", "small", "decrease"): "Tverrfaglig rehabilitering reduserer retur til arbeid litt.",
    ("nb", "high", "trivial", None): "Tverrfaglig rehabilitering gir liten eller ingen forskjell i retur til arbeid.",
    ("nb", "moderate", "large", "increase"): "Tverrfaglig rehabilitering gir trolig en stor økning i retur til arbeid.",
    ("nb", "moderate", "moderate", "decrease"): "Tverrfaglig rehabilitering reduserer trolig retur til arbeid.",
    ("nb", "moderate", "small", "increase"): "Tverrfaglig rehabilitering øker trolig retur til arbeid litt.",
    ("nb", "moderate", "trivial", None): "Tverrfaglig rehabilitering gir trolig ingen forskjell i retur til arbeid.",
    ("nb", "low", "large", "decrease"): "Tverrfaglig rehabilitering gir muligens en stor reduksjon i retur til arbeid.",
    ("nb", "low", "moderate", "increase"): "Tverrfaglig rehabilitering øker muligens retur til arbeid.",
    ("nb", "low", "small", "decrease"): "Tverrfaglig rehabilitering reduserer muligens retur til arbeid litt.",
    ("nb", "low", "trivial", None): "Tverrfaglig rehabilitering gir muligens liten eller ingen forskjell i retur til arbeid.",
    ("nb", "very_low", "large", None): "Det er usikkert om tverrfaglig rehabilitering påvirker retur til arbeid.",
    ("nb", "very_low", "moderate", "increase"): "Det er usikkert om tverrfaglig rehabilitering påvirker retur til arbeid.",
    ("nb", "very_low", "small", "decrease"): "Det er usikkert om tverrfaglig rehabilitering påvirker retur til arbeid.",
    ("nb", "very_low", "trivial", None): "Det er usikkert om tverrfaglig rehabilitering påvirker retur til arbeid.",
}
# fmt: on

# The NIPH report's three key messages ("Rapportens hovedfunn er", p. 5), verbatim
# once its line-break hyphens are joined.
SEED = SHARED / "seeds" / "000_624198184f691417.txt"
KEY_MESSAGES = [
    (
        dict(
            certainty="very_low",
            size="trivial",
            change=None,
            intervention="arbeidsrettede rehabiliteringstiltak",
            comparator="andre aktive tiltak eller vanlig praksis",
            outcome="retur til arbeid etter 12 måneder",
        ),
        "Det er usikkert om det er noen forskjell mellom arbeidsrettede rehabiliteringstiltak og andre aktive tiltak eller vanlig praksis i retur til arbeid etter 12 måneder.",
    ),
    (
        dict(
            certainty="moderate",
            size="trivial",
            change=None,
            intervention="tverrfaglig rehabilitering",
            comparator="andre aktive tiltak",
            outcome="retur til arbeid etter 24 måneder",
        ),
        "Det er trolig ingen forskjell mellom tverrfaglig rehabilitering og andre aktive tiltak i retur til arbeid etter 24 måneder.",
    ),
    (
        dict(
            certainty="very_low",
            size="trivial",
            change=None,
            intervention="arbeidsrettede rehabiliteringstiltak",
            comparator="vanlig praksis",
            outcome="helserelaterte utfall",
        ),
        "Det er usikkert om det er noen forskjell mellom arbeidsrettede rehabiliteringstiltak og vanlig praksis i helserelaterte utfall.",
    ),
]


def test_the_tables_cover_every_cell() -> None:
    cells = {
        (lang, c, s, ch)
        for lang in ("en", "nb")
        for c in CERTAINTIES
        for s in SIZES
        for ch in CHANGES
    }
    assert set(WITH_COMPARATOR) == cells
    assert len(cells) == 64
    assert {key[:3] for key in WITHOUT_COMPARATOR} == {key[:3] for key in cells}


@pytest.mark.parametrize(
    ("key", "expected"), WITH_COMPARATOR.items(), ids=["-".join(key) for key in WITH_COMPARATOR]
)
def test_statement_with_comparator(key: tuple[str, str, str, str], expected: str) -> None:
    lang, certainty, size, change = key
    assert statement(certainty, size, change, lang=lang, **NAMES[lang]) == expected


@pytest.mark.parametrize(
    ("key", "expected"),
    WITHOUT_COMPARATOR.items(),
    ids=["-".join(str(part) for part in key) for key in WITHOUT_COMPARATOR],
)
def test_statement_without_comparator(key: tuple[str, str, str, str | None], expected: str) -> None:
    lang, certainty, size, change = key
    names = {k: v for k, v in NAMES[lang].items() if k != "comparator"}
    assert statement(certainty, size, change, lang=lang, **names) == expected


@pytest.mark.parametrize(("kwargs", "expected"), KEY_MESSAGES)
def test_seed_key_messages(kwargs: dict[str, Any], expected: str) -> None:
    assert statement(lang="nb", **kwargs) == expected


def test_key_messages_are_the_seeds_words() -> None:
    """The expected key messages above are the report's text, not a paraphrase."""
    text = require(SEED, "the NIPH seed review").read_text(encoding="utf-8")
    joined = re.sub(r"-\s*\n", "", text)  # "tverrfag-\nlig" -> "tverrfaglig"
    joined = re.sub(r"\s+", " ", joined)
    for _, expected in KEY_MESSAGES:
        assert expected in joined
    # the low-certainty no-difference wording and "i favør av" come from it too
    assert "det er muligens liten eller ingen forskjell mellom" in joined
    assert "i favør av intervensjonsgruppen" in joined
    for certainty in CERTAINTIES:
        definition = certainty_definition(certainty, "nb").removesuffix(".")
        assert f"{certainty_phrase(certainty, 'nb')} {certainty_symbols(certainty)}" in joined
        assert definition in joined


def test_very_low_and_trivial_ignore_change() -> None:
    names = NAMES["en"]
    for certainty, size in [("very_low", "large"), ("high", "trivial"), ("low", "trivial")]:
        sentences = {statement(certainty, size, change, **names) for change in (None, *CHANGES)}
        assert len(sentences) == 1


def test_names_keep_their_case_but_the_sentence_is_capitalised() -> None:
    assert (
        statement("low", "moderate", "increase", intervention="IPS", outcome="employment")
        == "IPS may increase employment."
    )
    assert (
        statement("high", "small", "decrease", intervention="  exercise ", outcome="pain\n")
        == "Exercise reduces pain slightly."
    )


def test_labels_symbols_phrases() -> None:
    assert [certainty_symbols(c) for c in CERTAINTIES] == ["⨁⨁⨁⨁", "⨁⨁⨁◯", "⨁⨁◯◯", "⨁◯◯◯"]
    assert [certainty_label(c, "en") for c in CERTAINTIES] == [
        "High",
        "Moderate",
        "Low",
        "Very low",
    ]
    assert [certainty_label(c, "nb") for c in CERTAINTIES] == ["Høy", "Middels", "Lav", "Svært lav"]
    assert [certainty_phrase(c, "en") for c in CERTAINTIES] == [
        "High certainty",
        "Moderate certainty",
        "Low certainty",
        "Very low certainty",
    ]
    assert [certainty_phrase(c, "nb") for c in CERTAINTIES] == [
        "Høy tillit",
        "Middels tillit",
        "Lav tillit",
        "Svært lav tillit",
    ]


def test_definitions() -> None:
    assert certainty_definition("high", "en") == (
        "We are very confident that the true effect lies close to that of the estimate of the effect."
    )
    assert certainty_definition("very_low", "en") == (
        "We have very little confidence in the effect estimate: The true effect is likely to be "
        "substantially different from the estimate of effect."
    )
    assert certainty_definition("moderate", "nb").endswith(
        "Vi bruker uttrykket trolig for å uttrykke vår tillit til resultatet."
    )
    assert certainty_definition("low", "nb").endswith(
        "Vi bruker uttrykket muligens for å uttrykke vår tillit til resultatet."
    )
    for lang in ("en", "nb"):
        for certainty in CERTAINTIES:
            assert certainty_definition(certainty, lang).endswith(".")


def test_change_words() -> None:
    assert change_words("decrease", "en") == {
        "verb": "reduces",
        "noun": "reduction",
        "more_fewer": "fewer",
        "higher_lower": "lower",
    }
    assert change_words("increase", "en") == {
        "verb": "increases",
        "noun": "increase",
        "more_fewer": "more",
        "higher_lower": "higher",
    }
    assert change_words("decrease", "nb") == {
        "verb": "reduserer",
        "noun": "reduksjon",
        "more_fewer": "færre",
        "higher_lower": "lavere",
    }
    assert change_words("increase", "nb") == {
        "verb": "øker",
        "noun": "økning",
        "more_fewer": "flere",
        "higher_lower": "høyere",
    }
    # a copy: callers cannot change the module's table
    change_words("increase", "en")["verb"] = "boosts"
    assert change_words("increase", "en")["verb"] == "increases"


def test_favours() -> None:
    assert favours(True, "en", intervention="IPS", comparator="usual care") == "favours IPS"
    assert favours(False, "en", intervention="IPS", comparator="usual care") == "favours usual care"
    assert (
        favours(True, "nb", intervention="intervensjonsgruppen", comparator="kontrollgruppen")
        == "i favør av intervensjonsgruppen"
    )
    assert (
        favours(False, "nb", intervention="intervensjonsgruppen", comparator="kontrollgruppen")
        == "i favør av kontrollgruppen"
    )


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (
            lambda: statement("certain", "large", "increase", intervention="x", outcome="y"),
            "certainty",
        ),
        (lambda: statement("very low", "large", None, intervention="x", outcome="y"), "certainty"),
        (lambda: statement("high", "huge", "increase", intervention="x", outcome="y"), "size"),
        (lambda: statement("high", "large", "improve", intervention="x", outcome="y"), "change"),
        (lambda: statement("very_low", "large", "up", intervention="x", outcome="y"), "change"),
        (lambda: statement("high", "large", None, intervention="x", outcome="y"), "change"),
        (
            lambda: statement(
                "high", "large", "increase", intervention="x", outcome="y", lang="nn"
            ),
            "language",
        ),
        (
            lambda: statement("high", "large", "increase", intervention=" ", outcome="y"),
            "intervention",
        ),
        (lambda: statement("high", "large", "increase", intervention="x", outcome=""), "outcome"),
        (
            lambda: statement(
                "high", "trivial", None, intervention="x", outcome="y", comparator=""
            ),
            "comparator",
        ),
        (lambda: certainty_label("medium", "en"), "certainty"),
        (lambda: certainty_label("high", "de"), "language"),
        (lambda: certainty_symbols("very low"), "certainty"),
        (lambda: certainty_phrase("moderate", "no"), "language"),
        (lambda: certainty_definition("none", "nb"), "certainty"),
        (lambda: change_words("same", "en"), "change"),
        (lambda: change_words("increase", "sv"), "language"),
        (lambda: favours(True, "fr", intervention="x", comparator="y"), "language"),
    ],
)
def test_unknown_codes_raise_data_error(call: Callable[[], object], fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        call()


def test_docstring_examples() -> None:
    result = doctest.testmod(_statements, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0
