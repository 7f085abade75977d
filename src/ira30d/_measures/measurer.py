"""Measures: turn a case into the engine's flat facts, keeping the line items behind each figure.

Which countries, thresholds and lists a measure uses come from the rule book; a measure decides
nothing: the rules compare its figures with the law's values. A fact the input cannot support
is left out (the rule is then undetermined), and ``missing`` says which input fields would
supply it. The content shares are in :mod:`._sourcing`, the supplier tests in :mod:`._feoc`.

>>> import ira30d
>>> rs = ira30d.default_ruleset()
>>> case = ira30d.Case.model_validate(ira30d.example("unknown_supplier_2024"))
>>> m = Measurer(rs.book, rs.countries).measure(case)
>>> m.facts["msrp"], "feoc_components" in m.facts, m.missing["feoc_components"]
(4450000, False, ['vehicle.battery.entities[1].government_voting_share',
                  'vehicle.battery.components[2].entity'])
"""

from __future__ import annotations

import bisect
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ira30d._common.errors import InputError
from ira30d._common.frozen import LazyItems
from ira30d._common.identity import ByObject
from ira30d._law.book import RuleBook
from ira30d._law.countries import Countries
from ira30d._measures import battery, purchase
from ira30d._measures.manifest import check_book
from ira30d._measures.measured import Measured
from ira30d._measures.phaseout import phaseout
from ira30d._models.battery import Battery
from ira30d._models.inputs import Case


class Measurer:
    """Computes a case's facts against one rule book and one set of country lists."""

    def __init__(self, book: RuleBook, countries: Countries) -> None:
        check_book(book)
        self.book, self.countries = book, countries
        # Caches (all of this measurer's own, for one rule book and one set of country lists, both
        # immutable, so an entry never goes stale):
        # - _at: parameter values per date; cleared when it holds 4,096 dates (bounded memory).
        # - _lists_at: country-code index per (lists, date); cleared at 4,096 entries.
        # - _batteries: a battery's measures per (period of unchanged law, method), keyed by the
        #   battery object; an entry is dropped when its battery is garbage collected (weakref).
        self._at: dict[date | None, dict[str, Any]] = {}
        self._lists_at: dict[tuple[tuple[str, ...], date], dict[str, tuple[str, Any]]] = {}
        self._batteries: ByObject[dict[tuple[int, str], Measured]] = ByObject()
        # every date on which a parameter value or a country membership changes: between two of
        # them all a battery measure reads is constant, so its result can be reused
        changes = {d for p in book.parameters.values() for d in p.starts}
        for cl in countries.lists.values():
            for mem in cl.members:
                if mem.since is not None:
                    changes.add(mem.since)
                if mem.until is not None and mem.until < date.max:
                    changes.add(mem.until + timedelta(days=1))
        self._changes = sorted(changes)

    def _in(self, lists: Any, on: date) -> dict[str, tuple[str, Any]]:
        """Country code -> (list name, member) for the first of ``lists`` holding it on ``on``;
        cached."""
        key = (tuple(lists), on)
        index = self._lists_at.get(key)
        if index is None:
            index = {}
            for ln in reversed(key[0]):
                for m in self.countries.lists[ln].members:
                    if (m.since is None or m.since <= on) and (m.until is None or on <= m.until):
                        index[m.code] = (ln, m)
            if len(self._lists_at) > 4096:
                self._lists_at.clear()
            self._lists_at[key] = index
        return index

    def _set(self, name: str, on: date | None) -> frozenset[str]:
        """A list parameter as a set, cached per date."""
        key = f"{name} as set"
        values = self._at.get(on)
        if values is None or key not in values:
            result = frozenset(str(x).lower() for x in self._p(name, on))
            self._at.setdefault(on, {})[key] = result
            return result
        return values[key]  # type: ignore[no-any-return]

    def _p(self, name: str, on: date | None) -> Any:
        """A parameter's value on a date (the first value before it starts), cached per date."""
        values = self._at.get(on)
        if values is None:
            if len(self._at) > 4096:
                self._at.clear()
            values = self._at[on] = {}
        if name not in values:
            p = self.book.parameters[name]
            value = p.at(on)
            values[name] = p.first() if value is None else value
        return values[name]

    # -- the whole case --------------------------------------------------------------------
    def measure(self, case: Case, method: str | None = None, *, deemed: bool = False) -> Measured:
        """The facts of ``case``. With ``deemed`` the IRA transition election applies: the vehicle
        is treated as placed in service on the rule book's deemed date."""
        facts: dict[str, Any] = {}
        dates = purchase.dates(self, case)
        if deemed:
            dates["placed_in_service"] = self._p("transition_deemed_placed_in_service", None)
            facts["transition_applied"] = True
        for name, day in dates.items():
            if day is not None:
                facts[name] = self.book.scale(name, day)
        on = dates["placed_in_service"] or dates["sale"] or dates["acquired"] or dates["contract"]
        method = method or self._p("critical_minerals_method", on)
        if method not in self._p("critical_minerals_methods", on):
            known = ", ".join(self._p("critical_minerals_methods", on))
            raise InputError(
                "method",
                f"unknown critical-minerals method {method!r}; known: {known}",
                "unknown_method",
            )
        m = Measured(facts, method=method, on=on)
        v, p = case.vehicle, case.purchase
        if p is not None:
            for name in ("original_use", "for_resale", "seller_report"):
                if getattr(p, name) is not None:
                    facts[name] = getattr(p, name)
        for name in ("qualified_manufacturer", "motor_vehicle"):
            if getattr(v, name) is not None:
                facts[name] = getattr(v, name)
        if v.gvwr_lbs is not None:
            facts["gvwr_lbs"] = v.gvwr_lbs
        if v.final_assembly_country is not None:
            facts["final_assembly_country"] = v.final_assembly_country
            na = self._member(self._p("final_assembly_lists", on), v.final_assembly_country, on)
            if na is not None:
                facts["final_assembly_na"] = na
        purchase.msrp(self, case, m)
        purchase.buyer(self, case, m)
        if v.battery is not None:
            b = v.battery
            facts["battery_kwh"] = self.book.scale("battery_kwh", b.capacity_kwh)
            if b.externally_rechargeable is not None:
                facts["externally_rechargeable"] = b.externally_rechargeable
            facts["impracticable_to_trace_election"] = b.impracticable_to_trace_election
            if on is not None:
                part = self._battery(b, method, on)
                for name in ("facts", "line_items", "figures", "basis", "missing", "certification"):
                    getattr(m, name).update(getattr(part, name))
                m.attested |= part.attested
                m.method = part.method
        phaseout(self.book, v.manufacturer, dates["sale"], m)
        return m

    def _member(self, lists: Any, code: str, on: date | None) -> bool | None:
        """Is ``code`` on one of ``lists`` on ``on``? Without a date, the answer if it is the same
        on every date (always or never a member), else None."""
        if on is not None:
            return code in self._in(lists, on)
        spans = [m for ln in lists for m in self.countries.lists[ln].members if m.code == code]
        if not spans:
            return False
        if any(m.since is None and m.until is None for m in spans):
            return True
        return None

    def _battery(self, b: Battery, method: str, on: date) -> Measured:
        """Critical minerals, components and FEOC of one battery; reused while the same battery
        object is measured with the same method in the same period of unchanged law (a fleet of
        one design: :class:`BatteryPool` hands equal batteries one object). An entry lives as long
        as its battery. Line items are shared between such determinations: read them, do not
        change them."""
        parts = self._batteries.get(b, dict)
        key = (bisect.bisect_right(self._changes, on), method)
        part = parts.get(key)
        if part is None:
            part = Measured({}, method=method, on=on)
            battery.critical_minerals(self, b, part, on)
            battery.components(self, b, part, on)
            battery.foreign_entities(self, b, part, on)
            parts[key] = part  # its line items are read-only, built when first read
        return part

    def critical_mineral_content(
        self, b: Battery, on: date, method: str
    ) -> tuple[Fraction, LazyItems]:
        """Qualifying critical mineral content and one line item per procurement chain."""
        return battery.critical_mineral_content(self, b, on, method)
