"""The rule book: everything read from ``rules/``, and the date windows of its rules.

>>> import ira30d
>>> book = ira30d.default_ruleset().book
>>> window_bound({"param": "sourcing_from"}, book, "regimes.yaml", "sourcing.window.from")
datetime.date(2023, 4, 18)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ira30d._common.errors import RuleFileError
from ira30d._law import conditions as C
from ira30d._law.countries import CountryList
from ira30d._law.parameters import Parameter, Rounding, to_fact_scale
from ira30d._law.specs import (
    FactSpec,
    NotModelled,
    PhaseoutSpec,
    RegimeSpec,
    RequirementSpec,
    RuleSetSpec,
    ScenarioSpec,
    WindowSpec,
)


@dataclass
class RuleBook:
    """Everything read from ``rules/``, checked."""

    spec: RuleSetSpec
    root: Path
    digest: str
    facts: dict[str, FactSpec]
    parameters: dict[str, Parameter]
    country_lists: dict[str, CountryList]
    requirements: list[RequirementSpec]
    regimes: list[RegimeSpec]
    phaseout: PhaseoutSpec
    scenarios: dict[str, ScenarioSpec]
    not_modelled: list[NotModelled]
    requirement_files: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, C.Cond] = field(default_factory=dict)
    rounding: dict[str, Rounding] = field(default_factory=dict)

    def rounding_of(self, fact: str) -> Rounding:
        """How ``fact`` is rounded onto its integer scale: as the rules compare it (``exact``
        when no rule compares it: it must then sit on the scale)."""
        return self.rounding.get(fact, "exact")

    def scale(self, fact: str, value: Any) -> Any:
        """An input value (Decimal, Fraction, date, bool, str) on ``fact``'s integer scale, rounded
        the way the rules compare that fact, so that every comparison is exact."""
        return to_fact_scale(self.facts[fact].unit, value, self.rounding_of(fact))


def window_condition(window: WindowSpec | None, book: RuleBook, label: str, path: str) -> C.Cond:
    """The date window as a condition on its date fact (bounds: from/to inclusive, after/before
    strict)."""
    if window is None:
        return C.TRUE
    atoms = []
    for bound, op in (("from_", "ge"), ("to", "le"), ("after", "gt"), ("before", "lt")):
        value = getattr(window, bound)
        if value is None:
            continue
        day = window_bound(value, book, label, f"{path}.window.{bound.rstrip('_')}")
        atoms.append(C.Atom(window.on, op, to_fact_scale(None, day)))
    return C.All(tuple(atoms))


def window_bound(value: Any, book: RuleBook, label: str, path: str) -> date:
    """A window bound: a date, or ``{param: NAME}`` of a constant date parameter (one home per
    date)."""
    if isinstance(value, dict):
        p = book.parameters.get(value.get("param", "")) if set(value) == {"param"} else None
        if p is None or p.spec.unit != "date" or not p.constant:
            raise RuleFileError(
                label, path, "expected a date or {param: NAME} of a constant date parameter"
            )
        value = p.values[0]
    if not isinstance(value, date):
        raise RuleFileError(label, path, "expected a date")
    return value
