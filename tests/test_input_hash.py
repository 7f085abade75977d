"""The input hash is SHA-256 of the case's canonical JSON (``case.model_dump_json()``), whether
the battery's JSON is made for the case or reused from an earlier case with the same battery
object (a fleet of one design)."""

import gc
import hashlib

from hypothesis import given, settings
from pydantic import ValidationError
from strategies import cases

import ira30d
from ira30d._models import canonical
from ira30d._models.inputs import Case
from ira30d._pool import BatteryPool


def whole(case: Case) -> str:
    return hashlib.sha256(case.model_dump_json().encode()).hexdigest()


@settings(max_examples=80)
@given(cases(provenance=True))
def test_the_hash_is_that_of_the_whole_canonical_json(raw):
    try:
        case = Case.model_validate(raw)
    except ValidationError:  # an invalid generated case has no hash
        return
    assert canonical.input_hash(case) == whole(case)
    assert canonical.input_hash(case) == whole(case)  # the second from the battery's kept JSON


def test_a_determination_records_the_hash_of_its_case():
    raw = ira30d.example("full_credit_2024")
    d = ira30d.evaluate(raw)
    assert d.provenance.input_hash == whole(Case.model_validate(raw))


def test_cases_sharing_a_battery_object_hash_as_their_own_json():
    """Two vehicles of one design (one battery object from the pool), different prices: each
    hash is its own case's, and they differ."""
    pool = BatteryPool()
    a = ira30d.example("full_credit_2024")
    b = {**a, "vehicle": {**a["vehicle"], "msrp": {"base": "51000"}}}
    ca, cb = pool.case(a), pool.case(b)
    assert ca.vehicle.battery is cb.vehicle.battery
    ha, hb = canonical.input_hash(ca), canonical.input_hash(cb)
    assert (ha, hb) == (whole(ca), whole(cb)) and ha != hb


def test_a_case_whose_text_holds_the_marker_is_hashed_whole():
    """The marker that stands for the battery while the case's JSON is made is text a case may
    hold too (in its id or VIN): such a case is hashed from its whole JSON, not split there."""
    raw = ira30d.example("full_credit_2024")
    for marked in (
        {**raw, "id": "\x00battery\x00"},
        {**raw, "vehicle": {**raw["vehicle"], "vin": "\x00battery\x00"}},
    ):
        case = Case.model_validate(marked)
        assert canonical.input_hash(case) == whole(case)
    plain = Case.model_validate(raw)
    assert canonical.input_hash(Case.model_validate(marked)) != canonical.input_hash(plain)


def test_a_battery_json_is_kept_only_while_its_battery_lives():
    case = Case.model_validate(ira30d.example("full_credit_2024"))
    gc.collect()  # earlier tests' garbage goes first
    before = len(canonical._BATTERY_JSON)
    canonical.input_hash(case)
    assert len(canonical._BATTERY_JSON) == before + 1
    del case
    gc.collect()
    assert len(canonical._BATTERY_JSON) == before
