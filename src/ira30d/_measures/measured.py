"""The record a measure produces: the engine's facts, and beside them the line items, exact
figures, bases and missing inputs that explain them.

>>> Measured({"gvwr_lbs": 5000}).facts
{'gvwr_lbs': 5000}
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any


@dataclass
class Measured:
    """A case's facts, the line items and exact figures behind them, and what is missing."""

    facts: dict[str, Any]
    line_items: dict[str, Sequence[dict[str, Any]]] = field(default_factory=dict)  # read-only
    figures: dict[str, str] = field(default_factory=dict)
    basis: dict[str, str] = field(default_factory=dict)
    method: str = ""
    on: date | None = None
    phaseout: Fraction = Fraction(1)
    shown: dict[str, str] = field(default_factory=dict)  # exact display text of rounded facts
    missing: dict[str, list[str]] = field(default_factory=dict)  # fact -> input paths to supply
    attested: set[str] = field(default_factory=set)  # facts an attestation stood in for
    certification: dict[str, str] = field(default_factory=dict)
    rendered: dict[str, str] | None = None  # every fact as text, once read (findings)
