"""What a determination says and records."""

import json
from decimal import Decimal

import pytest
from conftest import case, status
from pydantic import ValidationError

import ira30d


def test_missing_input_is_undetermined_and_named(rs):
    d = rs.evaluate(case(vehicle={"gvwr_lbs": None, "msrp": None}))
    assert status(d, "gvwr") == "undetermined" and d.finding("gvwr").missing == ["gvwr_lbs"]
    assert set(d.finding("msrp_cap").missing) == {"msrp"}
    assert d.verdict == "undetermined"


def test_missing_input_never_counts_as_a_failure(rs):
    d = rs.evaluate(case(vehicle={"qualified_manufacturer": None}))
    assert status(d, "qualified_manufacturer") == "undetermined" and d.verdict == "undetermined"
    # regression: the record used to show $7,500 as "the amount" of an undetermined verdict
    assert d.amount is None
    assert (d.amount_if_undetermined_met, d.amount_if_undetermined_not_met) == (
        Decimal(7500),
        Decimal(0),
    )
    assert "$7,500 if every undetermined requirement is met, $0 if none is" in d.explain()


def test_a_failed_gate_outweighs_an_undetermined_one(rs):
    d = rs.evaluate(case(vehicle={"qualified_manufacturer": None, "gvwr_lbs": 20000}))
    assert d.verdict == "not_eligible" and d.amount == 0


def test_vehicle_level_question_does_not_assess_the_buyer(rs):
    v = case()["vehicle"]
    d = rs.evaluate({"vehicle": v, "on": "2024-03-01"})
    assert d.question == "vehicle" and d.amount == Decimal(7500) and d.verdict == "eligible"
    for rid in ("magi_limit", "original_use", "seller_report"):
        f = d.finding(rid)
        assert f.status == "not_applicable" and f.explanation.startswith("Not assessed")


def test_purchase_without_buyer_is_the_maximum_credit(rs):
    d = rs.evaluate(case(buyer=None))
    assert (
        d.question == "purchase"
        and status(d, "magi_limit") == "not_applicable"
        and d.amount == 7500
    )


def test_finding_carries_actual_required_citation_and_excerpt(rs):
    f = rs.evaluate(case(vehicle={"gvwr_lbs": 14000})).finding("gvwr")
    assert f.actual == {"gvwr_lbs": "14,000 lbs"} and f.required == {"gvwr_limit_lbs": "14,000 lbs"}
    assert f.citation == "26 U.S.C. 30D(d)(1)(E)" and "14,000 pounds" in f.excerpt
    assert "14,000 lbs is not under 14,000 lbs" in f.explanation


def test_json_round_trip_and_schema_version(rs):
    d = rs.evaluate(ira30d.example("full_credit_2024"))
    again = ira30d.Determination.from_json(d.to_json())
    assert again == d and json.loads(d.to_json())["schema_version"] == "2"
    assert json.loads(d.to_json())["amount"] == "7500"


def test_engine_built_records_equal_constructed_ones_field_for_field(rs):
    """Findings, provenance and determination are built without their ``__init__`` on the hot
    path: every field must be set (or, for the texts, built when read), and the records must
    equal ones built the ordinary way."""
    import dataclasses

    d = rs.evaluate(ira30d.example("feoc_components_2024"), counterfactuals=True)
    for record in [d, d.provenance, *d.findings]:
        names = [f.name for f in dataclasses.fields(record)]
        later = set(getattr(record, "__later__", ())) if "_later" in vars(record) else set()
        assert set(vars(record)) - {"_later"} == set(names) - later
        assert type(record)(**{n: getattr(record, n) for n in names}) == record
        assert sorted(vars(record)) == sorted(names)  # built once read, the builder dropped
        with pytest.raises(dataclasses.FrozenInstanceError):
            setattr(record, names[0], None)


def test_provenance_records_rules_countries_input_and_backend(rs):
    d = rs.evaluate(case())
    p = d.provenance
    assert p.ruleset_version == rs.book.spec.version and len(p.ruleset_hash) == 64
    assert p.countries == "baseline" and p.countries_hash == rs.countries.hash
    assert p.backend == rs.backend
    assert rs.evaluate(case(vehicle={"gvwr_lbs": 5001})).provenance.input_hash != p.input_hash


def test_text_and_html_rendering(rs):
    d = rs.evaluate(ira30d.example("over_msrp_cap"))
    text = str(d)
    assert (
        "not eligible" in text
        and "[NOT MET]" in text
        and "exceeds the other cap of $55,000.00" in text
    )
    html = d._repr_html_()
    assert html.startswith('<div class="ira30d-determination">') and "MSRP at or under" in html
    assert '<tr class="ira30d-row" data-status="not_met">' in html and "✗ not met" in html
    assert "<details" in html and "4 line items" in html  # the MSRP parts fold away
    assert repr(d) == (
        "<Determination over_msrp_cap: not eligible, $0 (sourcing); 14 met, 1 not met, 8 n/a>"
    )
    assert len(repr(ira30d.compare([ira30d.example(n) for n in ira30d.example_names()]))) < 200


def test_adding_gb_flips_the_critical_minerals_half_and_says_why(rs):
    ex = ira30d.example("uk_processed_lithium")
    base = rs.evaluate(ex)
    uk = rs.scenario("uk_pact").evaluate(ex)
    assert (
        status(base, "critical_minerals") == "not_met" and status(uk, "critical_minerals") == "met"
    )
    assert (base.amount, uk.amount) == (Decimal(3750), Decimal(7500))
    assert (
        uk.provenance.countries == "baseline+uk_pact"
        and uk.provenance.countries_hash != base.provenance.countries_hash
    )
    reasons = [i["reason"] for i in uk.finding("critical_minerals").line_items if i["qualifies"]]
    assert any(
        "GB (cma_partners: US-UK critical minerals agreement (hypothetical))" in r for r in reasons
    )
    ad_hoc = rs.with_countries(add={"cma_partners": ["GB"]}).evaluate(ex)
    assert ad_hoc.amount == Decimal(7500) and "GB" in ad_hoc.provenance.countries


def test_two_rule_sets_live_side_by_side_and_can_be_rebuilt(rs):
    ex = ira30d.example("uk_processed_lithium")
    for _ in range(3):  # a notebook cell re-run
        uk = ira30d.RuleSet.load(backend=rs.backend).scenario("uk_pact")
        assert uk.evaluate(ex).amount == 7500 and rs.evaluate(ex).amount == 3750


def test_user_country_file_replaces_a_list(rs, tmp_path):
    f = tmp_path / "cma.yaml"
    f.write_text(
        "name: cma_partners\ndescription: mine\n"
        "members:\n  - {code: GB, since: 2020-01-01, instrument: test}\n"
    )
    d = rs.with_countries(files=[f], name="mine").evaluate(ira30d.example("uk_processed_lithium"))
    assert d.amount == 7500 and d.provenance.countries == "mine"


def test_unknown_country_code_suggests_one():
    with pytest.raises(ValidationError) as e:
        ira30d.Case.model_validate(case(vehicle={"final_assembly_country": "UK"}))
    assert "final_assembly_country" in str(e.value) and "did you mean GB" in str(e.value)


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"vehicle": {"gvwr_lbs": -1}}, "gvwr_lbs"),
        ({"vehicle": {"msrp": {"base": "NaN"}}}, "base"),
        ({"vehicle": {"msrp": {"base": "Infinity"}}}, "base"),
        ({"vehicle": {"battery": {"capacity_kwh": "-3"}}}, "capacity_kwh"),
        ({"purchase": {"placed_in_service_date": "2024-02-30"}}, "placed_in_service_date"),
        ({"vehicle": {"colour": "red"}}, "colour"),
    ],
)
def test_bad_input_names_the_field(bad, field):
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(case(**bad))
    assert e.value.field.endswith(field) and isinstance(e.value.__cause__, ValidationError)


def test_unknown_label_class_is_an_input_error(rs):
    with pytest.raises(ira30d.InputError) as e:
        rs.evaluate(case(vehicle={"epa_label_class": "spaceship"}))
    assert e.value.field == "vehicle.epa_label_class" and "small_suv" in e.value.reason


def test_bundled_examples_cover_the_demo_outcomes(rs):
    got = {n: rs.evaluate(ira30d.example(n)) for n in ira30d.example_names()}
    assert got["full_credit_2024"].amount == 7500
    assert got["minerals_half_only"].amount == 3750
    assert (
        got["feoc_components_2024"].amount == 0
        and status(got["feoc_components_2024"], "feoc_components") == "not_met"
    )
    assert (
        got["over_msrp_cap"].amount == 0 and status(got["over_msrp_cap"], "msrp_cap") == "not_met"
    )
    assert (
        got["acquired_after_termination"].amount == 0
        and status(got["acquired_after_termination"], "termination") == "not_met"
    )
    assert got["pre_2023_formula"].regime == "pre_ira" and got["pre_2023_formula"].amount == 3750


def test_line_items_are_built_when_read_and_the_cache_keeps_no_battery():
    """Deciding needs only facts: a chain's or supplier's line item is built when first read.
    The builders keep the battery's items, not the battery: once the case is gone, the measures
    cache holds nothing for it; the built items pickle and serialize as before."""
    import gc
    import pickle

    from ira30d._common.frozen import LazyItems

    rs = ira30d.RuleSet.load(backend="python")
    d = rs.evaluate(ira30d.example("unknown_supplier_2024"))
    gc.collect()
    assert len(rs._measurer._batteries) == 0
    lazy = [f.line_items for f in d.findings if isinstance(f.line_items, LazyItems)]
    assert len(lazy) == 3 and all(i._items is None for i in lazy)  # MSRP, components, FEOC
    text = d.explain()
    assert all(i._items is not None for i in lazy) and "unknown: " in text
    assert pickle.loads(pickle.dumps(d)) == d
    assert ira30d.Determination.from_json(d.to_json()) == d
    twin = rs.evaluate(ira30d.example("unknown_supplier_2024"))
    assert twin == d and twin.to_json() == d.to_json()


def test_finding_texts_are_built_when_read_and_equal_eager_ones():
    """Deciding needs statuses, not texts: a finding's explanation and compared values, and the
    determination's facts as text, are built on first reading, once; a pickled or JSON copy
    carries the built texts; the texts equal those of a determination read in full at once."""
    import pickle

    rs = ira30d.RuleSet.load(backend="python")
    d = rs.evaluate(ira30d.example("over_msrp_cap"))
    f = d.finding("msrp_cap")
    assert "explanation" not in vars(f) and "facts" not in vars(d)  # nothing rendered yet
    assert f.status == "not_met" and "explanation" not in vars(f)
    assert f.actual["msrp_class"] == "other" and "_later" not in vars(f)
    assert f.explanation.startswith("MSRP $") and "{" not in f.explanation
    assert d.facts["msrp_class"] == "other" and "_later" not in vars(d)
    copy = pickle.loads(pickle.dumps(rs.evaluate(ira30d.example("over_msrp_cap"))))
    assert all("_later" not in vars(g) for g in copy.findings) and copy == d
    read = ira30d.Determination.from_json(d.to_json())
    assert read == d and read.explain() == d.explain()
    window = rs.evaluate(ira30d.example("full_credit_2024")).finding("pre_ira_acquisition")
    assert window.status == "not_applicable"  # a dated window that does not apply names its date
    assert window.explanation == "Does not apply: placed-in-service date 2024-06-10."


def test_line_items_shared_by_one_battery_design_are_read_only(rs):
    """Regression: clearing one determination's line items used to empty the next one's (they are
    shared through the measures cache)."""
    battery = ira30d.Case.model_validate(ira30d.example("full_credit_2024"))
    first, second = rs.evaluate(battery), rs.evaluate(battery)
    items = first.finding("critical_minerals").line_items
    with pytest.raises(AttributeError):
        items.clear()
    with pytest.raises(TypeError):
        items[0]["qualifies"] = False
    with pytest.raises(TypeError):
        items[0]["shares"]["processing"] = "0%"
    assert second.finding("critical_minerals").line_items == items and len(items) == 10
    assert type(items[0]["places"]) is tuple  # built read-only, nested containers too
    for req in ("battery_components", "feoc_components", "feoc_minerals"):
        for item in first.finding(req).line_items:
            with pytest.raises(TypeError):
                item["id"] = "changed"
            assert all(type(v) not in (list, dict) for v in item.values()), (req, item)
    unknown = rs.evaluate(ira30d.example("unknown_supplier_2024")).finding("feoc_components")
    assert [type(i["missing"]) for i in unknown.line_items if "missing" in i] == [tuple, tuple]
    with pytest.raises(AttributeError):
        first.findings.append(first.findings[0])
    again = ira30d.Determination.from_json(first.to_json())
    assert again == first and isinstance(again.findings, tuple)


def test_texts_read_from_many_threads_at_once_are_built_alike():
    """``Later`` lets two threads that read a finding's text at once both build it: they build
    the same values, and every reader sees them."""
    import threading

    rs = ira30d.RuleSet.load(backend="python")
    twin = rs.evaluate(ira30d.example("unknown_supplier_2024"))
    expected = [(f.explanation, f.actual, f.required) for f in twin.findings]
    d = rs.evaluate(ira30d.example("unknown_supplier_2024"))
    start, seen = threading.Barrier(8), []

    def read() -> None:
        start.wait()
        seen.append([(f.explanation, f.actual, f.required) for f in d.findings])

    threads = [threading.Thread(target=read) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(seen) == 8 and all(s == expected for s in seen)
    assert all("_later" not in vars(f) for f in d.findings)
