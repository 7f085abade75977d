"""Verdict and amount from the findings: the regime's formula, and the two named bounds when a
requirement is undetermined (so an undetermined record never shows an amount that reads as the
credit).

Gates decide eligibility: one not met gives no credit; one undetermined makes the verdict
undetermined. Credit parts (under the sourcing regime) add their amounts. The upper bound treats
every undetermined requirement as met; the lower bound treats each as not met.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from ira30d._common.exact import add, multiply, rounded, subtract
from ira30d._common.text import fact_date
from ira30d._determination.records import Finding
from ira30d._law.book import RuleBook
from ira30d._law.specs import RegimeSpec
from ira30d._measures.measured import Measured
from ira30d._models.inputs import Case

ROUNDING = {
    "whole_dollars_half_up": (Decimal("1"), ROUND_HALF_UP),
    "cents_half_up": (Decimal("0.01"), ROUND_HALF_UP),
}
FORMULA_ROUNDING = "whole_dollars_half_up"  # a formula parameter that does not say (rules do)


def capacity_amount(
    formula: dict[str, Decimal],
    kwh: Decimal,
    fraction: Fraction,
    rounding: str = FORMULA_ROUNDING,
) -> Decimal:
    """The pre-IRA amount: base + step (from a capacity) + per kWh above a floor, capped, phased
    out, rounded as the parameter's ``rounding`` says. All numbers come from the rule book.

    >>> f = {"base": Decimal(1), "step": Decimal(2), "step_from_kwh": Decimal(5),
    ...      "per_kwh_above": Decimal(5), "capacity_cap": Decimal(10), "total_cap": Decimal(8)}
    >>> (capacity_amount(f, Decimal("5.5"), Fraction(1)),
    ...  capacity_amount(f, Decimal(4), Fraction(1, 2), "cents_half_up"))
    (Decimal('4'), Decimal('0.50'))
    """
    capacity = Decimal(0)
    if kwh >= formula["step_from_kwh"]:  # exact arithmetic: a capacity of many digits never rounds
        above = max(Decimal(0), subtract(kwh, formula["per_kwh_above"]))
        capacity = add(formula["step"], multiply(formula["step"], above))
    amount = min(formula["total_cap"], add(formula["base"], min(capacity, formula["capacity_cap"])))
    quantum, mode = ROUNDING[rounding]
    return rounded(Fraction(amount) * fraction, quantum, mode)


@dataclass(frozen=True)
class Decision:
    verdict: str
    amount: Decimal | None
    upper: Decimal | None
    lower: Decimal | None
    regime: RegimeSpec | None
    detail: str


def decide(
    book: RuleBook, case: Case, m: Measured, fired: set[str], findings: list[Finding]
) -> Decision:
    """The verdict, the amount (or its bounds) and a sentence on how the amount was reached."""
    gates = [f for f in findings if f.kind == "gate"]
    regime = next((r for r in book.regimes if f"regime|{r.id}" in fired), None)
    parts = (
        [f for f in findings if f.kind == "credit_part"]
        if regime and regime.formula == "credit_parts"
        else []
    )
    failed = [f.id for f in gates if f.status == "not_met"]
    if failed or (regime is None and "placed_in_service" in m.facts):
        amount, detail = (
            _amount(book, case, m, regime, parts, findings, upper=False)
            if regime
            else (Decimal(0), "")
        )
        why = (
            f"no credit: not met: {', '.join(failed)}"
            if failed
            else "no credit regime applies on this placed-in-service date"
        )
        return Decision(
            "not_eligible",
            Decimal(0),
            None,
            None,
            regime,
            f"{why} (otherwise {detail})" if detail else why,
        )
    open_ = any(f.status == "undetermined" for f in gates + parts) or regime is None
    if not open_:
        amount, detail = _amount(book, case, m, regime, parts, findings, upper=False)
        return Decision(
            "eligible" if amount > 0 else "not_eligible", amount, None, None, regime, detail
        )
    upper, detail = (
        _amount(book, case, m, regime, parts, findings, upper=True)
        if regime
        else (most_credit(book), "placed-in-service date missing")
    )
    gate_open = regime is None or any(f.status == "undetermined" for f in gates)
    lower = (
        Decimal(0) if gate_open else _amount(book, case, m, regime, parts, findings, upper=False)[0]
    )
    return Decision(
        "undetermined",
        None,
        upper,
        lower,
        regime,
        f"if every undetermined requirement is met: {detail}",
    )


def _amount(
    book: RuleBook,
    case: Case,
    m: Measured,
    regime: Any,
    parts: list[Finding],
    findings: list[Finding],
    *,
    upper: bool,
) -> tuple[Decimal, str]:
    """The regime's amount; ``upper`` counts undetermined credit parts as met, an unknown
    capacity at the formula's cap and an undetermined phase-out at the full credit."""
    if regime.formula == "capacity" and regime.parameter:
        param = book.parameters[regime.parameter]
        formula = param.at(fact_date(m.facts["placed_in_service"]))
        phased = next((f for f in findings if f.id == "manufacturer_phaseout"), None)
        fraction = (
            m.phaseout
            if regime.phaseout and phased is not None and phased.status == "met"
            else Fraction(1)
        )
        battery = case.vehicle.battery
        rounding = param.spec.rounding or FORMULA_ROUNDING
        if battery is None:
            return (formula["total_cap"] if upper else Decimal(0)), "battery capacity unknown"
        kwh = battery.capacity_kwh
        amount = capacity_amount(formula, kwh, fraction, rounding)
        detail = (
            f"${formula['base']:,} + capacity amount for {kwh} kWh (${formula['step']} from "
            f"{formula['step_from_kwh']} kWh, ${formula['step']}/kWh above "
            f"{formula['per_kwh_above']} kWh, "
            f"capacity part <= ${formula['capacity_cap']:,}, total <= ${formula['total_cap']:,})"
        )
        if fraction != 1:
            detail += f"; {phased.explanation if phased else ''}"
        return amount, detail
    counted = [f for f in parts if f.status == "met" or (upper and f.status == "undetermined")]
    values = [(f, Decimal(book.parameters[amount_param(book, f.id)].at(None))) for f in counted]
    amount = sum((v for _, v in values), Decimal(0))
    return amount, " + ".join(
        f"${v:,} ({f.title.lower()})" for f, v in values
    ) or "no requirement met for an amount"


def amount_param(book: RuleBook, rid: str) -> str:
    return str(next(r.amount for r in book.requirements if r.id == rid))


def most_credit(book: RuleBook) -> Decimal:
    """The largest amount any regime can give (the upper bound when the regime is unknown)."""
    best = Decimal(0)
    for r in book.regimes:
        if r.formula == "capacity" and r.parameter:
            best = max(best, *(v["total_cap"] for v in book.parameters[r.parameter].values))
        else:
            total = sum(
                (
                    Decimal(book.parameters[str(q.amount)].values[-1])
                    for q in book.requirements
                    if q.kind == "credit_part"
                ),
                Decimal(0),
            )
            best = max(best, total)
    return best
