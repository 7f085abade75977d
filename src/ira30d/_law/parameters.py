"""Parameters (a constant value, or values dated by a date fact) and the engine's integer fact
scale (cents, Wh, ppm, YYYYMMDD) with the rounding each comparison needs.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from ira30d._common.errors import RuleFileError
from ira30d._law.specs import ParameterSpec

FACT_SCALE = {"usd": 100, "kwh": 1000, "share": 1_000_000, "lbs": 1}


@dataclass(frozen=True)
class Parameter:
    """A parameter: a constant (no ``starts``), or values in force from each start on the ``on``
    date."""

    name: str
    spec: ParameterSpec
    starts: tuple[date, ...]
    values: tuple[Any, ...]

    @property
    def constant(self) -> bool:
        """True for a parameter with one value whatever the date."""
        return not self.starts

    def at(self, when: date | None) -> Any:
        """The value in force on ``when`` (a constant ignores the date); None before the first."""
        if self.constant or when is None:
            return self.values[-1] if self.constant else None
        i = bisect.bisect_right(self.starts, when) - 1
        return self.values[i] if i >= 0 else None

    def first(self) -> Any:
        return self.values[0]


Rounding = Literal["floor", "ceil", "exact"]
# Which way an input value is rounded onto the integer scale so that a comparison with a law's
# value (a whole number on that scale) gives the answer the unrounded value gives:
# x >= T and x < T hold for floor(x) exactly when for x; x <= T and x > T for ceil(x).
ROUNDING_FOR_OP: dict[str, Rounding] = {
    "ge": "floor",
    "lt": "floor",
    "le": "ceil",
    "gt": "ceil",
    "eq": "exact",
    "ne": "exact",
}


def to_fact_scale(unit: str | None, value: Any, rounding: Rounding = "exact") -> Any:
    """A value on the fact's integer scale: usd->cents, kwh->Wh, share->ppm, date->YYYYMMDD.

    A law's value must sit exactly on the scale (``rounding="exact"``); an input value is rounded
    the way its comparisons need (see ``ROUNDING_FOR_OP``), so no comparison changes:

    >>> from fractions import Fraction
    >>> (to_fact_scale("usd", Decimal("150000.004"), "ceil"),
    ...  to_fact_scale("share", Fraction(1, 3), "floor"))
    (15000001, 333333)
    """
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    if unit in FACT_SCALE:  # exact integer arithmetic (int, Decimal and Fraction give ratios)
        num, den = value.as_integer_ratio()
        num *= FACT_SCALE[unit]
        if num % den == 0:
            return num // den
        if rounding == "floor":
            return num // den
        if rounding == "ceil":
            return -(-num // den)
        raise ValueError(f"{value} {unit} is finer than the fact scale 1/{FACT_SCALE[unit]}")
    if isinstance(value, (int, Decimal)) and Decimal(value) == int(value):
        return int(value)
    raise ValueError(f"cannot put {value!r} on a fact scale")


def build_parameter(name: str, spec: ParameterSpec, label: str) -> Parameter:
    dated = spec.values or {}
    starts = tuple(sorted(dated))
    values = []
    for d in starts or (None,):
        v = dated[d] if d is not None else spec.value
        where = f"{name}.values.{d}" if d is not None else f"{name}.value"
        if spec.unit in FACT_SCALE:
            items = v.values() if isinstance(v, dict) else [v]
            for item in items:
                if not isinstance(item, (int, Decimal)) or isinstance(item, bool) or item < 0:
                    raise RuleFileError(
                        label, where, f"expected a non-negative number in {spec.unit}, got {item!r}"
                    )
                if spec.unit == "share" and item > 1:
                    raise RuleFileError(label, where, "a share is between 0 and 1")
                try:
                    to_fact_scale(spec.unit, item)
                except ValueError as exc:
                    raise RuleFileError(label, where, str(exc)) from None
        if (
            spec.unit in FACT_SCALE or spec.unit == "formula"
        ):  # every number of the law is a Decimal
            v = {k: Decimal(x) for k, x in v.items()} if isinstance(v, dict) else Decimal(v)
        if spec.keyed_by and not isinstance(v, dict):
            raise RuleFileError(label, where, f"keyed by {spec.keyed_by}: expected a mapping")
        if spec.unit == "date" and not isinstance(v, date):
            raise RuleFileError(label, where, "expected a date")
        if spec.unit == "list" and not (isinstance(v, list) and all(isinstance(s, str) for s in v)):
            raise RuleFileError(label, where, "expected a list of names")
        if spec.unit == "choice" and v not in (spec.choices or []):
            raise RuleFileError(label, where, f"expected one of {spec.choices}")
        values.append(v)
    return Parameter(name, spec, starts, tuple(values))
