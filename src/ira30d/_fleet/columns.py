"""The case models read column-wise: a case's shape as an Arrow schema, its fields as levels
(the case, and each list of items: chains, stages, components, a component's contents,
entities), and each field's values taken as the models take them, decided once per distinct
value by the field's own pydantic validator. The models are the one home of the input's shape,
bounds, vocabularies and defaults; one shortcut (:func:`plain`) reads decimals written as plain
digits by integer arithmetic, held to the bounds read from the field, and the differential
tests hold it to the validator.

A value is *as written* when its field's validator keeps it unchanged (a code ``US``, a term
``lithium``, an id, a date ``2024-07-05``, a share ``0.5`` exactly on the tables' scale);
anything it would change or refuse (``us``, ``Lithium``, `` a``, ``0.5000001`` for a share)
is not, and the column-wise reader hands that case to the models (``_fleet/jsonl.py``).

>>> [level.path[-1:] for level in LEVELS]
[(), ('mineral_chains',), ('stages',), ('components',), ('contains',), ('entities',)]
>>> leaf = next(x for x in LEVELS[2].leaves if x.name == "share")
>>> taken(leaf, ["0.5", "0.50", "1.5", "0.5000001"])
{'0.5': 500000, '0.50': 500000}
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Annotated, Any

import annotated_types as at
import polars as pl
import pyarrow as pa
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from ira30d._fleet.checks import BOUNDED, OPS, bounds
from ira30d._fleet.tables import OffScale, scaled
from ira30d._models.inputs import Case

# (model, field) -> the integer scale of its column in the tables (cents, ppm, watt-hours)
SCALES = {(m, f): scale[0] for table in BOUNDED.values() for m, f, scale in table.values()}


def _bare(annotation: Any) -> Any:
    """``X`` of ``X | None`` and of ``Annotated[X, ...]``."""
    if typing.get_origin(annotation) is Annotated:
        return _bare(typing.get_args(annotation)[0])
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _bare(inner)
    return annotation


def _model(t: Any) -> bool:
    return isinstance(t, type) and issubclass(t, BaseModel)


def _listed(t: Any) -> Any:
    """The item type of ``list[X]`` (``None`` for any other type)."""
    return typing.get_args(t)[0] if typing.get_origin(t) is list else None


def arrow_type(annotation: Any) -> pa.DataType:
    """The Arrow type a JSON value of ``annotation`` is read as: text, codes, dates and decimals
    as the strings they are written as (never a float), models as structs."""
    t = _bare(annotation)
    if _model(t):
        return pa.struct([(n, arrow_type(f.annotation)) for n, f in t.model_fields.items()])
    if (item := _listed(t)) is not None:
        return pa.list_(arrow_type(item))
    return {bool: pa.bool_(), int: pa.int64()}.get(t, pa.string())


SCHEMA = pa.schema([(n, arrow_type(f.annotation)) for n, f in Case.model_fields.items()])


@dataclass(frozen=True)
class Leaf:
    """One field holding a value: its path from its level, its model and field, and whether a
    case must give it."""

    path: tuple[str, ...]
    model: Any
    name: str
    info: FieldInfo

    @property
    def column(self) -> str:
        return ".".join(self.path)

    @property
    def default(self) -> Any:
        """The value a case that leaves the field out has (``None`` if none)."""
        d = self.info.default
        return None if d is PydanticUndefined else d

    @cached_property
    def adapter(self) -> TypeAdapter[Any]:
        """The field's validator over a list of values (one call validates them all)."""
        config = self.model.model_config if _model(self.model) else None
        field: Any = Annotated[self.info.annotation, self.info]  # type: ignore[name-defined]
        return TypeAdapter(list[field], config=config)  # type: ignore[valid-type]


@dataclass(frozen=True)
class Level:
    """A list of items (or the case itself): its path from the case, its leaves, the structs
    among them (``path -> model``: present or not), and its lists (with their length bounds)."""

    path: tuple[str, ...]
    model: Any
    info: FieldInfo | None = None  # the list field (its length bounds); None: the case
    leaves: list[Leaf] = field(default_factory=list)
    structs: dict[tuple[str, ...], Any] = field(default_factory=dict)

    @property
    def lengths(self) -> tuple[int, int | None]:
        """The list's least and greatest length."""
        least, most = 0, None
        for m in self.info.metadata if self.info else ():
            if isinstance(m, at.MinLen):
                least = m.min_length
            if isinstance(m, at.MaxLen):
                most = m.max_length
        return least, most


def _levels(path: tuple[str, ...], model: Any, info: FieldInfo | None, out: list[Level]) -> None:
    level = Level(path, model, info)
    out.append(level)
    _walk(level, (), model, out)


def _walk(level: Level, at_: tuple[str, ...], model: Any, out: list[Level]) -> None:
    for name, info in model.model_fields.items():
        t = _bare(info.annotation)
        here = (*at_, name)
        if _model(t):
            level.structs[here] = t
            _walk(level, here, t, out)
        elif (item := _listed(t)) is not None:
            if _model(_bare(item)):
                _levels((*level.path, *here), _bare(item), info, out)
            else:  # a list of values (a component's contents): a level of one leaf
                leaf = Leaf(("value",), None, name, FieldInfo.from_annotation(item))
                out.append(Level((*level.path, *here), None, info, [leaf]))
        else:
            level.leaves.append(Leaf(here, model, name, info))


LEVELS: list[Level] = []
_levels((), Case, None, LEVELS)


def taken(leaf: Leaf, values: list[Any]) -> dict[Any, Any]:
    """Each of ``values`` (distinct, not null) the field takes as written, to its table value
    (decimals on their scale, dates as dates); the others are left out."""
    scale, where = SCALES.get((leaf.model, leaf.name)), leaf.column
    validated = _validated(leaf, values)
    if validated == values:  # text kept as written, every value (one comparison, in C)
        return dict(zip(values, values, strict=True))
    out = {}
    for raw, value in zip(values, validated, strict=True):
        if value is _REFUSED:
            continue
        if isinstance(value, Decimal):
            try:  # a decimal field without a scale has no column: never taken
                out[raw] = scaled(value, scale, where) if scale else _no(raw)
            except OffScale:
                continue
        elif (value.isoformat() if isinstance(value, date) else value) == raw:
            out[raw] = value  # unchanged (text, a number, a date written YYYY-MM-DD)
    return out


_REFUSED = object()


def _validated(leaf: Leaf, values: list[Any]) -> list[Any]:
    """Each value as the field's validator gives it, or ``_REFUSED``: the list validated at once,
    and again without the values it refused."""
    try:
        return list(leaf.adapter.validate_python(values))
    except ValidationError as exc:
        refused = {e["loc"][0] for e in exc.errors() if e["loc"]}
    rest = [v for i, v in enumerate(values) if i not in refused]
    good = iter(leaf.adapter.validate_python(rest) if rest else ())
    return [_REFUSED if i in refused else next(good) for i in range(len(values))]


def taken_series(leaf: Leaf, values: pl.Series) -> dict[Any, Any]:
    """:func:`taken` of the distinct values ``values``: a decimal written as plain digits on its
    scale (:func:`plain`) by integer arithmetic, column-wise; every other value by the field's
    validator."""
    digits = plain(leaf)
    if digits is None:
        return taken(leaf, values.to_list())
    ok, scaled = digits
    checked = values.to_frame(leaf.column).select("*", ok.alias("ok"), scaled.alias("scaled"))
    easy = checked.filter("ok")
    known = dict(zip(easy[leaf.column].to_list(), easy["scaled"].to_list(), strict=True))
    return known | taken(leaf, checked.filter(~pl.col("ok"))[leaf.column].to_list())


def plain(leaf: Leaf) -> tuple[pl.Expr, pl.Expr] | None:
    """For a decimal field with a column scale: whether a value is written as plain digits
    (``54999.99``, ``0.5``, ``007``) on the scale and within the field's bounds, and its scaled
    integer; such values are taken by integer arithmetic, column-wise, which is what the
    field's validator and the tables' scaling give them (``None``: a field of another kind).
    Any other spelling goes to the validator (:func:`taken`).

    >>> import polars as pl
    >>> share = next(x for x in LEVELS[2].leaves if x.name == "share")
    >>> ok, scaled = plain(share)
    >>> frame = pl.DataFrame({"share": ["0.5", "1", "1.5", "0.5000001", "5E-1", "٣"]})
    >>> frame.select(ok.alias("ok"), scaled.alias("scaled")).rows()
    [(True, 500000), (True, 1000000), (False, 1500000), (False, None), (False, None), (False, None)]
    """
    scale = SCALES.get((leaf.model, leaf.name))
    if scale is None or _bare(leaf.info.annotation) is not Decimal:
        return None
    places = len(str(scale)) - 1  # 100 -> 2
    most = min([99, *(getattr(m, "max_digits", None) or 99 for m in leaf.info.metadata)])
    whole = min(15, most - places)  # digits before the point: within max_digits, and Int64
    text = pl.col(leaf.column)
    parts = text.str.extract_groups(rf"^([0-9]{{1,{whole}}})(?:\.([0-9]{{1,{places}}}))?$")
    fraction = parts.struct.field("2").fill_null("").str.pad_end(places, "0")
    scaled = parts.struct.field("1").cast(pl.Int64) * scale + fraction.cast(pl.Int64)
    ok = parts.struct.field("1").is_not_null()
    for op, bound in bounds(leaf.info):
        limit = Fraction(bound) * scale
        if limit.denominator != 1:  # a bound off the scale: every value to the validator
            return None
        ok = ok & OPS[op][0](scaled, pl.lit(int(limit)))
    return ok.fill_null(False), scaled


def _no(raw: Any) -> Any:
    raise OffScale(raw)
