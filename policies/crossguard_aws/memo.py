"""A value built once for the objects a thread last asked about: packs sharing a process judge one request after
the other, and each would otherwise decode it (or index it) again."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

T = TypeVar("T")


class LastBuilt(Generic[T]):
    """``get(key, build)``: ``build()``'s value for ``key``, reused while the thread asks for the same objects
    (compared by identity, element by element: equal but new objects, as the stock SDK makes, build anew)."""

    def __init__(self) -> None:
        self._local = threading.local()

    def get(self, key: Sequence[object], build: Callable[[], T]) -> T:
        last = getattr(self._local, "last", None)
        if last is None or len(last[0]) != len(key) or any(a is not b for a, b in zip(last[0], key)):
            last = (tuple(key), build())
            self._local.last = last
        return last[1]
