"""Measures of one battery: qualifying critical mineral content (either method) and battery
component content, from provenance or certified figures, and the foreign-entity-of-concern
counts with what is unknown. Each reads the law through the measurer (``ctx``): its parameters
and country lists on the date.

>>> import ira30d
>>> from ira30d._measures.measurer import Measurer
>>> from ira30d._measures.measured import Measured
>>> rs = ira30d.default_ruleset()
>>> ctx = Measurer(rs.book, rs.countries)
>>> b = ira30d.Case.model_validate(ira30d.example("full_credit_2024")).vehicle.battery
>>> m = Measured({}, method="value_added_50")
>>> components(ctx, b, m, date(2024, 6, 10)); m.facts["battery_components_share"]
892307
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from ira30d._common.errors import InputError
from ira30d._common.frozen import FrozenDict, LazyItems
from ira30d._law.book import RuleBook
from ira30d._measures import feoc as _feoc
from ira30d._measures import sourcing as _sourcing
from ira30d._measures.measured import Measured
from ira30d._models.battery import Battery


class Measurer(Protocol):
    """What these measures read through the measurer: the law on a date."""

    book: RuleBook

    def _p(self, name: str, on: date | None) -> Any: ...
    def _in(self, lists: Any, on: date) -> dict[str, tuple[str, Any]]: ...
    def _set(self, name: str, on: date | None) -> frozenset[str]: ...


# -- critical minerals (30D(e)(1); 26 CFR 1.30D-3(a)) ------------------------------------
def critical_minerals(ctx: Measurer, b: Battery, m: Measured, on: date) -> None:
    cert = b.certified
    certified = cert.critical_minerals_share if cert else None
    cert_method = cert.method if cert and cert.method else None
    if cert is not None and (cert.method or cert.period):
        m.certification = {k: v for k, v in (("method", cert.method), ("period", cert.period)) if v}
    if b.mineral_chains:
        share, items = critical_mineral_content(ctx, b, on, m.method)
        m.facts["critical_minerals_share"] = ctx.book.scale("critical_minerals_share", share)
        m.line_items["critical_minerals"] = items
        m.figures["critical_minerals_share"] = f"{share.numerator}/{share.denominator}"
        m.basis["critical_minerals"] = f"provenance ({m.method})"
        if certified is not None:  # compared by the method the certification states
            same = (
                share
                if cert_method in (None, m.method)
                else critical_mineral_content(ctx, b, on, cert_method)[0]
            )
            gap = abs(same - Fraction(certified))
            m.facts["critical_minerals_certification_gap"] = ctx.book.scale(
                "critical_minerals_certification_gap", gap
            )
    elif certified is not None:
        _certified_share(ctx, m, "critical_minerals_share", certified)
        m.method = cert_method or "certified (method not stated)"
        m.basis["critical_minerals"] = "certified" + _certified_as(m.certification)


def critical_mineral_content(
    ctx: Measurer, b: Battery, on: date, method: str
) -> tuple[Fraction, LazyItems]:
    """Qualifying critical mineral content and one line item per procurement chain."""
    spec = ctx._p("critical_minerals_methods", on)[method]
    return _sourcing.critical_mineral_content(
        b,
        method=spec,
        known=ctx._set("applicable_critical_minerals", on),
        threshold=Decimal(ctx._p(spec["threshold"], on)) if "threshold" in spec else None,
        lists={a: ctx._in(ls, on) for a, ls in ctx._p("qualifying_lists_by_activity", on).items()},
    )


# -- battery components (30D(e)(2); 26 CFR 1.30D-3(b)) ----------------------------------
def components(ctx: Measurer, b: Battery, m: Measured, on: date) -> None:
    certified = b.certified.battery_components_share if b.certified else None
    if b.components:
        share, items = _sourcing.battery_component_content(
            b,
            kinds=set(ctx._p("battery_component_kinds", on)),
            na=ctx._in(ctx._p("component_lists", on), on),
        )
        m.facts["battery_components_share"] = ctx.book.scale("battery_components_share", share)
        m.line_items["battery_components"] = items
        m.figures["battery_components_share"] = f"{share.numerator}/{share.denominator}"
        m.basis["battery_components"] = "provenance"
        if certified is not None:
            gap = abs(share - Fraction(certified))
            m.facts["battery_components_certification_gap"] = ctx.book.scale(
                "battery_components_certification_gap", gap
            )
    elif certified is not None:
        _certified_share(ctx, m, "battery_components_share", certified)
        m.basis["battery_components"] = "certified" + _certified_as(m.certification)


# -- foreign entity of concern (30D(d)(7); 26 CFR 1.30D-6) -------------------------------
def foreign_entities(ctx: Measurer, b: Battery, m: Measured, on: date) -> None:
    paths = {e.id: f"vehicle.battery.entities[{k}]" for k, e in enumerate(b.entities)}
    judge = _feoc.Judge(b.entities, _feoc_tests(ctx, on), paths)
    for e_id in {c.entity for c in b.components or []} | {
        s.entity for ch in b.mineral_chains or [] for s in ch.stages
    }:
        if e_id is not None and e_id not in paths:
            raise InputError(
                "vehicle.battery.entities", f"unknown entity {e_id!r}", "unknown_entity"
            )
    cert = b.certified
    if b.components:
        judged = []  # (component, why, missing) of each item that is a FEOC or left open
        for i, c in enumerate(b.components):
            why, missing = judge.item(c.entity, c.country)
            if missing is None:
                missing = [f"vehicle.battery.components[{i}].entity"]
            if why or missing:
                judged.append((c, why, missing))
        _feoc_fact(
            m,
            "feoc_components",
            judged,
            _component_feoc_items,
            cert.feoc_compliant_components if cert else None,
        )
    elif cert and cert.feoc_compliant_components is not None:
        m.facts["feoc_components"] = 0 if cert.feoc_compliant_components else 1
        m.basis["feoc_components"] = "attestation"
    if b.mineral_chains:
        itt = set(ctx._p("impracticable_to_trace_materials", on))
        chains = []  # (chain, why, missing) of each chain with a FEOC stage or one left open
        for i, chain in enumerate(b.mineral_chains):
            why, missing = [], []
            for j, s in enumerate(chain.stages):
                r, miss = judge.item(s.entity, s.country)
                if miss is None:
                    miss = [f"vehicle.battery.mineral_chains[{i}].stages[{j}].entity"]
                if r:  # most stages are clear: no list built for them
                    why += [f"{s.activity}: {x}" for x in r]
                if miss:
                    missing += [x for x in miss if x not in missing]
            if why or missing:
                chains.append((chain, why, missing))
        attested = cert.feoc_compliant_minerals if cert else None
        _feoc_fact(m, "feoc_minerals", chains, functools.partial(_chain_feoc_items, itt), attested)
        traceable = [x for x in chains if (x[0].material or "").lower() not in itt]
        count = _feoc.decide(*_found_open(traceable), attested)[0]
        if count is not None:
            m.facts["feoc_minerals_traceable"] = count
    elif cert and cert.feoc_compliant_minerals is not None:
        m.facts["feoc_minerals"] = m.facts["feoc_minerals_traceable"] = (
            0 if cert.feoc_compliant_minerals else 1
        )
        m.basis["feoc_minerals"] = "attestation"


def _feoc_tests(ctx: Measurer, on: date) -> _feoc.Tests:
    """``feoc_tests`` on ``on`` with their lists and thresholds resolved."""
    out: _feoc.Tests = {}
    for fact, t in ctx._p("feoc_tests", on).items():
        arg: Any = None
        if t["test"] == "in_lists":
            arg = ctx._in(ctx._p(t["lists"], on), on)
        elif t["test"] == "at_least":
            arg = Decimal(ctx._p(t["threshold"], on))
        out[fact] = (t["test"], arg, t["says"])
    return out


Judged = list[tuple[Any, list[str], list[str]]]  # (line item, why it is a FEOC, what is missing)


def _found_open(judged: Judged) -> tuple[int, int]:
    """How many items are FEOCs, and how many are left open (no reason, something missing)."""
    found = sum(1 for _, why, _ in judged if why)
    return found, len(judged) - found


def _component_feoc_items(judged: Judged) -> list[FrozenDict]:
    """The FEOC line items of components: the FEOCs first, then those left open."""
    return [
        FrozenDict(id=c.id, kind=c.kind, entity=c.entity, feoc=True, reason="; ".join(why))
        for c, why, _ in judged
        if why
    ] + [
        FrozenDict(
            id=c.id,
            kind=c.kind,
            entity=c.entity,
            feoc=None,
            reason="unknown: " + ", ".join(missing),
            missing=tuple(missing),
        )
        for c, why, missing in judged
        if not why
    ]


def _chain_feoc_items(itt: set[str], judged: Judged) -> list[FrozenDict]:
    """The FEOC line items of mineral chains: the FEOCs first, then those left open."""

    def item(chain: Any, **more: Any) -> FrozenDict:
        material = chain.material or ""
        return FrozenDict(
            id=chain.id,
            mineral=chain.mineral,
            material=material,
            impracticable_to_trace=material.lower() in itt,
            **more,
        )

    return [item(ch, feoc=True, reason="; ".join(why)) for ch, why, _ in judged if why] + [
        item(ch, feoc=None, reason="unknown: " + ", ".join(missing), missing=tuple(missing))
        for ch, why, missing in judged
        if not why
    ]


def _feoc_fact(
    m: Measured,
    fact: str,
    judged: Judged,
    items: Callable[[Judged], list[FrozenDict]],
    attested: bool | None,
) -> None:
    """The FEOC count from provenance (and an attestation), its line items (built when read by
    ``items``) and what is missing."""
    found, open_ = _found_open(judged)
    count, basis = _feoc.decide(found, open_, attested)
    m.line_items[fact] = LazyItems(functools.partial(items, judged))
    m.basis[fact] = basis
    if count is None:
        m.missing[fact] = list(dict.fromkeys(p for _, why, miss in judged if not why for p in miss))
    else:
        m.facts[fact] = count
    if basis == "attestation" and attested:
        m.attested.add(fact)
    if attested is not None:  # does the provenance contradict the attestation?
        conflict = bool(found) if attested else not found and not open_
        m.facts[f"{fact}_attestation_conflict"] = int(conflict)


def _certified_share(ctx: Measurer, m: Measured, fact: str, certified: Decimal) -> None:
    """A content share taken from the manufacturer's certification."""
    m.facts[fact] = ctx.book.scale(fact, Fraction(certified))
    m.figures[fact] = str(Fraction(certified))


def _certified_as(certification: dict[str, str]) -> str:
    return f" ({', '.join(f'{k} {v}' for k, v in certification.items())})" if certification else ""
