"""Field types shared by the input models: money in US dollars, shares as fractions, ISO
country codes, ids, the vocabularies (activities, filing statuses, payment kinds), and the strict
frozen base model.

>>> from pydantic import TypeAdapter
>>> TypeAdapter(Share).validate_python("0.6")
Decimal('0.6')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from ira30d._common.errors import UnknownCountryError
from ira30d._models.codes import check_country

MAX_ITEMS = 500
MAX_STAGES = 50
_Str = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Money = Annotated[
    Decimal, Field(ge=0, allow_inf_nan=False, max_digits=18)
]  # exact in 28-digit Decimal arithmetic
Share = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]


def _country(code: str) -> str:
    try:
        return check_country(code)
    except UnknownCountryError as exc:
        raise ValueError(exc.reason) from None


Country = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Activity = Literal["extraction", "processing", "recycling"]
FilingStatus = Literal[
    "married_filing_jointly",
    "qualifying_surviving_spouse",
    "head_of_household",
    "single",
    "married_filing_separately",
]
PaymentKind = Literal[
    "deposit", "down_payment", "trade_in", "full_payment", "other_payment", "none"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)
