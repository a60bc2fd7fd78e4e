"""Dataclass <-> plain values, driven by the model's type hints.

The bundle (YAML/CSV) and the store (SQL rows) both turn model objects into plain
values (str, int, float, bool, list, dict) and back.  This module is the one place
that knows how, so the two cannot disagree.  It is strict: an unknown key, a
missing required field or a value outside a vocabulary raises ``ParseError`` naming
the field; callers add the file and line.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import math
import types
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, get_args, get_origin

from .errors import ParseError

T = TypeVar("T")

#: ``locate(field) -> (line or None)``: where a key of the mapping being read is.
Locator = Callable[[str | None], int | None]


@dataclass(frozen=True)
class Kind:
    """What a field holds, reduced to what conversion needs."""

    base: Literal["str", "int", "float", "bool", "literal", "tuple", "dict", "dataclass"]
    optional: bool = False
    choices: tuple[str, ...] = ()
    item: Kind | None = None
    key: Kind | None = None
    cls: type | None = None


def _describe(hint: Any) -> Kind:
    optional = False
    if isinstance(hint, types.UnionType) or get_origin(hint) is typing.Union:
        args = [a for a in get_args(hint) if a is not type(None)]
        optional = len(args) < len(get_args(hint))
        if len(args) != 1:
            raise TypeError(f"unsupported union {hint!r}")
        hint = args[0]
    origin = get_origin(hint)
    if origin is Literal:
        return Kind("literal", optional, choices=tuple(get_args(hint)))
    if origin is tuple:
        return Kind("tuple", optional, item=_describe(get_args(hint)[0]))
    if origin is dict:
        key, value = get_args(hint)
        return Kind("dict", optional, key=_describe(key), item=_describe(value))
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return Kind("dataclass", optional, cls=hint)
    names = {str: "str", int: "int", float: "float", bool: "bool"}
    if hint in names:
        return Kind(names[hint], optional)  # type: ignore[arg-type]
    raise TypeError(f"unsupported field type {hint!r}")


def kinds(cls: type) -> dict[str, Kind]:
    """Field name -> Kind for a model dataclass, in field order."""
    return _kinds(cls)


@functools.cache
def _kinds(cls: Any) -> dict[str, Kind]:
    hints = typing.get_type_hints(cls)
    return {f.name: _describe(hints[f.name]) for f in dataclasses.fields(cls)}


def required(cls: type) -> frozenset[str]:
    """Fields without a default: the ones an entry must give."""
    return _required(cls)


@functools.cache
def _required(cls: Any) -> frozenset[str]:
    return frozenset(
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, (tuple, list, dict)) and not value)


# --- object -> plain -------------------------------------------------------------


def to_plain(obj: Any) -> dict[str, Any]:
    """A dataclass as an ordered mapping of plain values, empty fields left out."""
    out: dict[str, Any] = {}
    for name in kinds(type(obj)):
        value = _plain_value(getattr(obj, name))
        if not is_empty(value):
            out[name] = value
    return out


def _plain_value(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return to_plain(value)
    if isinstance(value, tuple):
        return [_plain_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain_value(v) for k, v in value.items()}
    return value


# --- plain -> object -------------------------------------------------------------


def _no_line(_: str | None) -> int | None:
    return None


def from_plain(cls: type[T], data: Any, locate: Locator = _no_line) -> T:
    """Build ``cls`` from a mapping of plain values, checking every key and value."""
    if not isinstance(data, Mapping):
        raise ParseError(
            f"expected a mapping for {cls.__name__}, got {_name(data)}", line=locate(None)
        )
    spec = kinds(cls)
    for key in data:
        if key not in spec:
            allowed = ", ".join(spec)
            raise ParseError(
                f"unknown key for {cls.__name__} (allowed: {allowed})",
                field=str(key),
                line=locate(str(key)),
            )
    needed = required(cls)
    missing = [name for name in needed if is_empty(data.get(name)) and not spec[name].optional]
    if missing:
        raise ParseError(f"{cls.__name__} needs a value here", field=missing[0], line=locate(None))
    values: dict[str, Any] = {}
    for name, kind in spec.items():
        if name not in data:
            if name in needed:  # required but may be None (``search: str | None``)
                values[name] = None
            continue
        try:
            converted = _convert(kind, data[name], locate_nested(data[name]))
        except ParseError as exc:
            raise ParseError(
                exc.reason,
                field=f"{name}.{exc.field}" if exc.field else name,
                line=exc.line or locate(name),
            ) from None
        if converted is not None or kind.optional:
            values[name] = converted
    return cls(**values)


def locate_nested(value: Any) -> Locator:
    """A locator for a nested mapping that knows its own key lines (see bundle)."""
    key_lines = getattr(value, "key_lines", None)
    own_line = getattr(value, "line", None)
    if key_lines is None:
        return _no_line
    return lambda key: key_lines.get(key, own_line) if key is not None else own_line


def _convert(kind: Kind, value: Any, locate: Locator) -> Any:
    if value is None:
        if kind.base == "tuple":
            return ()
        if kind.base == "dict":
            return {}
        return None
    base = kind.base
    if base == "str":
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ParseError(f"expected text, got {_name(value)} (quote it)")
        return value if isinstance(value, str) else str(value)
    if base == "literal":
        if value not in kind.choices:
            raise ParseError(f"{value!r} is not one of: {', '.join(kind.choices)}")
        return value
    if base == "bool":
        if not isinstance(value, bool):
            raise ParseError(f"expected true or false, got {value!r}")
        return value
    if base == "int":
        if isinstance(value, bool) or not isinstance(value, int):
            if isinstance(value, float) and value.is_integer():
                return int(value)
            raise ParseError(f"expected a whole number, got {value!r}")
        return value
    if base == "float":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ParseError(f"expected a number, got {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise ParseError(f"expected a finite number, got {value!r}")
        return float(value)
    if base == "tuple":
        assert kind.item is not None
        if not isinstance(value, (list, tuple)):
            raise ParseError(f"expected a list, got {_name(value)}")
        return tuple(_convert(kind.item, v, locate_nested(v)) for v in value)
    if base == "dict":
        assert kind.key is not None and kind.item is not None
        if not isinstance(value, Mapping):
            raise ParseError(f"expected a mapping, got {_name(value)}")
        out = {}
        for k, v in value.items():
            key = _dict_key(kind.key, k)
            out[key] = _convert(kind.item, v, locate_nested(v))
        return out
    assert kind.cls is not None
    return from_plain(kind.cls, value, locate)


def _dict_key(kind: Kind, key: Any) -> Any:
    if kind.base == "int":
        try:
            return int(key)
        except (TypeError, ValueError):
            raise ParseError(f"expected a whole-number key, got {key!r}") from None
    return str(key)


def _name(value: Any) -> str:
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return "text" if isinstance(value, str) else type(value).__name__


# --- flat text (CSV cells) -----------------------------------------------------

LIST_SEPARATOR = " ; "


def cell_text(kind: Kind, value: Any) -> str:
    """One plain value as a CSV cell."""
    if is_empty(value):
        return ""
    if kind.base == "bool":
        return "true" if value else "false"
    if kind.base == "float":
        return format_float(value)
    if kind.base == "tuple":
        assert kind.item is not None
        return LIST_SEPARATOR.join(cell_text(kind.item, v) for v in value)
    if kind.base == "dict":  # a mapping in one cell: compact JSON, keys in their order
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    if kind.base == "dataclass":
        raise TypeError("nested objects cannot be CSV cells")
    return str(value)


def format_float(value: float) -> str:
    """Shortest text that reads back to the same float; whole numbers without '.0'."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def cell_value(kind: Kind, text: str) -> Any:
    """A CSV cell as a plain value of the field's kind (ParseError if it is not one)."""
    if text == "":
        return None
    base = kind.base
    if base == "bool":
        if text not in ("true", "false"):
            raise ParseError(f"expected true or false, got {text!r}")
        return text == "true"
    if base == "int":
        try:
            return int(text)
        except ValueError:
            raise ParseError(f"expected a whole number, got {text!r}") from None
    if base == "float":
        try:
            return float(text)
        except ValueError:
            raise ParseError(f"expected a number, got {text!r}") from None
    if base == "tuple":
        assert kind.item is not None
        return [cell_value(kind.item, part) for part in text.split(LIST_SEPARATOR)]
    if base == "dict":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"expected a JSON object: {exc.msg}") from None
    return text
