"""Foreign entity of concern: each DOE test on its own, each date, unknown supplier facts,
attestations."""

import pytest
from conftest import case, clear_facts, dated, status

CLEAR = clear_facts("KR")


def battery(
    entity,
    *,
    day="2025-06-01",
    country="KR",
    material=None,
    election=False,
    where="component",
    attest=True,
):
    """A 2025 case whose one component (or one mineral chain) is made by ``entity`` (CLEAR +
    overrides;
    ``None`` for no entity). ``attest``: the manufacturer's FEOC attestation (None: none given)."""
    dates = dated(day)
    cert = {
        "critical_minerals_share": "1",
        "battery_components_share": "1",  # None removes the key
        "feoc_compliant_components": attest,
        "feoc_compliant_minerals": attest,
    }
    b = {"certified": cert, "entities": [], "impracticable_to_trace_election": election}
    ref = {}
    if entity is not None:
        b["entities"] = [
            {
                "id": "sup",
                "name": "Supplier Co",
                **{k: v for k, v in {**CLEAR, **entity}.items() if v is not None},
            }
        ]
        ref = {"entity": "sup"}
    if where == "component":
        b["components"] = [
            {"id": "cell", "kind": "battery_cell", "value": "100", "country": country, **ref}
        ]
    else:
        c = {
            "id": "g",
            "mineral": "graphite",
            "value": "10",
            "stages": [{"activity": "processing", "country": country, "share": "1", **ref}],
        }
        if material:
            c["material"] = material
        b["mineral_chains"] = [c]
    return case(purchase=dates, vehicle={"battery": b})


@pytest.mark.parametrize(
    "metric", ["government_board_share", "government_voting_share", "government_equity_share"]
)
def test_each_25_percent_metric_on_its_own(rs, metric):
    assert status(rs.evaluate(battery({metric: "0.2499"})), "feoc_components") == "met"
    d = rs.evaluate(battery({metric: "0.25"}))
    f = d.finding("feoc_components")
    assert f.status == "not_met" and d.amount == 0
    assert (
        "Supplier Co" in f.line_items[0]["reason"]
        and metric.split("_")[1] in f.line_items[0]["reason"]
    )


def test_metrics_are_not_added_together(rs):
    d = rs.evaluate(
        battery(
            {
                "government_board_share": "0.2",
                "government_voting_share": "0.2",
                "government_equity_share": "0.2",
            }
        )
    )
    assert status(d, "feoc_components") == "met"


@pytest.mark.parametrize(
    "entity, country, needle",
    [
        ({"effective_control_license": True}, "KR", "effective control"),
        ({"designated": True}, "KR", "designated"),
        ({"incorporated_in": "CN"}, "KR", "incorporated in CN"),
        ({"principal_place_of_business": "RU"}, "KR", "principal place of business in RU"),
        ({}, "CN", "activity performed in CN"),
    ],
)
def test_other_feoc_tests(rs, entity, country, needle):
    f = rs.evaluate(battery(entity, country=country)).finding("feoc_components")
    assert (
        f.status == "not_met"
        and needle in f.line_items[0]["reason"]
        and f.line_items[0]["id"] == "cell"
    )


def test_non_feoc_entity_passes(rs):
    assert status(rs.evaluate(battery({}, attest=None)), "feoc_components") == "met"


# --- unknown is not compliant (regressions: these passed as "met" before) -------------------------


@pytest.mark.parametrize(
    "field",
    [
        "incorporated_in",
        "principal_place_of_business",
        "government_board_share",
        "government_voting_share",
        "government_equity_share",
        "effective_control_license",
        "designated",
    ],
)
def test_an_unknown_entity_fact_is_undetermined_and_named(rs, field):
    d = rs.evaluate(battery({field: None}, attest=None))
    f = d.finding("feoc_components")
    assert f.status == "undetermined" and d.verdict == "undetermined" and d.amount is None
    assert f.missing_inputs == [f"vehicle.battery.entities[0].{field}"]
    assert f.line_items[0]["id"] == "cell" and f.line_items[0]["feoc"] is None


def test_a_component_with_no_entity_is_undetermined(rs):
    f = rs.evaluate(battery(None, attest=None)).finding("feoc_components")
    assert f.status == "undetermined" and f.missing_inputs == [
        "vehicle.battery.components[0].entity"
    ]


def test_a_stated_zero_is_not_unknown(rs):
    assert (
        status(
            rs.evaluate(battery({"government_voting_share": "0"}, attest=None)), "feoc_components"
        )
        == "met"
    )


def test_a_covered_nation_decides_by_place_alone(rs):
    f = rs.evaluate(battery(None, country="CN", attest=None)).finding("feoc_components")
    assert (
        f.status == "not_met"
        and f.missing_inputs == []
        and "activity performed in CN" in f.line_items[0]["reason"]
    )


def test_a_known_feoc_decides_even_beside_unknowns(rs):
    c = battery({"incorporated_in": "CN", "designated": None}, attest=None)
    assert status(rs.evaluate(c), "feoc_components") == "not_met"


def test_the_manufacturer_attestation_stands_in_for_missing_entity_data(rs):
    d = rs.evaluate(battery(None, attest=True))
    f = d.finding("feoc_components")
    assert f.status == "met" and d.basis["feoc_components"] == "attestation"
    assert "manufacturer's attestation" in f.explanation and d.verdict == "eligible"


def test_an_attestation_of_non_compliance_is_never_overridden(rs):
    for entity in (None, {"designated": None}, {}):
        d = rs.evaluate(battery(entity, attest=False))
        assert status(d, "feoc_components") == "not_met" and d.amount == 0


def test_unknown_mineral_suppliers_only_matter_once_the_mineral_rule_applies(rs):
    assert (
        status(
            rs.evaluate(battery(None, where="mineral", day="2024-12-31", attest=None)),
            "feoc_minerals",
        )
        == "not_applicable"
    )
    f = rs.evaluate(battery(None, where="mineral", day="2025-01-01", attest=None)).finding(
        "feoc_minerals"
    )
    assert f.status == "undetermined" and f.missing_inputs == [
        "vehicle.battery.mineral_chains[0].stages[0].entity"
    ]


# --- dates and the impracticable-to-trace transition -------------------------------------------


def test_mineral_feoc_starts_2025(rs):
    bad = {"incorporated_in": "CN"}
    assert (
        status(rs.evaluate(battery(bad, where="mineral", day="2024-12-31")), "feoc_minerals")
        == "not_applicable"
    )
    assert (
        status(rs.evaluate(battery(bad, where="mineral", day="2025-01-01")), "feoc_minerals")
        == "not_met"
    )


def test_component_feoc_starts_2024(rs):
    bad = {"incorporated_in": "CN"}
    assert (
        status(rs.evaluate(battery(bad, day="2023-12-31")), "feoc_components") == "not_applicable"
    )
    assert status(rs.evaluate(battery(bad, day="2024-01-01")), "feoc_components") == "not_met"


def _with(c, purchase):
    c["purchase"].update(purchase)
    return c


def test_impracticable_to_trace_transition_and_its_end(rs):
    kw = dict(where="mineral", material="graphite", election=True)
    bad = {"incorporated_in": "CN"}
    contract = {"binding_contract_date": "2025-09-01", "first_payment_date": "2025-09-01"}
    d = rs.evaluate(_with(battery(bad, day="2026-12-31", **kw), contract))
    f = d.finding("feoc_minerals")
    assert f.status == "met" and f.exception == "impracticable_to_trace"
    assert (
        status(rs.evaluate(_with(battery(bad, day="2027-01-01", **kw), contract)), "feoc_minerals")
        == "not_met"
    )


@pytest.mark.parametrize(
    "material, excluded",
    [
        ("graphite", True),
        ("electrolyte_salt", True),
        ("electrode_binder", True),
        ("electrolyte_additive", True),
        ("cathode_active_material", False),
    ],
)
def test_the_impracticable_to_trace_materials(rs, material, excluded):
    d = rs.evaluate(
        battery({"incorporated_in": "CN"}, where="mineral", material=material, election=True)
    )
    assert status(d, "feoc_minerals") == ("met" if excluded else "not_met")


def test_transition_needs_the_election_and_an_impracticable_material(rs):
    bad = {"incorporated_in": "CN"}
    assert (
        status(
            rs.evaluate(battery(bad, where="mineral", material="graphite", election=False)),
            "feoc_minerals",
        )
        == "not_met"
    )
    assert (
        status(
            rs.evaluate(
                battery(bad, where="mineral", material="cathode_active_material", election=True)
            ),
            "feoc_minerals",
        )
        == "not_met"
    )


def test_unknown_suppliers_of_impracticable_materials_are_excluded_under_the_election(rs):
    c = battery(None, where="mineral", material="graphite", election=True, attest=None)
    f = rs.evaluate(c).finding("feoc_minerals")
    assert f.status == "met" and f.exception == "impracticable_to_trace"


# --- attestation consistency -------------------------------------------------------------------


def test_attestation_contradicted_by_provenance_is_reported(rs):
    d = rs.evaluate(
        battery({"incorporated_in": "CN"})
    )  # attested compliant, but the maker is a FEOC
    assert status(d, "feoc_components") == "not_met"
    f = d.finding("feoc_components_attestation")
    assert f.status == "not_met" and "contradicts" in f.explanation
    assert status(rs.evaluate(battery({})), "feoc_components_attestation") == "met"


def test_the_mineral_attestation_check_applies_only_with_the_mineral_rule(rs):
    """Regression: in 2024 a mineral attestation was checked though the mineral FEOC rule starts in
    2025."""
    bad = {"incorporated_in": "CN"}
    assert (
        status(
            rs.evaluate(battery(bad, where="mineral", day="2024-06-01")),
            "feoc_minerals_attestation",
        )
        == "not_applicable"
    )
    assert (
        status(
            rs.evaluate(battery(bad, where="mineral", day="2025-01-01")),
            "feoc_minerals_attestation",
        )
        == "not_met"
    )
