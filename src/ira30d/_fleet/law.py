"""The law a fleet is decided under, period by period: between two days on which a parameter or
a country list changes, every value a measure reads is constant, so each period's values are
read once (through the object path's :class:`Measurer`, the same reader) and used as literals.

>>> import ira30d
>>> from datetime import date
>>> law = Law(ira30d.default_ruleset())
>>> p = law.period_of(date(2024, 6, 1))
>>> "JP" in law.members(["cma_partners"], p), "JP" in law.members(["cma_partners"], 0)
(True, False)
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from typing import Any

import polars as pl

from ira30d._common.errors import RuleFileError
from ira30d._law.parameters import to_fact_scale
from ira30d._measures.measurer import Measurer

col = pl.col


def unsupported(path: str, reason: str) -> RuleFileError:
    """The error for law the fleet engine cannot run column-wise (the object path can): raised
    before any row is decided, naming the parameter, regime or fact."""
    return RuleFileError("<fleet engine>", path, reason)


class Law:
    """Parameters and list members per period of unchanged law, for one rule set."""

    def __init__(self, ruleset: Any) -> None:
        self.book = ruleset.book
        self.measurer: Measurer = ruleset._measurer
        self.changes: list[date] = self.measurer._changes
        first = self.changes[0] - timedelta(days=1) if self.changes else date(2000, 1, 1)
        self.days = [first, *self.changes]  # a day inside each period

    def period_of(self, day: date) -> int:
        """The period ``day`` falls in (0 before the first change)."""
        return bisect.bisect_right(self.changes, day)

    def periods(self, days: pl.Expr) -> pl.Expr:
        """The period of each day of a date column (null stays null)."""
        found = pl.lit(pl.Series(self.changes, dtype=pl.Date)).search_sorted(days, side="right")
        return pl.when(days.is_null()).then(None).otherwise(found.cast(pl.Int64))

    def p(self, name: str, period: int | None) -> Any:
        """A parameter's value in ``period`` (``None``: no date known)."""
        return self.measurer._p(name, None if period is None else self.days[period])

    def always(self, lists: Any) -> tuple[list[str], list[str]]:
        """With no date: (codes on ``lists`` on every date, codes on them on some dates)."""
        names = self.p(lists, None) if isinstance(lists, str) else lists
        spans = [m for n in names for m in self.measurer.countries.lists[n].members]
        always = sorted({m.code for m in spans if m.since is None and m.until is None})
        return always, sorted({m.code for m in spans} - set(always))

    def members(self, lists: Any, period: int) -> list[str]:
        """The country codes on any of ``lists`` (list names, or a parameter naming them)."""
        names = self.p(lists, period) if isinstance(lists, str) else lists
        return sorted(self.measurer._in(names, self.days[period]))

    def set(self, name: str, period: int) -> list[str]:
        """A list parameter's values, lower-cased."""
        return sorted(self.measurer._set(name, self.days[period]))


class PerPeriod:
    """Law values as expressions over a ``period`` column: one literal when every period present
    has the same value (the common case), else a ``when/then`` per period."""

    def __init__(self, law: Any, periods: list[int]) -> None:
        self.law, self.periods = law, periods

    def value(self, read: Any) -> Any:
        """``read(period)`` if it is the same in every period present, else raise: a law value
        that shapes the computation (a method's rules) must not change inside a batch."""
        values = [read(k) for k in self.periods]
        if any(v != values[0] for v in values):
            raise unsupported("critical_minerals_methods", "changes between periods of a batch")
        return values[0]

    def expr(self, read: Any, build: Any) -> pl.Expr:
        """``build(read(period))`` as an expression, per period where the values differ."""
        values = {k: read(k) for k in self.periods}
        first = next(iter(values.values()))
        if all(v == first for v in values.values()):
            return build(first)  # type: ignore[no-any-return]
        out: Any = pl.lit(None)
        for k, v in values.items():
            out = pl.when(col("period") == k).then(build(v)).otherwise(out)
        return out  # type: ignore[no-any-return]

    def members(self, lists: Any, of: pl.Expr) -> pl.Expr:
        """Is ``of`` (a country column) on ``lists`` in its row's period?"""
        return self.expr(lambda k: self.law.members(lists, k), lambda m: of.is_in(m))

    def terms(self, read: Any, values: pl.Series) -> pl.Expr:
        """Is the column ``values`` is read from, compared case-insensitively, among the terms
        ``read(period)`` (lower-case)? False for null. Decided on the column's distinct values:
        lower-casing every row would cost more than the rest of the test."""
        distinct = values.drop_nulls().unique().to_list()

        def build(terms: Any) -> pl.Expr:
            wanted = [v for v in distinct if v.lower() in set(terms)]
            found = col(values.name).is_in(pl.Series(wanted, dtype=values.dtype).implode())
            return found.fill_null(False)

        return self.expr(read, build)

    def share(self, name: str) -> pl.Expr:
        """A share parameter on the ppm scale."""
        return self.expr(lambda k: to_fact_scale("share", self.law.p(name, k)), pl.lit)
