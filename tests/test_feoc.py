"""Foreign entity of concern: each test of DOE's interpretation on its own, each date, the transition."""
import pytest

from conftest import case, status


def battery(entity, *, day="2025-06-01", country="KR", material=None, election=False, where="component"):
    dates = {k: day for k in ("binding_contract_date", "first_payment_date", "sale_date", "placed_in_service_date")}
    e = {"id": "sup", "name": "Supplier Co", **entity}
    b = {"certified": {"critical_minerals_share": "1", "battery_components_share": "1",
                       "feoc_compliant_components": True, "feoc_compliant_minerals": True},
         "entities": [e], "impracticable_to_trace_election": election}
    if where == "component":
        b["components"] = [{"id": "cell", "kind": "battery_cell", "value": "100", "country": country, "entity": "sup"}]
    else:
        c = {"id": "g", "mineral": "graphite", "value": "10",
             "stages": [{"activity": "processing", "country": country, "entity": "sup", "value_added": "1"}]}
        if material:
            c["material"] = material
        b["mineral_chains"] = [c]
    return case(purchase=dates, vehicle={"battery": b})


@pytest.mark.parametrize("metric", ["government_board_share", "government_voting_share", "government_equity_share"])
def test_each_25_percent_metric_on_its_own(rs, metric):
    assert status(rs.evaluate(battery({metric: "0.2499"})), "feoc_components") == "met"
    d = rs.evaluate(battery({metric: "0.25"}))
    f = d.finding("feoc_components")
    assert f.status == "not_met" and d.amount == 0
    assert "Supplier Co" in f.line_items[0]["reason"] and metric.split("_")[1] in f.line_items[0]["reason"]


def test_metrics_are_not_added_together(rs):
    d = rs.evaluate(battery({"government_board_share": "0.2", "government_voting_share": "0.2", "government_equity_share": "0.2"}))
    assert status(d, "feoc_components") == "met"


@pytest.mark.parametrize("entity, country, needle", [
    ({"effective_control_license": True}, "KR", "effective control"),
    ({"designated": True}, "KR", "designated"),
    ({"incorporated_in": "CN"}, "KR", "incorporated in CN"),
    ({"principal_place_of_business": "RU"}, "KR", "principal place of business in RU"),
    ({}, "CN", "activity performed in CN"),
])
def test_other_feoc_tests(rs, entity, country, needle):
    f = rs.evaluate(battery(entity, country=country)).finding("feoc_components")
    assert f.status == "not_met" and needle in f.line_items[0]["reason"] and f.line_items[0]["id"] == "cell"


def test_non_feoc_entity_passes(rs):
    assert status(rs.evaluate(battery({"incorporated_in": "KR"})), "feoc_components") == "met"


def test_mineral_feoc_starts_2025(rs):
    bad = {"incorporated_in": "CN"}
    assert status(rs.evaluate(battery(bad, where="mineral", day="2024-12-31")), "feoc_minerals") == "not_applicable"
    assert status(rs.evaluate(battery(bad, where="mineral", day="2025-01-01")), "feoc_minerals") == "not_met"


def test_impracticable_to_trace_transition_and_its_end(rs):
    kw = dict(where="mineral", material="graphite", election=True)
    bad = {"incorporated_in": "CN"}
    contract = {"binding_contract_date": "2025-09-01", "first_payment_date": "2025-09-01"}
    d = rs.evaluate(_with(battery(bad, day="2026-12-31", **kw), contract))
    f = d.finding("feoc_minerals")
    assert f.status == "met" and f.exception == "impracticable_to_trace"
    assert status(rs.evaluate(_with(battery(bad, day="2027-01-01", **kw), contract)), "feoc_minerals") == "not_met"


def test_transition_needs_the_election_and_an_impracticable_material(rs):
    bad = {"incorporated_in": "CN"}
    assert status(rs.evaluate(battery(bad, where="mineral", material="graphite", election=False)), "feoc_minerals") == "not_met"
    assert status(rs.evaluate(battery(bad, where="mineral", material="cathode_active_material", election=True)), "feoc_minerals") == "not_met"


def _with(c, purchase):
    c["purchase"].update(purchase)
    return c


def test_attestation_contradicted_by_provenance_is_reported(rs):
    c = battery({"incorporated_in": "CN"})  # attested compliant, but the component maker is a FEOC
    d = rs.evaluate(c)
    assert status(d, "feoc_components") == "not_met"
    f = d.finding("feoc_attestation_consistency")
    assert f.status == "not_met" and "1 FEOC attestation" in f.explanation
    assert status(rs.evaluate(battery({"incorporated_in": "KR"})), "feoc_attestation_consistency") == "met"
