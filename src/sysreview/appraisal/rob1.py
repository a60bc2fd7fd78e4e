"""Cochrane risk-of-bias tool, version 1 (Higgins et al., BMJ 2011;343:d5928):
the seven domains with their codes and their names in English and Norwegian
(as the Norwegian Institute of Public Health words them)."""

from __future__ import annotations

from dataclasses import dataclass

TOOL = "rob1"
JUDGEMENTS = ("low", "unclear", "high")


@dataclass(frozen=True)
class Domain:
    code: str
    name_en: str
    name_nb: str
    bias: str


DOMAINS: tuple[Domain, ...] = (
    Domain(
        "random_sequence_generation", "Random sequence generation", "Randomisering", "selection"
    ),
    Domain("allocation_concealment", "Allocation concealment", "Allokering", "selection"),
    Domain(
        "blinding_participants_personnel",
        "Blinding of participants and personnel",
        "Blinding av deltakere",
        "performance",
    ),
    Domain(
        "blinding_outcome_assessment",
        "Blinding of outcome assessment",
        "Blinding av utfallsmål",
        "detection",
    ),
    Domain("incomplete_outcome_data", "Incomplete outcome data", "Frafall", "attrition"),
    Domain("selective_reporting", "Selective reporting", "Selektiv rapportering", "reporting"),
    Domain("other_bias", "Other bias", "Andre forhold som kan gi skjevheter", "other"),
)

DOMAIN_CODES = tuple(d.code for d in DOMAINS)
