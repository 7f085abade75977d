"""Bad input is harmless: every failure is a ValidationError or an Ira30dError with a code."""

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import cases

import ira30d
from ira30d import Ira30dError, RuleSet
from ira30d._engines.backends import durable_available
from ira30d._pool import BatteryPool

ENGINES = [RuleSet.load(backend="python")] + (
    [RuleSet.load(backend="durable")] if durable_available() else []
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**30), 10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["NaN", "-Infinity", "1e999", "2024-02-30", "", "US", "CN", "-1", "0"]),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)


def paths(obj, prefix=()):
    yield prefix
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield from paths(v, prefix + (i,))


def harmless(call):
    try:
        call()
    except ValidationError:
        pass
    except Ira30dError as exc:
        assert exc.code and exc.code != "engine", exc


@given(json_values)
def test_random_json_is_rejected_cleanly(value):
    for rs in ENGINES:
        harmless(lambda rs=rs: rs.evaluate(value))
        harmless(lambda rs=rs: rs.evaluate(BatteryPool().case(json.dumps(value))))


@settings(max_examples=300)
@given(cases(), st.data(), json_values)
def test_a_mutated_valid_case_never_crashes(c, data, value):
    where = data.draw(st.sampled_from([p for p in paths(c) if p]))
    mutated = copy.deepcopy(c)
    parent = mutated
    for key in where[:-1]:
        parent = parent[key]
    if data.draw(st.booleans()):
        parent[where[-1]] = value
    elif isinstance(parent, dict):
        del parent[where[-1]]
    for rs in ENGINES:
        harmless(lambda rs=rs: rs.evaluate(mutated))
        harmless(
            lambda rs=rs: rs.evaluate(
                json.loads(json.dumps(mutated, default=str)), counterfactuals=True
            )
        )
        harmless(lambda rs=rs: list(ira30d.evaluate_many([mutated], ruleset=rs)))
        harmless(lambda rs=rs: rs.evaluate(BatteryPool().case(json.dumps(mutated, default=str))))


@pytest.mark.parametrize(
    "field, value",
    [
        ("vin", "X" * 201),
        ("mineral_chains", 501),
        ("components", 501),
        ("stages", 51),
        ("magi", "1" * 19),
    ],
)
def test_limits_are_enforced_with_the_field_named(field, value):
    c = copy.deepcopy(ira30d.example("full_credit_2024"))
    b = c["vehicle"]["battery"]
    if field == "vin":
        c["vehicle"]["vin"] = value
    elif field == "mineral_chains":
        b["mineral_chains"] = [dict(b["mineral_chains"][0], id=f"m{i}") for i in range(value)]
    elif field == "components":
        b["components"] = [
            {"id": f"c{i}", "kind": "battery_cell", "value": "1", "country": "US"}
            for i in range(value)
        ]
    elif field == "stages":
        b["mineral_chains"][0]["stages"] = b["mineral_chains"][0]["stages"][:1] * value
    else:
        c["buyer"]["current_year"]["magi"] = value
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert field in e.value.field


def test_unknown_requirement_lookup_is_an_ira30d_error():
    d = ira30d.evaluate(ira30d.example("full_credit_2024"))
    with pytest.raises(Ira30dError) as e:
        d.finding("no_such_rule")
    assert e.value.code == "unknown_requirement" and isinstance(e.value, KeyError)


def test_engine_refuses_facts_off_the_vocabulary():
    if not durable_available():
        pytest.skip("durable-rules not importable")
    rs = RuleSet.load(backend="durable")
    with pytest.raises(ira30d.EngineError):
        rs._backend.fire({"gvwr_lbs": 1.5})
