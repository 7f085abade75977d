"""Measures: exact arithmetic over line items, written once.

Each measure turns input models into figures on the engine's fact scale and keeps the line items
that produced them. Which countries, thresholds and lists it uses come from the rule book; a
measure decides nothing: the rules compare its figures with the law's values.
"""
from __future__ import annotations

import bisect
import functools
import weakref
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any, Optional

from ._countries import Countries
from ._errors import InputError
from ._models import Battery, Case, Entity
from ._rulefiles import RuleBook, to_fact_scale

ACTIVITIES = ("extraction", "processing", "recycling")
PPM = 1_000_000


def ppm_floor(x: Fraction) -> int:
    """A share as whole parts per million, rounded down: exact against whole-ppm thresholds."""
    return (x.numerator * PPM) // x.denominator


def pct(x: Fraction | Decimal) -> str:
    """A share as a percentage with up to four decimals, e.g. ``'62.5%'``."""
    if isinstance(x, Fraction):
        if x.denominator == 1:
            return f"{x.numerator * 100}%"
        d = Decimal(x.numerator) / Decimal(x.denominator)
    else:
        d = Decimal(x)
    s = f"{(d * 100).quantize(Decimal('0.0001'), ROUND_HALF_UP):f}".rstrip("0").rstrip(".")
    return s + "%"


ZERO = Decimal(0)
_HUNDRED, _PCT_QUANTUM, _CENT = Decimal(100), Decimal("0.0001"), Decimal("0.01")


def _ratio(part: Decimal, whole: Decimal) -> Fraction:
    return Fraction(part) / Fraction(whole) if 0 < part < whole else Fraction(int(part > 0))


def pct_of(part: Decimal, whole: Decimal) -> str:
    """``part / whole`` as a percentage for display (exact decisions never use this).

    >>> pct_of(Decimal(1), Decimal(3)), pct_of(Decimal(5), Decimal(8)), pct_of(Decimal(2), Decimal(2))
    ('33.3333%', '62.5%', '100%')
    """
    if part == whole:
        return "100%"
    if not part:
        return "0%"
    s = f"{(part * _HUNDRED / whole).quantize(_PCT_QUANTUM, ROUND_HALF_UP):f}"
    return (s.rstrip("0").rstrip(".") if "." in s else s) + "%"


@dataclass
class Measured:
    facts: dict[str, Any]
    line_items: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # line items are JSON-shaped
    figures: dict[str, str] = field(default_factory=dict)
    basis: dict[str, str] = field(default_factory=dict)
    method: str = ""
    on: Optional[date] = None
    phaseout: tuple[Fraction, str] = (Fraction(1), "")


class Measurer:
    """Computes a case's facts against one rule book and one set of country lists."""

    def __init__(self, book: RuleBook, countries: Countries) -> None:
        self.book, self.countries = book, countries
        self._at: dict[Optional[date], dict[str, Any]] = {}
        self._lists_at: dict[tuple[tuple[str, ...], date], dict[str, tuple[str, Any]]] = {}
        self._batteries: dict[int, tuple[weakref.ref[Battery], dict[tuple[int, str], Measured]]] = {}
        # every date on which a parameter value or a country membership changes: between two of
        # them all a battery measure reads is constant, so its result can be reused
        changes = {d for p in book.parameters.values() for d in p.starts}
        for cl in countries.lists.values():
            for mem in cl.members:
                changes.add(mem.since)
                if mem.until is not None and mem.until < date.max:
                    changes.add(mem.until + timedelta(days=1))
        self._changes = sorted(changes)

    def _in(self, lists: Any, on: date) -> dict[str, tuple[str, Any]]:
        """Country code -> (list name, member) for the first of ``lists`` holding it on ``on``; cached."""
        key = (tuple(lists), on)
        index = self._lists_at.get(key)
        if index is None:
            index = {}
            for ln in reversed(key[0]):
                for m in self.countries.lists[ln].members:
                    if m.since <= on and (m.until is None or on <= m.until):
                        index[m.code] = (ln, m)
            if len(self._lists_at) > 4096:
                self._lists_at.clear()
            self._lists_at[key] = index
        return index

    def _set(self, name: str, on: Optional[date]) -> frozenset[str]:
        """A list parameter as a set, cached per date."""
        key = f"{name} as set"
        values = self._at.get(on)
        if values is None or key not in values:
            result = frozenset(str(x).lower() for x in self._p(name, on))
            self._at.setdefault(on, {})[key] = result
            return result
        return values[key]  # type: ignore[no-any-return]

    def _p(self, name: str, on: Optional[date]) -> Any:
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
    def measure(self, case: Case, method: Optional[str] = None) -> Measured:
        facts: dict[str, Any] = {}
        dates = self._dates(case)
        for name, day in dates.items():
            if day is not None:
                facts[name] = to_fact_scale(None, day)
        on = dates["placed_in_service"] or dates["sale"] or dates["acquired"] or dates["contract"]
        method = method or self._p("critical_minerals_method", on)
        if method not in (self.book.parameters["critical_minerals_method"].spec.choices or ()):
            raise InputError("method", f"unknown critical-minerals method {method!r}", "unknown_method")
        m = Measured(facts, method=method, on=on)
        v = case.vehicle
        p = case.purchase
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
            facts["final_assembly_na"] = on is not None and v.final_assembly_country in self._in(self._p("final_assembly_lists", on), on)
        self._msrp(case, m)
        self._buyer(case, m)
        if v.battery is not None:
            b = v.battery
            facts["battery_kwh"] = int(b.capacity_kwh * 1000)  # floor to Wh: exact against whole-Wh minimums
            if b.externally_rechargeable is not None:
                facts["externally_rechargeable"] = b.externally_rechargeable
            facts["impracticable_to_trace_election"] = b.impracticable_to_trace_election
            if on is not None:
                part = self._battery(b, method, on)
                facts.update(part.facts)
                m.line_items.update(part.line_items)
                m.figures.update(part.figures)
                m.basis.update(part.basis)
        m.phaseout = self._phaseout(v.manufacturer, dates["sale"])
        return m

    def _battery(self, b: Battery, method: str, on: date) -> Measured:
        """Critical minerals, components and FEOC of one battery; reused while the same battery
        object is measured with the same method in the same period of unchanged law (a fleet of
        one design: :class:`BatteryPool` hands equal batteries one object). An entry lives as long
        as its battery. Line items are shared between such determinations: read them, do not
        change them."""
        entry = self._batteries.get(id(b))
        if entry is None or entry[0]() is not b:
            entry = self._batteries[id(b)] = (weakref.ref(b, functools.partial(_forget, self._batteries, id(b))), {})
        key = (bisect.bisect_right(self._changes, on), method)
        part = entry[1].get(key)
        if part is None:
            part = Measured({}, method=method, on=on)
            self._critical_minerals(b, part, on)
            self._components(b, part, on)
            self._feoc(b, part, on)
            entry[1][key] = part
        return part

    def _dates(self, case: Case) -> dict[str, Optional[date]]:
        if case.purchase is None:
            d = case.on
            return {"acquired": d, "contract": d, "sale": d, "placed_in_service": d}
        p = case.purchase
        acquired = None
        kinds = self._p("acquisition_payment_kinds", p.placed_in_service_date)
        if p.binding_contract_date and p.first_payment_date and p.first_payment_kind in kinds:
            acquired = max(p.binding_contract_date, p.first_payment_date)
        return {"acquired": acquired, "contract": p.binding_contract_date, "sale": p.sale_date,
                "placed_in_service": p.placed_in_service_date}

    def _msrp(self, case: Case, m: Measured) -> None:
        v = case.vehicle
        if v.msrp is not None:
            m.facts["msrp"] = to_fact_scale("usd", v.msrp.total.quantize(Decimal("0.01"), ROUND_HALF_UP))
            m.line_items["msrp"] = [
                {"id": "base", "value": str(v.msrp.base), "counted": True},
                {"id": "manufacturer_options", "value": str(v.msrp.manufacturer_options), "counted": True},
                {"id": "destination", "value": str(v.msrp.destination), "counted": False, "reason": "excluded: destination charge"},
                {"id": "dealer_addons", "value": str(v.msrp.dealer_addons), "counted": False, "reason": "excluded: dealer-installed"},
            ]
        if v.epa_label_class is not None:
            mapping = self._p("epa_label_class_to_msrp_class", m.on)
            key = v.epa_label_class.lower().replace(" ", "_").replace("-", "_")
            if key not in mapping:
                raise InputError("vehicle.epa_label_class", f"unknown EPA label class {v.epa_label_class!r}; known: {', '.join(mapping)}", "unknown_class")
            m.facts["msrp_class"] = mapping[key]

    def _buyer(self, case: Case, m: Measured) -> None:
        if case.buyer is None:
            return
        for year, suffix in ((case.buyer.current_year, "current"), (case.buyer.preceding_year, "preceding")):
            if year is not None:
                m.facts[f"magi_{suffix}"] = to_fact_scale("usd", year.magi.quantize(Decimal("0.01"), ROUND_HALF_UP))
                m.facts[f"status_{suffix}"] = year.filing_status

    # -- critical minerals (30D(e)(1); 26 CFR 1.30D-3(a)) ------------------------------------
    def _critical_minerals(self, b: Battery, m: Measured, on: date) -> None:
        certified = b.certified.critical_minerals_share if b.certified else None
        if b.mineral_chains:
            share, items = self.critical_mineral_content(b, on, m.method)
            m.facts["critical_minerals_share"] = ppm_floor(share)
            m.line_items["critical_minerals"] = items
            m.figures["critical_minerals_share"] = f"{share.numerator}/{share.denominator}"
            m.basis["critical_minerals"] = f"provenance ({m.method})"
            if certified is not None:
                m.facts["critical_minerals_certification_gap"] = ppm_floor(abs(share - Fraction(certified)))
        elif certified is not None:
            m.facts["critical_minerals_share"] = ppm_floor(Fraction(certified))
            m.basis["critical_minerals"] = "certified"

    def critical_mineral_content(self, b: Battery, on: date, method: str) -> tuple[Fraction, list[dict[str, Any]]]:
        """Qualifying critical mineral content and one line item per procurement chain."""
        known = self._set("applicable_critical_minerals", on)
        test_share = Decimal(self._p("value_added_test_share", on))
        entities = {e.id for e in b.entities}
        ep_in = self._in(self._p("extraction_processing_lists", on), on)
        rec_in = self._in(self._p("recycling_lists", on), on)
        traced = method != "value_added_50"
        total = ZERO
        qualifying_a = ZERO  # method A: whole chain values, exact in Decimal
        qualifying_b = Fraction(0)  # method B: value x share, exact as a Fraction
        items = []
        for i, chain in enumerate(b.mineral_chains or []):
            if chain.mineral.lower() not in known:
                raise InputError(f"vehicle.battery.mineral_chains[{i}].mineral", f"{chain.mineral!r} is not an applicable critical mineral (45X(c)(6) list in rules/)", "unknown_mineral")
            done: dict[str, Decimal] = {}
            counted: dict[str, Decimal] = {}
            places: dict[str, list[Any]] = {}
            for j, s in enumerate(chain.stages):
                if s.entity is not None and s.entity not in entities:
                    raise InputError(f"vehicle.battery.mineral_chains[{i}].stages[{j}].entity", f"unknown entity {s.entity!r}", "unknown_entity")
                a = s.activity
                done[a] = done.get(a, ZERO) + s.value_added
                hit = (rec_in if a == "recycling" else ep_in).get(s.country)
                if hit is not None:
                    counted[a] = counted.get(a, ZERO) + s.value_added
                    places.setdefault(a, []).append((s.country, hit))
            shares = {a: (counted.get(a, ZERO), d) for a, d in done.items() if d}
            if not traced:
                passing = [a for a, (c, d) in shares.items() if c >= test_share * d]
                # which passing activity the line item names (display only): the largest share
                by = max(passing, key=lambda a: shares[a][0] / shares[a][1]) if len(passing) > 1 else (passing[0] if passing else None)
                qualifying_a += chain.value if by else ZERO
                contribution: Decimal | Fraction = chain.value if by else ZERO
            else:
                live = [a for a, (c, _) in shares.items() if c > 0]
                by = max(live, key=lambda a: _ratio(*shares[a])) if len(live) > 1 else (live[0] if live else None)
                contribution = Fraction(chain.value) * _ratio(*shares[by]) if by else Fraction(0)
                qualifying_b += contribution
            total += chain.value
            where = [f"{code} ({ln}: {member.instrument})" for code, (ln, member) in places[by]] if by else []
            shown = {a: pct_of(*shares[a]) for a in ACTIVITIES if a in shares}
            items.append({
                "id": chain.id, "kind": "mineral_chain", "mineral": chain.mineral, "value": str(chain.value),
                "qualifies": contribution > 0, "by": by,
                "shares": shown,
                "places": where,
                "contribution": str(_dec(contribution)),
                "reason": (f"{by} {shown[by]} in qualifying countries: {', '.join(where)}" if by else
                           "no activity reaches the required share in qualifying countries" if not traced else
                           "no value added in qualifying countries"),
            })
        qualifying = qualifying_b if traced else Fraction(qualifying_a)
        share = qualifying / Fraction(total) if total else Fraction(0)
        return share, items

    # -- battery components (30D(e)(2); 26 CFR 1.30D-3(b)) ----------------------------------
    def _components(self, b: Battery, m: Measured, on: date) -> None:
        certified = b.certified.battery_components_share if b.certified else None
        if b.components:
            share, items = self.battery_component_content(b, on)
            m.facts["battery_components_share"] = ppm_floor(share)
            m.line_items["battery_components"] = items
            m.figures["battery_components_share"] = f"{share.numerator}/{share.denominator}"
            m.basis["battery_components"] = "provenance"
            if certified is not None:
                m.facts["battery_components_certification_gap"] = ppm_floor(abs(share - Fraction(certified)))
        elif certified is not None:
            m.facts["battery_components_share"] = ppm_floor(Fraction(certified))
            m.basis["battery_components"] = "certified"

    def battery_component_content(self, b: Battery, on: date) -> tuple[Fraction, list[dict[str, Any]]]:
        """Qualifying battery component content (incremental values) and one line item per component."""
        kinds = set(self._p("battery_component_kinds", on))
        na = self._in(self._p("component_lists", on), on)
        comps = {c.id: c for c in b.components or []}
        entities = {e.id for e in b.entities}
        parent: dict[str, str] = {}
        for i, c in enumerate(b.components or []):
            where = f"vehicle.battery.components[{i}]"
            if c.kind not in kinds:
                raise InputError(f"{where}.kind", f"{c.kind!r} is not a battery component kind ({', '.join(sorted(kinds))}); constituent materials are not components", "unknown_component_kind")
            if c.entity is not None and c.entity not in entities:
                raise InputError(f"{where}.entity", f"unknown entity {c.entity!r}", "unknown_entity")
            for child in c.contains:
                if child not in comps:
                    raise InputError(f"{where}.contains", f"unknown component {child!r}", "unknown_component")
                if child in parent:
                    raise InputError(f"{where}.contains", f"component {child!r} is contained twice (in {parent[child]!r} and {c.id!r})", "contained_twice")
                parent[child] = c.id
        for start in comps:  # a cycle has no root: walk up from every node
            seen = {start}
            node = start
            while node in parent:
                node = parent[node]
                if node in seen:
                    raise InputError("vehicle.battery.components", f"containment cycle through {node!r}", "containment_cycle")
                seen.add(node)
        total = Decimal(0)
        na_total = Decimal(0)
        items = []
        for i, c in enumerate(b.components or []):
            inner = sum((comps[x].value for x in c.contains), Decimal(0))
            incremental = c.value - inner
            if incremental < 0:
                raise InputError(f"vehicle.battery.components[{i}].value", f"value {c.value} is less than the {inner} of the components it contains", "negative_incremental_value")
            hit = na.get(c.country)
            total += incremental
            if hit:
                na_total += incremental
            items.append({
                "id": c.id, "kind": c.kind, "value": str(c.value), "contains": list(c.contains),
                "incremental_value": str(incremental), "country": c.country,
                "qualifies": hit is not None,
                "reason": f"made in {c.country} ({hit[0]})" if hit else f"made in {c.country}, outside North America",
            })
        share = Fraction(na_total) / Fraction(total) if total else Fraction(0)
        return share, items

    # -- foreign entity of concern (30D(d)(7); 26 CFR 1.30D-6) -------------------------------
    def feoc_reasons(self, entity: Optional[Entity], activity_country: str, on: date) -> list[str]:
        """Why a maker is a foreign entity of concern (empty if it is not); each test on its own."""
        covered = self._in(self._p("feoc_lists", on), on)
        limit = Decimal(self._p("feoc_government_share", on))
        return _place_reasons(covered, activity_country) + (_entity_reasons(entity, covered, limit) if entity else [])

    def _feoc(self, b: Battery, m: Measured, on: date) -> None:
        covered = self._in(self._p("feoc_lists", on), on)
        limit = Decimal(self._p("feoc_government_share", on))
        by_entity = {e.id: _entity_reasons(e, covered, limit) for e in b.entities}

        memo: dict[tuple[Optional[str], str], list[str]] = {}

        def reasons(entity_id: Optional[str], country: str) -> list[str]:
            why = memo.get((entity_id, country))
            if why is None:
                place = _place_reasons(covered, country)
                why = memo[entity_id, country] = place + by_entity[entity_id] if entity_id else place
            return why

        cert = b.certified
        if b.components:
            items: list[dict[str, Any]] = []
            for c in b.components:
                why = reasons(c.entity, c.country)
                if why:
                    items.append({"id": c.id, "kind": c.kind, "entity": c.entity, "reason": "; ".join(why)})
            m.facts["feoc_components"] = len(items)
            m.line_items["feoc_components"] = items
            m.basis["feoc_components"] = "provenance"
        elif cert and cert.feoc_compliant_components is not None:
            m.facts["feoc_components"] = 0 if cert.feoc_compliant_components else 1
            m.basis["feoc_components"] = "certified"
        if b.mineral_chains:
            itt = set(self._p("impracticable_to_trace_materials", on))
            items = []
            for chain in b.mineral_chains:
                why = [f"{s.activity}: {r}" for s in chain.stages for r in reasons(s.entity, s.country)]
                if why:
                    traceable = (chain.material or "").lower() not in itt
                    items.append({"id": chain.id, "mineral": chain.mineral, "material": chain.material or "",
                                  "impracticable_to_trace": not traceable, "reason": "; ".join(why)})
            m.facts["feoc_minerals"] = len(items)
            m.facts["feoc_minerals_traceable"] = sum(1 for i in items if not i["impracticable_to_trace"])
            m.line_items["feoc_minerals"] = items
            m.basis["feoc_minerals"] = "provenance"
        elif cert and cert.feoc_compliant_minerals is not None:
            m.facts["feoc_minerals"] = m.facts["feoc_minerals_traceable"] = 0 if cert.feoc_compliant_minerals else 1
            m.basis["feoc_minerals"] = "certified"
        compared = [(m.facts[k] == 0) != attested for k, attested, given in (
            ("feoc_components", cert and cert.feoc_compliant_components, b.components),
            ("feoc_minerals", cert and cert.feoc_compliant_minerals, b.mineral_chains)) if given and attested is not None]
        if compared:
            m.facts["feoc_attestation_conflicts"] = sum(compared)

    # -- pre-2023 manufacturer phase-out (former 30D(e)) -------------------------------------
    def _phaseout(self, manufacturer: str, sold: Optional[date]) -> tuple[Fraction, str]:
        spec = self.book.phaseout
        if sold is None or sold > spec.applies_sold_through:
            return Fraction(1), ""
        for name, maker in spec.manufacturers.items():
            if manufacturer.lower() in {a.lower() for a in maker.aliases}:
                starts = [d for d in sorted(maker.fractions) if d <= sold]
                if starts:
                    f = maker.fractions[starts[-1]]
                    return Fraction(f), f"{name} phase-out: {pct(f)} of the credit for a sale on {sold} ({spec.citation})"
        return Fraction(1), ""


def _forget(cache: dict[int, Any], key: int, ref: "weakref.ref[Any]") -> None:
    """A battery died: drop its cached measures (unless its address already holds a new entry)."""
    entry = cache.get(key)
    if entry is not None and entry[0] is ref:
        del cache[key]


def _place_reasons(covered: dict[str, tuple[str, Any]], country: str) -> list[str]:
    """The DOE 'subject to the jurisdiction' test by where the activity is performed."""
    hit = covered.get(country)
    return [f"activity performed in {country} ({hit[0]})"] if hit else []


def _entity_reasons(entity: Entity, covered: dict[str, tuple[str, Any]], limit: Decimal) -> list[str]:
    """The DOE tests of a supplier itself: designation, incorporation, principal place of business,
    each covered-government share on its own, effective-control licensing."""
    reasons = []
    if entity.designated:
        reasons.append(f"{entity.name} is on a designated list")
    if entity.incorporated_in in covered:
        reasons.append(f"{entity.name} incorporated in {entity.incorporated_in} ({covered[entity.incorporated_in][0]})")
    ppb = entity.principal_place_of_business
    if ppb in covered:
        reasons.append(f"{entity.name} has its principal place of business in {ppb} ({covered[ppb][0]})")
    for metric, value in (("board", entity.government_board_share), ("voting", entity.government_voting_share),
                          ("equity", entity.government_equity_share)):
        if value >= limit:
            reasons.append(f"{entity.name}: covered-nation government {metric} share {pct(value)} >= {pct(limit)}")
    if entity.effective_control_license:
        reasons.append(f"{entity.name}: licensing or other contract gives a covered-nation government effective control")
    return reasons


def _dec(x: Fraction | Decimal) -> Decimal:
    if isinstance(x, Fraction):
        x = Decimal(x.numerator) / Decimal(x.denominator)
    return x.quantize(_CENT, ROUND_HALF_UP)


ROUNDING = {"whole_dollars_half_up": (Decimal("1"), ROUND_HALF_UP), "cents_half_up": (Decimal("0.01"), ROUND_HALF_UP)}


def capacity_amount(formula: dict[str, Decimal], kwh: Decimal, fraction: Fraction, rounding: str = "whole_dollars_half_up") -> Decimal:
    """The pre-IRA amount: base + step (from a capacity) + per kWh above a floor, capped, phased out,
    rounded as the parameter's ``rounding`` says. All numbers come from the rule book's ``capacity_formula``.

    >>> f = {"base": Decimal(1), "step": Decimal(2), "step_from_kwh": Decimal(5), "per_kwh_above": Decimal(5),
    ...      "capacity_cap": Decimal(10), "total_cap": Decimal(8)}
    >>> capacity_amount(f, Decimal("5.5"), Fraction(1)), capacity_amount(f, Decimal(4), Fraction(1, 2), "cents_half_up")
    (Decimal('4'), Decimal('0.50'))
    """
    capacity = Decimal(0)
    if kwh >= formula["step_from_kwh"]:
        capacity = formula["step"] + formula["step"] * max(Decimal(0), kwh - formula["per_kwh_above"])
    amount = min(formula["total_cap"], formula["base"] + min(capacity, formula["capacity_cap"]))
    exact = Fraction(amount) * fraction
    quantum, mode = ROUNDING[rounding]
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(quantum, mode)
