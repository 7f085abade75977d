"""Read-only containers for values shared between determinations (line items of one battery
design, reused from the measures cache).
"""

from __future__ import annotations

from typing import Any


class FrozenDict(dict):  # type: ignore[type-arg]
    """A dict that refuses changes: line items are shared between determinations of one battery
    design (the measures cache), so none of them may be changed through any one of them.

    >>> item = freeze({"id": "li", "shares": {"processing": "60%"}, "places": ["JP"]})
    >>> item["id"] = "x"
    Traceback (most recent call last):
    ...
    TypeError: a determination's line items are read-only
    >>> item["places"]
    ('JP',)
    """

    def _refuse(self, *args: Any, **kwargs: Any) -> Any:
        raise TypeError("a determination's line items are read-only")

    __setitem__ = __delitem__ = clear = pop = popitem = setdefault = update = _refuse  # type: ignore[assignment]
    __ior__ = _refuse  # type: ignore[assignment]

    def __reduce__(self) -> tuple[Any, ...]:  # pickles (for process pools) as a FrozenDict again
        return (FrozenDict, (dict(self),))

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(tuple(sorted(self.items(), key=lambda kv: kv[0])))


def freeze(value: Any) -> Any:
    """``value`` with every dict made a :class:`FrozenDict` and every list a tuple, recursively
    (only containers are visited: the hot path freezes every line item)."""
    kind = type(value)
    if kind is dict or (kind is not FrozenDict and isinstance(value, dict)):
        return FrozenDict({k: freeze(v) if type(v) in _OPEN else v for k, v in value.items()})
    if kind is list or kind is tuple:
        return tuple(freeze(v) if type(v) in _OPEN else v for v in value)
    return value


_OPEN = {dict, list, tuple}  # the container types freeze converts (a FrozenDict is done already)
