"""Foreign entity of concern (30D(d)(7); 26 CFR 1.30D-6; DOE 89 FR 37079): which line items were
made by a FEOC, which cannot be decided for lack of supplier facts, and what a manufacturer's
attestation changes.

The tests are in ``rules/parameters/feoc.yaml`` (``feoc_tests``): each reads one fact (where the
activity was performed, or one of the entity's own facts) with one of the kinds in ``KINDS``.
A line item (a battery component, or one stage of a mineral chain) is *FEOC* when any test holds
on a fact that is known, *clear* when every test is known and none holds, and *unknown*
otherwise: an unknown item never counts as clear.

>>> from decimal import Decimal
>>> from ira30d._models.battery import Entity
>>> covered = {"CN": ("covered_nations", None)}
>>> tests = {"activity_place": ("in_lists", covered, "activity performed in"),
...          "incorporated_in": ("in_lists", covered, "incorporated in"),
...          "government_voting_share": ("at_least", Decimal("0.25"), "government voting share")}
>>> entity_tests(Entity(id="s", name="S", incorporated_in="CN"), tests)
(['S incorporated in CN (covered_nations)'], ['government_voting_share'])
>>> place_reasons(tests, "CN")
['activity performed in CN (covered_nations)']
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeAlias

from ira30d._common.text import pct
from ira30d._models.battery import Entity

KINDS = ("in_lists", "at_least", "is_true")  # the test kinds feoc_tests may name
PLACE = "activity_place"  # the test of where the activity itself was performed
Tests: TypeAlias = dict[
    str, tuple[str, Any, str]
]  # fact -> (kind, country index or threshold, wording)


def place_reasons(tests: Tests, country: str) -> list[str]:
    """The 'subject to the jurisdiction' test by where the activity is performed."""
    kind, covered, says = tests[PLACE]
    hit = covered.get(country)
    return [f"{says} {country} ({hit[0]})"] if hit else []


def entity_tests(entity: Entity, tests: Tests) -> tuple[list[str], list[str]]:
    """The tests of a supplier itself: (reasons it is a FEOC, facts that are unknown). Each test
    stands on its own (a share is compared with its threshold alone, never added to another)."""
    reasons, unknown = [], []
    for fact, (kind, arg, says) in tests.items():
        if fact == PLACE:
            continue
        value = getattr(entity, fact)
        if value is None:
            unknown.append(fact)
        elif kind == "in_lists" and value in arg:
            reasons.append(f"{entity.name} {says} {value} ({arg[value][0]})")
        elif kind == "at_least" and value >= arg:
            reasons.append(f"{entity.name}: {says} {pct(value)} >= {pct(arg)}")
        elif kind == "is_true" and value is True:
            reasons.append(f"{entity.name}: {says}")
    return reasons, unknown


@dataclass
class Verdicts:
    """Per line item: the reasons it is a FEOC, or the input fields whose absence leaves it open."""

    feoc: dict[str, list[str]] = field(default_factory=dict)
    unknown: dict[str, list[str]] = field(default_factory=dict)


class Judge:
    """Decides line items with the tests in force on one date; each supplier and each
    (supplier, place) pair is tested once."""

    def __init__(self, entities: list[Entity], tests: Tests, entity_path: dict[str, str]) -> None:
        self.tests = tests
        self._entities = {e.id: (e, entity_tests(e, tests)) for e in entities}
        self._paths = entity_path
        self._memo: dict[tuple[str | None, str], tuple[list[str], list[str] | None]] = {}

    def item(self, entity_id: str | None, country: str) -> tuple[list[str], list[str] | None]:
        """(reasons, missing) for one activity by ``entity_id`` in ``country``: ``missing`` is
        empty when decided, the entity's unknown fact paths, or None when no entity is named (the
        caller names the line item's own ``entity`` field)."""
        key = (entity_id, country)
        hit = self._memo.get(key)
        if hit is None:
            place = place_reasons(self.tests, country)
            if entity_id is None:
                hit = (place, [] if place else None)
            else:
                _, (reasons, unknown) = self._entities[entity_id]
                base = self._paths[entity_id]
                missing = [] if place or reasons else [f"{base}.{u}" for u in unknown]
                hit = (place + reasons, missing)
            self._memo[key] = hit
        return hit


def decide(found: int, unknown: int, attested: bool | None) -> tuple[int | None, str]:
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
