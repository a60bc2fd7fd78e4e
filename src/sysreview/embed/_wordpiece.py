"""BERT's uncased WordPiece tokenizer, as Hugging Face ``tokenizers`` runs it for
all-MiniLM-L6-v2 (``BertNormalizer`` + ``BertPreTokenizer`` + ``WordPiece``).

Normalising: drop NUL, U+FFFD and "other" characters (Unicode Cc, Cf, Cs, Co, Cn,
but not tab, newline or carriage return); every whitespace character becomes a
space; CJK ideographs get spaces around them; accents are stripped (NFD, then
non-spacing marks removed); the text is lower-cased — in that order, as
``tokenizers`` does.  Pre-tokenising: split on whitespace and make every
punctuation character (ASCII punctuation or Unicode P*) a word of its own.
WordPiece: greedy longest match from the left, continuations prefixed ``##``; a
word that cannot be covered, or is longer than 100 characters, is ``[UNK]``.
"""

from __future__ import annotations

import re
import string
import unicodedata
from functools import lru_cache
from pathlib import Path

_OTHER = {"Cc", "Cf", "Cs", "Co", "Cn"}
_CJK = (
    (0x4E00, 0x9FFF),
    (0x3400, 0x4DBF),
    (0x20000, 0x2A6DF),
    (0x2A700, 0x2B73F),
    (0x2B740, 0x2B81F),
    (0x2B820, 0x2CEAF),
    (0xF900, 0xFAFF),
    (0x2F800, 0x2FA1F),
)
_ASCII_PUNCT = set(string.punctuation)
_SPECIAL = re.compile(r"(\[(?:PAD|UNK|CLS|SEP|MASK)\])")


@lru_cache(maxsize=65536)
def _char_class(c: str) -> int:
    """0 keep, 1 drop, 2 whitespace, 3 CJK (pad), 4 punctuation."""
    if c in "\t\n\r":
        return 2
    if c == "\x00" or c == "\ufffd":
        return 1
    category = unicodedata.category(c)
    if category in _OTHER:
        return 1
    if c.isspace() or category == "Zs":
        return 2
    code = ord(c)
    if any(lo <= code <= hi for lo, hi in _CJK):
        return 3
    if c in _ASCII_PUNCT or category.startswith("P"):
        return 4
    return 0


def normalise(text: str) -> str:
    """BertNormalizer: clean, pad CJK, strip accents, lower-case (that order)."""
    chars: list[str] = []
    for c in text:
        kind = _char_class(c)
        if kind == 1:
            continue
        if kind == 2:
            chars.append(" ")
        elif kind == 3:
            chars.extend((" ", c, " "))
        else:
            chars.append(c)
    out = "".join(chars)
    if not out.isascii():
        out = "".join(
            c for c in unicodedata.normalize("NFD", out) if unicodedata.category(c) != "Mn"
        )
    return out.lower()


def basic_tokens(text: str) -> list[str]:
    """Words and punctuation marks of ``text`` after BERT's normalisation
    (BertPreTokenizer: split on whitespace, every punctuation mark on its own)."""
    tokens: list[str] = []
    for chunk in normalise(text).split():
        if chunk.isalnum():
            tokens.append(chunk)
            continue
        word: list[str] = []
        for c in chunk:
            if c.isspace() or _char_class(c) == 2:
                if word:
                    tokens.append("".join(word))
                    word = []
            elif _is_punctuation(c):
                if word:
                    tokens.append("".join(word))
                    word = []
                tokens.append(c)
            else:
                word.append(c)
        if word:
            tokens.append("".join(word))
    return tokens


@lru_cache(maxsize=65536)
def _is_punctuation(c: str) -> bool:
    return c in _ASCII_PUNCT or unicodedata.category(c).startswith("P")


class WordPiece:
    """Text → token ids, with ``[CLS]``/``[SEP]`` and truncation to ``max_length``.

    Parameters
    ----------
    vocab : list of str
        The vocabulary, one token per id (``vocab.txt``'s lines).
    """

    def __init__(self, vocab: list[str], max_chars_per_word: int = 100) -> None:
        self.vocab = {token: i for i, token in enumerate(vocab)}
        self.unk = self.vocab["[UNK]"]
        self.cls = self.vocab["[CLS]"]
        self.sep = self.vocab["[SEP]"]
        self.max_chars = max_chars_per_word
        self._word_cache: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_file(cls, path: Path) -> WordPiece:
        lines = path.read_text(encoding="utf-8").split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        return cls(lines)

    def word_ids(self, word: str) -> tuple[int, ...]:
        cached = self._word_cache.get(word)
        if cached is not None:
            return cached
        if len(word) > self.max_chars:
            ids: tuple[int, ...] = (self.unk,)
        else:
            found: list[int] = []
            start = 0
            while start < len(word):
                end = len(word)
                match = None
                while start < end:
                    piece = word[start:end] if start == 0 else "##" + word[start:end]
                    match = self.vocab.get(piece)
                    if match is not None:
                        break
                    end -= 1
                if match is None:
                    found = [self.unk]
                    break
                found.append(match)
                start = end
            ids = tuple(found)
        if len(self._word_cache) < 500_000:
            self._word_cache[word] = ids
        return ids

    def encode(self, text: str, max_length: int = 256) -> list[int]:
        """``[CLS]`` + word pieces (cut to ``max_length`` − 2) + ``[SEP]``."""
        room = max_length - 2
        ids = [self.cls]
        # the special tokens written literally are matched in the raw text, before
        # normalising, case-sensitively (tokenizers' "added tokens")
        for n, part in enumerate(_SPECIAL.split(text)):
            if n % 2:
                ids.append(self.vocab[part])
            else:
                for word in basic_tokens(part):
                    ids.extend(self.word_ids(word))
                    if len(ids) > room:
                        break
            if len(ids) > room:
                break
        del ids[room + 1 :]
        ids.append(self.sep)
        return ids
