"""Variants of a rule set's law: parameters overridden, country lists changed, scenarios
overlaid. Each returns new data (a rule book or a set of country lists) with a new name and
hash, so a determination records exactly which variant decided it.

>>> import ira30d
>>> rs = ira30d.default_ruleset()
>>> override_parameters(rs.book, {"gvwr_limit_lbs": {"2010-01-01": 15000}}, "heavier").spec.version
'2026.11.1+heavier'
>>> change_countries(rs.countries, {"cma_partners": ["GB"]}, None, None, ()).name
'baseline+cma_partners+GB'
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from ira30d._common.errors import InputError
from ira30d._law.book import RuleBook
from ira30d._law.countries import Countries, load_country_file
from ira30d._law.parameters import build_parameter
from ira30d._law.specs import ParameterSpec, validated


def override_parameters(
    book: RuleBook, overrides: Mapping[str, Mapping[Any, Any]], name: str | None
) -> RuleBook:
    """``book`` with some parameters' values replaced (a mapping of dates to values each; one
    entry replaces the parameter by a constant)."""
    params = dict(book.parameters)
    for pname, values in overrides.items():
        if pname not in params:
            raise InputError(
                f"parameters.{pname}",
                f"unknown parameter; known: {', '.join(sorted(params))}",
                "unknown_parameter",
            )
        raw = params[pname].spec.model_dump(by_alias=True)
        unit = raw["unit"]
        dated = {
            k: (
                date.fromisoformat(v)
                if unit == "date" and isinstance(v, str)
                else Decimal(str(v))
                if unit in ("usd", "kwh", "lbs", "share") and isinstance(v, (str, int))
                else v
            )
            for k, v in dict(values).items()
        }
        # one entry replaces a constant (its date is the override's label, as in the rule files'
        # history); several make the parameter dated
        raw["value"], raw["values"] = (
            (next(iter(dated.values())), None) if len(dated) == 1 else (None, dated)
        )
        label = f"override {name or pname}"
        params[pname] = build_parameter(pname, validated(ParameterSpec, raw, label, pname), label)
    canon = json.dumps(
        {k: {str(d): str(v) for d, v in dict(vs).items()} for k, vs in overrides.items()},
        sort_keys=True,
    )
    label = name or "+".join(sorted(overrides))
    book = dataclasses.replace(
        book,
        parameters=params,
        digest=hashlib.sha256((book.digest + canon).encode()).hexdigest(),
        spec=book.spec.model_copy(update={"version": f"{book.spec.version}+{label}"}),
    )
    return book


def change_countries(
    countries: Countries,
    add: Mapping[str, Iterable[Any]] | None,
    remove: Mapping[str, Iterable[str]] | None,
    name: str | None,
    files: Iterable[str | Path],
) -> Countries:
    """``countries`` with members added or removed, or whole lists replaced from files."""
    lists = dict(countries.lists)
    for f in files:
        cl = load_country_file(Path(f), str(f))
        if cl.name not in lists:
            raise InputError(
                "countries",
                f"{f}: unknown list {cl.name!r}; known: {', '.join(sorted(lists))}",
                "unknown_list",
            )
        lists[cl.name] = cl
    base = Countries.build(countries.name, lists)
    label = name or "+".join(
        [countries.name]
        + [
            f"{ln}+{'+'.join(str(c) if isinstance(c, str) else c['code'] for c in cs)}"
            for ln, cs in (add or {}).items()
        ]
    )
    return base.overlay(label, add or {}, remove or {})


def overlay_scenarios(book: RuleBook, countries: Countries, names: Iterable[str]) -> Countries:
    """``countries`` with the named bundled scenarios (``rules/scenarios``) overlaid in order."""
    for n in names:
        if n not in book.scenarios:
            raise InputError(
                "scenario",
                f"unknown scenario {n!r}; known: {', '.join(sorted(book.scenarios))}",
                "unknown_scenario",
            )
        sc = book.scenarios[n]
        countries = countries.overlay(f"{countries.name}+{n}", sc.add, sc.remove)
    return countries
