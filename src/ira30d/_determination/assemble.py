"""Assembling a determination record from one pass of the engine, and the outcomes of the IRA
transition election (with and without it).

>>> from decimal import Decimal
>>> a = outcome(Decision("eligible", Decimal(7500), None, None, None, ""))
>>> none = Decision("not_eligible", Decimal(0), None, None, None, "")
>>> b = outcome(none)
>>> larger(a, b), unsure_election(a, b, none).upper
('with_election', Decimal('7500'))
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Literal

from ira30d._determination.records import (
    SCHEMA_VERSION,
    Determination,
    Finding,
    Outcome,
    Provenance,
    Question,
    Transition,
    new_record,
)
from ira30d._determination.verdict import Decision
from ira30d._law.book import RuleBook
from ira30d._law.countries import Countries
from ira30d._measures.measured import Measured
from ira30d._models.canonical import input_hash
from ira30d._models.inputs import Case


def assemble(
    book: RuleBook,
    countries: Countries,
    backend: str,
    case: Case,
    m: Measured,
    fired: set[str],
    findings: list[Finding],
    d: Decision,
    transition: Transition | None,
    facts_text: Callable[[], dict[str, str]],
) -> Determination:
    """The determination record of one pass: verdict and amount, findings, how it was reached.
    The facts as text (``facts_text()``) are worked out when first read."""
    question: Question = "buyer" if case.buyer else "purchase" if case.purchase else "vehicle"
    regime = d.regime
    return new_record(
        Determination,
        schema_version=SCHEMA_VERSION,
        case_id=case.id,
        vin=case.vehicle.vin,
        question=question,
        verdict=d.verdict,
        amount=d.amount,
        amount_if_undetermined_met=d.upper,
        amount_if_undetermined_not_met=d.lower,
        regime=regime.id if regime else None,
        regime_citation=regime.citation if regime else None,
        amount_detail=d.detail,
        critical_minerals_method=m.method,
        basis=m.basis,
        figures=m.figures,
        certification=m.certification,
        transition=transition,
        findings=tuple(findings),
        provenance=new_record(
            Provenance,
            ruleset=book.spec.name,
            ruleset_version=book.spec.version,
            ruleset_hash=book.digest,
            countries=countries.name,
            countries_hash=countries.hash,
            input_hash=input_hash(case),
            backend=backend,
        ),
        _later=lambda: {"facts": dict(facts_text())},
    )


def outcome(d: Decision) -> Outcome:
    """Verdict and amount (or bounds) of a decision."""
    return Outcome(d.verdict, d.amount, d.upper, d.lower)  # type: ignore[arg-type]


def larger(
    a: Outcome, b: Outcome
) -> Literal["with_election", "without_election", "equal", "unknown"]:
    """Which alternative gives more: only when both amounts are known."""
    if a.amount is None or b.amount is None:
        return "unknown"
    return (
        "with_election"
        if a.amount > b.amount
        else "without_election"
        if b.amount > a.amount
        else "equal"
    )


def unsure_election(a: Outcome, b: Outcome, d: Decision) -> Decision | None:
    """A stated election whose availability is undetermined: None when the outcomes with it
    (``a``) and without it (``b``) agree, else an undetermined decision spanning both."""
    if a == b:
        return None
    lows = [o.amount if o.amount is not None else o.amount_if_undetermined_not_met for o in (a, b)]
    highs = [o.amount if o.amount is not None else o.amount_if_undetermined_met for o in (a, b)]
    return Decision(
        "undetermined",
        None,
        max(h or Decimal(0) for h in highs),
        min(lo or Decimal(0) for lo in lows),
        d.regime,
        "the transition election is stated but its availability is undetermined: "
        f"with it {a.text}; without it {b.text}",
    )
