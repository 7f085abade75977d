"""The IRA transition election (§13401(l), reference R13) and the pre-2023 manufacturer phase-out,
with the dates written here, not read from rules/."""

from decimal import Decimal

import pytest
from conftest import case, dated, status

KOREAN = {
    "final_assembly_country": "KR",
    "manufacturer": "Example Motors",
    "battery": {"capacity_kwh": "77.4"},
}


def bought(contract, possession, election=None, sale=None, **vehicle):
    return case(
        purchase={
            "binding_contract_date": contract,
            "first_payment_date": contract,
            "sale_date": sale or possession,
            "placed_in_service_date": possession,
            "transition_election": election,
        },
        vehicle={**KOREAN, **vehicle},
    )


def test_elected_the_pre_ira_regime_applies_whatever_the_possession_date(rs):
    d = rs.evaluate(bought("2022-07-01", "2023-06-01", election=True))
    assert d.regime == "pre_ira" and d.verdict == "eligible" and d.amount == Decimal(7500)
    assert d.finding("final_assembly").exception == "transition_election"
    assert status(d, "msrp_cap") == "not_applicable" and status(d, "magi_limit") == "not_applicable"
    assert d.facts["placed_in_service"] == "2022-08-15" and d.facts["possession"] == "2023-06-01"
    assert d.transition.applied and d.transition.elected is True
    assert (
        "Elected: treated as placed in service 2022-08-15"
        in d.finding("transition_election").explanation
    )


def test_the_election_brings_the_4_kwh_minimum(rs):
    d = rs.evaluate(
        bought("2022-07-01", "2024-02-01", election=True, battery={"capacity_kwh": "5"})
    )
    assert status(d, "battery_capacity") == "met" and d.amount == Decimal(2917)


def test_not_stated_shows_both_and_says_which_is_larger(rs):
    d = rs.evaluate(bought("2022-07-01", "2023-06-01"))
    assert (
        d.verdict == "not_eligible" and status(d, "final_assembly") == "not_met"
    )  # without the election
    t = d.transition
    assert t.available and t.elected is None and not t.applied
    assert (t.with_election.amount, t.without_election.amount, t.larger) == (
        Decimal(7500),
        Decimal(0),
        "with_election",
    )
    assert (
        "with it eligible, $7,500; without it not eligible, $0; larger: with election"
        in d.explain()
    )


def test_not_elected_the_ordinary_rules_apply(rs):
    d = rs.evaluate(bought("2022-07-01", "2023-06-01", election=False))
    assert (
        d.verdict == "not_eligible"
        and not d.transition.applied
        and d.transition.with_election is None
    )


@pytest.mark.parametrize(
    "contract, available",
    [("2021-12-31", False), ("2022-01-01", True), ("2022-08-15", True), ("2022-08-16", False)],
)
def test_purchase_window_boundaries(rs, contract, available):
    d = rs.evaluate(bought(contract, "2023-06-01", election=True))
    assert (d.regime == "pre_ira") is available
    assert status(d, "transition_election") == ("met" if available else "not_met")


@pytest.mark.parametrize(
    "possession, available", [("2022-08-15", False), ("2022-08-16", True), ("2031-01-01", True)]
)
def test_possession_from_the_enactment_day_with_no_end(rs, possession, available):
    d = rs.evaluate(bought("2022-07-01", possession, election=True))
    assert d.transition is not None and d.transition.applied is available


def test_a_purchase_in_the_window_counts_without_a_contract_date(rs):
    c = case(
        purchase={
            "binding_contract_date": None,
            "first_payment_date": None,
            "sale_date": "2022-08-01",
            "placed_in_service_date": "2022-09-01",
            "transition_election": True,
        },
        vehicle=KOREAN,
    )
    assert status(rs.evaluate(c), "transition_election") == "met"


def test_elected_but_unavailable_is_said_and_changes_nothing(rs):
    d = rs.evaluate(bought("2023-01-05", "2023-06-01", election=True))
    f = d.finding("transition_election")
    assert (
        f.status == "not_met"
        and "the ordinary rules apply" in f.explanation
        and d.regime == "sourcing"
    )


def test_unrelated_purchases_carry_no_transition_finding(rs):
    d = rs.evaluate(case())
    assert status(d, "transition_election") == "not_applicable" and d.transition is None


# --- the manufacturer phase-out, a finding of its own ---------------------------------------------


def sold(day, maker, kwh="75"):
    return case(
        purchase=dated(day), vehicle={"manufacturer": maker, "battery": {"capacity_kwh": kwh}}
    )


@pytest.mark.parametrize("maker", ["Toyota", "Lexus", "toyota motor"])
@pytest.mark.parametrize(
    "day, fraction, amount",
    [("2022-09-30", "100%", 7500), ("2022-10-01", "50%", 3750), ("2022-12-31", "50%", 3750)],
)
def test_toyota_and_lexus_half_credit_for_q4_2022_sales(rs, maker, day, fraction, amount):
    d = rs.evaluate(sold(day, maker))
    f = d.finding("manufacturer_phaseout")
    assert (
        f.status == "met"
        and f.actual == {"phaseout_fraction": fraction}
        and d.amount == Decimal(amount)
    )
    assert "Toyota schedule: 50% from 2022-10-01" in f.explanation and day in f.explanation


def test_toyota_sold_2023_is_outside_the_phase_out(rs):
    d = rs.evaluate(sold("2023-01-01", "Toyota"))
    assert status(d, "manufacturer_phaseout") == "not_applicable" and d.amount == Decimal(7500)


@pytest.mark.parametrize("maker", ["General Motors", "GM", "Chevrolet", "Cadillac", "GMC", "Buick"])
@pytest.mark.parametrize(
    "day, amount",
    [
        ("2019-03-31", 7500),
        ("2019-04-01", 3750),
        ("2019-09-30", 3750),
        ("2019-10-01", 1875),
        ("2020-03-31", 1875),
        ("2020-04-01", 0),
    ],
)
def test_gm_schedule(rs, maker, day, amount):
    d = rs.evaluate(sold(day, maker))
    assert d.amount == Decimal(amount)
    assert status(d, "manufacturer_phaseout") == ("not_met" if amount == 0 else "met")


@pytest.mark.parametrize("maker", ["Tesla", "Tesla Inc.", "Tesla, Inc."])
def test_tesla_aliases_and_zero_fraction_is_a_failed_gate(rs, maker):
    d = rs.evaluate(sold("2020-01-01", maker))
    f = d.finding("manufacturer_phaseout")
    assert (
        f.status == "not_met" and d.verdict == "not_eligible" and "No credit left" in f.explanation
    )


def test_a_scheduled_maker_without_a_sale_date_is_undetermined(rs):
    c = sold("2019-05-01", "Tesla")
    c["purchase"]["sale_date"] = None
    d = rs.evaluate(c)
    f = d.finding("manufacturer_phaseout")
    assert f.status == "undetermined" and f.missing_inputs == ["purchase.sale_date"]
    assert d.amount is None and d.amount_if_undetermined_met == Decimal(7500)


def test_a_maker_without_a_schedule_is_decided_without_a_sale_date(rs):
    c = sold("2019-05-01", "Example Motors")
    c["purchase"]["sale_date"] = None
    f = rs.evaluate(c).finding("manufacturer_phaseout")
    assert f.status == "met" and "no phase-out schedule for Example Motors" in f.explanation


def test_elected_with_availability_undetermined_spans_both_outcomes(rs):
    """Fail closed: a stated election that cannot be checked (no contract or sale date) is neither
    applied nor ignored; when the outcomes differ the verdict is undetermined."""
    c = case(
        purchase={
            "binding_contract_date": None,
            "first_payment_date": "2022-07-01",
            "sale_date": "2023-06-01",
            "placed_in_service_date": "2023-06-01",
            "transition_election": True,
        },
        vehicle=KOREAN,
    )
    assert (
        rs.evaluate({**c, "purchase": {**c["purchase"], "transition_election": False}}).verdict
        == "not_eligible"
    )
    d = rs.evaluate(c)
    assert status(d, "transition_election") == "undetermined"
    assert d.verdict == "undetermined" and d.amount is None
    assert d.amount_if_undetermined_met == Decimal(
        7500
    ) and d.amount_if_undetermined_not_met == Decimal(0)
    assert "availability is undetermined" in d.amount_detail
