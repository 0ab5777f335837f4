"""Plain views of the property bags the analyzer hands to policies.

During a preview the engine marks values it cannot know yet with sentinel strings, and pulumi_policy wraps
the bag in a proxy that raises ``UnknownValueError`` on access. Rules here work on plain dicts/lists in which
every unknown is an :class:`Unknown`: reading it is fine, but judging it (truth test, comparison, iteration,
formatting) raises ``UnknownValueError``, so a rule that forgets to handle an unknown can never turn it into
a false violation; the rule runner records it as "not judged" instead.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NoReturn

from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    UnknownValueError,
    _DictProxy,
    _ListProxy,
)

SENTINELS = frozenset({
    UNKNOWN_ARCHIVE_VALUE, UNKNOWN_ARRAY_VALUE, UNKNOWN_ASSET_VALUE, UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE, UNKNOWN_OBJECT_VALUE, UNKNOWN_STRING_VALUE,
})

Path = tuple[str | int, ...]


class Unknown:
    """A value that is only known after apply. Judging it raises ``UnknownValueError``."""

    __slots__ = ("path", "sentinel")

    def __init__(self, sentinel: str, path: Path):
        self.sentinel = sentinel
        self.path = path

    @property
    def dotted(self) -> str:
        return "." + ".".join(str(p) for p in self.path)

    def _judge(self, *_args: Any, **_kwargs: Any) -> NoReturn:
        raise UnknownValueError(self.sentinel, [str(p) for p in self.path])

    __bool__ = __eq__ = __ne__ = __lt__ = __le__ = __gt__ = __ge__ = _judge  # type: ignore[assignment]
    __iter__ = __len__ = __contains__ = __getitem__ = __str__ = __format__ = __int__ = __float__ = _judge  # type: ignore[assignment]
    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"<unknown {self.dotted}>"


def is_unknown(value: Any) -> bool:
    return isinstance(value, Unknown)


def truthy(value: Any) -> bool:
    """A boolean input judged strictly: True or "true". Judging an Unknown raises ``UnknownValueError``."""
    if isinstance(value, Unknown):
        value._judge()
    return value is True or (isinstance(value, str) and value.lower() == "true")


def to_plain(value: Any, path: Path = ()) -> Any:
    """Unwrap pulumi_policy's proxies into dicts/lists, turning preview sentinels into :class:`Unknown`."""
    if isinstance(value, str):
        return Unknown(value, path) if value in SENTINELS else value
    if isinstance(value, _DictProxy):
        value = value["__target"]
    elif isinstance(value, _ListProxy):
        value = value["__target"]
    if isinstance(value, Mapping):
        return {k: to_plain(v, (*path, k)) for k, v in value.items()}
    if isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        return [to_plain(v, (*path, i)) for i, v in enumerate(value)]
    return value


def dig(value: Any, dotted: str) -> Any:
    """``dig(props, "a.b.c")``: nested lookup that returns None when a level is missing.

    Single-item blocks arrive as an object in some SDKs and as a one-element list in others, so a list met
    on the way is entered through its first element. An :class:`Unknown` met on the way is returned as is.
    """
    for key in dotted.split("."):
        if isinstance(value, Unknown) or value is None:
            return value
        if isinstance(value, list):
            if not value:
                return None
            value = value[0]
            if isinstance(value, Unknown):
                return value
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def items(value: Any) -> list[Any]:
    """A block that may be absent, one object, or a list of objects, as a list. Unknown stays Unknown."""
    if value is None:
        return []
    if isinstance(value, Unknown):
        value._judge()
    if isinstance(value, list):
        return value
    return [value]


def maybe_json(value: Any) -> Any:
    """Decode a JSON-encoded string (provider inputs, policy documents); anything else is returned as is."""
    if isinstance(value, str) and value[:1] in ("{", "["):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def walk(value: Any, path: Path = ()) -> Iterator[tuple[Path, Any]]:
    """Every (path, leaf-or-node) pair in a plain structure, depth first."""
    yield path, value
    if isinstance(value, Mapping):
        for k, v in value.items():
            yield from walk(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from walk(v, (*path, i))
