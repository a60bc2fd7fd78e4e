"""GRADE: certainty per outcome, absolute effects, Summary-of-Findings tables,
informative statements (English and Norwegian bokmål) and SWiM vote counting.

Pure: imports only ``model``, ``errors`` and the statistics core; the review facade
wires it to the store.

    >>> from sysreview import grade
    >>> e = grade.absolute_effect("OR", 0.73, 0.73, 0.73, 0.30, per=1000)
    >>> round(e.difference), e.nnt()
    (-62, 17)
"""

from typing import TYPE_CHECKING

from .._lazy import exports

if TYPE_CHECKING:
    from ._absolute import (
        AbsoluteEffect,
        ContinuousEffect,
        absolute_effect,
        continuous_effect,
        format_continuous,
        format_difference,
        format_intervention,
        format_risk,
    )
    from ._audit import Discrepancy, audit
    from ._certainty import (
        DOMAINS,
        Footnotes,
        Rating,
        footnotes,
        levels_for,
        rate,
        start_level,
    )
    from ._evidence import (
        Evidence,
        gather,
        participants,
        pool,
        poolable_studies,
        pooled_rows,
        study_rows,
    )
    from ._judge import (
        Change,
        find,
        history,
        latest_suggestions,
        log_suggestions,
        set_judgement,
    )
    from ._ois import (
        InformationSize,
        ois_continuous,
        ois_dichotomous,
    )
    from ._render import (
        CSV_COLUMNS,
        PROFILE_COLUMNS,
        evidence_profile,
        flat_rows,
        to_text,
    )
    from ._sof import (
        AbsoluteRow,
        BuiltRow,
        BuiltTable,
        build_tables,
        certainty_cell,
        effect_size,
        favour_sides,
        is_benefit,
        judgements,
        lower_first,
        names,
        timepoint,
    )
    from ._start import start
    from ._statements import (
        certainty_definition,
        certainty_label,
        certainty_phrase,
        certainty_symbols,
        change_words,
        favours,
        statement,
    )
    from ._suggest import Suggestion, suggest
    from ._swim import (
        EffectDirectionPlot,
        StudyDirection,
        VoteCount,
        directions,
        effect_direction_plot,
        vote_count,
    )

# where each public name lives: loaded on first use, so that the shell and the facade
# can import grade without bringing in numpy and scipy
_WHERE = {
    "AbsoluteEffect": "_absolute",
    "AbsoluteRow": "_sof",
    "BuiltRow": "_sof",
    "BuiltTable": "_sof",
    "CSV_COLUMNS": "_render",
    "Change": "_judge",
    "ContinuousEffect": "_absolute",
    "DOMAINS": "_certainty",
    "Discrepancy": "_audit",
    "EffectDirectionPlot": "_swim",
    "Evidence": "_evidence",
    "Footnotes": "_certainty",
    "InformationSize": "_ois",
    "PROFILE_COLUMNS": "_render",
    "Rating": "_certainty",
    "StudyDirection": "_swim",
    "Suggestion": "_suggest",
    "VoteCount": "_swim",
    "absolute_effect": "_absolute",
    "audit": "_audit",
    "build_tables": "_sof",
    "certainty_cell": "_sof",
    "certainty_definition": "_statements",
    "certainty_label": "_statements",
    "certainty_phrase": "_statements",
    "certainty_symbols": "_statements",
    "change_words": "_statements",
    "continuous_effect": "_absolute",
    "directions": "_swim",
    "effect_direction_plot": "_swim",
    "effect_size": "_sof",
    "evidence_profile": "_render",
    "favour_sides": "_sof",
    "is_benefit": "_sof",
    "favours": "_statements",
    "find": "_judge",
    "flat_rows": "_render",
    "footnotes": "_certainty",
    "format_continuous": "_absolute",
    "format_difference": "_absolute",
    "format_intervention": "_absolute",
    "format_risk": "_absolute",
    "gather": "_evidence",
    "pool": "_evidence",
    "study_rows": "_evidence",
    "pooled_rows": "_evidence",
    "poolable_studies": "_evidence",
    "participants": "_evidence",
    "history": "_judge",
    "judgements": "_sof",
    "latest_suggestions": "_judge",
    "levels_for": "_certainty",
    "log_suggestions": "_judge",
    "names": "_sof",
    "lower_first": "_sof",
    "timepoint": "_sof",
    "ois_continuous": "_ois",
    "ois_dichotomous": "_ois",
    "rate": "_certainty",
    "set_judgement": "_judge",
    "start": "_start",
    "start_level": "_certainty",
    "statement": "_statements",
    "suggest": "_suggest",
    "to_text": "_render",
    "vote_count": "_swim",
}

__all__ = [
    "CSV_COLUMNS",
    "DOMAINS",
    "PROFILE_COLUMNS",
    "AbsoluteEffect",
    "AbsoluteRow",
    "BuiltRow",
    "BuiltTable",
    "Change",
    "ContinuousEffect",
    "Discrepancy",
    "EffectDirectionPlot",
    "Evidence",
    "Footnotes",
    "InformationSize",
    "Rating",
    "StudyDirection",
    "Suggestion",
    "VoteCount",
    "absolute_effect",
    "audit",
    "build_tables",
    "certainty_cell",
    "certainty_definition",
    "certainty_label",
    "certainty_phrase",
    "certainty_symbols",
    "change_words",
    "continuous_effect",
    "directions",
    "effect_direction_plot",
    "effect_size",
    "evidence_profile",
    "favour_sides",
    "favours",
    "find",
    "flat_rows",
    "footnotes",
    "format_continuous",
    "format_difference",
    "format_intervention",
    "format_risk",
    "gather",
    "history",
    "is_benefit",
    "judgements",
    "latest_suggestions",
    "levels_for",
    "log_suggestions",
    "lower_first",
    "names",
    "ois_continuous",
    "ois_dichotomous",
    "participants",
    "pool",
    "poolable_studies",
    "pooled_rows",
    "rate",
    "set_judgement",
    "start",
    "start_level",
    "statement",
    "study_rows",
    "suggest",
    "timepoint",
    "to_text",
    "vote_count",
]


__getattr__, __dir__ = exports(__name__, _WHERE)
