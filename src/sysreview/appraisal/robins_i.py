"""ROBINS-I, the risk-of-bias tool for non-randomised studies of interventions
(Sterne JAC, Hernán MA, Reeves BC, et al.  BMJ 2016;355:i4919): the seven domains
with their codes and their names in English and Norwegian bokmål.

Each domain is judged low, moderate, serious or critical risk of bias, or no
information.
"""

from __future__ import annotations

from dataclasses import dataclass

TOOL = "robins_i"
JUDGEMENTS = ("low", "moderate", "serious", "critical", "no_information")


@dataclass(frozen=True)
class Domain:
    code: str
    name_en: str
    name_nb: str


DOMAINS: tuple[Domain, ...] = (
    Domain("confounding", "Bias due to confounding", "Skjevhet fra konfundering"),
    Domain(
        "selection_of_participants",
        "Bias due to selection of participants",
        "Skjevhet fra utvalget av deltakere",
    ),
    Domain(
        "classification_of_interventions",
        "Bias in classification of interventions",
        "Skjevhet i klassifiseringen av tiltakene",
    ),
    Domain(
        "deviations_from_intended_interventions",
        "Bias due to deviations from intended interventions",
        "Skjevhet fra avvik fra de planlagte tiltakene",
    ),
    Domain("missing_data", "Bias due to missing data", "Skjevhet fra manglende data"),
    Domain(
        "measurement_of_outcomes",
        "Bias in measurement of outcomes",
        "Skjevhet i målingen av utfallene",
    ),
    Domain(
        "selection_of_the_reported_result",
        "Bias in selection of the reported result",
        "Skjevhet i utvalget av det rapporterte resultatet",
    ),
)

DOMAIN_CODES = tuple(d.code for d in DOMAINS)
