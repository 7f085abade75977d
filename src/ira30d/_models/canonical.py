"""A case's input hash: SHA-256 of its canonical JSON, ``case.model_dump_json()`` (the validated
values: terms in lower case, country codes in upper case, decimals exactly as written).

A fleet file repeats one battery design on many vehicles, and the batch functions hand such
vehicles one battery object (``_pool.py``). A battery is most of a case's JSON, so its JSON is
made once per battery object and put in the case's in place of a marker; the bytes hashed are
the same as the whole case's JSON (a case whose text holds the marker itself is hashed whole).

>>> import hashlib, ira30d
>>> case = ira30d.Case.model_validate(ira30d.example("full_credit_2024"))
>>> input_hash(case) == hashlib.sha256(case.model_dump_json().encode()).hexdigest()
True
"""

from __future__ import annotations

import hashlib
import json

from ira30d._common.identity import ByObject
from ira30d._models.inputs import BATTERY_MARK, MARKED, Case

_MARK = json.dumps(BATTERY_MARK)  # as JSON text, as pydantic writes it

# Cache: each battery object's JSON (a frozen model: its JSON never changes while it lives); an
# entry goes when its battery is garbage collected (ByObject).
_BATTERY_JSON: ByObject[bytes] = ByObject()


def input_hash(case: Case) -> str:
    """The hex SHA-256 of ``case.model_dump_json()``, its battery's JSON made once per battery
    object."""
    battery = case.vehicle.battery
    if battery is not None:
        text = case.model_dump_json(context=MARKED)
        if text.count(_MARK) == 1:
            head, _, tail = text.partition(_MARK)
            h = hashlib.sha256(head.encode())
            h.update(_BATTERY_JSON.get(battery, lambda: battery.model_dump_json().encode()))
            h.update(tail.encode())
            return h.hexdigest()
    return hashlib.sha256(case.model_dump_json().encode()).hexdigest()
