"""Screening: prioritising records by active learning, knowing when to stop, and
measuring both by simulation on labelled sets.

Pure logic over arrays and records; no database and no shell.  A typical use::

    from sysreview import screening

    records = screening.read_labelled("labelled.csv")
    result = screening.simulate(records, model="sysreview", seeds=(0, 1, 2))
    print(result.summary())
"""

from typing import TYPE_CHECKING

from .._lazy import exports

if TYPE_CHECKING:
    from ._dataset import LabelledRecords, read_labelled, record_text
    from ._features import FeatureConfig, Features, criteria_without_notes, featurize
    from ._fulltext import retrieval_tally
    from ._fusion import EmbeddingConfig, EmbeddingRanker, FusionConfig, FusionRanker
    from ._keywords import highlighted, protocol_keywords
    from ._metrics import RECALL_AT_PERCENT, ScreeningMetrics, screening_metrics
    from ._rank import (
        EnsembleConfig,
        EnsembleRanker,
        Ranker,
        SVMConfig,
        SVMRanker,
        balanced_weights,
    )
    from ._simulate import (
        DEFAULT_MODEL,
        MODELS,
        SEEDS,
        ModelConfig,
        SimulationResult,
        SimulationRun,
        model_config,
        prior_knowledge,
        screening_order,
        simulate,
        with_embeddings,
    )
    from ._stopping import (
        DEFAULT_RULES,
        Buscar,
        ConsecutiveIrrelevant,
        ScreenedFraction,
        StoppingRule,
        StopPoint,
        buscar_p_value,
        recall_lower_bound,
    )
    from ._studies import suggested_label

# where each public name lives: loaded on first use, so that importing a sibling
# module (the screening workflow) does not bring in numpy, scipy and scikit-learn
_WHERE = {
    "LabelledRecords": "_dataset",
    "read_labelled": "_dataset",
    "record_text": "_dataset",
    "FeatureConfig": "_features",
    "Features": "_features",
    "featurize": "_features",
    "criteria_without_notes": "_features",
    "RECALL_AT_PERCENT": "_metrics",
    "ScreeningMetrics": "_metrics",
    "screening_metrics": "_metrics",
    "EnsembleConfig": "_rank",
    "EnsembleRanker": "_rank",
    "Ranker": "_rank",
    "SVMConfig": "_rank",
    "SVMRanker": "_rank",
    "balanced_weights": "_rank",
    "DEFAULT_MODEL": "_simulate",
    "MODELS": "_simulate",
    "SEEDS": "_simulate",
    "ModelConfig": "_simulate",
    "SimulationResult": "_simulate",
    "SimulationRun": "_simulate",
    "model_config": "_simulate",
    "prior_knowledge": "_simulate",
    "screening_order": "_simulate",
    "simulate": "_simulate",
    "with_embeddings": "_simulate",
    "EmbeddingConfig": "_fusion",
    "EmbeddingRanker": "_fusion",
    "FusionConfig": "_fusion",
    "FusionRanker": "_fusion",
    "suggested_label": "_studies",
    "highlighted": "_keywords",
    "retrieval_tally": "_fulltext",
    "protocol_keywords": "_keywords",
    "DEFAULT_RULES": "_stopping",
    "Buscar": "_stopping",
    "ConsecutiveIrrelevant": "_stopping",
    "ScreenedFraction": "_stopping",
    "StoppingRule": "_stopping",
    "StopPoint": "_stopping",
    "buscar_p_value": "_stopping",
    "recall_lower_bound": "_stopping",
}


__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_RULES",
    "MODELS",
    "RECALL_AT_PERCENT",
    "SEEDS",
    "Buscar",
    "ConsecutiveIrrelevant",
    "EmbeddingConfig",
    "EmbeddingRanker",
    "EnsembleConfig",
    "EnsembleRanker",
    "FeatureConfig",
    "Features",
    "FusionConfig",
    "FusionRanker",
    "LabelledRecords",
    "ModelConfig",
    "Ranker",
    "SVMConfig",
    "SVMRanker",
    "ScreenedFraction",
    "ScreeningMetrics",
    "SimulationResult",
    "SimulationRun",
    "StopPoint",
    "StoppingRule",
    "balanced_weights",
    "buscar_p_value",
    "criteria_without_notes",
    "featurize",
    "highlighted",
    "model_config",
    "prior_knowledge",
    "protocol_keywords",
    "read_labelled",
    "recall_lower_bound",
    "record_text",
    "retrieval_tally",
    "screening_metrics",
    "screening_order",
    "simulate",
    "suggested_label",
    "with_embeddings",
]


__getattr__, __dir__ = exports(__name__, _WHERE)
