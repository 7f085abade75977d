"""Read-only containers for values shared between determinations (line items of one battery
design, reused from the measures cache), and line items built only when first read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
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


class LazyItems(Sequence[Any]):
    """Line items built when first read: deciding a vehicle needs only its facts, so the text of
    each chain's or component's line item (shares, places, reasons) waits until someone reads
    it. ``build()`` returns the items (read-only :class:`FrozenDict`); it runs once, and the
    builder is dropped. It captures the battery's line items (chains, components), never the
    battery itself, so the measures cache (which lives as long as the battery) does not keep
    its battery alive. Compares equal to, pickles as, and serializes as the tuple of its items.

    >>> calls = []
    >>> items = LazyItems(lambda: calls.append(1) or [FrozenDict(id="li")])
    >>> len(calls), len(items), items[0]["id"], items == (FrozenDict(id="li"),), len(calls)
    (0, 1, 'li', True, 1)
    """

    __slots__ = ("_build", "_items")

    def __init__(self, build: Callable[[], Sequence[Any]]) -> None:
        self._build: Callable[[], Sequence[Any]] | None = build
        self._items: tuple[Any, ...] | None = None

    def items(self) -> tuple[Any, ...]:
        """The items as a tuple (built now if not yet)."""
        items = self._items
        if items is None:
            build = self._build
            if build is None:  # another thread built them meanwhile
                return self._items  # type: ignore[return-value]
            items = self._items = tuple(build())  # set before the builder is dropped
            self._build = None
        return items

    def __getitem__(self, index: Any) -> Any:
        return self.items()[index]

    def __len__(self) -> int:
        return len(self.items())

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, LazyItems):
            other = other.items()
        return self.items() == other

    def __hash__(self) -> int:
        return hash(self.items())

    def __reduce__(self) -> tuple[Any, ...]:  # process pools get the built items
        return (tuple, (self.items(),))

    def __repr__(self) -> str:
        return repr(self.items())


class Later:
    """A frozen record some of whose fields are built when first read (texts the decision does
    not need: a finding's explanation and compared values, a determination's facts as text).

    The record is made with ``_later`` in its ``__dict__``: a function returning those fields'
    values. Reading any of them (``__getattr__`` runs only for a name not yet in ``__dict__``)
    builds them all, once; then the function is dropped. Equality, ``repr``, pickling and
    serialization read fields by name, so they see built values. Two threads reading at once
    may both build; they build the same values, set before the function is dropped.

    >>> class R(Later):
    ...     __later__ = frozenset({"text"})
    >>> r = R(); r.__dict__["_later"] = lambda: {"text": "built"}
    >>> "text" in vars(r), r.text, "_later" in vars(r)
    (False, 'built', False)
    """

    __later__: frozenset[str] = frozenset()

    def __getattr__(self, name: str) -> Any:
        if name not in type(self).__later__:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        values = self.__dict__
        build = values.get("_later")
        if build is not None:
            values.update(build())
            values.pop("_later", None)
        return values[name]

    def __getstate__(self) -> dict[str, Any]:  # pickles (for process pools) built
        for name in type(self).__later__:
            getattr(self, name)
        return self.__dict__
