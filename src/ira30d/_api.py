"""The short path: evaluate with the shipped rules, and the bundled examples.

>>> "toyota_phaseout_2022" in example_names()
True
>>> evaluate(example("toyota_phaseout_2022")).amount
Decimal('3750')
>>> input_schema()["properties"]["purchase"]["anyOf"][0]["$ref"]
'#/$defs/Purchase'
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from importlib import resources
from typing import Any

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination
from ira30d._models.inputs import Case
from ira30d._ruleset import RuleSet


# Cache: the shipped rule set, built once per process. The shipped rules do not change while
# the package runs; to pick up edited rule files, load them with RuleSet.load(path).
@functools.lru_cache(maxsize=1)
def default_ruleset() -> RuleSet:
    """The shipped rule set with the baseline country lists (built once).

    >>> default_ruleset().countries.name
    'baseline'
    """
    return RuleSet.load()


def evaluate(
    case: Case | Mapping[str, Any],
    *,
    ruleset: RuleSet | None = None,
    method: str | None = None,
    counterfactuals: bool = False,
) -> Determination:
    """Decide one case with ``ruleset`` (default: :func:`default_ruleset`); see
    :meth:`RuleSet.evaluate`. Bad input raises :class:`InputError`.

    >>> d = evaluate(example("over_msrp_cap"))
    >>> d.verdict, d.amount, d.finding("msrp_cap").status
    ('not_eligible', Decimal('0'), 'not_met')
    """
    return (ruleset or default_ruleset()).evaluate(
        case, method=method, counterfactuals=counterfactuals
    )


def _examples() -> dict[str, Any]:
    text = resources.files("ira30d").joinpath("examples/fleet.json").read_text(encoding="utf-8")
    return {c["id"]: c for c in json.loads(text)}


def example_names() -> list[str]:
    """Ids of the bundled example cases.

    >>> example_names()[:2]
    ['full_credit_2024', 'minerals_half_only']
    """
    return list(_examples())


def example(name: str) -> dict[str, Any]:
    """One bundled example case, as JSON-shaped data (a fresh copy).

    >>> example("full_credit_2024")["vehicle"]["manufacturer"]
    'Ford Motor Company'
    """
    cases = _examples()
    if name not in cases:
        raise InputError(
            "example", f"unknown example {name!r}; known: {', '.join(cases)}", "unknown_example"
        )
    return cases[name]


# Where the law's vocabularies go in the schema: (model, field) -> the parameter listing them.
_VOCABULARIES = {
    ("MineralChain", "mineral"): "applicable_critical_minerals",
    ("Component", "kind"): "battery_component_kinds",
    ("Vehicle", "epa_label_class"): "epa_label_class_to_msrp_class",
}


def input_schema(ruleset: RuleSet | None = None) -> dict[str, Any]:
    """The JSON Schema of a case (the input). Every field says its unit; the law's vocabularies
    (critical minerals, component kinds, EPA label classes) are enums read from ``ruleset``'s
    rules (every value any period of the law knows), as are the fixed ones (activity, filing
    status, payment kind). Text vocabularies are case-insensitive; the enums list the lower-case
    spelling.

    >>> schema = input_schema()
    >>> "lithium" in schema["$defs"]["MineralChain"]["properties"]["mineral"]["enum"]
    True
    """
    schema = Case.model_json_schema()
    book = (ruleset or default_ruleset()).book
    for (model, field), name in _VOCABULARIES.items():
        known: set[str] = set()
        for v in book.parameters[name].values:
            known.update(str(x).lower() for x in v)  # a list, or a mapping's keys
        prop = schema["$defs"][model]["properties"][field]
        target = next((b for b in prop.get("anyOf", []) if b.get("type") == "string"), prop)
        target["enum"] = sorted(known)
    return schema
