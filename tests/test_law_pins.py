"""Facts of law pinned with their own literals (never read from rules/): if someone drops an FTA
partner, moves Japan's start by a day, edits a phase-out schedule or the EPA class map, a test
here fails. Each dated start gets a pair of cases: the day before and the day of."""

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from conftest import case, clear_facts, on, status

import ira30d
from ira30d import InputError

FTA = {
    "AU": "2005-01-01",
    "BH": "2006-08-01",
    "CA": "2020-07-01",
    "CL": "2004-01-01",
    "CO": "2012-05-15",
    "CR": "2009-01-01",
    "DO": "2007-03-01",
    "SV": "2006-03-01",
    "GT": "2006-07-01",
    "HN": "2006-04-01",
    "IL": "1985-08-19",
    "JO": "2001-12-17",
    "KR": "2012-03-15",
    "MX": "2020-07-01",
    "MA": "2006-01-01",
    "NI": "2006-04-01",
    "OM": "2009-01-01",
    "PA": "2012-10-31",
    "PE": "2009-02-01",
    "SG": "2004-01-01",
}
CMA = {"JP": "2023-03-28"}
COVERED = {"CN": "2021-11-15", "RU": "2021-11-15", "KP": "2021-11-15", "IR": "2021-11-15"}
CLEAR = {"id": "ok", "name": "Clear Co", **clear_facts("US")}


def members(name):
    cl = ira30d.default_ruleset().countries.lists[name]
    return {m.code: (m.since.isoformat() if m.since else None) for m in cl.members}


@pytest.mark.parametrize(
    "name, expected",
    [
        ("fta_partners", FTA),
        ("cma_partners", CMA),
        ("covered_nations", COVERED),
        ("north_america", {"US": None, "CA": None, "MX": None}),
        ("united_states", {"US": None}),
    ],
)
def test_every_country_list_exactly(name, expected):
    assert members(name) == expected


def processed_in(country, day):
    """A vehicle-level question on ``day`` whose one mineral chain is processed in ``country``."""
    chain = {
        "id": "c",
        "mineral": "lithium",
        "value": "100",
        "stages": [{"activity": "processing", "country": country, "share": "1", "entity": "ok"}],
    }
    return {
        "vehicle": {
            **case()["vehicle"],
            "battery": {"capacity_kwh": "60", "entities": [CLEAR], "mineral_chains": [chain]},
        },
        "on": day,
    }


@pytest.mark.parametrize("code, since", sorted({**FTA, **CMA}.items()))
def test_each_partner_counts_from_its_first_day(rs, code, since):
    start = date.fromisoformat(since)
    before = rs.evaluate(processed_in(code, (start - timedelta(days=1)).isoformat()))
    first = rs.evaluate(processed_in(code, since))
    assert Fraction(before.figures["critical_minerals_share"]) == 0
    assert Fraction(first.figures["critical_minerals_share"]) == 1


def test_japan_counts_from_2023_03_28_not_a_day_earlier(rs):
    assert (
        Fraction(rs.evaluate(processed_in("JP", "2023-03-27")).figures["critical_minerals_share"])
        == 0
    )
    assert (
        Fraction(rs.evaluate(processed_in("JP", "2023-03-28")).figures["critical_minerals_share"])
        == 1
    )


def made_in(country, day):
    cell = {
        "id": "cell",
        "kind": "battery_cell",
        "value": "100",
        "country": country,
        "entity": "ok",
    }
    return {
        "vehicle": {
            **case()["vehicle"],
            "battery": {"capacity_kwh": "60", "entities": [CLEAR], "components": [cell]},
        },
        "on": day,
    }


@pytest.mark.parametrize("code", sorted(COVERED))
def test_each_covered_nation_from_its_first_day(rs, code):
    assert rs.evaluate(made_in(code, "2021-11-14")).facts["feoc_components"] == "0"
    assert rs.evaluate(made_in(code, "2021-11-15")).facts["feoc_components"] == "1"


@pytest.mark.parametrize(
    "label, cap",
    [
        ("small_suv", 80000),
        ("standard_suv", 80000),
        ("small_pickup", 80000),
        ("standard_pickup", 80000),
        ("minivan", 80000),
        ("van", 80000),
        ("two_seater", 55000),
        ("minicompact", 55000),
        ("subcompact", 55000),
        ("compact", 55000),
        ("midsize", 55000),
        ("large", 55000),
        ("small_station_wagon", 55000),
        ("midsize_station_wagon", 55000),
        ("large_station_wagon", 55000),
        ("special_purpose_vehicle", 55000),
        ("Special Purpose Vehicle", 55000),
        ("Small SUV", 80000),
    ],
)
def test_epa_label_class_map(rs, label, cap):
    at = rs.evaluate(case(vehicle={"epa_label_class": label, "msrp": {"base": str(cap)}}))
    over = rs.evaluate(case(vehicle={"epa_label_class": label, "msrp": {"base": str(cap + 1)}}))
    assert status(at, "msrp_cap") == "met" and status(over, "msrp_cap") == "not_met"


def test_an_unknown_label_class_is_an_error_listing_the_known_ones(rs):
    with pytest.raises(InputError) as e:
        rs.evaluate(case(vehicle={"epa_label_class": "hovercraft"}))
    assert e.value.code == "unknown_class" and e.value.field == "vehicle.epa_label_class"
    assert "special_purpose_vehicle" in e.value.reason and "small_suv" in e.value.reason


# --- exact comparisons: rounding is for display only ------------------------------------------


def test_magi_a_fraction_of_a_cent_over_exceeds_the_limit(rs):
    y = {"filing_status": "single", "magi": "150000.004"}
    d = rs.evaluate(case(buyer={"current_year": y, "preceding_year": y}))
    f = d.finding("magi_limit")
    assert f.status == "not_met" and "$150,000.004" in f.explanation
    at = {"filing_status": "single", "magi": "150000.000"}
    assert (
        status(rs.evaluate(case(buyer={"current_year": at, "preceding_year": at})), "magi_limit")
        == "met"
    )


def test_msrp_a_fraction_of_a_cent_over_exceeds_the_cap(rs):
    d = rs.evaluate(case(vehicle={"epa_label_class": "midsize", "msrp": {"base": "55000.001"}}))
    assert status(d, "msrp_cap") == "not_met" and d.finding("msrp_cap").actual == {
        "msrp": "$55,000.001",
        "msrp_class": "other",
    }


def test_a_share_a_hair_under_60_percent_is_below_it(rs):
    c = case(vehicle={"battery": {"certified": {"battery_components_share": "0.5999999"}}})
    assert status(rs.evaluate(c), "battery_components") == "not_met"


# --- the 2023-01-01 windows -----------------------------------------------------------------


@pytest.mark.parametrize(
    "rid, bad",
    [
        ("seller_report", {"purchase": {"seller_report": False}}),
        ("qualified_manufacturer", {"vehicle": {"qualified_manufacturer": False}}),
        ("msrp_cap", {"vehicle": {"epa_label_class": "midsize", "msrp": {"base": "60000"}}}),
        (
            "magi_limit",
            {
                "buyer": {
                    "current_year": {"filing_status": "single", "magi": "200000"},
                    "preceding_year": {"filing_status": "single", "magi": "200000"},
                }
            },
        ),
        ("battery_capacity", {"vehicle": {"battery": {"capacity_kwh": "6"}}}),
    ],
)
def test_the_ira_requirements_start_with_2023(rs, rid, bad):
    assert status(rs.evaluate(on("2022-12-31", **bad)), rid) in ("not_applicable", "met")
    assert status(rs.evaluate(on("2023-01-01", **bad)), rid) == "not_met"


def test_the_phase_out_applies_only_before_2023(rs):
    assert (
        status(
            rs.evaluate(on("2022-12-31", vehicle={"manufacturer": "Tesla"})),
            "manufacturer_phaseout",
        )
        == "not_met"
    )
    assert (
        status(
            rs.evaluate(on("2023-01-01", vehicle={"manufacturer": "Tesla"})),
            "manufacturer_phaseout",
        )
        == "not_applicable"
    )


# --- verdicts that must stay undetermined --------------------------------------------------------


def test_an_undetermined_credit_part_makes_the_verdict_undetermined(rs):
    c = case(vehicle={"battery": {"certified": {"critical_minerals_share": None}}})
    d = rs.evaluate(c)
    assert (
        status(d, "critical_minerals") == "undetermined"
        and status(d, "battery_components") == "met"
    )
    assert d.verdict == "undetermined" and d.amount is None
    assert (d.amount_if_undetermined_met, d.amount_if_undetermined_not_met) == (
        Decimal(7500),
        Decimal(3750),
    )


def test_an_outcome_the_same_on_every_date_is_decided(rs):
    c = case(purchase={"sale_date": None})
    assert status(rs.evaluate(c), "final_assembly") == "met"  # US is in North America on any date
    outside = case(purchase={"sale_date": None}, vehicle={"final_assembly_country": "DE"})
    f = rs.evaluate(outside).finding("final_assembly")
    assert f.status == "undetermined" and f.missing_inputs == ["purchase.sale_date"]


# --- the traced method takes the best activity -------------------------------------------------


def test_traced_method_takes_the_largest_qualifying_activity_share(rs):
    chain = {
        "id": "c",
        "mineral": "nickel",
        "value": "1000",
        "stages": [
            {"activity": "extraction", "country": "AU", "share": "1"},
            {"activity": "processing", "country": "CN", "share": "0.7"},
            {"activity": "processing", "country": "KR", "share": "0.3"},
        ],
    }
    c = case(vehicle={"battery": {"certified": None, "mineral_chains": [chain]}})
    assert (
        Fraction(
            rs.evaluate(c, method="traced_qualifying_value").figures["critical_minerals_share"]
        )
        == 1
    )
    assert Fraction(rs.evaluate(c, method="value_added_50").figures["critical_minerals_share"]) == 1


@pytest.mark.parametrize(
    "processing, va50, traced", [("0.5", 1, Fraction(1, 2)), ("0.4999", 0, Fraction(4999, 10000))]
)
def test_value_added_test_is_of_the_whole_activity_not_the_listed_part(
    rs, processing, va50, traced
):
    """Regression: shares that leave part of an activity unaccounted for count that part as not
    qualifying."""
    chain = {
        "id": "c",
        "mineral": "lithium",
        "value": "100",
        "stages": [{"activity": "processing", "country": "US", "share": processing}],
    }
    c = case(vehicle={"battery": {"certified": None, "mineral_chains": [chain]}})
    a = rs.evaluate(c, method="value_added_50")
    assert Fraction(a.figures["critical_minerals_share"]) == va50
    assert (
        Fraction(
            rs.evaluate(c, method="traced_qualifying_value").figures["critical_minerals_share"]
        )
        == traced
    )
    item = a.finding("critical_minerals").line_items[0]
    if va50 == 0:
        assert "not accounted for (counts as not qualifying)" in item["reason"]


def test_shares_over_the_whole_are_an_input_error_naming_the_chain(rs):
    chain = {
        "id": "li_7",
        "mineral": "lithium",
        "value": "100",
        "stages": [
            {"activity": "processing", "country": "US", "share": "0.6"},
            {"activity": "processing", "country": "CN", "share": "0.5"},
        ],
    }
    with pytest.raises(ira30d.InputError) as e:
        rs.evaluate(case(vehicle={"battery": {"mineral_chains": [chain]}}))
    assert e.value.field == "vehicle.battery.mineral_chains[0]"
    assert "chain 'li_7': the processing shares add up to 1.1, more than the whole (1)" in str(
        e.value
    )


def test_old_value_added_input_says_what_replaced_it(rs):
    chain = {
        "id": "c",
        "mineral": "lithium",
        "value": "100",
        "stages": [{"activity": "processing", "country": "US", "value_added": "40"}],
    }
    with pytest.raises(ira30d.InputError) as e:
        rs.evaluate(case(vehicle={"battery": {"mineral_chains": [chain]}}))
    assert "'value_added' was replaced by 'share'" in str(e.value)


# --- certifications say how they were computed ----------------------------------------------


def test_certification_method_and_period_are_used_and_recorded(rs):
    d = rs.evaluate(ira30d.example("minerals_half_only"))
    assert d.certification == {"method": "value_added_50", "period": "2025 annual"}
    assert d.basis["critical_minerals"] == "certified (method value_added_50, period 2025 annual)"
    assert d.critical_minerals_method == "value_added_50"


def test_the_certification_check_computes_by_the_certified_method(rs):
    chain = {
        "id": "c",
        "mineral": "lithium",
        "value": "100",
        "stages": [
            {"activity": "processing", "country": "US", "share": "0.6"},
            {"activity": "processing", "country": "CN", "share": "0.4"},
        ],
    }
    cert = {"critical_minerals_share": "0.6", "method": "traced_qualifying_value"}
    d = rs.evaluate(case(vehicle={"battery": {"certified": cert, "mineral_chains": [chain]}}))
    assert Fraction(d.figures["critical_minerals_share"]) == 1  # the default method, 50% test
    assert (
        status(d, "critical_minerals_certification") == "met"
    )  # 0.6 traced agrees with 0.6 certified


# --- citations: the law's words, or a paraphrase shown as one ------------------------------------


def test_seller_report_is_furnished_by_the_seller(rs):
    f = rs.evaluate(case()).finding("seller_report")
    assert f.excerpt == (
        "with respect to which the person who sells any vehicle to the taxpayer furnishes a report "
        "to the taxpayer and to the Secretary"
    )


def test_pre_ira_acquisition_date_cites_arra_1141c_as_a_paraphrase(rs):
    f = rs.evaluate(on("2015-01-01")).finding("pre_ira_acquisition")
    assert "1141(c)" in f.citation and f.excerpt is None and f.law_text.startswith("(paraphrase) ")


def test_the_irs_payment_wording():
    p = ira30d.default_ruleset().book.parameters["acquisition_payment_kinds"]
    assert (
        p.spec.reference[0].excerpt
        == "A payment includes a nominal downpayment or a vehicle trade-in."
    )


def test_covered_nations_are_confirmed_by_the_statute():
    cl = ira30d.default_ruleset().countries.lists["covered_nations"]
    assert {m.confidence for m in cl.members} == {"C"} and all(
        "4872(d)(2)" in m.instrument for m in cl.members
    )
