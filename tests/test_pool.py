"""Shared batteries: one validation per distinct battery, one measure per period of unchanged law,
and results identical to evaluating every case on its own."""

import copy
import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import EDGE_DAYS, cases, days

import ira30d
from ira30d import RuleSet
from ira30d._models.inputs import Case
from ira30d._pool import BatteryPool


def on_day(c, day):
    """The case re-dated to ``day`` (purchase dates, or the vehicle-level date)."""
    c = copy.deepcopy(c)
    if "purchase" in c:
        for k in (
            "binding_contract_date",
            "first_payment_date",
            "sale_date",
            "placed_in_service_date",
        ):
            c["purchase"][k] = day.isoformat()
    else:
        c["on"] = day.isoformat()
    return c


def outcome(evaluate):
    """The determination as JSON, or the code of the input error it raised."""
    try:
        return evaluate().to_json()
    except ira30d.Ira30dError as exc:
        return exc.code


@settings(max_examples=60)
@given(cases(provenance=True), st.lists(days, min_size=2, max_size=6))
def test_a_shared_battery_gives_each_case_its_own_answer(c, when):
    """One battery object measured on many dates (across law changes) through one pool and one
    rule set gives what a fresh rule set gives each case validated on its own."""
    fleet = [on_day(c, d) for d in when + when[::-1]]
    warm, pool = RuleSet.load(backend="python"), BatteryPool()
    got = [outcome(lambda x=x: warm.evaluate(pool.case(x))) for x in fleet]
    want = [outcome(lambda x=x: RuleSet.load(backend="python").evaluate(x)) for x in fleet]
    assert got == want
    assert pool.hits == len(fleet) - 1


def test_the_measure_cache_follows_a_country_list_change_to_the_day():
    """Japan's critical-minerals agreement starts on 2023-03-28: the same battery object measured
    the day before and on that day counts its Japanese processing differently."""
    c = copy.deepcopy(ira30d.example("full_credit_2024"))
    b = c["vehicle"]["battery"]
    for chain in b["mineral_chains"]:
        for s in chain["stages"]:
            s["country"] = "JP"
    rs, pool = RuleSet.load(backend="python"), BatteryPool()
    start = date(2023, 4, 18)  # the sourcing regime; Japan is in force well before
    before, on = on_day(c, date(2023, 3, 27)), on_day(c, start)
    a, b2 = pool.case(on), pool.case(before)
    assert a.vehicle.battery is b2.vehicle.battery
    shares = [rs.evaluate(x).figures.get("critical_minerals_share") for x in (a, b2)]
    assert shares == [
        RuleSet.load(backend="python").evaluate(x).figures.get("critical_minerals_share")
        for x in (on, before)
    ]
    assert shares[0] != shares[1]
    without = rs.scenario("without_japan")
    assert without.evaluate(a).figures["critical_minerals_share"] != shares[0]


def test_equal_batteries_share_one_object_and_typed_differences_do_not():
    pool = BatteryPool()
    c = ira30d.example("full_credit_2024")
    first = pool.case(copy.deepcopy(c)).vehicle.battery
    assert pool.case(copy.deepcopy(c)).vehicle.battery is first
    assert pool.hits == 1
    kind = copy.deepcopy(c)
    kind["vehicle"]["battery"]["components"][0]["kind"] = 1  # a number where text is required
    with pytest.raises(ira30d.InputError) as err:
        pool.case(kind)
    assert err.value.field == "vehicle.battery.components[0].kind"


def test_an_invalid_battery_reports_the_same_error_as_direct_validation():
    pool = BatteryPool()
    bad = copy.deepcopy(ira30d.example("full_credit_2024"))
    bad["vehicle"]["battery"]["mineral_chains"][1]["value"] = "-5"
    with pytest.raises(ValidationError) as direct:
        Case.model_validate(bad)
    with pytest.raises(ira30d.InputError) as pooled:
        pool.case(bad)
    assert pooled.value.__cause__.errors() == direct.value.errors()
    assert pooled.value.field == "vehicle.battery.mineral_chains[1].value"
    assert pool.case(ira30d.example("full_credit_2024"))  # nothing invalid was pooled


def test_a_fleet_of_unique_batteries_switches_the_pool_off_after_the_probe():
    pool = BatteryPool(probe=20)
    base = ira30d.example("full_credit_2024")
    for k in range(30):
        c = copy.deepcopy(base)
        c["vehicle"]["battery"]["capacity_kwh"] = str(60 + k)
        assert pool.case(c).vehicle.battery.capacity_kwh == 60 + k
    assert not pool.active and pool.hits == 0


@settings(max_examples=150)
@given(cases(), st.sampled_from(EDGE_DAYS))
def test_json_text_through_the_pool_validates_as_pydantic_does(c, day):
    text = json.dumps(on_day(c, day))
    assert BatteryPool().case(text) == Case.model_validate_json(text)


def test_batches_use_the_pool_and_match_single_evaluation():
    designs = [ira30d.example(n) for n in ira30d.example_names()]
    fleet = [
        on_day(designs[k % len(designs)], date(2024, 1, 1) + timedelta(days=k * 7))
        for k in range(60)
    ]
    rs = RuleSet.load(backend="python")
    assert [d.to_json() for d in ira30d.evaluate_many(fleet, ruleset=rs)] == [
        RuleSet.load(backend="python").evaluate(x).to_json() for x in fleet
    ]


def test_the_pool_keeps_the_most_recently_used_designs():
    base = ira30d.example("full_credit_2024")
    designs = []
    for kwh in ("60", "70", "80"):
        d = copy.deepcopy(base)
        d["vehicle"]["battery"]["capacity_kwh"] = kwh
        designs.append(d)
    a, b, c = designs
    pool = BatteryPool(size=2)
    first_a = pool.case(copy.deepcopy(a)).vehicle.battery
    first_b = pool.case(copy.deepcopy(b)).vehicle.battery
    assert (
        pool.case(copy.deepcopy(a)).vehicle.battery is first_a
    )  # a used again: b is now the oldest
    pool.case(copy.deepcopy(c))  # full: b goes
    assert pool.case(copy.deepcopy(a)).vehicle.battery is first_a
    assert pool.case(copy.deepcopy(b)).vehicle.battery is not first_b
    assert pool.hits == 2


@pytest.mark.parametrize(
    ("field", "index"), [("mineral_chains", 0), ("components", 1), ("entities", 0)]
)
def test_a_repeated_id_is_refused_alone_and_in_a_pooled_batch(field, index):
    """Line items and suppliers are named by id, so an id repeated within its list is refused,
    naming the list; in a batch sharing batteries too (the check runs where the battery is
    validated, once per design), and a valid repeat of the design still passes."""
    good = ira30d.example("full_credit_2024")
    bad = copy.deepcopy(good)
    items = bad["vehicle"]["battery"][field]
    items.append(copy.deepcopy(items[index]))
    with pytest.raises(ira30d.InputError) as err:
        ira30d.evaluate(bad)
    assert err.value.field == f"vehicle.battery.{field}"
    assert f"duplicate id {items[index]['id']!r}" in err.value.reason
    out = list(ira30d.evaluate_many([good, bad, copy.deepcopy(bad), good], errors="report"))
    assert [type(d).__name__ for d in out] == [
        "Determination",
        "CaseFailure",
        "CaseFailure",
        "Determination",
    ]
    assert all(f"vehicle.battery.{field}" in o.where() + str(o.error) for o in out[1:3])
