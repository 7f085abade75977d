"""Properties that hold for every case hypothesis can build."""

import copy
import json
from decimal import Decimal
from fractions import Fraction

from conftest import clear_facts
from hypothesis import assume, given
from hypothesis import strategies as st
from strategies import COUNTRIES, cases

import ira30d
from ira30d import Case, Determination, RuleSet

RS = RuleSet.load(backend="python")
CLEAR_US = {"id": "clear_us", "name": "Clear US Co", **clear_facts("US")}


def outcome(d: Determination):
    return d.verdict, d.amount, d.regime, {f.id: f.status for f in d.findings}, d.figures


def bounds(d: Determination):
    """(least, most) credit the record allows: the amount twice, or the two named bounds."""
    if d.amount is not None:
        return d.amount, d.amount
    return d.amount_if_undetermined_not_met, d.amount_if_undetermined_met


def no_more(a: Determination, b: Determination) -> bool:
    """``a`` never allows more credit than ``b``, at either bound."""
    return all(x <= y for x, y in zip(bounds(a), bounds(b), strict=False))


@given(cases())
def test_deterministic_and_json_round_trips(c):
    a, b = RS.evaluate(c), RS.evaluate(copy.deepcopy(c))
    assert a == b
    assert Determination.from_json(a.to_json()) == a
    model = Case.model_validate(c)
    assert Case.model_validate_json(model.model_dump_json()) == model


@given(cases(provenance=True), st.randoms(use_true_random=False))
def test_order_of_chains_components_and_entities_does_not_matter(c, rnd):
    shuffled = copy.deepcopy(c)
    for key in ("mineral_chains", "components", "entities"):
        rnd.shuffle(shuffled["vehicle"]["battery"][key])
    assert outcome(RS.evaluate(c)) == outcome(RS.evaluate(shuffled))


@given(cases(), st.sampled_from(["0.01", "1", "5000", "30000"]))
def test_raising_msrp_never_raises_the_credit(c, more):
    higher = copy.deepcopy(c)
    higher["vehicle"]["msrp"]["base"] = str(Decimal(c["vehicle"]["msrp"]["base"]) + Decimal(more))
    assert no_more(RS.evaluate(higher), RS.evaluate(c))


@given(cases(), st.sampled_from(["0.01", "0.004", "1", "100000"]))
def test_raising_magi_never_raises_the_credit(c, more):
    assume("buyer" in c)
    higher = copy.deepcopy(c)
    for y in higher["buyer"].values():
        y["magi"] = str(Decimal(y["magi"]) + Decimal(more))
    assert no_more(RS.evaluate(higher), RS.evaluate(c))


def shares(d):
    return [
        Fraction(d.figures[k])
        for k in ("critical_minerals_share", "battery_components_share")
        if k in d.figures
    ]


@given(cases(provenance=True), st.sampled_from(["value_added_50", "traced_qualifying_value"]))
def test_content_is_a_share(c, method):
    assert all(0 <= s <= 1 for s in shares(RS.evaluate(c, method=method)))


@given(
    cases(provenance=True),
    st.sampled_from(["value_added_50", "traced_qualifying_value"]),
    st.data(),
)
def test_splitting_a_chain_into_two_identical_halves_changes_nothing(c, method, data):
    chains = c["vehicle"]["battery"]["mineral_chains"]
    i = data.draw(st.integers(0, len(chains) - 1))
    split = copy.deepcopy(c)
    half = str(Decimal(chains[i]["value"]) / 2)
    one = dict(chains[i], value=half)
    two = dict(chains[i], value=half, id=chains[i]["id"] + "b")
    split["vehicle"]["battery"]["mineral_chains"][i : i + 1] = [one, two]
    a, b = RS.evaluate(c, method=method), RS.evaluate(split, method=method)
    assert a.figures["critical_minerals_share"] == b.figures["critical_minerals_share"]


@given(
    cases(provenance=True),
    st.sampled_from(["value_added_50", "traced_qualifying_value"]),
    st.integers(1, 10000),
)
def test_adding_a_qualifying_chain_never_lowers_content_or_credit(c, method, value):
    more = copy.deepcopy(
        c
    )  # a qualifying chain from a supplier whose every FEOC fact is known and clear
    more["vehicle"]["battery"]["entities"].append(CLEAR_US)
    more["vehicle"]["battery"]["mineral_chains"].append(
        {
            "id": "extra",
            "mineral": "lithium",
            "value": str(value),
            "stages": [
                {"activity": "extraction", "country": "US", "share": "1", "entity": "clear_us"}
            ],
        }
    )
    a, b = RS.evaluate(c, method=method), RS.evaluate(more, method=method)
    assert Fraction(b.figures["critical_minerals_share"]) >= Fraction(
        a.figures["critical_minerals_share"]
    )
    assert no_more(a, b)


@given(
    cases(provenance=True),
    st.sampled_from(["value_added_50", "traced_qualifying_value"]),
    st.sampled_from([c for c in COUNTRIES if c not in ("CN", "RU")]),
    st.sampled_from(["fta_partners", "cma_partners", "north_america"]),
)
def test_adding_a_country_never_lowers_content_or_credit(c, method, code, list_name):
    wider = RS.with_countries(add={list_name: [code]})
    a, b = RS.evaluate(c, method=method), wider.evaluate(c, method=method)
    assert all(y >= x for x, y in zip(shares(a), shares(b), strict=False))
    assert no_more(a, b)


def test_bundled_examples_round_trip_through_json():
    for name in ira30d.example_names():
        d = ira30d.evaluate(ira30d.example(name))
        assert Determination.from_dict(json.loads(d.to_json())) == d
