"""Measures of the purchase, the vehicle's price and the buyer: the dates (with the acquisition
date as ``acquisition_date`` defines it), the MSRP as ``msrp_composition`` counts it, MAGI and
filing status per year.

>>> import ira30d
>>> from ira30d._measures.measurer import Measurer
>>> rs = ira30d.default_ruleset()
>>> case = ira30d.Case.model_validate(ira30d.example("contract_before_deadline"))
>>> dates(Measurer(rs.book, rs.countries), case)["acquired"]
datetime.date(2025, 9, 20)
"""

from __future__ import annotations

import functools
from datetime import date
from typing import Any

from ira30d._common.errors import InputError
from ira30d._common.exact import total as exact_total
from ira30d._common.frozen import FrozenDict, LazyItems
from ira30d._common.text import usd
from ira30d._measures.battery import Measurer as Law
from ira30d._measures.measured import Measured
from ira30d._models.inputs import Case, Msrp


def dates(ctx: Law, case: Case) -> dict[str, date | None]:
    if case.purchase is None:
        d = case.on
        return {
            "acquired": d,
            "contract": d,
            "sale": d,
            "placed_in_service": d,
            "possession": d,
        }
    p = case.purchase
    rule = ctx._p("acquisition_date", p.placed_in_service_date)
    kinds = ctx._p(rule["payment_kinds"], p.placed_in_service_date)
    days = [getattr(p, name) for name in rule["latest_of"]]
    paid = getattr(p, rule["payment_kind_field"]) in kinds
    acquired = max(days) if paid and all(d is not None for d in days) else None
    return {
        "acquired": acquired,
        "contract": p.binding_contract_date,
        "sale": p.sale_date,
        "placed_in_service": p.placed_in_service_date,
        "possession": p.placed_in_service_date,
    }


def msrp(ctx: Law, case: Case, m: Measured) -> None:
    v = case.vehicle
    if v.msrp is not None:
        rule = ctx._p("msrp_composition", m.on)
        total = exact_total(getattr(v.msrp, name) for name in rule["counts"])
        m.facts["msrp"] = ctx.book.scale("msrp", total)
        m.shown["msrp"] = usd(total)
        m.line_items["msrp"] = LazyItems(functools.partial(_msrp_items, v.msrp, rule))
    if v.epa_label_class is not None:
        mapping = ctx._p("epa_label_class_to_msrp_class", m.on)
        key = v.epa_label_class.lower().replace(" ", "_").replace("-", "_")
        if key not in mapping:
            raise InputError(
                "vehicle.epa_label_class",
                f"unknown EPA label class {v.epa_label_class!r}; known: {', '.join(mapping)}",
                "unknown_class",
            )
        m.facts["msrp_class"] = mapping[key]


def _msrp_items(prices: Msrp, rule: dict[str, Any]) -> list[FrozenDict]:
    """One line item per part of the sticker price: counted or excluded, and why."""
    return [
        FrozenDict(id=name, value=str(getattr(prices, name)), counted=True)
        for name in rule["counts"]
    ] + [
        FrozenDict(
            id=name,
            value=str(getattr(prices, name)),
            counted=False,
            reason=f"excluded: {why}",
        )
        for name, why in rule["excludes"].items()
    ]


def buyer(ctx: Law, case: Case, m: Measured) -> None:
    if case.buyer is None:
        return
    for year, suffix in (
        (case.buyer.current_year, "current"),
        (case.buyer.preceding_year, "preceding"),
    ):
        if year is not None:
            m.facts[f"magi_{suffix}"] = ctx.book.scale(f"magi_{suffix}", year.magi)
            m.shown[f"magi_{suffix}"] = usd(year.magi)
            m.facts[f"status_{suffix}"] = year.filing_status
