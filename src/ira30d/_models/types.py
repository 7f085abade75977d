"""Field types shared by the input models: money in US dollars, shares as fractions, ISO
country codes, ids, the vocabularies (activities, filing statuses, payment kinds), and the strict
frozen base model.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Share).validate_python("0.6")
Decimal('0.6')
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
)

from ira30d._common.errors import UnknownCountryError
from ira30d._models.codes import check_country

MAX_ITEMS = 500
PLACES = 40  # decimal places a share or a capacity may have: sums stay exact (_common/exact.py)
MAX_STAGES = 50
_Str = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Money = Annotated[
    Decimal, Field(ge=0, allow_inf_nan=False, max_digits=18)
]  # at most 18 digits: sums of money stay well inside exact arithmetic (_common/exact.py)
Share = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False, decimal_places=PLACES)]
# A stage's share: its decimal places are checked by its chain, in the loop that adds the shares
# up (pydantic's decimal_places costs about 0.5 µs a value, and a case has some 40 stages).
StageShare = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]


def _country(code: str) -> str:
    try:
        return check_country(code)
    except UnknownCountryError as exc:
        raise ValueError(exc.reason) from None


def _lower(value: Any) -> Any:
    """The law's vocabulary is case-insensitive: ``Lithium`` is ``lithium``."""
    return value.strip().lower() if isinstance(value, str) else value


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_date(value: Any) -> Any:
    """Dates are ``YYYY-MM-DD`` text (or ``date`` objects); numbers are never read as Unix
    time.

    >>> _iso_date("2024-07-05")
    datetime.date(2024, 7, 5)
    >>> _iso_date(20240705)
    Traceback (most recent call last):
    ...
    ValueError: expected a date as YYYY-MM-DD, got 20240705
    """
    if isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DAY.fullmatch(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError as exc:
            raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}: {exc}") from None
    raise ValueError(f"expected a date as YYYY-MM-DD, got {value!r}")


Day = Annotated[date, BeforeValidator(_iso_date)]
Country = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_upper=True, min_length=2, max_length=2),
    Field(description="ISO 3166-1 alpha-2 country code (case-insensitive)."),
    AfterValidator(_country),
]
Activity = Annotated[Literal["extraction", "processing", "recycling"], BeforeValidator(_lower)]
FilingStatus = Annotated[
    Literal[
        "married_filing_jointly",
        "qualifying_surviving_spouse",
        "head_of_household",
        "single",
        "married_filing_separately",
    ],
    BeforeValidator(_lower),
]
PaymentKind = Annotated[
    Literal["deposit", "down_payment", "trade_in", "full_payment", "other_payment", "none"],
    BeforeValidator(_lower),
]
Term = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, min_length=1, max_length=200)
]
"""A term of the law's vocabulary (mineral, component kind, EPA class): case-insensitive,
stored in lower case; the rule set lists the known ones."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
