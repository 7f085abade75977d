"""Values kept per live object, keyed by the object itself (its identity), for objects that are
not hashable (a frozen pydantic model holding lists): a battery's measures, a battery's
canonical JSON. An entry goes when its object is garbage collected, so the cache never keeps
an object alive and never hands one object's value to another that reuses its address.

>>> class Box:
...     pass
>>> cache: ByObject[str] = ByObject()
>>> b = Box()
>>> cache.get(b, lambda: "made"), cache.get(b, lambda: "not made again"), len(cache)
('made', 'made', 1)
>>> del b
>>> len(cache)
0
"""

from __future__ import annotations

import functools
import weakref
from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class ByObject(Generic[V]):
    """``get(obj, make)``: the value kept for ``obj``, made by ``make()`` the first time.

    The objects must not change while they are kept (frozen models): a value is never made
    again for the same live object."""

    def __init__(self) -> None:
        self._entries: dict[int, tuple[weakref.ref[Any], V]] = {}

    def get(self, obj: Any, make: Callable[[], V]) -> V:
        key = id(obj)
        entry = self._entries.get(key)
        if entry is None or entry[0]() is not obj:
            ref = weakref.ref(obj, functools.partial(_forget, self._entries, key))
            entry = self._entries[key] = (ref, make())
        return entry[1]

    def clear(self) -> None:
        self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def _forget(entries: dict[int, Any], key: int, ref: weakref.ref[Any]) -> None:
    """An object died: drop its entry (unless its address already holds a new object's)."""
    entry = entries.get(key)
    if entry is not None and entry[0] is ref:
        del entries[key]
