"""A loaded, compiled rule set bound to one set of country lists and one engine backend."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from ira30d.common.errors import InputError
from ira30d.determination.findings import Finder
from ira30d.determination.records import (
    SCHEMA_VERSION,
    Determination,
    Finding,
    Outcome,
    Provenance,
    Question,
    Transition,
    new_record,
)
from ira30d.determination.verdict import Decision, decide
from ira30d.engines.backends import Backend, make_backend
from ira30d.engines.compile import compile_rules
from ira30d.law.book import RuleBook
from ira30d.law.countries import Countries, load_country_file
from ira30d.law.parameters import build_parameter
from ira30d.law.rulefiles import read_rulebook
from ira30d.law.specs import ParameterSpec, validated
from ira30d.measures.measured import Measured
from ira30d.measures.measurer import Measurer
from ira30d.models.inputs import Case

_PY_TYPES = {"date": int, "int": int, "bool": bool, "str": str}


def rules_dir() -> Path:
    """Where the shipped rule files are: inside the installed package, else the source tree's
    ``rules/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "rules", here.parent.parent / "rules"):
        if (candidate / "ruleset.yaml").is_file():
            return candidate
    raise FileNotFoundError("ira30d rule files not found (expected ira30d/rules or ./rules)")


@functools.lru_cache(maxsize=8)
def _read(root: str) -> RuleBook:
    return read_rulebook(Path(root))


class RuleSet:
    """The §30D rules, compiled, with the country lists they use.

    >>> rs = RuleSet.load()
    >>> rs.countries.name
    'baseline'
    >>> rs.with_countries(add={"cma_partners": ["GB"]}, name="uk").countries.name
    'uk'
    """

    def __init__(self, book: RuleBook, countries: Countries, backend: str = "auto") -> None:
        self.book = book
        self.countries = countries
        self._backend_choice = backend
        self._measurer = Measurer(book, countries)
        self._compiled = compile_rules(book)
        types = {k: _PY_TYPES[f.type] for k, f in book.facts.items()}
        self._finder = Finder(book)
        self._backend: Backend = make_backend(backend, self._compiled, types)

    # -- construction ------------------------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path | None = None, *, backend: str = "auto") -> RuleSet:
        """Load the rule set at ``path`` (default: the shipped rules) with its baseline country
        lists."""
        book = _read(str(Path(path).resolve() if path else rules_dir()))
        return cls(book, Countries.build("baseline", book.country_lists), backend)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickles as its recipe (rule book, country lists, backend): each process builds its own
        engine."""
        return (RuleSet, (self.book, self.countries, self._backend_choice))

    def with_parameters(
        self, overrides: Mapping[str, Mapping[Any, Any]], *, name: str | None = None
    ) -> RuleSet:
        """The same rules with some parameters' dated values replaced, e.g. a later termination
        date:

        >>> rs = RuleSet.load().with_parameters(
        ...     {"termination_acquired_after": {"2025-07-04": "2032-12-31"}}, name="no-obbba")
        >>> rs.book.spec.version.endswith("+no-obbba")
        True
        """
        params = dict(self.book.parameters)
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
            params[pname] = build_parameter(
                pname, validated(ParameterSpec, raw, label, pname), label
            )
        canon = json.dumps(
            {k: {str(d): str(v) for d, v in dict(vs).items()} for k, vs in overrides.items()},
            sort_keys=True,
        )
        label = name or "+".join(sorted(overrides))
        book = dataclasses.replace(
            self.book,
            parameters=params,
            digest=hashlib.sha256((self.book.digest + canon).encode()).hexdigest(),
            spec=self.book.spec.model_copy(update={"version": f"{self.book.spec.version}+{label}"}),
        )
        return RuleSet(book, self.countries, self._backend_choice)

    @property
    def backend(self) -> str:
        return self._backend.name

    def with_countries(
        self,
        add: Mapping[str, Iterable[Any]] | None = None,
        remove: Mapping[str, Iterable[str]] | None = None,
        *,
        name: str | None = None,
        files: Iterable[str | Path] = (),
    ) -> RuleSet:
        """The same rules with country lists changed: members added or removed, or whole lists
        replaced from files (a file's ``name`` says which list it replaces)."""
        lists = dict(self.countries.lists)
        for f in files:
            cl = load_country_file(Path(f), str(f))
            if cl.name not in lists:
                raise InputError(
                    "countries",
                    f"{f}: unknown list {cl.name!r}; known: {', '.join(sorted(lists))}",
                    "unknown_list",
                )
            lists[cl.name] = cl
        base = Countries.build(self.countries.name, lists)
        label = name or "+".join(
            [self.countries.name]
            + [
                f"{ln}+{'+'.join(str(c) if isinstance(c, str) else c['code'] for c in cs)}"
                for ln, cs in (add or {}).items()
            ]
        )
        return RuleSet(
            self.book, base.overlay(label, add or {}, remove or {}), self._backend_choice
        )

    def scenario(self, *names: str) -> RuleSet:
        """The same rules with the named bundled scenarios (``uk_pact``, ``eu_pact``) overlaid."""
        rs = self
        for n in names:
            if n not in self.book.scenarios:
                raise InputError(
                    "scenario",
                    f"unknown scenario {n!r}; known: {', '.join(sorted(self.book.scenarios))}",
                    "unknown_scenario",
                )
            sc = self.book.scenarios[n]
            rs = RuleSet(
                self.book,
                rs.countries.overlay(f"{rs.countries.name}+{n}", sc.add, sc.remove),
                self._backend_choice,
            )
        return rs

    # -- evaluation --------------------------------------------------------------------------
    def evaluate(
        self,
        case: Case | Mapping[str, Any] | str | bytes,
        *,
        method: str | None = None,
        counterfactuals: bool = False,
    ) -> Determination:
        """Decide one case. ``case`` is a :class:`Case`, its JSON-shaped dict, or JSON text. With
        ``counterfactuals=True`` each requirement not met says what would flip it, in numbers."""
        if isinstance(case, (str, bytes)):
            case = Case.model_validate_json(case)
        elif not isinstance(case, Case):
            case = Case.model_validate(case)
        without = self._run(case, method, counterfactuals, deemed=False)
        fired = without[1]
        elected = case.purchase.transition_election if case.purchase else None
        available = "transition_election|m" in fired
        if elected and not available and "transition_election|n" not in fired:
            return self._unsure_election(case, method, counterfactuals, without)
        if not available or elected is False:
            transition = (
                None
                if not available and elected is None
                else Transition(available, elected, False, None, None, None)
            )
            return self._record(case, *without, transition)
        with_ = self._run(case, method, counterfactuals, deemed=True)
        a, b = _outcome(with_[3]), _outcome(without[3])
        transition = Transition(True, elected, elected is True, a, b, _larger(a, b))
        return self._record(case, *(with_ if elected else without), transition)

    def _unsure_election(
        self,
        case: Case,
        method: str | None,
        counterfactuals: bool,
        without: tuple[Measured, set[str], list[Finding], Decision],
    ) -> Determination:
        """Elected, but whether the election is available is undetermined: if the outcome with it
        differs from the outcome without, the verdict is undetermined and the bounds span both."""
        with_ = self._run(case, method, counterfactuals, deemed=True)
        a, b = _outcome(with_[3]), _outcome(without[3])
        transition = Transition(False, True, False, a, b, _larger(a, b))
        if a == b:
            return self._record(case, *without, transition)
        lows = [
            o.amount if o.amount is not None else o.amount_if_undetermined_not_met for o in (a, b)
        ]
        highs = [o.amount if o.amount is not None else o.amount_if_undetermined_met for o in (a, b)]
        d = without[3]
        unsure = Decision(
            "undetermined",
            None,
            max(h or Decimal(0) for h in highs),
            min(lo or Decimal(0) for lo in lows),
            d.regime,
            f"the transition election is stated but its availability is undetermined: "
            f"with it {a.text}; without it {b.text}",
        )
        return self._record(case, without[0], without[1], without[2], unsure, transition)

    def _run(
        self, case: Case, method: str | None, counterfactuals: bool, *, deemed: bool
    ) -> tuple[Measured, set[str], list[Finding], Decision]:
        """Measure, fire and find: one pass of the engine (``deemed``: the transition election)."""
        m = self._measurer.measure(case, method, deemed=deemed)
        fired = self._backend.fire(m.facts)
        findings = self._finder.findings(case, m, fired)
        if counterfactuals:
            from ira30d.counterfactuals import counterfactuals as what_flips

            findings = [
                dataclasses.replace(f, counterfactuals=what_flips(self, case, m, f, req))
                if f.status == "not_met"
                else f
                for f, req in zip(findings, self.book.requirements, strict=False)
            ]
        return m, fired, findings, decide(self.book, case, m, fired, findings)

    def _record(
        self,
        case: Case,
        m: Measured,
        fired: set[str],
        findings: list[Finding],
        d: Decision,
        transition: Transition | None,
    ) -> Determination:
        question: Question = "buyer" if case.buyer else "purchase" if case.purchase else "vehicle"
        regime = d.regime
        return new_record(
            Determination,
            schema_version=SCHEMA_VERSION,
            case_id=case.id,
            vin=case.vehicle.vin,
            question=question,
            verdict=d.verdict,
            amount=d.amount,
            amount_if_undetermined_met=d.upper,
            amount_if_undetermined_not_met=d.lower,
            regime=regime.id if regime else None,
            regime_citation=regime.citation if regime else None,
            amount_detail=d.detail,
            critical_minerals_method=m.method,
            basis=m.basis,
            figures=m.figures,
            certification=m.certification,
            transition=transition,
            facts=m.rendered,
            findings=tuple(findings),
            provenance=new_record(
                Provenance,
                ruleset=self.book.spec.name,
                ruleset_version=self.book.spec.version,
                ruleset_hash=self.book.digest,
                countries=self.countries.name,
                countries_hash=self.countries.hash,
                input_hash=hashlib.sha256(case.model_dump_json().encode()).hexdigest(),
                backend=self._backend.name,
            ),
        )


def _outcome(d: Decision) -> Outcome:
    return Outcome(d.verdict, d.amount, d.upper, d.lower)  # type: ignore[arg-type]


def _larger(
    a: Outcome, b: Outcome
) -> Literal["with_election", "without_election", "equal", "unknown"]:
    """Which alternative gives more: only when both amounts are known."""
    if a.amount is None or b.amount is None:
        return "unknown"
    return (
        "with_election"
        if a.amount > b.amount
        else "without_election"
        if b.amount > a.amount
        else "equal"
    )
