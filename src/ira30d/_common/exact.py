"""Exact decimal sums for the measures: the sums the law compares never round.

Python's default decimal context keeps 28 significant digits and rounds beyond them without a
word: ``Decimal(0) + Decimal("0.49999999999999999999999999999")`` gives ``0.5``, which passes a
50% test the input fails. Inputs may carry more digits than that (a share written to 30 places,
chain values of very different sizes), so every sum and difference a comparison or a share reads
is taken in ``EXACT``: 100 significant digits, with ``Inexact`` trapped, so a result is exact or
an error, never rounded. The input models bound every value (money: 18 digits; shares and kWh:
40 decimal places), so no sum or product of valid input comes near 100 digits; and the bound
keeps a zero written with a huge exponent (``0E-999999999``, which validation lets through as
zero) from growing a sum to a billion digits: the zeros beyond 100 digits are dropped, which is
not inexact. It is never used to divide: an exact ratio stays a ``Fraction`` until
:func:`rounded` puts it on its quantum, by the rounding the law names, with no 28-digit step in
between.

>>> from decimal import Decimal
>>> Decimal(0) + Decimal("0.49999999999999999999999999999")  # the default context rounds
Decimal('0.5000000000000000000000000000')
>>> add(Decimal(0), Decimal("0.49999999999999999999999999999"))
Decimal('0.49999999999999999999999999999')
>>> total([Decimal("600000000000000000"), Decimal("0.000000000000000001")])
Decimal('600000000000000000.000000000000000001')
>>> len(add(Decimal("0.5"), Decimal("0E-999999999")).as_tuple().digits)  # not a billion
100
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction

DIGITS = 100  # far above any sum of valid input (see above)
EXACT = decimal.Context(
    prec=DIGITS,
    Emax=decimal.MAX_EMAX,
    Emin=decimal.MIN_EMIN,
    traps=[decimal.InvalidOperation, decimal.DivisionByZero, decimal.Overflow, decimal.Inexact],
)
add = EXACT.add
subtract = EXACT.subtract
multiply = EXACT.multiply


def normalized(value: Decimal) -> Decimal:
    """``value`` without trailing zeros (a zero with any exponent is ``0``), for display.

    >>> normalized(Decimal("50.000")), normalized(Decimal("0E-999999999"))
    (Decimal('5E+1'), Decimal('0'))
    """
    return value.normalize(EXACT)


def total(values: Iterable[Decimal]) -> Decimal:
    """The exact sum of ``values`` (``Decimal(0)`` for none).

    >>> total([Decimal("0.1")] * 3), total([])
    (Decimal('0.3'), Decimal('0'))
    """
    out = Decimal(0)
    for v in values:
        out = add(out, v)
    return out


_WIDE = decimal.Context(prec=DIGITS, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)
_SHORT = decimal.Context(prec=60, traps=[decimal.Inexact, decimal.InvalidOperation])
_ONE = Decimal(1)


def rounded(value: Fraction, quantum: Decimal, mode: str) -> Decimal:
    """``value`` rounded to a multiple of ``quantum`` by the decimal rounding ``mode``, exactly.

    Dividing numerator by denominator in the default context would round to 28 digits first, so
    ``3125.4999...`` (30 nines) would round half up to 3126. A ratio that is a decimal of up to
    60 digits is found exactly by one division and rounded. Any other (longer, or repeating) is
    rounded by what every rounding mode reads: the sign, the whole part and whether the
    remainder is zero, under, at or over one half; so it is replaced by its whole part plus a
    stand-in remainder of the same class, and that is rounded.

    >>> from decimal import ROUND_HALF_UP, ROUND_CEILING
    >>> just_under = Fraction(31255 * 10**29 - 1, 10**30)  # 3125.4999... (30 nines)
    >>> half = Fraction(6251, 2)  # 3125.5
    >>> rounded(just_under, Decimal(1), ROUND_HALF_UP), rounded(half, Decimal(1), ROUND_HALF_UP)
    (Decimal('3125'), Decimal('3126'))
    >>> rounded(Fraction(1, 3), Decimal("0.01"), ROUND_CEILING)
    Decimal('0.34')
    """
    try:  # the common case: the ratio is a decimal of a few dozen digits, found by one division
        exact = _SHORT.divide(Decimal(value.numerator), Decimal(value.denominator))
        return exact.quantize(quantum, rounding=mode, context=_WIDE)
    except decimal.Inexact:  # longer, or repeating (1/3): only its remainder's class matters
        pass
    units = value / Fraction(quantum)
    whole, rest = divmod(abs(units.numerator), units.denominator)
    twice = 2 * rest
    tail = (
        "0"
        if rest == 0
        else "25"
        if twice < units.denominator
        else "5"
        if twice == units.denominator
        else "75"
    )
    stand_in = Decimal(f"{'-' if units < 0 else ''}{whole}.{tail}")
    return multiply(stand_in.quantize(_ONE, rounding=mode, context=_WIDE), quantum)
