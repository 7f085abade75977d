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

from ira30d.common.errors import EngineError, InputError
from ira30d.common.text import fact_date, show_fact, show_value
from ira30d.determination.records import (
    SCHEMA_VERSION,
    Determination,
    Finding,
    Outcome,
    Provenance,
    Question,
    Status,
    Transition,
    new_record,
)
from ira30d.determination.verdict import Decision, decide
from ira30d.engines.backends import Backend, make_backend
from ira30d.law import conditions as C
from ira30d.law.countries import Countries, load_country_file
from ira30d.law.rulefiles import (
    ParameterSpec,
    RuleBook,
    build_parameter,
    read_rulebook,
    to_fact_scale,
    validated,
    window_condition,
)
from ira30d.measures.measurer import Measured, Measurer
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


def _resolve(cond: C.Cond, book: RuleBook) -> C.Cond:
    """Replace parameter references by literal values on the fact scale (dated ones as date
    segments)."""
    if not isinstance(cond, C.Atom):
        items = tuple(_resolve(c, book) for c in cond.items)
        return C.All(items) if isinstance(cond, C.All) else C.Any_(items)
    unit = book.facts[cond.fact].unit
    ref = cond.operand
    if not isinstance(ref, C.ParamRef):
        return C.Atom(cond.fact, cond.op, to_fact_scale(unit, ref))
    p = book.parameters[ref.name]

    def at(value: Any) -> C.Cond:
        if ref.key is None:
            return C.Atom(cond.fact, cond.op, to_fact_scale(unit, value))
        return C.Any_(
            tuple(
                C.conj(C.Atom(ref.key, "eq", k), C.Atom(cond.fact, cond.op, to_fact_scale(unit, v)))
                for k, v in value.items()
            )
        )

    if p.constant:
        return at(p.values[0])
    segments = []
    for i, (start, value) in enumerate(zip(p.starts, p.values, strict=False)):
        bounds = [C.Atom(p.spec.on, "ge", to_fact_scale(None, start))]
        if i + 1 < len(p.starts):
            bounds.append(C.Atom(p.spec.on, "lt", to_fact_scale(None, p.starts[i + 1])))
        segments.append(C.conj(*bounds, at(value)))
    return C.Any_(tuple(segments))


def compile_rules(book: RuleBook) -> list[tuple[str, C.Cond]]:
    """Each requirement as up to 4 + exceptions engine rules: applies (|a), condition alone (|c),
    met (|m), not met (|n), exception i (|xi); each regime as one rule (regime|id)."""
    out: list[tuple[str, C.Cond]] = []
    for req in book.requirements:
        label = book.requirement_files[req.id]
        window = window_condition(req.window, book, label, req.id)
        cond = _resolve(book.conditions[f"{req.id}.condition"], book)
        if isinstance(window, C.All) and window.items:
            out.append((f"{req.id}|a", window))
            out.append((f"{req.id}|c", cond))  # met on whatever date: decides a missing window date
        out.append((f"{req.id}|m", C.conj(window, cond)))
        out.append((f"{req.id}|n", C.conj(window, C.negate(cond))))
        for i, exc in enumerate(req.exceptions):
            out.append(
                (
                    f"{req.id}|x{i}",
                    C.conj(
                        window,
                        _resolve(book.conditions[f"{req.id}.exceptions.{exc.id}.condition"], book),
                    ),
                )
            )
    for reg in book.regimes:
        out.append(
            (f"regime|{reg.id}", window_condition(reg.window, book, book.spec.regimes, reg.id))
        )
    return out


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
        self._by_id = {r.id: r for r in book.requirements}
        self._param_texts: dict[tuple[str, int | None, Any], str | None] = {}
        self._param_refs = {r.id: self._refs(r) for r in book.requirements}
        self._required_names = {
            r.id: list(
                dict.fromkeys(
                    name if key is None else f"{name}[{key}]"
                    for name, key in self._param_refs[r.id]
                )
            )
            for r in book.requirements
        }
        self._plans = [self._plan(r) for r in book.requirements]
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
        facts = self.book.facts
        shown = _Shown(
            {
                k: m.shown.get(k) or show_fact(facts[k].type, facts[k].unit, v)
                for k, v in m.facts.items()
            }
        )
        m.rendered = dict(shown)
        findings = [self._finding(plan, case, m, fired, shown) for plan in self._plans]
        if counterfactuals:
            from ira30d.counterfactuals import counterfactuals as what_flips

            findings = [
                dataclasses.replace(f, counterfactuals=what_flips(self, case, m, f, req))
                if f.status == "not_met"
                else f
                for f, req in zip(findings, self.book.requirements, strict=False)
            ]
        return m, fired, findings, decide(self.book, case, m, fired, findings)

    def _plan(self, req: Any) -> _Plan:
        """What building a requirement's finding needs, worked out once per rule set."""
        w = req.window
        return _Plan(
            req=req,
            scope=None if req.scope == "vehicle" else req.scope,
            window_on=w.on if w else None,
            window_missing=f"Undetermined: the {self.book.facts[w.on].label} is missing "
            f"({self._sources([w.on])})."
            if w
            else "",
            window_label=self.book.facts[w.on].label if w else "",
            applies=f"{req.id}|a",
            always=f"{req.id}|c",
            met=f"{req.id}|m",
            not_met=f"{req.id}|n",
            exceptions=tuple((f"{req.id}|x{i}", e.id) for i, e in enumerate(req.exceptions)),
            inputs=tuple(req.inputs),
            required=tuple(self._required_names[req.id]),
            static={
                "id": req.id,
                "title": req.title,
                "kind": req.kind,
                "citation": req.citation,
                "excerpt": req.excerpt,
                "paraphrase": req.paraphrase,
                "confidence": req.confidence,
            },
        )

    def _finding(
        self, plan: _Plan, case: Case, m: Measured, fired: set[str], facts_shown: _Shown
    ) -> Finding:
        req, f = plan.req, m.facts
        missing = [i for i in plan.inputs if i not in f]
        exception = None
        if plan.met in fired and plan.not_met in fired:  # fail closed: never both
            raise EngineError(f"{req.id}: the engine found it both met and not met")
        if plan.scope is not None and getattr(case, plan.scope) is None:
            status: Status
            status, text = (
                "not_applicable",
                f"Not assessed: no {plan.scope} given"
                + (" (vehicle-level question)." if case.purchase is None else "."),
            )
        elif plan.window_on is not None and plan.window_on not in f and plan.always in fired:
            status, text = (
                "met",
                req.explain.get("met", ""),
            )  # met whether or not the window applies
        elif plan.window_on is not None and plan.window_on not in f:
            status, missing = "undetermined", [plan.window_on, *missing]
            text = plan.window_missing
        elif plan.window_on is not None and plan.applies not in fired:
            status = "not_applicable"
            text = f"Does not apply: {plan.window_label} {facts_shown[plan.window_on]}."
        else:
            if plan.met in fired:
                status = "met"
            elif hit := next((eid for name, eid in plan.exceptions if name in fired), None):
                status, exception = "met", hit
            elif plan.not_met in fired:
                status = "not_met"
            elif req.when_absent == "not_applicable" and missing:
                status = "not_applicable"
            else:
                status = "undetermined"
            key: str = "exception" if exception else status
            if (
                status == "met"
                and not exception
                and "attested" in req.explain
                and any(i in m.attested for i in plan.inputs)
            ):
                key = "attested"
            text = req.explain.get(key, "")
            elected = case.purchase.transition_election if case.purchase else None
            if req.kind == "election" and status == "not_met" and not elected:
                status = (
                    "not_applicable"  # not available and not elected: nothing to say against it
                )
            elif req.kind == "election" and status == "met":
                text += (
                    " Elected: treated as placed in service {placed_in_service}; "
                    "the pre-IRA rules apply."
                    if f.get("transition_applied")
                    else " Not elected."
                    if elected is False
                    else " Not stated: the determination shows the credit with and without it."
                )
            elif req.kind == "election" and status == "not_met":
                text += " Elected, but not available: the ordinary rules apply."
            elif status == "not_applicable":
                text = "Nothing to compare."
            elif status == "undetermined" and not text:
                text = f"Missing: {self._sources(missing)}."
        shown = self._display(req, m, facts_shown)
        return new_record(
            Finding,
            **plan.static,
            status=status,
            explanation=text.format_map(shown),
            actual={k: shown[k] for k in plan.inputs if k in shown},
            required={k: shown[k] for k in plan.required if k in shown},
            exception=exception,
            missing=missing if status == "undetermined" else [],
            missing_inputs=self._missing_inputs(missing, m) if status == "undetermined" else [],
            line_items=m.line_items.get(req.line_items, ())
            if req.line_items and status != "not_applicable"
            else (),
            counterfactuals=[],
        )

    def _missing_inputs(self, facts: list[str], m: Measured) -> list[str]:
        """The input fields that would supply missing facts: the measure's own list where it knows
        exactly (a supplier's unknown facts), else the fact's declared sources."""
        out: list[str] = []
        for fact in facts:
            out += m.missing.get(fact) or self.book.facts[fact].source or [fact]
        return list(dict.fromkeys(out))

    def _sources(self, facts: list[str]) -> str:
        """The input fields behind missing facts, for the reader."""
        return ", ".join(
            dict.fromkeys(src for f in facts for src in (self.book.facts[f].source or [f]))
        )

    def _params_of(self, req: Any) -> tuple[str, ...]:
        return tuple(sorted({name for name, _ in self._param_refs[req.id]}))

    def _refs(self, req: Any) -> list[tuple[str, str | None]]:
        """(parameter, key fact) pairs a requirement's conditions compare against, in order."""
        conds = [self.book.conditions[f"{req.id}.condition"]]
        conds += [
            self.book.conditions[f"{req.id}.exceptions.{e.id}.condition"] for e in req.exceptions
        ]
        refs = [
            (a.operand.name, a.operand.key)
            for c in conds
            for a in C.walk_atoms(c)
            if isinstance(a.operand, C.ParamRef)
        ]
        return list(dict.fromkeys(refs))

    def _display(self, req: Any, m: Measured, facts_shown: _Shown) -> _Shown:
        """Fact values and the requirement's parameter values (on their dates) as text; a keyed
        parameter also appears as ``name[key_fact]`` for each key it is read with."""
        if not self._param_refs[req.id]:
            return facts_shown
        shown = _Shown(facts_shown)
        facts = m.facts
        for name, key_fact in self._param_refs[req.id]:
            on = self.book.parameters[name].spec.on
            text = self._param_text(name, facts.get(on), facts.get(key_fact) if key_fact else None)
            if text is None:
                continue
            if key_fact is not None:
                shown[f"{name}[{key_fact}]"] = text
            shown.setdefault(name, text)
        return shown

    def _param_text(self, name: str, day: int | None, key: Any) -> str | None:
        """A parameter's value on a date (and for a key), as text; memoized, the hot path asks
        often."""
        memo_key = (name, day, key)
        text = self._param_texts.get(memo_key, _UNSET)
        if text is _UNSET:
            p = self.book.parameters[name]
            value = p.at(fact_date(day))
            if value is not None and p.spec.keyed_by:
                value = value.get(key)
            text = None if value is None else show_value(p.spec.unit, value)
            if len(self._param_texts) > 65536:
                self._param_texts.clear()
            self._param_texts[memo_key] = text
        return text  # type: ignore[return-value]

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

    def _req(self, rid: str) -> Any:
        return self._by_id[rid]


_UNSET = object()


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


@dataclasses.dataclass(frozen=True)
class _Plan:
    req: Any
    scope: str | None
    window_on: str | None
    window_missing: str
    window_label: str
    applies: str
    always: str
    met: str
    not_met: str
    exceptions: tuple[tuple[str, str], ...]
    inputs: tuple[str, ...]
    required: tuple[str, ...]
    static: dict[str, str]


class _Shown(dict):  # type: ignore[type-arg]
    """Template values; a value the case does not have reads as 'unknown'."""

    def __missing__(self, key: str) -> str:
        return "unknown"
