"""Boundary pairs for every threshold and date of the rule set, on both sides."""

from decimal import Decimal

import pytest
from conftest import case, on, status


def test_termination_acquired_on_the_last_day_vs_the_day_after(rs):
    assert status(rs.evaluate(on("2025-09-30")), "termination") == "met"
    d = rs.evaluate(on("2025-10-01"))
    assert status(d, "termination") == "not_met" and d.amount == 0 and d.verdict == "not_eligible"


def test_acquired_before_termination_placed_in_service_later_still_qualifies(rs):
    d = rs.evaluate(
        case(
            purchase={
                "binding_contract_date": "2025-09-15",
                "first_payment_date": "2025-09-30",
                "sale_date": "2025-11-01",
                "placed_in_service_date": "2025-11-01",
            }
        )
    )
    assert status(d, "termination") == "met" and d.amount == Decimal(7500)


def test_contract_before_deadline_with_first_payment_after_is_not_acquired_in_time(rs):
    d = rs.evaluate(
        case(
            purchase={
                "binding_contract_date": "2025-09-20",
                "first_payment_date": "2025-10-02",
                "sale_date": "2025-10-05",
                "placed_in_service_date": "2025-10-05",
            }
        )
    )
    assert status(d, "termination") == "not_met"
    assert "2025-10-02" in d.finding("termination").explanation


@pytest.mark.parametrize("kind", ["trade_in", "deposit", "down_payment"])
def test_a_trade_in_or_nominal_deposit_is_a_payment(rs, kind):
    d = rs.evaluate(
        case(
            purchase={
                "binding_contract_date": "2025-09-29",
                "first_payment_date": "2025-09-30",
                "first_payment_kind": kind,
                "sale_date": "2025-10-10",
                "placed_in_service_date": "2025-10-10",
            }
        )
    )
    assert status(d, "termination") == "met"


def test_no_payment_leaves_acquisition_undetermined(rs):
    d = rs.evaluate(case(purchase={"first_payment_kind": "none"}))
    f = d.finding("termination")
    assert f.status == "undetermined" and "acquired" in f.missing and d.verdict == "undetermined"


@pytest.mark.parametrize(
    "day, regime, amount",
    [
        ("2022-12-31", "pre_ira", Decimal(7500)),
        ("2023-01-01", "interim_2023", Decimal(7500)),
        ("2023-04-17", "interim_2023", Decimal(7500)),
        ("2023-04-18", "sourcing", Decimal(7500)),
    ],
)
def test_regime_by_placed_in_service_date(rs, day, regime, amount):
    d = rs.evaluate(on(day))
    assert d.regime == regime and d.amount == amount


def test_interim_regime_ignores_sourcing_but_applies_msrp(rs):
    d = rs.evaluate(
        on(
            "2023-04-17",
            vehicle={
                "battery": {
                    "certified": {"critical_minerals_share": "0", "battery_components_share": "0"}
                }
            },
        )
    )
    assert d.amount == Decimal(7500) and status(d, "critical_minerals") == "not_applicable"
    d = rs.evaluate(
        on(
            "2023-04-18",
            vehicle={
                "battery": {
                    "certified": {"critical_minerals_share": "0", "battery_components_share": "0"}
                }
            },
        )
    )
    assert d.amount == 0 and d.verdict == "not_eligible"
    assert (
        status(
            rs.evaluate(
                on(
                    "2023-04-17",
                    vehicle={"msrp": {"base": "55000.01"}, "epa_label_class": "midsize"},
                )
            ),
            "msrp_cap",
        )
        == "not_met"
    )


def test_order_before_and_delivery_after_regime_change_uses_delivery(rs):
    d = rs.evaluate(
        case(
            purchase={
                "binding_contract_date": "2023-03-01",
                "first_payment_date": "2023-03-01",
                "sale_date": "2023-04-18",
                "placed_in_service_date": "2023-04-18",
            }
        )
    )
    assert d.regime == "sourcing"


def test_final_assembly_sale_window(rs):
    outside = {"final_assembly_country": "DE"}
    assert (
        status(rs.evaluate(on("2022-08-16", vehicle=outside)), "final_assembly") == "not_applicable"
    )
    assert status(rs.evaluate(on("2022-08-17", vehicle=outside)), "final_assembly") == "not_met"


@pytest.mark.parametrize(
    "filing_status, cap",
    [
        ("married_filing_jointly", 300000),
        ("qualifying_surviving_spouse", 300000),
        ("head_of_household", 225000),
        ("single", 150000),
        ("married_filing_separately", 150000),
    ],
)
def test_magi_equal_to_the_cap_passes_one_dollar_over_fails(rs, filing_status, cap):
    def buyer(magi):
        y = {"filing_status": filing_status, "magi": str(magi)}
        return {"buyer": {"current_year": y, "preceding_year": y}}

    assert status(rs.evaluate(case(**buyer(cap))), "magi_limit") == "met"
    assert (
        status(rs.evaluate(case(**buyer(Decimal(cap) + Decimal("0.01")))), "magi_limit")
        == "not_met"
    )


def test_magi_lesser_of_two_years_each_with_its_own_status(rs):
    d = rs.evaluate(
        case(
            buyer={
                "current_year": {"filing_status": "single", "magi": "400000"},
                "preceding_year": {"filing_status": "married_filing_jointly", "magi": "290000"},
            }
        )
    )
    assert status(d, "magi_limit") == "met"
    d = rs.evaluate(
        case(
            buyer={
                "current_year": {"filing_status": "single", "magi": "160000"},
                "preceding_year": {"filing_status": "head_of_household", "magi": "230000"},
            }
        )
    )
    assert status(d, "magi_limit") == "not_met" and d.amount == 0


def test_magi_missing_year_is_undetermined_unless_the_other_passes(rs):
    d = rs.evaluate(
        case(
            buyer={
                "current_year": {"filing_status": "single", "magi": "200000"},
                "preceding_year": None,
            }
        )
    )
    f = d.finding("magi_limit")
    assert f.status == "undetermined" and {"magi_preceding", "status_preceding"} <= set(f.missing)
    d = rs.evaluate(
        case(
            buyer={
                "current_year": {"filing_status": "single", "magi": "100000"},
                "preceding_year": None,
            }
        )
    )
    assert status(d, "magi_limit") == "met"


@pytest.mark.parametrize(
    "label, cap",
    [
        ("small_suv", "80000"),
        ("standard_pickup", "80000"),
        ("minivan", "80000"),
        ("midsize", "55000"),
    ],
)
def test_msrp_equal_to_the_cap_passes_one_cent_over_fails(rs, label, cap):
    at = rs.evaluate(case(vehicle={"epa_label_class": label, "msrp": {"base": cap}}))
    over = rs.evaluate(
        case(
            vehicle={
                "epa_label_class": label,
                "msrp": {"base": str(Decimal(cap) + Decimal("0.01"))},
            }
        )
    )
    assert status(at, "msrp_cap") == "met" and status(over, "msrp_cap") == "not_met"


def test_msrp_counts_manufacturer_options_not_destination_or_dealer_addons(rs):
    d = rs.evaluate(
        case(
            vehicle={
                "epa_label_class": "midsize",
                "msrp": {"base": "54000", "destination": "1500", "dealer_addons": "3000"},
            }
        )
    )
    assert status(d, "msrp_cap") == "met"
    d = rs.evaluate(
        case(
            vehicle={
                "epa_label_class": "midsize",
                "msrp": {"base": "54000", "manufacturer_options": "1000.01"},
            }
        )
    )
    assert status(d, "msrp_cap") == "not_met"


def test_gvwr_strictly_less_than_14000(rs):
    assert status(rs.evaluate(case(vehicle={"gvwr_lbs": 13999})), "gvwr") == "met"
    assert status(rs.evaluate(case(vehicle={"gvwr_lbs": 14000})), "gvwr") == "not_met"


@pytest.mark.parametrize(
    "day, at, below", [("2023-06-01", "7", "6.999"), ("2022-06-01", "4", "3.999")]
)
def test_battery_minimum_not_less_than(rs, day, at, below):
    assert (
        status(rs.evaluate(on(day, vehicle={"battery": {"capacity_kwh": at}})), "battery_capacity")
        == "met"
    )
    assert (
        status(
            rs.evaluate(on(day, vehicle={"battery": {"capacity_kwh": below}})), "battery_capacity"
        )
        == "not_met"
    )


@pytest.mark.parametrize(
    "day, cm, bc",
    [
        ("2023-12-31", "0.40", "0.50"),
        ("2024-01-01", "0.50", "0.60"),
        ("2024-12-31", "0.50", "0.60"),
        ("2025-01-01", "0.60", "0.60"),
        ("2025-12-31", "0.60", "0.60"),
        ("2026-01-01", "0.70", "0.70"),
        ("2027-01-01", "0.80", "0.80"),
        ("2028-01-01", "0.80", "0.90"),
        ("2029-01-01", "0.80", "1"),
    ],
)
def test_percentage_cliffs_exact_share_meets_and_one_ppm_less_fails(rs, day, cm, bc):
    contract = (
        {"binding_contract_date": "2025-09-01", "first_payment_date": "2025-09-01"}
        if day > "2025-09-30"
        else {}
    )

    def run(c, b):
        cert = {"critical_minerals_share": c, "battery_components_share": b}
        return rs.evaluate(
            case(
                purchase={
                    "sale_date": day,
                    "placed_in_service_date": day,
                    **(contract or {"binding_contract_date": day, "first_payment_date": day}),
                },
                vehicle={"battery": {"certified": cert}},
            )
        )

    exact = run(cm, bc)
    assert (
        status(exact, "critical_minerals") == "met" and status(exact, "battery_components") == "met"
    )
    less = run(str(Decimal(cm) - Decimal("0.000001")), str(Decimal(bc) - Decimal("0.000001")))
    assert (
        status(less, "critical_minerals") == "not_met"
        and status(less, "battery_components") == "not_met"
    )


def test_2026_placement_after_2025_acquisition_faces_2026_percentages(rs):
    d = rs.evaluate(
        case(
            purchase={
                "binding_contract_date": "2025-09-01",
                "first_payment_date": "2025-09-01",
                "sale_date": "2026-01-01",
                "placed_in_service_date": "2026-01-01",
            },
            vehicle={
                "battery": {
                    "certified": {
                        "critical_minerals_share": "0.65",
                        "battery_components_share": "0.65",
                    }
                }
            },
        )
    )
    assert d.amount == 0 and status(d, "termination") == "met"
    assert d.finding("critical_minerals").required == {"critical_minerals_required_share": "70%"}


@pytest.mark.parametrize(
    "rid, flag, last_off, first_on",
    [
        ("feoc_components", "feoc_compliant_components", "2023-12-31", "2024-01-01"),
        ("feoc_minerals", "feoc_compliant_minerals", "2024-12-31", "2025-01-01"),
    ],
)
def test_feoc_start_dates(rs, rid, flag, last_off, first_on):
    bad = {"vehicle": {"battery": {"certified": {flag: False}}}}
    assert status(rs.evaluate(on(last_off, **bad)), rid) == "not_applicable"
    d = rs.evaluate(on(first_on, **bad))
    assert status(d, rid) == "not_met" and d.amount == 0


@pytest.mark.parametrize(
    "kwh, amount",
    [
        ("4", 2500),
        ("4.9", 2500),
        ("5", 2917),
        ("5.5", 3126),
        ("16", 7500),
        ("15", 7087),
        ("100", 7500),
    ],
)
def test_pre_2023_capacity_formula(rs, kwh, amount):
    d = rs.evaluate(
        on(
            "2021-03-01",
            vehicle={"manufacturer": "Example Motors", "battery": {"capacity_kwh": kwh}},
        )
    )
    assert d.regime == "pre_ira" and d.amount == Decimal(amount)


def test_interim_formula_minimum_is_3751_at_7_kwh(rs):
    assert rs.evaluate(
        on("2023-02-01", vehicle={"battery": {"capacity_kwh": "7"}})
    ).amount == Decimal(3751)


@pytest.mark.parametrize(
    "sold, amount",
    [
        ("2018-12-31", 7500),
        ("2019-01-01", 3750),
        ("2019-06-30", 3750),
        ("2019-07-01", 1875),
        ("2019-12-31", 1875),
        ("2020-01-01", 0),
    ],
)
def test_tesla_phase_out_quarters(rs, sold, amount):
    d = rs.evaluate(on(sold, vehicle={"manufacturer": "Tesla", "battery": {"capacity_kwh": "75"}}))
    assert d.amount == Decimal(amount)


def test_phase_out_ends_for_sales_after_2022(rs):
    d = rs.evaluate(
        on("2023-02-01", vehicle={"manufacturer": "Tesla", "battery": {"capacity_kwh": "75"}})
    )
    assert d.amount == Decimal(7500)


def test_pre_ira_acquired_after_2009(rs):
    assert status(rs.evaluate(on("2010-01-01")), "pre_ira_acquisition") == "met"
    d = rs.evaluate(
        case(
            purchase={
                "binding_contract_date": "2009-12-31",
                "first_payment_date": "2009-12-31",
                "sale_date": "2010-01-05",
                "placed_in_service_date": "2010-01-05",
            }
        )
    )
    assert status(d, "pre_ira_acquisition") == "not_met"


@pytest.mark.parametrize(
    "field, value, rid",
    [
        ("original_use", False, "original_use"),
        ("for_resale", True, "not_for_resale"),
        ("seller_report", False, "seller_report"),
    ],
)
def test_purchase_gates(rs, field, value, rid):
    d = rs.evaluate(case(purchase={field: value}))
    assert status(d, rid) == "not_met" and d.verdict == "not_eligible"


@pytest.mark.parametrize(
    "field, value, rid",
    [
        ("qualified_manufacturer", False, "qualified_manufacturer"),
        ("motor_vehicle", False, "motor_vehicle"),
    ],
)
def test_vehicle_gates(rs, field, value, rid):
    d = rs.evaluate(case(vehicle={field: value}))
    assert status(d, rid) == "not_met" and d.amount == 0


def test_external_charging_gate(rs):
    d = rs.evaluate(case(vehicle={"battery": {"externally_rechargeable": False}}))
    assert status(d, "external_charging") == "not_met"


def test_before_2010_no_regime(rs):
    d = rs.evaluate(on("2009-06-01"))
    assert d.regime is None and d.verdict == "not_eligible" and d.amount == 0
