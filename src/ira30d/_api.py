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
    """The shipped rule set with the baseline country lists (built once)."""
    return RuleSet.load()


def evaluate(
    case: Case | Mapping[str, Any],
    *,
    ruleset: RuleSet | None = None,
    method: str | None = None,
    counterfactuals: bool = False,
) -> Determination:
    """Decide one case with ``ruleset`` (default: :func:`default_ruleset`); see
    :meth:`RuleSet.evaluate`."""
    return (ruleset or default_ruleset()).evaluate(
        case, method=method, counterfactuals=counterfactuals
    )


def _examples() -> dict[str, Any]:
    text = resources.files("ira30d").joinpath("examples/fleet.json").read_text(encoding="utf-8")
    return {c["id"]: c for c in json.loads(text)}


def example_names() -> list[str]:
    """Ids of the bundled example cases."""
    return list(_examples())


def example(name: str) -> dict[str, Any]:
    """One bundled example case, as JSON-shaped data (a fresh copy)."""
    cases = _examples()
    if name not in cases:
        raise InputError(
            "example", f"unknown example {name!r}; known: {', '.join(cases)}", "unknown_example"
        )
    return cases[name]


def input_schema() -> dict[str, Any]:
    """The JSON Schema of a case (the input)."""
    return Case.model_json_schema()
