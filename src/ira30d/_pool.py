"""Batteries shared across a batch: each distinct battery validated once, then measured once per
period of unchanged law (the measures cache by battery object).

A fleet file repeats one battery design on many vehicles. :class:`BatteryPool` keys a battery by
its pickled JSON-shaped dict (exact and typed, so ``"0.1"`` and ``0.1`` differ) and
hands every repeat the same validated :class:`Battery`. Results are identical with or without it:
a key is only reused for an input equal to the one validated, and an invalid battery is never
pooled (the whole case is validated again so errors keep their full location). After ``probe``
cases with under ``min_hit_rate`` repeats it switches itself off, so a fleet of unique batteries
pays for the probe only. It holds the ``size`` most recently used designs (with their measures,
about 300 KB each for 20 chains and 8 components).

>>> import ira30d
>>> pool = BatteryPool()
>>> raw = ira30d.example("full_credit_2024")
>>> pool.case(raw).vehicle.battery is pool.case(dict(raw)).vehicle.battery
True
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from ira30d._models.battery import Battery
from ira30d._models.inputs import Case
from ira30d._models.parse import json_value, parse_case


class BatteryPool:
    """Validates cases, sharing one :class:`Battery` object among cases with an equal battery."""

    def __init__(self, size: int = 256, probe: int = 1000, min_hit_rate: float = 0.2) -> None:
        self._seen: dict[bytes, Battery] = {}
        self.size, self.probe, self.min_hit_rate = size, probe, min_hit_rate
        self.cases = self.hits = 0
        self.active = True

    def case(self, raw: Case | Mapping[str, Any] | str | bytes) -> Case:
        """The validated case; raises :class:`InputError` as :func:`parse_case` would."""
        if isinstance(raw, Case):
            return raw
        if isinstance(raw, (str, bytes)):
            if not self.active:
                return parse_case(raw)
            data: Any = json_value(raw)  # numbers exact; invalid JSON raises as parse_case does
        else:
            data = raw
        vehicle: Any = data.get("vehicle") if type(data) is dict else None
        battery = vehicle.get("battery") if type(vehicle) is dict else None
        if not self.active or type(battery) is not dict:
            return parse_case(data)
        try:
            key = pickle.dumps(battery, 5)
        except Exception:  # an object that does not pickle: validate it the ordinary way
            return parse_case(data)
        shared = self._seen.get(key)
        self.cases += 1
        if shared is None:
            try:
                shared = Battery.model_validate(battery)
            except ValidationError:
                return parse_case(data)  # the same error, located in the whole case
            if len(self._seen) >= self.size:  # forget the least recently used design
                del self._seen[next(iter(self._seen))]
        else:
            self.hits += 1
            del self._seen[key]
        self._seen[key] = shared
        if self.cases == self.probe and self.hits < self.min_hit_rate * self.probe:
            self.active = False
            self._seen.clear()
        return parse_case({**data, "vehicle": {**vehicle, "battery": shared}})
