"""What RevMan 5 calls things, in one place for the writer and the reader.

RevMan 5 keeps a review in one XML file (``.rm5``).  Its identifiers are XML names
with every other character written as ``_xHHHH_`` (``ISIS-2`` -> ``ISIS_x002d_2``);
its risk-of-bias items are the Cochrane tool's seven domains, judged ``YES`` (low
risk), ``NO`` (high risk) or ``UNKNOWN`` (unclear); its effect measures and pooling
methods have their own spellings.
"""

from __future__ import annotations

import re

from ..appraisal import rob1
from ..model import Direction, RobJudgement

#: RevMan 5's measures by data type, ours -> its
DICHOTOMOUS_MEASURES = {"RR": "RR", "OR": "OR", "RD": "RD"}
#: Peto's odds ratio: our measure OR pooled by method PETO, RevMan's own measure
PETO_OR = "PETO_OR"
CONTINUOUS_MEASURES = {"MD": "MD", "SMD": "SMD"}
#: pooling methods RevMan 5 names (everything else is inverse variance)
METHODS = ("MH", "PETO")
#: the forest plot's labels under the axis (left, right), RevMan's wording: low values
#: favour the experimental group unless higher is better
FAVOURS_EXPERIMENTAL = "Favours experimental"
FAVOURS_CONTROL = "Favours control"


def graph_labels(direction: str) -> tuple[str, str]:
    """The axis labels (left, right) for an outcome's direction."""
    if direction == "higher_is_better":
        return FAVOURS_CONTROL, FAVOURS_EXPERIMENTAL
    return FAVOURS_EXPERIMENTAL, FAVOURS_CONTROL


_CONTROL_WORDS = re.compile(r"\b(control|placebo|comparator|usual care|standard care)", re.I)
_EXPERIMENTAL_WORDS = re.compile(r"\b(experimental|intervention|treatment)", re.I)


def direction_from_labels(left: str, intervention: str, comparator: str) -> Direction | None:
    """An outcome's direction from RevMan's left axis label: "Favours [intervention]"
    on the left means lower is better; "Favours [control]", higher.  None if the label
    names neither group."""
    text = left.strip()
    candidates: tuple[tuple[str, Direction], ...] = (
        (comparator, "higher_is_better"),
        (intervention, "lower_is_better"),
    )
    for group, direction in candidates:
        if group and group.lower() in text.lower():
            return direction
    if _CONTROL_WORDS.search(text):
        return "higher_is_better"
    if _EXPERIMENTAL_WORDS.search(text):
        return "lower_is_better"
    return None


#: the risk-of-bias items as RevMan 5.1+ names them, by our domain code; blinding and
#: attrition are judged per group of outcomes in RevMan ("GROUP" level)
ROB_ITEMS: dict[str, tuple[str, str]] = {
    "random_sequence_generation": ("Random sequence generation (selection bias)", "STUDY"),
    "allocation_concealment": ("Allocation concealment (selection bias)", "STUDY"),
    "blinding_participants_personnel": (
        "Blinding of participants and personnel (performance bias)",
        "GROUP",
    ),
    "blinding_outcome_assessment": ("Blinding of outcome assessment (detection bias)", "GROUP"),
    "incomplete_outcome_data": ("Incomplete outcome data (attrition bias)", "GROUP"),
    "selective_reporting": ("Selective reporting (reporting bias)", "STUDY"),
    "other_bias": ("Other bias", "STUDY"),
}
assert tuple(ROB_ITEMS) == rob1.DOMAIN_CODES
#: what each item asks, as the item's description
ROB_QUESTIONS = {
    "random_sequence_generation": "Was the allocation sequence generated so that it was random?",
    "allocation_concealment": "Was the allocation concealed until participants were assigned?",
    "blinding_participants_personnel": (
        "Were participants and personnel kept from knowing the intervention received?"
    ),
    "blinding_outcome_assessment": (
        "Were those assessing outcomes kept from knowing the intervention received?"
    ),
    "incomplete_outcome_data": "Were incomplete outcome data adequately addressed?",
    "selective_reporting": "Were the study's outcomes reported as planned?",
    "other_bias": "Was the study free of other problems that could bias its results?",
}
ROB_RESULTS = {"low": "YES", "high": "NO", "unclear": "UNKNOWN"}
ROB_JUDGEMENTS: dict[str, RobJudgement] = {
    "YES": "low",
    "NO": "high",
    "UNKNOWN": "unclear",
}
assert {v: k for k, v in ROB_JUDGEMENTS.items()} == ROB_RESULTS
#: RoB 1's judgements from the least to the most cautious
CAUTION: tuple[RobJudgement, ...] = ("low", "unclear", "high")
#: RevMan 5.0's item names (questions: "yes" is low risk), read as the same domains
_ROB_OLD_NAMES = {
    "adequate sequence generation": "random_sequence_generation",
    "allocation concealment": "allocation_concealment",
    "blinding": "blinding_participants_personnel",
    "incomplete outcome data addressed": "incomplete_outcome_data",
    "free of selective reporting": "selective_reporting",
    "free of other bias": "other_bias",
}

_NAME_CHAR = re.compile(r"[A-Za-z0-9]")
_ESCAPED = re.compile(r"_x([0-9A-Fa-f]{4})_")


def encode_id(text: str) -> str:
    """``ISIS-2`` -> ``ISIS_x002d_2``: RevMan's identifiers keep letters and digits."""
    return "".join(c if _NAME_CHAR.match(c) else f"_x{ord(c):04x}_" for c in text)


def decode_id(text: str) -> str:
    return _ESCAPED.sub(lambda m: chr(int(m.group(1), 16)), text)


def rob_domain(item_name: str) -> str | None:
    """Our domain code for a RevMan risk-of-bias item, by its name in RevMan 5.1+ or
    5.0; None for an item of the review's own."""
    for code, (name, _) in ROB_ITEMS.items():
        if item_name.strip().lower() == name.lower():
            return code
    key = item_name.strip().rstrip("?").strip().lower()
    return _ROB_OLD_NAMES.get(key)
