"""GRADE informative statements, certainty labels and definitions in English and
Norwegian bokmål.

An informative statement says in one sentence how large an effect is and how sure we
are of it: the certainty of the evidence picks the hedge ("probably", "may"; *trolig*,
*muligens*), the size of the effect picks the wording of the change.  This module only
*words* a judgement made elsewhere: whether a change in an outcome is a benefit or a
harm is decided by the outcome's direction (``model.Direction``) where the certainty and
size are rated; here ``change`` is only what happens to the outcome's quantity
("increase": more events or a higher score, "decrease": fewer or lower).

Sources
-------
English
    Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26: informative statements
    to communicate the findings of systematic reviews of interventions.  J Clin
    Epidemiol 2020;119:126-135 (its table: certainty x size of effect).  For moderate
    certainty we use "probably" (Cochrane's choice among the guidance's options), for
    a small effect "reduces Y slightly", and for very low certainty the guidance's
    plain "The evidence is very uncertain about the effect of X on Y." for every size
    (its optional lead-in "X may ... but the evidence is very uncertain" is not
    offered).  Certainty definitions: Balshem H, Helfand M, Schünemann HJ, et al.
    GRADE guidelines 3: rating the quality of evidence.  J Clin Epidemiol
    2011;64:401-406, table 2, as worded in the GRADE Handbook.
Norwegian bokmål
    Folkehelseinstituttet (NIPH), *Arbeidsrettede rehabiliteringstiltak ved
    langtidssykmelding: en systematisk oversikt* (literature search May 2020; the seed
    review ``shared/seeds/000_624198184f691417.txt``): its section "Vurdering av
    tillit til resultatene" gives the labels (Høy/Middels/Lav/Svært lav tillit), the
    definitions reproduced verbatim in :func:`certainty_definition`, and the hedges
    (middels -> *trolig*, lav -> *muligens*, svært lav -> *uklart/usikkert*); its key
    messages give the forms reproduced exactly:

    * very low, with a comparator: "Det er usikkert om det er noen forskjell mellom X og
      K i Y."
    * moderate, no important difference, with a comparator: "Det er trolig ingen
      forskjell mellom X og K i Y."  The report says *ingen forskjell* here, not *liten
      eller ingen forskjell*, and we follow it for moderate x trivial in bokmål (with
      and without a comparator);
    * low, no important difference: "det er muligens liten eller ingen forskjell
      mellom ..." (its discussion), so low x trivial keeps *liten eller ingen*;
    * "i favør av intervensjonsgruppen" for the side an effect favours.

Choices where the sources are silent (bokmål)
    * High certainty carries no hedge, like GRADE's English.  A large effect is
      "X gir en stor reduksjon/økning i Y" (*gir* rather than *fører til*, the same verb
      as the no-difference form); a moderate one "X reduserer/øker Y"; a small one
      "X reduserer/øker Y litt".
    * No important difference without a comparator: "X gir liten eller ingen forskjell
      i Y", "X gir trolig ingen forskjell i Y", "X gir muligens liten eller ingen
      forskjell i Y".
    * The hedge sits after the finite verb (V2 word order): "X reduserer trolig Y litt",
      "X gir muligens en stor økning i Y".  Low certainty uses *muligens* alone, not
      "kan muligens" (a double hedge the report does not use).
    * With a comparator, no-difference and very-low statements take the report's
      "Det er ... forskjell mellom X og K i Y" frame (high: "Det er liten eller ingen
      forskjell mellom X og K i Y"); every other statement ends "sammenlignet med K"
      (the report's phrase, e.g. "sammenlignet med standard behandling").
    * Very low without a comparator: "Det er usikkert om X påvirker Y."

Choices where the sources are silent (English)
    * A comparator is appended as "compared with K" to every statement.

Names are used as given except that a sentence's first letter is capitalised; pass
them in running-text case ("multidisciplinary rehabilitation", "IPS").  Every wording
lives in the tables below, keyed by (certainty, size) per language.
"""

from __future__ import annotations

from typing import Literal

from ..errors import DataError

Certainty = Literal["high", "moderate", "low", "very_low"]
Size = Literal["large", "moderate", "small", "trivial"]  # trivial = little to no difference
Change = Literal["increase", "decrease"]
Lang = Literal["en", "nb"]

CERTAINTIES: tuple[Certainty, ...] = ("high", "moderate", "low", "very_low")
SIZES: tuple[Size, ...] = ("large", "moderate", "small", "trivial")
CHANGES: tuple[Change, ...] = ("increase", "decrease")
LANGUAGES: tuple[Lang, ...] = ("en", "nb")

_SYMBOLS: dict[str, str] = {
    "high": "⨁⨁⨁⨁",
    "moderate": "⨁⨁⨁◯",
    "low": "⨁⨁◯◯",
    "very_low": "⨁◯◯◯",
}

_LABELS: dict[str, dict[str, str]] = {
    "en": {"high": "High", "moderate": "Moderate", "low": "Low", "very_low": "Very low"},
    "nb": {"high": "Høy", "moderate": "Middels", "low": "Lav", "very_low": "Svært lav"},
}

_PHRASES: dict[str, dict[str, str]] = {
    "en": {
        "high": "High certainty",
        "moderate": "Moderate certainty",
        "low": "Low certainty",
        "very_low": "Very low certainty",
    },
    "nb": {
        "high": "Høy tillit",
        "moderate": "Middels tillit",
        "low": "Lav tillit",
        "very_low": "Svært lav tillit",
    },
}

_DEFINITIONS: dict[str, dict[str, str]] = {
    # GRADE guidelines 3 (Balshem 2011), table 2 / GRADE Handbook.
    "en": {
        "high": "We are very confident that the true effect lies close to that of the "
        "estimate of the effect.",
        "moderate": "We are moderately confident in the effect estimate: The true effect "
        "is likely to be close to the estimate of the effect, but there is a possibility "
        "that it is substantially different.",
        "low": "Our confidence in the effect estimate is limited: The true effect may be "
        "substantially different from the estimate of the effect.",
        "very_low": "We have very little confidence in the effect estimate: The true "
        "effect is likely to be substantially different from the estimate of effect.",
    },
    # NIPH 2021, "Vurdering av tillit til resultatene" (the high row gains a full stop).
    "nb": {
        "high": "Vi har stor tillit til at effektestimatet ligger nær den sanne effekten.",
        "moderate": "Vi har middels tillit til effektestimatet: effektestimatet ligger "
        "sannsynligvis (trolig) nær den sanne effekten, men effektestimatet kan også være "
        "vesentlig ulik den sanne effekten. Vi bruker uttrykket trolig for å uttrykke vår "
        "tillit til resultatet.",
        "low": "Vi har begrenset tillit til effektestimatet: den sanne effekten kan være "
        "vesentlig ulik effektestimatet. Vi bruker uttrykket muligens for å uttrykke vår "
        "tillit til resultatet.",
        "very_low": "Vi har svært liten tillit til at effektestimatet ligger nær den sanne "
        "effekten. Vi bruker uttrykket uklart/usikkert for å uttrykke vår tillit til "
        "resultatet.",
    },
}

# The words one decision (does the quantity go up or down?) drives everywhere.
_CHANGE_WORDS: dict[str, dict[str, dict[str, str]]] = {
    "en": {
        "decrease": {
            "verb": "reduces",
            "noun": "reduction",
            "more_fewer": "fewer",
            "higher_lower": "lower",
        },
        "increase": {
            "verb": "increases",
            "noun": "increase",
            "more_fewer": "more",
            "higher_lower": "higher",
        },
    },
    "nb": {
        "decrease": {
            "verb": "reduserer",
            "noun": "reduksjon",
            "more_fewer": "færre",
            "higher_lower": "lavere",
        },
        "increase": {
            "verb": "øker",
            "noun": "økning",
            "more_fewer": "flere",
            "higher_lower": "høyere",
        },
    },
}

# The infinitive after a modal ("may reduce"); only English needs it.
_VERB_BASE: dict[str, dict[str, str]] = {
    "en": {"decrease": "reduce", "increase": "increase"},
    "nb": {"decrease": "redusere", "increase": "øke"},
}

# How a comparator is appended when the statement has no frame of its own for it.
_VERSUS: dict[str, str] = {"en": " compared with {k}", "nb": " sammenlignet med {k}"}

# Placeholders: {x} intervention, {y} outcome, {k} comparator, {verb} "reduces",
# {verb_base} "reduce", {noun} "reduction", {vs} the comparator tail (or "").
_EN_UNCERTAIN = "The evidence is very uncertain about the effect of {x} on {y}{vs}"
_NB_UNCERTAIN = "Det er usikkert om {x} påvirker {y}{vs}"
_NB_UNCERTAIN_CONTRAST = "Det er usikkert om det er noen forskjell mellom {x} og {k} i {y}"

_TEMPLATES: dict[str, dict[tuple[str, str], str]] = {
    "en": {
        ("high", "large"): "{x} results in a large {noun} in {y}{vs}",
        ("high", "moderate"): "{x} {verb} {y}{vs}",
        ("high", "small"): "{x} {verb} {y} slightly{vs}",
        ("high", "trivial"): "{x} results in little to no difference in {y}{vs}",
        ("moderate", "large"): "{x} probably results in a large {noun} in {y}{vs}",
        ("moderate", "moderate"): "{x} probably {verb} {y}{vs}",
        ("moderate", "small"): "{x} probably {verb} {y} slightly{vs}",
        ("moderate", "trivial"): "{x} probably results in little to no difference in {y}{vs}",
        ("low", "large"): "{x} may result in a large {noun} in {y}{vs}",
        ("low", "moderate"): "{x} may {verb_base} {y}{vs}",
        ("low", "small"): "{x} may {verb_base} {y} slightly{vs}",
        ("low", "trivial"): "{x} may result in little to no difference in {y}{vs}",
        ("very_low", "large"): _EN_UNCERTAIN,
        ("very_low", "moderate"): _EN_UNCERTAIN,
        ("very_low", "small"): _EN_UNCERTAIN,
        ("very_low", "trivial"): _EN_UNCERTAIN,
    },
    "nb": {
        ("high", "large"): "{x} gir en stor {noun} i {y}{vs}",
        ("high", "moderate"): "{x} {verb} {y}{vs}",
        ("high", "small"): "{x} {verb} {y} litt{vs}",
        ("high", "trivial"): "{x} gir liten eller ingen forskjell i {y}",
        ("moderate", "large"): "{x} gir trolig en stor {noun} i {y}{vs}",
        ("moderate", "moderate"): "{x} {verb} trolig {y}{vs}",
        ("moderate", "small"): "{x} {verb} trolig {y} litt{vs}",
        ("moderate", "trivial"): "{x} gir trolig ingen forskjell i {y}",
        ("low", "large"): "{x} gir muligens en stor {noun} i {y}{vs}",
        ("low", "moderate"): "{x} {verb} muligens {y}{vs}",
        ("low", "small"): "{x} {verb} muligens {y} litt{vs}",
        ("low", "trivial"): "{x} gir muligens liten eller ingen forskjell i {y}",
        ("very_low", "large"): _NB_UNCERTAIN,
        ("very_low", "moderate"): _NB_UNCERTAIN,
        ("very_low", "small"): _NB_UNCERTAIN,
        ("very_low", "trivial"): _NB_UNCERTAIN,
    },
}

# Cells with a frame of their own for a comparator; they replace _TEMPLATES when one
# is given.
_CONTRAST_TEMPLATES: dict[str, dict[tuple[str, str], str]] = {
    "en": {},
    "nb": {
        ("high", "trivial"): "Det er liten eller ingen forskjell mellom {x} og {k} i {y}",
        ("moderate", "trivial"): "Det er trolig ingen forskjell mellom {x} og {k} i {y}",
        ("low", "trivial"): "Det er muligens liten eller ingen forskjell mellom {x} og {k} i {y}",
        ("very_low", "large"): _NB_UNCERTAIN_CONTRAST,
        ("very_low", "moderate"): _NB_UNCERTAIN_CONTRAST,
        ("very_low", "small"): _NB_UNCERTAIN_CONTRAST,
        ("very_low", "trivial"): _NB_UNCERTAIN_CONTRAST,
    },
}

_FAVOURS: dict[str, str] = {"en": "favours {side}", "nb": "i favør av {side}"}


def _check(value: object, allowed: tuple[str, ...], what: str) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise DataError(
            f"unknown {what} {value!r}",
            hint=f"use one of: {', '.join(allowed)}",
        )
    return value


def _name(value: object, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(f"the {what} of a statement must be a non-empty text, got {value!r}")
    return " ".join(value.split())


def _capitalise(sentence: str) -> str:
    return sentence[:1].upper() + sentence[1:]


def statement(
    certainty: str,
    size: str,
    change: str | None,
    *,
    intervention: str,
    outcome: str,
    comparator: str | None = None,
    lang: str = "en",
) -> str:
    """One informative statement: a capitalised sentence ending with a full stop.

    ``certainty`` is one of :data:`CERTAINTIES`, ``size`` one of :data:`SIZES`
    ("trivial" = little to no difference), ``change`` "increase" or "decrease" (what
    happens to the outcome's quantity; ignored, and may be ``None``, for size "trivial"
    and for very low certainty).  ``outcome`` may carry the time point ("retur til
    arbeid etter 24 måneder").

        >>> statement("moderate", "small", "decrease", intervention="exercise",
        ...           outcome="pain")
        'Exercise probably reduces pain slightly.'
        >>> statement("moderate", "trivial", None, intervention="IPS",
        ...           outcome="sykefravær", comparator="vanlig praksis", lang="nb")
        'Det er trolig ingen forskjell mellom IPS og vanlig praksis i sykefravær.'
    """
    lang = _check(lang, LANGUAGES, "language")
    certainty = _check(certainty, CERTAINTIES, "certainty")
    size = _check(size, SIZES, "size of effect")
    if change is not None:
        change = _check(change, CHANGES, "change")
    elif certainty != "very_low" and size != "trivial":
        raise DataError(
            f"a {size} effect at {certainty} certainty needs a change",
            hint="pass change='increase' or change='decrease'",
        )
    x = _name(intervention, "intervention")
    y = _name(outcome, "outcome")
    k = None if comparator is None else _name(comparator, "comparator")

    template = _TEMPLATES[lang][(certainty, size)]
    if k is not None:
        template = _CONTRAST_TEMPLATES[lang].get((certainty, size), template)
    words = _CHANGE_WORDS[lang][change or "decrease"]  # unused by cells without a change
    sentence = template.format(
        x=x,
        y=y,
        k=k,
        verb=words["verb"],
        verb_base=_VERB_BASE[lang][change or "decrease"],
        noun=words["noun"],
        vs="" if k is None else _VERSUS[lang].format(k=k),
    )
    return _capitalise(sentence) + "."


def certainty_label(certainty: str, lang: str) -> str:
    """The level's name: "High" ... "Very low"; nb "Høy" ... "Svært lav"."""
    lang = _check(lang, LANGUAGES, "language")
    return _LABELS[lang][_check(certainty, CERTAINTIES, "certainty")]


def certainty_symbols(certainty: str) -> str:
    """GRADE's circles: "⨁⨁⨁⨁" (high) to "⨁◯◯◯" (very low)."""
    return _SYMBOLS[_check(certainty, CERTAINTIES, "certainty")]


def certainty_phrase(certainty: str, lang: str) -> str:
    """ "High certainty" ... "Very low certainty"; nb "Høy tillit" ... "Svært lav tillit"."""
    lang = _check(lang, LANGUAGES, "language")
    return _PHRASES[lang][_check(certainty, CERTAINTIES, "certainty")]


def certainty_definition(certainty: str, lang: str) -> str:
    """What the level means: GRADE's definition (en) or the NIPH report's (nb)."""
    lang = _check(lang, LANGUAGES, "language")
    return _DEFINITIONS[lang][_check(certainty, CERTAINTIES, "certainty")]


def change_words(change: str, lang: str) -> dict[str, str]:
    """The words for a change: ``verb``, ``noun``, ``more_fewer`` and ``higher_lower``.

    >>> change_words("decrease", "nb")["verb"]
    'reduserer'
    """
    lang = _check(lang, LANGUAGES, "language")
    return dict(_CHANGE_WORDS[lang][_check(change, CHANGES, "change")])


def favours(benefit: bool, lang: str, *, intervention: str, comparator: str) -> str:
    """The side an effect favours: the intervention if it is a benefit, else the
    comparator -- "favours X" / "i favør av X"."""
    lang = _check(lang, LANGUAGES, "language")
    side = intervention if benefit else comparator
    return _FAVOURS[lang].format(side=_name(side, "intervention" if benefit else "comparator"))
