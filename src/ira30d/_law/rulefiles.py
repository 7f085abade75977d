"""Reading the rule files in ``rules/`` into a checked :class:`~ira30d._law.book.RuleBook`.

>>> import ira30d
>>> book = read_rulebook(ira30d.rules_dir())
>>> len(book.requirements) > 20, "fta_partners" in book.country_lists
(True, True)
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from ira30d._common.errors import RuleFileError
from ira30d._law.book import RuleBook
from ira30d._law.checks import check
from ira30d._law.countries import load_country_file
from ira30d._law.parameters import Parameter, build_parameter
from ira30d._law.safe_yaml import load_yaml
from ira30d._law.specs import (
    FactSpec,
    NotModelled,
    ParameterSpec,
    PhaseoutSpec,
    RegimeSpec,
    RequirementSpec,
    RuleSetSpec,
    ScenarioSpec,
    validated,
)


def read_rulebook(root: Path) -> RuleBook:
    """Read, validate and cross-check the rule set under ``root``."""
    digest = hashlib.sha256()

    def load(rel: str) -> Any:
        path = root / rel
        data = load_yaml(path, rel)
        digest.update(rel.encode() + b"\0" + path.read_bytes() + b"\0")
        return data

    spec: RuleSetSpec = validated(RuleSetSpec, load("ruleset.yaml"), "ruleset.yaml")
    raw_facts = load(spec.facts)
    if not isinstance(raw_facts, dict):
        raise RuleFileError(spec.facts, "", "expected a mapping of fact names")
    facts = {k: validated(FactSpec, v, spec.facts, k) for k, v in raw_facts.items()}

    parameters: dict[str, Parameter] = {}
    for rel in spec.parameters:
        raw = load(rel)
        if not isinstance(raw, dict):
            raise RuleFileError(rel, "", "expected a mapping of parameter names")
        for name, body in raw.items():
            if name in parameters:
                raise RuleFileError(rel, name, "parameter defined twice")
            parameters[name] = build_parameter(name, validated(ParameterSpec, body, rel, name), rel)

    lists = {}
    for rel in spec.countries:
        cl = load_country_file(root / rel, rel)
        lists[cl.name] = cl

    requirements: list[RequirementSpec] = []
    requirement_files: dict[str, str] = {}
    for rel in spec.requirements:
        raw = load(rel)
        if not isinstance(raw, list):
            raise RuleFileError(rel, "", "expected a list of requirements")
        for i, r in enumerate(raw):
            req = validated(RequirementSpec, r, rel, f"[{i}]")
            if req.id in requirement_files:
                raise RuleFileError(rel, f"[{i}].id", f"requirement id {req.id!r} used twice")
            requirement_files[req.id] = rel
            requirements.append(req)
    raw_regimes = load(spec.regimes)
    if not isinstance(raw_regimes, list):
        raise RuleFileError(spec.regimes, "", "expected a list of regimes")
    regimes = [validated(RegimeSpec, r, spec.regimes, f"[{i}]") for i, r in enumerate(raw_regimes)]
    phaseout = validated(PhaseoutSpec, load(spec.phaseout), spec.phaseout)
    scenarios = {}
    for rel in spec.scenarios:
        sc = validated(ScenarioSpec, load(rel), rel)
        scenarios[sc.name] = sc
    raw_nm = load(spec.not_modelled)
    not_modelled = [
        validated(NotModelled, r, spec.not_modelled, f"[{i}]") for i, r in enumerate(raw_nm or [])
    ]

    book = RuleBook(
        spec,
        root,
        digest.hexdigest(),
        facts,
        parameters,
        lists,
        requirements,
        regimes,
        phaseout,
        scenarios,
        not_modelled,
        requirement_files,
    )
    check(book)
    return book
