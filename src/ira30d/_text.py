"""Display formatting, in one place: percentages, money. Exact decisions never read these strings.

>>> pct(Fraction(1, 3)), pct(Decimal("0.25")), usd(Decimal("150000.004")), usd(Decimal(3750))
('33.3333%', '25%', '$150,000.004', '$3,750.00')
"""
from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

_HUNDRED, _PCT_QUANTUM, CENT = Decimal(100), Decimal("0.0001"), Decimal("0.01")


def pct(x: Fraction | Decimal) -> str:
    """A share as a percentage with up to four decimals, e.g. ``'62.5%'``."""
    if type(x) is Decimal:  # the common case, without isinstance's ABC check for Fraction
        return _pct(x)
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return f"{x.numerator * 100}%"
        return _pct(Decimal(x.numerator) / Decimal(x.denominator))
    return _pct(x)


# Cache: a pure function of one value; the hot path formats the same few shares (0, 0.5, 1, ...)
# for every chain. Nothing to invalidate; bounded so a stream of distinct values cannot grow it.
@functools.lru_cache(maxsize=4096)
def _pct(d: Decimal) -> str:
    s = f"{(d * 100).quantize(_PCT_QUANTUM, ROUND_HALF_UP):f}"
    return (s.rstrip("0").rstrip(".") if "." in s else s) + "%"


def pct_of(part: Decimal, whole: Decimal) -> str:
    """``part / whole`` as a percentage for display.

    >>> pct_of(Decimal(1), Decimal(3)), pct_of(Decimal(5), Decimal(8)), pct_of(Decimal(2), Decimal(2))
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
        x = Decimal(x.numerator) / Decimal(x.denominator)
    return x.quantize(CENT, ROUND_HALF_UP)
