"""The input JSON Schema explains itself: every field has a description with its unit, the
law's vocabularies are enums, and the vocabulary is case-insensitive everywhere."""

import copy
import re

import pytest

import ira30d


def fields(schema):
    """(model, field, property schema) for every field of every model in the schema."""
    for model, d in {"Case": schema, **schema["$defs"]}.items():
        for name, prop in d.get("properties", {}).items():
            yield model, name, prop


def kinds(prop):
    branches = prop.get("anyOf", [prop])
    return {b.get("type") for b in branches} | {"ref" for b in branches if "$ref" in b}


def test_every_field_has_a_description_and_numbers_their_unit():
    schema = ira30d.input_schema()
    seen = 0
    for model, name, prop in fields(schema):
        text = prop.get("description", "")
        assert len(text) > 10, (model, name)
        if kinds(prop) & {"number", "integer"} and name not in ("model_year",):
            assert re.search(r"US dollars|fraction|kWh|pounds|0-1", text), (model, name, text)
        if "date" in name or name == "on":
            assert "YYYY-MM-DD" in text, (model, name)
        seen += 1
    assert seen > 60
    described = {(m, n): p["description"] for m, n, p in fields(schema)}
    assert "US dollars" in described[("Msrp", "base")]
    assert "fraction (0-1)" in described[("Stage", "share")].lower()
    assert "kilowatt-hours (kWh)" in described[("Battery", "capacity_kwh")]
    assert "pounds (lbs)" in described[("Vehicle", "gvwr_lbs")]


def enum(schema, model, field):
    prop = schema["$defs"][model]["properties"][field]
    return next(b["enum"] for b in prop.get("anyOf", [prop]) if "enum" in b)


def test_the_vocabularies_are_enums():
    schema = ira30d.input_schema()
    assert set(enum(schema, "MineralChain", "mineral")) >= {
        "lithium",
        "nickel",
        "cobalt",
        "graphite",
        "manganese",
    }
    assert "battery_cell" in enum(schema, "Component", "kind")
    assert {"small_suv", "van", "standard_pickup", "special_purpose_vehicle"} <= set(
        enum(schema, "Vehicle", "epa_label_class")
    )
    assert enum(schema, "Stage", "activity") == ["extraction", "processing", "recycling"]
    assert "married_filing_jointly" in enum(schema, "TaxYear", "filing_status")
    assert "trade_in" in enum(schema, "Purchase", "first_payment_kind")


def test_the_vocabulary_is_case_insensitive_everywhere():
    base = ira30d.example("full_credit_2024")
    shouted = copy.deepcopy(base)
    v = shouted["vehicle"]
    v["final_assembly_country"] = v["final_assembly_country"].lower()
    v["epa_label_class"] = v["epa_label_class"].upper()
    for chain in v["battery"]["mineral_chains"]:
        chain["mineral"] = chain["mineral"].title()
        for s in chain["stages"]:
            s["activity"], s["country"] = s["activity"].upper(), s["country"].lower()
    for comp in v["battery"]["components"]:
        comp["kind"], comp["country"] = comp["kind"].upper(), comp["country"].lower()
    shouted["buyer"]["current_year"]["filing_status"] = "Single"
    shouted["purchase"]["first_payment_kind"] = "Deposit"
    a, b = ira30d.evaluate(base), ira30d.evaluate(shouted)
    assert [(f.id, f.status) for f in a.findings] == [(f.id, f.status) for f in b.findings]
    assert (a.verdict, a.amount) == (b.verdict, b.amount) == ("eligible", 7500)


@pytest.mark.parametrize("bad", ["gbr", "U K", "Britain"])
def test_a_country_that_is_not_a_code_still_fails(bad):
    c = copy.deepcopy(ira30d.example("full_credit_2024"))
    c["vehicle"]["final_assembly_country"] = bad
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert e.value.field == "vehicle.final_assembly_country"
