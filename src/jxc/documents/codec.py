"""Documents (frozen dataclasses of the pure model) to JSON-safe dicts and back, exactly.

Decimals travel as strings, dates and times as ISO text, UUIDs as text, enums by value; the
decoder reads the dataclass's type hints (the ``lines`` type parameter of ``Document[L]``
included), so a stored document comes back equal to the one saved — the model's own
``__post_init__`` checks run again on the way in.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from decimal import Decimal
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union
from uuid import UUID


def encode(value: Any) -> Any:
    """A JSON-safe copy of ``value`` (dataclasses become dicts of their init fields)."""
    if (isinstance(value, str | int | bool) and not isinstance(value, Enum)) or value is None:
        return value
    if isinstance(value, Decimal):
        return format(value, "f")
    names = _init_fields(type(value))  # type: ignore[arg-type]  # classes are hashable
    if names is not None:
        return {name: encode(getattr(value, name)) for name in names}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, tuple | list | frozenset | set):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


@cache
def _init_fields(cls: type[Any]) -> tuple[str, ...] | None:
    """The init field names of a dataclass type (``None`` for anything else), looked up once per type."""
    if not dataclasses.is_dataclass(cls):
        return None
    return tuple(f.name for f in dataclasses.fields(cls) if f.init)


def decode(cls: type[Any], data: Any) -> Any:
    """The ``cls`` instance ``data`` (from :func:`encode`) describes."""
    return _decode(cls, data, {})


@cache
def _hints(cls: type[Any]) -> tuple[dict[str, Any], dict[Any, Any]]:
    """Field types of ``cls`` and the type variables its generic bases bind (``L`` → line class)."""
    bindings: dict[Any, Any] = {}
    for klass in cls.__mro__:
        for base in getattr(klass, "__orig_bases__", ()):
            origin = typing.get_origin(base)
            params = getattr(origin, "__parameters__", ())
            for param, arg in zip(params, typing.get_args(base), strict=False):
                bindings.setdefault(param, arg)
    return typing.get_type_hints(cls), bindings


def _decode(tp: Any, data: Any, bindings: dict[Any, Any]) -> Any:
    if isinstance(tp, TypeVar):
        tp = bindings.get(tp, Any)
    if tp is Any or data is None:
        return data
    origin = typing.get_origin(tp)
    if origin in (Union, types.UnionType):
        options = [a for a in typing.get_args(tp) if a is not type(None)]
        return _decode(options[0], data, bindings) if len(options) == 1 else data
    if origin is typing.ClassVar:
        return data
    if origin in (tuple, list, frozenset, set):
        args = typing.get_args(tp)
        if origin is tuple and args and args[-1] is not Ellipsis:
            return tuple(_decode(a, v, bindings) for a, v in zip(args, data, strict=True))
        item = args[0] if args else Any
        return origin(_decode(item, v, bindings) for v in data)
    if origin is dict:
        key_tp, value_tp = typing.get_args(tp) or (Any, Any)
        return {_decode(key_tp, k, bindings): _decode(value_tp, v, bindings) for k, v in data.items()}
    if isinstance(tp, type):
        if dataclasses.is_dataclass(tp):
            hints, own = _hints(tp)
            scope = {**bindings, **own}
            kwargs = {f.name: _decode(hints[f.name], data[f.name], scope)
                      for f in dataclasses.fields(tp) if f.init and f.name in data}
            return tp(**kwargs)
        if issubclass(tp, Enum):
            return tp(data)
        if tp is Decimal:
            return Decimal(data)
        if tp is dt.datetime:
            return dt.datetime.fromisoformat(data)
        if tp is dt.date:
            return dt.date.fromisoformat(data)
        if tp is UUID:
            return UUID(data)
        if tp is int and isinstance(data, str):
            return int(data)
    return data
