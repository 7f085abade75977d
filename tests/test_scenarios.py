"""Scenarios, comparisons and counterfactuals: the questions users ask."""

from datetime import date
from decimal import Decimal

import pytest
from conftest import case

import ira30d
from ira30d import InputError, Scenario, compare

FLEET = [ira30d.example(n) for n in ira30d.example_names()]


def test_the_pact_question_is_one_call():
    c = compare(FLEET, ["uk_pact", "eu_pact"])
    gained_uk = {r["case_id"] for r in c.gained("uk_pact")}
    gained_eu = {r["case_id"] for r in c.gained("eu_pact")}
    assert gained_uk == {"uk_processed_lithium"} and gained_eu == {"eu_processed_nickel"}
    totals = c.totals()
    assert (
        totals["uk_pact"]["change"] == Decimal(3750)
        and totals["uk_pact"]["status"] == "hypothetical"
    )
    assert totals["baseline"]["status"] == "in_force"
    row = c.gained("uk_pact")[0]
    change = next(ch for ch in row["changes"] if ch["scenario"] == "uk_pact")
    assert change["requirement"] == "critical_minerals" and (change["from"], change["to"]) == (
        "not_met",
        "met",
    )
    assert any("GB" in i["reason"] for i in change["line_items"])


def test_bundled_scenarios_state_their_status():
    book = ira30d.default_ruleset().book
    assert book.scenarios["japan_cma"].status == "in_force"
    assert {book.scenarios[n].status for n in ("uk_pact", "eu_pact", "without_japan")} == {
        "hypothetical"
    }
    c = compare(FLEET, ["japan_cma"])
    assert c.totals()["japan_cma"]["change"] == 0  # already in the baseline


def test_scenario_with_a_date_method_and_parameter_override():
    later = Scenario("placed_2026", on=date(2026, 1, 15))
    no_obbba = Scenario(
        "no_obbba", parameters={"termination_acquired_after": {"2025-07-04": "2032-12-31"}}
    )
    traced = Scenario("traced", method="traced_qualifying_value")
    c = compare(
        [ira30d.example("acquired_after_termination"), ira30d.example("full_credit_2024")],
        [later, no_obbba, traced],
    )
    rows = {r["case_id"]: r for r in c.rows}
    assert rows["acquired_after_termination"]["no_obbba.amount"] == Decimal(7500)
    assert (
        rows["full_credit_2024"]["placed_2026.amount"] == 0
    )  # acquired 2026-01-15: after the termination date
    assert c.results["traced"][1].critical_minerals_method == "traced_qualifying_value"


def test_comparison_renders_and_rejects_unknown_names():
    c = compare(FLEET[:2], ["uk_pact"])
    assert "baseline" in str(c) and "<table>" in c._repr_html_()
    with pytest.raises(InputError):
        compare(FLEET[:1], ["atlantis_pact"])


def test_every_failing_requirement_of_the_bundled_examples_has_a_numeric_counterfactual():
    rs = ira30d.default_ruleset()
    seen = 0
    for c in FLEET:
        d = rs.evaluate(c, counterfactuals=True)
        for f in d.findings:
            if f.status == "not_met":
                seen += 1
                assert f.counterfactuals, (c["id"], f.id)
                assert any(ch.isdigit() for cf in f.counterfactuals for ch in cf["text"]), (
                    c["id"],
                    f.id,
                )
    assert seen >= 6


def test_counterfactual_numbers():
    rs = ira30d.default_ruleset()
    msrp = (
        rs.evaluate(ira30d.example("over_msrp_cap"), counterfactuals=True)
        .finding("msrp_cap")
        .counterfactuals[0]
    )
    assert msrp["gap"] == "$3,100.00" and msrp["required"] == "$55,000.00"
    term = (
        rs.evaluate(ira30d.example("acquired_after_termination"), counterfactuals=True)
        .finding("termination")
        .counterfactuals[0]
    )
    assert term["latest_date"] == "2025-09-30"
    cm = (
        rs.evaluate(ira30d.example("uk_processed_lithium"), counterfactuals=True)
        .finding("critical_minerals")
        .counterfactuals[0]
    )
    assert cm["gap"] == "22.5 percentage points" and cm["missing_value"] == "$540.00"
    assert cm["countries_that_flip"] == ["AR", "GB"]
    # each country the counterfactual names does flip it
    for code in cm["countries_that_flip"]:
        assert (
            rs.with_countries(add={"cma_partners": [code]})
            .evaluate(ira30d.example("uk_processed_lithium"))
            .amount
            == 7500
        )


def test_magi_counterfactual_names_the_smaller_excess_and_latest_date_for_shares():
    rs = ira30d.default_ruleset()
    d = rs.evaluate(
        case(
            buyer={
                "current_year": {"filing_status": "single", "magi": "160000"},
                "preceding_year": {"filing_status": "head_of_household", "magi": "230000"},
            }
        ),
        counterfactuals=True,
    )
    gaps = sorted(cf["gap"] for cf in d.finding("magi_limit").counterfactuals if "gap" in cf)
    assert gaps == ["$10,000.00", "$5,000.00"]
    d = rs.evaluate(
        case(
            purchase={
                "sale_date": "2024-02-01",
                "placed_in_service_date": "2024-02-01",
                "binding_contract_date": "2024-01-05",
                "first_payment_date": "2024-01-05",
            },
            vehicle={"battery": {"certified": {"critical_minerals_share": "0.45"}}},
        ),
        counterfactuals=True,
    )
    cf = d.finding("critical_minerals").counterfactuals[0]
    assert cf["latest_date"] == "2023-12-31" and cf["gap"] == "5 percentage points"


def test_counterfactuals_are_off_by_default():
    d = ira30d.evaluate(ira30d.example("over_msrp_cap"))
    assert d.finding("msrp_cap").counterfactuals == []


def test_a_dated_requirement_says_before_when_it_did_not_apply():
    d = ira30d.evaluate(case(vehicle={"final_assembly_country": "DE"}), counterfactuals=True)
    cfs = d.finding("final_assembly").counterfactuals
    assert any(cf.get("latest_date") == "2022-08-16" and cf["fact"] == "sale" for cf in cfs)
    assert any("must be yes" in cf["text"] for cf in cfs)


def test_a_one_date_override_replaces_a_constant_on_every_date():
    rs = ira30d.default_ruleset().with_parameters(
        {"termination_acquired_after": {"2025-07-04": "2032-12-31"}}
    )
    early = rs.evaluate(ira30d.example("full_credit_2024"))
    late = rs.evaluate(ira30d.example("acquired_after_termination"))
    assert (
        early.finding("termination").status == "met" and late.finding("termination").status == "met"
    )
    assert late.finding("termination").required == {"termination_acquired_after": "2032-12-31"}
