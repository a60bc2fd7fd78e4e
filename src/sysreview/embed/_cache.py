"""Embeddings kept on disk, so that each text is embedded once.

A SQLite file maps (model, SHA-256 of the text) to the float32 vector; the model
name includes a fingerprint of its weights' file, so another model never answers.
Default place: ``$SYSREVIEW_CACHE_DIR/embeddings.sqlite``, else
``~/.cache/sysreview/embeddings.sqlite``.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ._minilm import MiniLM


def default_path() -> Path:
    base = os.environ.get("SYSREVIEW_CACHE_DIR")
    root = Path(base) if base else Path.home() / ".cache" / "sysreview"
    return root / "embeddings.sqlite"


def _key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Vectors by text for one model; missing ones are computed and stored in
    batches (each batch one transaction, so an interrupted run keeps its work)."""

    def __init__(self, model: MiniLM, path: Path | None = None) -> None:
        self.model = model
        self.path = path or default_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60)
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS embedding ("
            " model TEXT NOT NULL, key BLOB NOT NULL, vector BLOB NOT NULL,"
            " PRIMARY KEY (model, key))"
        )
        self._db.commit()

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def missing(self, texts: Sequence[str]) -> list[str]:
        """The distinct texts without a stored vector, in first-seen order."""
        have = set(self._rows(list({_key(t) for t in texts}), "key"))
        seen: dict[bytes, str] = {}
        for text in texts:
            key = _key(text)
            if key not in have and key not in seen:
                seen[key] = text
        return list(seen.values())

    def _rows(self, keys: list[bytes], columns: str) -> Iterator[Any]:
        """``columns`` of the stored rows among ``keys`` (500 keys per query); a
        single column comes as its value."""
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self._db.execute(
                f"SELECT {columns} FROM embedding WHERE model = ? AND key IN ({marks})",
                [self.model.fingerprint, *chunk],
            ):
                yield bytes(row[0]) if len(row) == 1 else row

    def _lookup(self, keys: dict[bytes, str]) -> dict[bytes, npt.NDArray[np.float32]]:
        return {
            bytes(key): np.frombuffer(vector, dtype="<f4")
            for key, vector in self._rows(list(keys), "key, vector")
        }

    def embed(
        self,
        texts: Sequence[str],
        batch: int = 256,
        progress: Callable[[int, int], None] | None = None,
    ) -> npt.NDArray[np.float32]:
        """(len(texts), d) vectors, computing (and storing) only the missing ones;
        ``progress(done, todo)`` is called after each model batch with the texts
        embedded so far and the number missing at the start."""
        todo = self.missing(texts)
        done = 0

        def step(count: int) -> None:
            nonlocal done
            done += count
            if progress is not None:
                progress(done, len(todo))

        for start in range(0, len(todo), batch):
            chunk = todo[start : start + batch]
            vectors = self.model.encode(chunk, progress=step)
            with self._db:
                self._db.executemany(
                    "INSERT OR REPLACE INTO embedding (model, key, vector) VALUES (?, ?, ?)",
                    [
                        (self.model.fingerprint, _key(t), v.astype("<f4").tobytes())
                        for t, v in zip(chunk, vectors, strict=True)
                    ],
                )
        found = self._lookup({_key(t): t for t in texts})
        out = np.zeros((len(texts), self.model.hidden), dtype=np.float32)
        for row, text in enumerate(texts):
            out[row] = found[_key(text)]
        return out
