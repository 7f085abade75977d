"""Display formatting, in one place: percentages, money. Exact decisions never read these strings.

>>> pct(Fraction(1, 3)), pct(Decimal("0.25")), usd(Decimal("150000.004")), usd(Decimal(3750))
('33.3333%', '25%', '$150,000.004', '$3,750.00')
"""

from __future__ import annotations

import functools
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ira30d._common.exact import multiply, normalized, rounded

_HUNDRED, _PCT_QUANTUM, CENT = Decimal(100), Decimal("0.0001"), Decimal("0.01")


def pct(x: Fraction | Decimal) -> str:
    """A share as a percentage: a stated share (a ``Decimal``) with every digit it has, so one a
    hair under a threshold never reads as the threshold; a computed ratio (a ``Fraction``) to
    four decimals, e.g. ``'33.3333%'``.

    >>> pct(Decimal("0.62")), pct(Decimal("0.49999999")), pct(Fraction(2, 3))
    ('62%', '49.999999%', '66.6667%')
    """
    if type(x) is Decimal:  # the common case, without isinstance's ABC check for Fraction
        return _pct(x)
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return f"{x.numerator * 100}%"
        return _pct(rounded(x, _PCT_QUANTUM / 100, ROUND_HALF_UP))
    return _pct(x)


# Cache: a pure function of one value; the hot path formats the same few shares (0, 0.5, 1, ...)
# for every chain. Nothing to invalidate; bounded so a stream of distinct values cannot grow it.
@functools.lru_cache(maxsize=4096)
def _pct(d: Decimal) -> str:
    return f"{normalized(multiply(d, _HUNDRED)):f}%"  # exact: every digit, no trailing zeros


def pct_of(part: Decimal, whole: Decimal) -> str:
    """``part / whole`` as a percentage for display.

    >>> pct_of(Decimal(1), Decimal(3)), pct_of(Decimal(5), Decimal(8)), pct_of(Decimal(2), 2)
    ('33.3333%', '62.5%', '100%')
    """
    if part == whole:
        return "100%"
    if not part:
        return "0%"
    return pct(Fraction(part) / Fraction(whole))


def usd(x: Decimal) -> str:
    """Dollars with thousands separators, at least cents, and every digit the input has."""
    d = Decimal(x)
    if d == d.quantize(CENT):
        return f"${d.quantize(CENT):,}"
    return f"${d:,f}"


def cents(x: Fraction | Decimal) -> Decimal:
    """An exact amount rounded half up to cents, for display in line items."""
    if isinstance(x, Fraction):
        return rounded(x, CENT, ROUND_HALF_UP)
    return x.quantize(CENT, ROUND_HALF_UP)


def fact_date(v: int | None) -> date | None:
    """A date fact (YYYYMMDD integer) back as a date.

    >>> fact_date(20250930)
    datetime.date(2025, 9, 30)
    """
    return None if v is None else date(v // 10000, v // 100 % 100, v % 100)


def show_fact(ftype: str, unit: str | None, v: Any) -> str:
    """A fact on the engine's integer scale as text (dates, yes/no, dollars, %, kWh, lbs).

    >>> (show_fact("int", "usd", 15000001), show_fact("int", "share", 600000),
    ...  show_fact("date", None, 20220815))
    ('$150,000.01', '60%', '2022-08-15')
    """
    if ftype == "date":
        return fact_date(v).isoformat()  # type: ignore[union-attr]
    if ftype == "bool":
        return "yes" if v else "no"
    if unit == "usd":
        return f"${Decimal(v) / 100:,.2f}"
    if unit == "share":
        return pct(Fraction(v, 1_000_000))
    if unit == "kwh":
        return f"{Decimal(v) / 1000:f} kWh".replace(".000 ", " ")
    if unit == "lbs":
        return f"{v:,} lbs"
    return str(v)


def show_value(unit: str, value: Any) -> str:
    """A law's value (a parameter in its rule-file unit) as text.

    >>> (show_value("usd", Decimal(55000)), show_value("share", Decimal("0.6")),
    ...  show_value("kwh", Decimal(7)))
    ('$55,000.00', '60%', '7 kWh')
    """
    if unit == "usd":
        return f"${Decimal(value):,.2f}"
    if unit == "share":
        return pct(Decimal(value))
    if unit == "kwh":
        return f"{value} kWh"
    if unit == "lbs":
        return f"{value:,} lbs"
    return str(value)
