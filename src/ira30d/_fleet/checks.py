"""Tables made by hand meet the input models' bounds, or are refused, named.

Cases become tables through the input models, so their values are in range. Tables a user
writes are not: a share of 1.5 (1,500,000 ppm), a negative MSRP or a country written ``CHN``
would be summed or compared as they stand and could meet a requirement the object path refuses
to decide. Every bounded column is checked against the bound of the model field it holds (read
from the models, never restated: the models are the one home of the input's ranges), on the
tables' integer scale; every country column against the ISO 3166-1 codes as written (upper
case: the engine compares codes as they are, so a ``cn`` would miss the covered-nations test).
A value out of range refuses the batch with ``InputError [invalid_tables]`` naming the column,
as a null does; so does a word outside its field's vocabulary (an ``activity`` of
``Processing`` or ``refining`` would count as no activity at all).

>>> import polars as pl
>>> check_values("stages", pl.DataFrame({"share_ppm": [0, 1_000_000], "country": ["US", "JP"]}))
>>> check_values("stages", pl.DataFrame({"share_ppm": [1_500_000], "country": ["US"]}))
Traceback (most recent call last):
...
ira30d.InputError: stages.share_ppm: 1500000 is out of range: at most 1000000 (parts per million)
"""

from __future__ import annotations

import operator
import typing
from collections.abc import Iterator
from decimal import Decimal
from fractions import Fraction
from typing import Any

import annotated_types as at
import polars as pl
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ira30d._common.errors import InputError, UnknownCountryError
from ira30d._models.battery import Battery, CertifiedContent, Component, Entity, MineralChain, Stage
from ira30d._models.codes import check_country
from ira30d._models.inputs import Msrp, Purchase, TaxYear, Vehicle

PPM, CENTS, WH = (10**6, "parts per million"), (100, "cents"), (1000, "watt-hours")
ONE = (1, "")
# table -> column -> (model, field, scale of the column): the fields the columns hold.
BOUNDED: dict[str, dict[str, tuple[type[BaseModel], str, tuple[int, str]]]] = {
    "vehicles": {
        "model_year": (Vehicle, "model_year", ONE),
        "gvwr_lbs": (Vehicle, "gvwr_lbs", ONE),
        **{f"msrp_{p}_cents": (Msrp, p, CENTS) for p in Msrp.model_fields},
        "capacity_wh": (Battery, "capacity_kwh", WH),
        "cert_critical_minerals_ppm": (CertifiedContent, "critical_minerals_share", PPM),
        "cert_battery_components_ppm": (CertifiedContent, "battery_components_share", PPM),
        "current_magi_cents": (TaxYear, "magi", CENTS),
        "preceding_magi_cents": (TaxYear, "magi", CENTS),
    },
    "chains": {"value_cents": (MineralChain, "value", CENTS)},
    "stages": {"share_ppm": (Stage, "share", PPM)},
    "components": {"value_cents": (Component, "value", CENTS)},
    "entities": {
        f"government_{k}_ppm": (Entity, f"government_{k}_share", PPM)
        for k in ("board", "voting", "equity")
    },
}
# table -> column -> (model, field): columns of a vocabulary, held to the field's words as the
# models write them (lower case: the columnar engine compares them as they are).
VOCABULARY: dict[str, dict[str, tuple[type[BaseModel], str]]] = {
    "vehicles": {
        "first_payment_kind": (Purchase, "first_payment_kind"),
        "current_status": (TaxYear, "filing_status"),
        "preceding_status": (TaxYear, "filing_status"),
        "cert_method": (CertifiedContent, "method"),
    },
    "stages": {"activity": (Stage, "activity")},
}
COUNTRIES = {
    "vehicles": ("final_assembly_country",),
    "stages": ("country",),
    "components": ("country",),
    "entities": ("incorporated_in", "principal_place_of_business"),
}


def check_values(name: str, frame: pl.DataFrame) -> None:
    """Refuse ``frame`` (table ``name``) if a bounded column leaves its field's range or a
    country column holds a code that is not ISO 3166-1 alpha-2."""
    present = [c for c in BOUNDED.get(name, {}) if c in frame.columns]
    if present:
        ends = frame.select(
            *(pl.col(c).min().alias(f"{c}.min") for c in present),
            *(pl.col(c).max().alias(f"{c}.max") for c in present),
        ).row(0, named=True)
        for column in present:
            model, field, (factor, unit) = BOUNDED[name][column]
            for op, bound in bounds(model.model_fields[field]):
                limit = Fraction(bound) * factor
                for value in (ends[f"{column}.min"], ends[f"{column}.max"]):
                    if value is not None and not OPS[op][0](value, limit):
                        raise InputError(
                            f"{name}.{column}",
                            f"{value} is out of range: {OPS[op][1]} {limit}"
                            + (f" ({unit})" if unit else ""),
                            "invalid_tables",
                        )
    for column, (model, field) in VOCABULARY.get(name, {}).items():
        if column not in frame.columns:
            continue
        known = words(model, field)
        for word in frame[column].drop_nulls().unique().cast(pl.String).to_list():
            if word not in known:
                raise InputError(
                    f"{name}.{column}",
                    f"unknown value {word!r}; known: {', '.join(known)}",
                    "invalid_tables",
                )
    for column in COUNTRIES.get(name, ()):
        if column not in frame.columns:
            continue
        for code in frame[column].drop_nulls().unique().cast(pl.String).to_list():
            try:
                check_country(code, f"{name}.{column}")  # as written: compared as it is
            except UnknownCountryError as exc:
                raise InputError(f"{name}.{column}", exc.reason, "invalid_tables") from None


OPS = {
    "ge": (operator.ge, "at least"),
    "gt": (operator.gt, "more than"),
    "le": (operator.le, "at most"),
    "lt": (operator.lt, "less than"),
}


def bounds(info: FieldInfo) -> Iterator[tuple[str, Any]]:
    """Each bound of a field as (``ge``/``gt``/``le``/``lt``, value), also inside ``X | None``."""
    for m in _metadata(info.metadata, info.annotation):
        for op in OPS:
            if isinstance(m, getattr(at, op.capitalize())):
                yield op, getattr(m, op)


def words(model: type[BaseModel], field: str) -> tuple[str, ...]:
    """The words a vocabulary field takes, read from its model.

    >>> words(Stage, "activity")
    ('extraction', 'processing', 'recycling')
    """
    return _words(model.model_fields[field].annotation)


def _words(annotation: Any) -> tuple[str, ...]:
    """The words of the ``Literal`` inside a field's annotation (also inside ``X | None``)."""
    if typing.get_origin(annotation) is typing.Literal:
        return typing.get_args(annotation)
    for arg in typing.get_args(annotation):
        if found := _words(arg):
            return found
    return ()


def _metadata(found: list[Any], annotation: Any) -> Iterator[Any]:
    yield from found
    for arg in typing.get_args(annotation):
        if isinstance(arg, FieldInfo):
            yield from arg.metadata
        elif not isinstance(arg, (str, int, Decimal)):
            yield from _metadata([], arg)
