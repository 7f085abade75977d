"""The pre-2023 manufacturer phase-out (former 30D(e)) read from ``rules/phaseout.yaml``.

>>> import ira30d
>>> from datetime import date
>>> m = Measured({})
>>> phaseout(ira30d.default_ruleset().book, "Lexus", date(2022, 11, 1), m)
>>> m.facts["phaseout_fraction"], m.facts["phaseout_schedule"]
(500000, 'Toyota schedule: 50% from 2022-10-01; no phase-out for sales after 2022-12-31')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from ira30d._common.frozen import freeze
from ira30d._common.text import pct
from ira30d._law.book import RuleBook
from ira30d._measures.measured import Measured


def phaseout(book: RuleBook, manufacturer: str, sold: date | None, m: Measured) -> None:
    """The manufacturer phase-out fraction on the sale date (``rules/phaseout.yaml``), its
    schedule as text and as line items; left out (undetermined) for a scheduled maker with no
    sale date."""
    spec = book.phaseout
    name, maker = next(
        (
            (n, mk)
            for n, mk in spec.manufacturers.items()
            if manufacturer.lower() in {a.lower() for a in mk.aliases}
        ),
        (None, None),
    )
    if maker is None:
        m.facts["phaseout_schedule"] = f"no phase-out schedule for {manufacturer}"
        m.facts["phaseout_fraction"] = book.scale("phaseout_fraction", 1)
        return
    steps = sorted(maker.fractions.items())
    m.facts["phaseout_schedule"] = (
        f"{name} schedule: "
        + ", ".join(f"{pct(f)} from {d}" for d, f in steps)
        + f"; no phase-out for sales after {spec.applies_sold_through}"
    )
    if sold is None:
        m.missing["phaseout_fraction"] = ["purchase.sale_date"]
        return
    current = [(d, f) for d, f in steps if d <= sold] if sold <= spec.applies_sold_through else []
    fraction = current[-1][1] if current else Decimal(1)
    m.facts["phaseout_fraction"] = book.scale("phaseout_fraction", fraction)
    m.phaseout = Fraction(fraction)
    m.line_items["phaseout"] = freeze(
        [
            {
                "id": f"{name} from {d}",
                "fraction": pct(f),
                "applies": bool(current) and d == current[-1][0],
            }
            for d, f in steps
        ]
    )
