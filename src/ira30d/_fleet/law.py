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

from ira30d._measures.measurer import Measurer


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
