"""Records as feature matrices for the rankers.

A :class:`FeatureConfig` says how text becomes TF-IDF features (scikit-learn's
``TfidfVectorizer`` parameter names); :func:`featurize` builds the views a ranker
can be fitted on:

- ``text``: title and abstract, 1–2-grams, sublinear tf, L2-normalised rows;
- ``title``: the title alone, with the same settings — for records whose abstract is
  missing, which a title-and-abstract model tends to rank last;
- ``criteria``: the eligibility criteria as one pseudo-document in ``text``'s
  vocabulary, when criteria are given (a cold-start signal before anything is
  labelled).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from ._dataset import record_text

MIN_ABSTRACT_CHARS = 20
"""An abstract shorter than this counts as missing (placeholders like "[No abstract]")."""


@dataclass(frozen=True)
class FeatureConfig:
    """TF-IDF settings; the defaults are ASReview ELAS u4's feature extractor."""

    ngram_min: int = 1
    ngram_max: int = 2
    sublinear_tf: bool = True
    min_df: int = 1
    max_df: float = 0.95

    def vectorizer(self) -> TfidfVectorizer:
        return TfidfVectorizer(
            ngram_range=(self.ngram_min, self.ngram_max),
            sublinear_tf=self.sublinear_tf,
            min_df=self.min_df,
            max_df=self.max_df,
            dtype=np.float64,
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Features:
    """The views of ``n`` records a ranker is fitted on.

    ``text`` and ``title`` are (n, v) sparse CSR matrices; ``has_abstract`` is (n,)
    bool; ``criteria`` is a (1, v) row in ``text``'s vocabulary, or None.
    ``embedding`` is an (n, d) array of sentence embeddings of title and abstract
    and ``criteria_embedding`` the criteria's (d,) vector, for the models that use
    them (None otherwise).
    """

    text: sp.csr_matrix
    title: sp.csr_matrix
    has_abstract: npt.NDArray[np.bool_]
    criteria: sp.csr_matrix | None = None
    embedding: npt.NDArray[np.floating[Any]] | None = None
    criteria_embedding: npt.NDArray[np.floating[Any]] | None = None

    def __len__(self) -> int:
        return int(self.text.shape[0])

    def view(self, name: str) -> sp.csr_matrix:
        if name == "text":
            return self.text
        if name == "title":
            return self.title
        raise KeyError(f"no feature view {name!r} (views: text, title)")


def _tfidf(config: FeatureConfig, texts: Sequence[str]) -> tuple[sp.csr_matrix, Any]:
    vectorizer = config.vectorizer()
    try:
        matrix = vectorizer.fit_transform(texts)
    except ValueError:  # every text empty, or every term above max_df
        return sp.csr_matrix((len(texts), 1)), None
    return sp.csr_matrix(matrix), vectorizer


def criteria_without_notes(criteria: str | None) -> str:
    """The criteria text without its lines starting with ``#`` (provenance notes)."""
    return "\n".join(
        line for line in (criteria or "").splitlines() if not line.lstrip().startswith("#")
    )


def featurize(
    titles: Sequence[str],
    abstracts: Sequence[str],
    config: FeatureConfig | None = None,
    criteria: str | None = None,
) -> Features:
    """TF-IDF views of records (fitted on these records, as screening sees them all).

    Parameters
    ----------
    titles, abstracts : sequences of str, length n
    config : FeatureConfig, optional
    criteria : str, optional
        Eligibility criteria, turned into a pseudo-document in the text vocabulary;
        lines starting with ``#`` (provenance notes) are left out.

    Returns
    -------
    Features
    """
    config = config or FeatureConfig()
    if len(titles) != len(abstracts):
        raise ValueError("titles and abstracts differ in length")
    texts = [record_text(t, a) for t, a in zip(titles, abstracts, strict=True)]
    text, vectorizer = _tfidf(config, texts)
    title, _ = _tfidf(config, list(titles))
    has_abstract = np.array([len(a.strip()) >= MIN_ABSTRACT_CHARS for a in abstracts])
    pseudo = None
    criteria = criteria_without_notes(criteria)
    if criteria.strip() and vectorizer is not None:
        pseudo = sp.csr_matrix(vectorizer.transform([criteria]))
        if pseudo.nnz == 0:
            pseudo = None
    return Features(text=text, title=title, has_abstract=has_abstract, criteria=pseudo)
