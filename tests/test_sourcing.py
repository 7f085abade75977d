"""Critical minerals and battery components computed from provenance, checked by hand."""

from fractions import Fraction

import pytest
from conftest import case, dated, status

from ira30d import InputError

METHODS = ["value_added_50", "traced_qualifying_value"]


def st(activity, country, share=1, entity=None):
    """A stage doing ``share`` (default: all) of its activity's value added in the chain."""
    s = {"activity": activity, "country": country, "share": str(share)}
    if entity:
        s["entity"] = entity
    return s


def chain(cid, value, *stages, mineral="lithium", material=None):
    c = {"id": cid, "mineral": mineral, "value": str(value), "stages": list(stages)}
    if material:
        c["material"] = material
    return c


def with_chains(*chains, day="2024-06-01", **battery):
    dates = dated(day)
    return case(
        purchase=dates,
        vehicle={
            "battery": {
                "certified": None,
                "mineral_chains": list(chains),
                "components": [
                    {"id": "m", "kind": "battery_module", "value": "1", "country": "US"}
                ],
                **battery,
            }
        },
    )


def content(rs, c, method):
    d = rs.evaluate(c, method=method)
    return Fraction(d.figures["critical_minerals_share"]), d


@pytest.mark.parametrize(
    "method, expected",
    [("value_added_50", Fraction(1, 2)), ("traced_qualifying_value", Fraction(1, 2))],
)
def test_chain_qualifying_by_extraction_only(rs, method, expected):
    c = with_chains(
        chain("a", 100, st("extraction", "AU"), st("processing", "CN")),
        chain("b", 100, st("extraction", "CD"), st("processing", "CN")),
    )
    share, d = content(rs, c, method)
    assert share == expected
    item = d.finding("critical_minerals").line_items[0]
    assert item["qualifies"] and item["by"] == "extraction" and "AU" in item["reason"]


def test_chain_qualifying_by_processing_only(rs):
    c = with_chains(chain("a", 100, st("extraction", "CD"), st("processing", "US")))
    for method in METHODS:
        share, d = content(rs, c, method)
        assert share == 1 and d.finding("critical_minerals").line_items[0]["by"] == "processing"


def test_recycling_counts_only_in_north_america(rs):
    na = with_chains(
        chain("r", 100, st("recycling", "CA")), chain("x", 100, st("extraction", "CD"))
    )
    kr = with_chains(
        chain("r", 100, st("recycling", "KR")), chain("x", 100, st("extraction", "CD"))
    )
    for method in METHODS:
        assert content(rs, na, method)[0] == Fraction(1, 2)
        assert (
            content(rs, kr, method)[0] == 0
        )  # KR is an FTA partner, but recycling must be in North America


def test_split_processing_across_fta_and_non_fta_country(rs):
    c = with_chains(
        chain(
            "a",
            1000,
            st("extraction", "CD"),
            st("processing", "KR", "0.6"),
            st("processing", "CN", "0.4"),
        ),
        chain("b", 1000, st("extraction", "CD"), st("processing", "CN")),
    )
    assert content(rs, c, "value_added_50")[0] == Fraction(
        1, 2
    )  # 60% >= 50%: the whole chain counts
    assert content(rs, c, "traced_qualifying_value")[0] == Fraction(3, 10)  # 0.6 * 1000 of 2000
    below = with_chains(
        chain(
            "a",
            1000,
            st("extraction", "CD"),
            st("processing", "KR", "0.49"),
            st("processing", "CN", "0.51"),
        )
    )
    assert content(rs, below, "value_added_50")[0] == 0
    assert content(rs, below, "traced_qualifying_value")[0] == Fraction(49, 100)


def test_japan_critical_minerals_agreement_counts_and_can_be_removed(rs):
    c = with_chains(chain("jp", 100, st("extraction", "CD"), st("processing", "JP")))
    assert content(rs, c, "value_added_50")[0] == 1
    without = rs.with_countries(remove={"cma_partners": ["JP"]}, name="no-japan")
    d = without.evaluate(c)
    assert (
        Fraction(d.figures["critical_minerals_share"]) == 0 and d.provenance.countries == "no-japan"
    )


def test_exactly_the_required_share_meets_it_and_a_hair_less_does_not(rs):
    exact = with_chains(
        chain("q", 1, st("extraction", "US")), chain("n", 1, st("extraction", "CD"))
    )
    assert status(rs.evaluate(exact), "critical_minerals") == "met"  # 50% in 2024
    less = with_chains(
        chain("q", 999999, st("extraction", "US")), chain("n", 1000001, st("extraction", "CD"))
    )
    d = rs.evaluate(less)
    assert status(d, "critical_minerals") == "not_met"
    assert Fraction(d.figures["critical_minerals_share"]) == Fraction(999999, 2000000)


def test_one_third_is_not_rounded_up_across_the_engine_boundary(rs):
    third = with_chains(
        chain("q", 1, st("extraction", "US")),
        chain("n", 2, st("extraction", "CD")),
        day="2023-06-01",
    )
    d = rs.evaluate(third)
    assert status(d, "critical_minerals") == "not_met"  # 33.33...% < 40%


def test_unknown_mineral_is_rejected_with_the_field(rs):
    with pytest.raises(InputError) as e:
        rs.evaluate(with_chains(chain("u", 1, st("extraction", "US"), mineral="unobtainium")))
    assert e.value.code == "unknown_mineral" and "mineral_chains[0].mineral" in e.value.field


def test_explanation_lists_each_chain_with_its_contribution(rs):
    d = rs.evaluate(
        with_chains(
            chain("a", 300, st("extraction", "CL")), chain("b", 100, st("extraction", "CD"))
        )
    )
    text = d.explain()
    assert (
        "a (" in text
        and "contribution=300.00" in text
        and "b (" in text
        and "does not qualify" in text
    )
    assert "75%" in d.finding("critical_minerals").explanation


# --- battery components ---------------------------------------------------------------------


def with_components(*components, day="2024-06-01"):
    dates = dated(day)
    return case(
        purchase=dates,
        vehicle={
            "battery": {
                "certified": {"critical_minerals_share": "1", "feoc_compliant_minerals": True},
                "components": list(components),
            }
        },
    )


def comp(cid, kind, value, country, *contains):
    return {
        "id": cid,
        "kind": kind,
        "value": str(value),
        "country": country,
        "contains": list(contains),
    }


def test_containment_three_levels_deep_uses_incremental_values(rs):
    c = with_components(
        comp("cathode", "cathode_electrode", 300, "US"),
        comp("cell", "battery_cell", 700, "CN", "cathode"),
        comp("module", "battery_module", 1000, "KR", "cell"),
    )
    d = rs.evaluate(c)
    assert Fraction(d.figures["battery_components_share"]) == Fraction(3, 10)
    items = {i["id"]: i for i in d.finding("battery_components").line_items}
    assert (
        items["cathode"]["incremental_value"],
        items["cell"]["incremental_value"],
        items["module"]["incremental_value"],
    ) == ("300", "400", "300")


def test_component_boundary_at_60_percent(rs):
    at = with_components(comp("a", "battery_cell", 60, "MX"), comp("b", "battery_cell", 40, "KR"))
    below = with_components(
        comp("a", "battery_cell", "59.9999", "MX"), comp("b", "battery_cell", "40.0001", "KR")
    )
    assert status(rs.evaluate(at), "battery_components") == "met"
    assert status(rs.evaluate(below), "battery_components") == "not_met"


@pytest.mark.parametrize(
    "components, code",
    [
        (
            [comp("a", "battery_cell", 1, "US", "b"), comp("b", "battery_module", 2, "US", "a")],
            "containment_cycle",
        ),
        (
            [
                comp("a", "battery_module", 5, "US", "c"),
                comp("b", "battery_module", 5, "US", "c"),
                comp("c", "battery_cell", 1, "US"),
            ],
            "contained_twice",
        ),
        ([comp("a", "battery_module", 5, "US", "zz")], "unknown_component"),
        (
            [comp("a", "battery_module", 1, "US", "b"), comp("b", "battery_cell", 2, "US")],
            "negative_incremental_value",
        ),
        ([comp("a", "cathode_active_material", 1, "US")], "unknown_component_kind"),
    ],
)
def test_component_errors_are_clear(rs, components, code):
    with pytest.raises(InputError) as e:
        rs.evaluate(with_components(*components))
    assert e.value.code == code and "components" in e.value.field


# --- certified figures ----------------------------------------------------------------------


def test_certified_figures_are_used_when_no_provenance(rs):
    d = rs.evaluate(case())
    assert (
        d.basis["critical_minerals"] == "certified" and d.basis["battery_components"] == "certified"
    )


def test_provenance_wins_over_certification_and_disagreement_is_a_finding(rs):
    c = with_chains(
        chain("q", 1, st("extraction", "US")),
        chain("n", 1, st("extraction", "CD")),
        certified={"critical_minerals_share": "0.9"},
    )
    d = rs.evaluate(c)
    assert d.basis["critical_minerals"].startswith("provenance")
    f = d.finding("critical_minerals_certification")
    assert f.status == "not_met" and "40%" in f.explanation
    agree = with_chains(
        chain("q", 1, st("extraction", "US")),
        chain("n", 1, st("extraction", "CD")),
        certified={"critical_minerals_share": "0.50009"},
    )
    assert status(rs.evaluate(agree), "critical_minerals_certification") == "met"


def test_method_is_recorded(rs):
    c = with_chains(chain("q", 1, st("extraction", "US")))
    assert rs.evaluate(c).critical_minerals_method == "value_added_50"
    assert (
        rs.evaluate(c, method="traced_qualifying_value").critical_minerals_method
        == "traced_qualifying_value"
    )


def test_bundled_rich_battery_both_methods(rs):
    import ira30d

    ex = ira30d.example("full_credit_2024")
    b = ex["vehicle"]["battery"]
    assert len(b["mineral_chains"]) >= 8 and len(b["components"]) >= 6
    a = rs.evaluate(ex, method="value_added_50")
    t = rs.evaluate(ex, method="traced_qualifying_value")
    assert Fraction(a.figures["critical_minerals_share"]) == Fraction(4350, 4850)
    # traced: ni_2 counts half (250 of 500), co_1 counts 60% (240 of 400), ni_3 nothing
    assert Fraction(t.figures["critical_minerals_share"]) == Fraction(4350 - 250 - 160, 4850)
    assert Fraction(a.figures["battery_components_share"]) == Fraction(5800, 6500)
    assert len(a.finding("critical_minerals").line_items) == len(b["mineral_chains"])
