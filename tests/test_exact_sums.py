"""Sums never round: inputs may carry more digits than Python's default 28-digit decimal context,
and a sum rounded there could meet a test the input fails (found 2026-11-27: a processing share
of 0.4999... with 29 nines counted as 50% and met the 50% value-added test). Each case below
sits a hair on the failing side of a boundary; its twin sits on it and passes."""

import copy
import json
import math
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import ira30d
from ira30d._common.exact import add, rounded
from ira30d._models.battery import MineralChain

HAIR_UNDER_HALF = "0." + "4" + "9" * 28  # 0.49999999999999999999999999999: 29 digits
TINY = "0.000000000000000001"  # 18 digits, as Money allows


def battery_case(**battery):
    """The 2024 full-credit example (placed in service 2024-06-10: critical minerals 50%,
    components 60%) with its battery's chains or components replaced."""
    c = ira30d.example("full_credit_2024")
    c["vehicle"]["battery"].update(battery)
    return c


def chain(cid, value, share="1", country="US", activity="processing"):
    stage = {"activity": activity, "country": country, "entity": "e_us_refiner", "share": share}
    return {"id": cid, "mineral": "lithium", "value": value, "stages": [stage]}


@pytest.mark.parametrize(("share", "expected"), [("0.5", "met"), (HAIR_UNDER_HALF, "not_met")])
def test_a_share_a_hair_under_the_value_added_test_does_not_meet_it(share, expected):
    c = battery_case(mineral_chains=[chain("li", "1000", share)])
    d = ira30d.evaluate(c, method="value_added_50")
    assert d.finding("critical_minerals").status == expected


@pytest.mark.parametrize(("extra", "expected"), [([], "met"), ([TINY], "not_met")])
def test_chain_values_of_very_different_sizes_are_summed_exactly(extra, expected):
    """5e17 qualifying of 1e18 is exactly the 50% required in 2024; one more chain worth 1e-18
    dollars makes the share fall short (a 28-digit sum drops it and reads exactly 50%)."""
    chains = [chain("us", "500000000000000000"), chain("cn", "500000000000000000", country="CN")]
    chains += [chain(f"t{i}", v, country="CN") for i, v in enumerate(extra)]
    d = ira30d.evaluate(battery_case(mineral_chains=chains))
    assert d.finding("critical_minerals").status == expected


@pytest.mark.parametrize(("extra", "expected"), [([], "met"), ([TINY], "not_met")])
def test_component_values_of_very_different_sizes_are_summed_exactly(extra, expected):
    """6e17 made in North America of 1e18 is exactly the 60% required in 2024."""
    made = [("na", "600000000000000000", "US"), ("row", "400000000000000000", "KR")]
    made += [(f"t{i}", v, "KR") for i, v in enumerate(extra)]
    components = [
        {"id": i, "kind": "battery_cell", "value": v, "country": where, "entity": "e_us_cells"}
        for i, v, where in made
    ]
    d = ira30d.evaluate(battery_case(components=components))
    assert d.finding("battery_components").status == expected


def test_shares_a_hair_over_the_whole_are_refused():
    over = "0.5" + "0" * 28 + "1"  # 0.50000000000000000000000000001
    stages = [
        {"activity": "processing", "country": "US", "share": "0.5"},
        {"activity": "processing", "country": "CN", "share": over},
    ]
    c = battery_case(mineral_chains=[{**chain("li", "1000"), "stages": stages}])
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert "more than the whole (1)" in str(e.value)
    ok = copy.deepcopy(c)
    ok["vehicle"]["battery"]["mineral_chains"][0]["stages"][1]["share"] = "0.5"
    assert ira30d.evaluate(ok).finding("critical_minerals").status in ("met", "not_met")


@pytest.mark.parametrize(
    ("kwh", "amount"), [("5.5", 3126), ("5." + "4" + "9" * 29, 3125), ("5.4999999", 3125)]
)
def test_a_capacity_a_hair_under_a_half_dollar_rounds_down(kwh, amount):
    """Pre-2023 formula: $2,500 + $417 + $417 per kWh above 5 kWh. 5.5 kWh gives $3,125.50,
    rounded half up to $3,126; a hair under 5.5 kWh gives a hair under $3,125.50: $3,125."""
    c = ira30d.example("pre_2023_formula")
    c["vehicle"]["manufacturer"] = "Hyundai Motor Company"  # no phase-out in 2019
    c["vehicle"]["battery"]["capacity_kwh"] = kwh
    d = ira30d.evaluate(c)
    assert (d.verdict, d.amount) == ("eligible", amount)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.decimals(min_value=0, max_value=Decimal("0.2"), places=40, allow_nan=False),
        min_size=1,
        max_size=5,
    )
)
def test_what_stages_leave_unaccounted_is_exact(shares):
    """Shares of 40 decimal places: what is left of the whole is 1 minus their exact sum."""
    stages = [{"activity": "processing", "country": "US", "share": s} for s in shares]
    chain = MineralChain(id="c", mineral="lithium", value=1, stages=stages)
    assert Fraction(chain.unaccounted()["processing"]) == 1 - sum(map(Fraction, shares))


@settings(max_examples=300, deadline=None)
@given(
    st.fractions(min_value=0, max_value=10**6, max_denominator=10**40),
    st.sampled_from([Decimal(1), Decimal("0.01")]),
)
def test_exact_rounding_half_up_agrees_with_whole_number_arithmetic(value, quantum):
    """Half up, for amounts (never negative): the whole number of quanta nearest the value, a
    tie going up, by integer arithmetic alone."""
    units = value / Fraction(quantum)
    expected = math.floor(units + Fraction(1, 2))
    assert rounded(value, quantum, ROUND_HALF_UP) == expected * quantum


def test_a_stated_share_shows_every_digit_so_it_never_reads_as_the_threshold():
    """Found with the sums: a chain with 49.999999% of its processing in the US failed the 50%
    test while its line item read 'processing: 50%' (shares were shown rounded half up to four
    decimals)."""
    c = battery_case(mineral_chains=[chain("li", "1000", "0.49999999")])
    f = ira30d.evaluate(c, method="value_added_50").finding("critical_minerals")
    item = f.line_items[0]
    assert f.status == "not_met" and item["qualifies"] is False
    assert item["shares"] == {"processing": "49.999999%"}
    assert item["unaccounted"] == {"processing": "50.000001%"}


@pytest.mark.parametrize(
    ("where", "value"),
    [
        ("share", "0." + "0" * 40 + "1"),
        ("share", "1E-999999999"),
        ("kwh", "5." + "1" * 41),
        ("entity", "0." + "0" * 40 + "1"),
    ],
)
def test_a_share_or_capacity_finer_than_40_decimal_places_is_refused(where, value):
    """The bound that keeps exact sums small (a sum never needs 100 digits), said plainly."""
    c = battery_case(mineral_chains=[chain("li", "1000", value if where == "share" else "1")])
    if where == "kwh":
        c["vehicle"]["battery"]["capacity_kwh"] = value
    if where == "entity":
        c["vehicle"]["battery"]["entities"][0]["government_voting_share"] = value
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert "no more than 40 decimal places" in str(e.value)
    if where == "kwh":
        assert e.value.field == "vehicle.battery.capacity_kwh"
    elif where == "entity":
        assert e.value.field == "vehicle.battery.entities[0].government_voting_share"
    else:  # checked by the chain, which names the stage
        assert e.value.field == "vehicle.battery.mineral_chains[0]"
        assert "stages[0].share" in e.value.reason


def test_a_zero_written_with_a_huge_exponent_is_just_zero():
    """``0E-999999999`` passes validation as zero (money and shares). Summed or shown exactly
    it would have a billion digits (found: half a minute and a gigabyte per sum); it is zero."""
    assert add(Decimal("0.5"), Decimal("0E-999999999")) == Decimal("0.5")
    assert len(add(Decimal("0.5"), Decimal("0E-999999999")).as_tuple().digits) <= 100
    zero = "0E-999999999"
    stages = [
        {"activity": "processing", "country": "US", "share": "0.5"},
        {"activity": "processing", "country": "CN", "share": zero},
    ]
    c = battery_case(mineral_chains=[{**chain("li", "1000"), "stages": stages}])
    c["vehicle"]["msrp"]["manufacturer_options"] = zero
    plain = copy.deepcopy(c)
    plain["vehicle"]["battery"]["mineral_chains"][0]["stages"][1]["share"] = "0"
    plain["vehicle"]["msrp"]["manufacturer_options"] = "0"
    d, p = ira30d.evaluate(c), ira30d.evaluate(plain)
    assert [(f.id, f.status) for f in d.findings] == [(f.id, f.status) for f in p.findings]
    assert d.finding("critical_minerals").line_items == p.finding("critical_minerals").line_items
    assert len(d.to_json()) < 100_000


@pytest.mark.parametrize(
    ("base", "expected"), [("76500", "met"), ("76500.0000000000001", "not_met")]
)
def test_a_json_number_keeps_digits_a_binary_float_drops(base, expected):
    """Found 2026-11-27: JSON text went through pydantic's JSON reader, which reads a number as a
    binary float, so a price a hair over the cap (76,500.0000000000001 + 3,500 of options) read
    76,500 and met the $80,000 cap. Written as a JSON number, not a string, it keeps its digits."""
    text = json.dumps(ira30d.example("full_credit_2024"))
    text = text.replace('"base": "54995"', f'"base": {base}')
    assert f'"base": {base}' in text
    d = ira30d.evaluate(text)
    assert d.finding("msrp_cap").status == expected


@pytest.mark.parametrize(
    ("share", "expected"), [("0.5", "met"), ("0.49999999999999999", "not_met")]
)
def test_a_json_number_share_a_hair_under_the_value_added_test_does_not_meet_it(share, expected):
    """The same share written as a JSON number (17 digits: a binary float reads it as 0.5)."""
    text = json.dumps(battery_case(mineral_chains=[chain("li", "1000", "__SHARE__")]))
    text = text.replace('"__SHARE__"', share)
    d = ira30d.evaluate(text, method="value_added_50")
    assert d.finding("critical_minerals").status == expected


def test_batches_read_json_numbers_exactly_too(tmp_path):
    """The batch reader and its pool of shared batteries read case text themselves."""
    text = json.dumps(battery_case(mineral_chains=[chain("li", "1000", "__SHARE__")]))
    path = tmp_path / "cases.jsonl"
    path.write_text(2 * (text.replace('"__SHARE__"', "0.49999999999999999") + "\n"))
    results = list(ira30d.evaluate_many(path, method="value_added_50"))
    assert [d.finding("critical_minerals").status for d in results] == ["not_met", "not_met"]
    assert [
        c["vehicle"]["battery"]["mineral_chains"][0]["stages"][0]["share"]
        for c in ira30d.read_cases(path)
    ] == [Decimal("0.49999999999999999")] * 2


@pytest.mark.parametrize("layout", ["array", "pretty"])
def test_case_files_read_whole_pass_each_case_on_as_written(tmp_path, layout):
    """Found 2026-11-27: a JSON array file, or one pretty-printed case, was parsed whole by
    ``json`` (numbers through a binary float) and each case written back as text: a share of
    0.49999999999999999 came out as 0.5 and met the 50% value-added test."""
    text = json.dumps(battery_case(mineral_chains=[chain("li", "1000", "__SHARE__")]), indent=2)
    text = text.replace('"__SHARE__"', "0.49999999999999999")
    path = tmp_path / "cases.json"
    path.write_text(f"[\n{text} ,\n {text}\n]\n" if layout == "array" else text)
    results = list(ira30d.evaluate_many(path, method="value_added_50"))
    assert {d.finding("critical_minerals").status for d in results} == {"not_met"}
    shares = [
        c["vehicle"]["battery"]["mineral_chains"][0]["stages"][0]["share"]
        for c in ira30d.read_cases(path)
    ]
    assert shares == [Decimal("0.49999999999999999")] * len(results)
