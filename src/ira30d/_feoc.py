"""Foreign entity of concern (30D(d)(7); 26 CFR 1.30D-6; DOE 89 FR 37079): which line items were
made by a FEOC, which cannot be decided for lack of supplier facts, and what a manufacturer's
attestation changes.

A line item (a battery component, or one stage of a mineral chain) is *FEOC* when any test fires
on a fact that is known: the activity performed in a covered nation (decided by the place alone),
or its entity designated, incorporated or with its principal place of business in a covered
nation, a covered-nation government share at or above the threshold in any one metric, or an
effective-control licence. It is *clear* when every test is known and none fires, and *unknown*
otherwise: an unknown item never counts as clear.

>>> from decimal import Decimal
>>> from ira30d._models import Entity
>>> covered = {"CN": ("covered_nations", None)}
>>> entity_tests(Entity(id="s", name="S", incorporated_in="KR"), covered, Decimal("0.25"))[1]
['principal_place_of_business', 'government_board_share', 'government_voting_share', \
'government_equity_share', 'effective_control_license', 'designated']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Optional

from ._models import Entity
from ._text import pct

# The entity facts each DOE test reads, in the order they are reported.
ENTITY_FACTS = ("incorporated_in", "principal_place_of_business", "government_board_share",
                "government_voting_share", "government_equity_share", "effective_control_license",
                "designated")
_SHARES = (("board", "government_board_share"), ("voting", "government_voting_share"),
           ("equity", "government_equity_share"))


def place_reasons(covered: dict[str, tuple[str, Any]], country: str) -> list[str]:
    """The DOE 'subject to the jurisdiction' test by where the activity is performed."""
    hit = covered.get(country)
    return [f"activity performed in {country} ({hit[0]})"] if hit else []


def entity_tests(entity: Entity, covered: dict[str, tuple[str, Any]],
                 limit: Decimal) -> tuple[list[str], list[str]]:
    """The DOE tests of a supplier itself: (reasons it is a FEOC, facts that are unknown).
    Each covered-government share is tested on its own against ``limit``."""
    reasons, unknown = [], []
    for name in ("incorporated_in", "principal_place_of_business"):
        value = getattr(entity, name)
        if value is None:
            unknown.append(name)
        elif value in covered:
            what = "incorporated in" if name == "incorporated_in" else "has its principal place of business in"
            reasons.append(f"{entity.name} {what} {value} ({covered[value][0]})")
    for metric, name in _SHARES:
        value = getattr(entity, name)
        if value is None:
            unknown.append(name)
        elif value >= limit:
            reasons.append(f"{entity.name}: covered-nation government {metric} share {pct(value)}"
                           f" >= {pct(limit)}")
    if entity.effective_control_license is None:
        unknown.append("effective_control_license")
    elif entity.effective_control_license:
        reasons.append(f"{entity.name}: licensing or other contract gives a covered-nation government "
                       "effective control")
    if entity.designated is None:
        unknown.append("designated")
    elif entity.designated:
        reasons.append(f"{entity.name} is on a designated list")
    return reasons, unknown


@dataclass
class Verdicts:
    """Per line item: the reasons it is a FEOC, or the input fields whose absence leaves it open."""

    feoc: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)


class Judge:
    """Decides line items against one set of covered nations and one threshold; each supplier
    and each (supplier, place) pair is tested once."""

    def __init__(self, entities: list[Entity], covered: dict[str, tuple[str, Any]], limit: Decimal,
                 entity_path: dict[str, str]) -> None:
        self.covered = covered
        self._entities = {e.id: (e, entity_tests(e, covered, limit)) for e in entities}
        self._paths = entity_path
        self._memo: dict[tuple[Optional[str], str], tuple[list[str], Optional[list[str]]]] = {}

    def item(self, entity_id: Optional[str], country: str) -> tuple[list[str], Optional[list[str]]]:
        """(reasons, missing) for one activity by ``entity_id`` in ``country``: ``missing`` is
        empty when decided, the entity's unknown fact paths, or None when no entity is named (the
        caller names the line item's own ``entity`` field)."""
        key = (entity_id, country)
        hit = self._memo.get(key)
        if hit is None:
            place = place_reasons(self.covered, country)
            if entity_id is None:
                hit = (place, [] if place else None)
            else:
                _, (reasons, unknown) = self._entities[entity_id]
                base = self._paths[entity_id]
                missing = [] if place or reasons else [f"{base}.{u}" for u in unknown]
                hit = (place + reasons, missing)
            self._memo[key] = hit
        return hit


def decide(found: int, unknown: int, attested: Optional[bool]) -> tuple[Optional[int], str]:
    """The FEOC count the rules see, and its basis, from provenance and an attestation.

    A known FEOC item decides the count whatever else is unknown. Otherwise unknown items leave
    it open (``None``) unless the manufacturer attests compliance, which then stands in. An
    attestation of non-compliance is never overridden: it counts as at least one FEOC item.

    >>> decide(2, 5, True), decide(0, 1, None), decide(0, 1, True), decide(0, 0, False)
    ((2, 'provenance'), (None, 'provenance'), (0, 'attestation'), (1, 'attestation'))
    """
    if attested is False:
        return max(found, 1), "provenance" if found else "attestation"
    if found:
        return found, "provenance"
    if unknown:
        return (0, "attestation") if attested else (None, "provenance")
    return 0, "provenance"
