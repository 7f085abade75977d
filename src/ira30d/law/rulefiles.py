"""Reading and checking the rule files in ``rules/``: schemas, units, static checks.

The result is a :class:`RuleBook`, plain data that the compiler and the measures read.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ira30d.common.errors import RuleFileError
from ira30d.law import conditions as C
from ira30d.law.countries import CountryList, load_country_file
from ira30d.law.safe_yaml import load_yaml

DateField = Literal["acquired", "contract", "sale", "placed_in_service"]
Confidence = Literal["C", "C2", "U", "D"]
FACT_SCALE = {"usd": 100, "kwh": 1000, "share": 1_000_000, "lbs": 1}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Reference(_Strict):
    """A source: ``excerpt`` is its verbatim words, ``paraphrase`` a summary shown as one."""

    title: str
    excerpt: str | None = None
    paraphrase: str | None = None
    note: str | None = None


class _Cited(_Strict):
    """A rule-file entry with its law's words: an ``excerpt`` (verbatim) or a ``paraphrase``."""

    citation: str = Field(min_length=3)
    excerpt: str | None = Field(None, min_length=3)
    paraphrase: str | None = Field(None, min_length=3)
    note: str | None = None

    @model_validator(mode="after")
    def _quoted_or_paraphrased(self) -> _Cited:
        if self.excerpt is None and self.paraphrase is None:
            raise ValueError("give the law's words: an excerpt (verbatim) or a paraphrase")
        return self


class ParameterSpec(_Strict):
    """A parameter: a constant ``value``, or ``values`` dated by the ``on`` date (never both)."""

    description: str
    unit: Literal["usd", "kwh", "lbs", "share", "date", "list", "mapping", "formula", "choice"]
    on: DateField = "placed_in_service"
    keyed_by: str | None = None
    value: Any = None
    values: dict[date, Any] | None = Field(None, min_length=1)
    reference: list[Reference] = Field(min_length=1)
    confidence: Confidence
    history: str | None = None
    choices: list[str] | None = None
    rounding: Literal["whole_dollars_half_up", "cents_half_up"] | None = None

    @model_validator(mode="after")
    def _value_or_values(self) -> ParameterSpec:
        if (self.value is None) == (self.values is None):
            raise ValueError(
                "give a constant `value` or dated `values` (a mapping of dates), not both"
            )
        return self


class FactSpec(_Strict):
    type: Literal["date", "int", "bool", "str"]
    unit: str | None = None
    label: str
    source: list[str] = []
    measured_by: list[str] = []


class WindowSpec(_Strict):
    on: DateField
    from_: Any = Field(None, alias="from")
    to: Any = None
    after: Any = None
    before: Any = None


class ExceptionSpec(_Cited):
    id: str
    title: str
    inputs: list[str]
    condition: dict[str, Any]


class RequirementSpec(_Cited):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    kind: Literal["gate", "credit_part", "check", "election"]
    amount: str | None = None
    scope: Literal["vehicle", "purchase", "buyer"]
    window: WindowSpec | None = None
    inputs: list[str] = Field(min_length=1)
    condition: dict[str, Any]
    confidence: Confidence
    line_items: str | None = None
    exceptions: list[ExceptionSpec] = []
    explain: dict[Literal["met", "not_met", "undetermined", "exception", "attested"], str]
    when_absent: Literal["undetermined", "not_applicable"] = "undetermined"


class RegimeSpec(_Cited):
    id: str
    title: str
    window: WindowSpec
    formula: Literal["capacity", "credit_parts"]
    parameter: str | None = None
    phaseout: bool
    confidence: Confidence


class PhaseoutSpec(_Strict):
    class Maker(_Strict):
        aliases: list[str]
        fractions: dict[date, Decimal]

    description: str
    citation: str
    confidence: Confidence
    applies_sold_through: date
    manufacturers: dict[str, Maker]


class NotModelled(_Strict):
    topic: str
    reason: str


class ScenarioSpec(_Strict):
    name: str
    title: str
    status: Literal["in_force", "hypothetical"]
    note: str
    add: dict[str, list[dict[str, Any]]] = {}
    remove: dict[str, list[str]] = {}


class RuleSetSpec(_Strict):
    name: str
    version: str
    title: str
    default_countries: str
    facts: str
    parameters: list[str]
    countries: list[str]
    requirements: list[str]
    regimes: str
    phaseout: str
    scenarios: list[str]
    not_modelled: str


@dataclass(frozen=True)
class Parameter:
    """A parameter: a constant (no ``starts``), or values in force from each start on the ``on``
    date."""

    name: str
    spec: ParameterSpec
    starts: tuple[date, ...]
    values: tuple[Any, ...]

    @property
    def constant(self) -> bool:
        """True for a parameter with one value whatever the date."""
        return not self.starts

    def at(self, when: date | None) -> Any:
        """The value in force on ``when`` (a constant ignores the date); None before the first."""
        if self.constant or when is None:
            return self.values[-1] if self.constant else None
        i = bisect.bisect_right(self.starts, when) - 1
        return self.values[i] if i >= 0 else None

    def first(self) -> Any:
        return self.values[0]


Rounding = Literal["floor", "ceil", "exact"]
# Which way an input value is rounded onto the integer scale so that a comparison with a law's
# value (a whole number on that scale) gives the answer the unrounded value gives:
# x >= T and x < T hold for floor(x) exactly when for x; x <= T and x > T for ceil(x).
ROUNDING_FOR_OP: dict[str, Rounding] = {
    "ge": "floor",
    "lt": "floor",
    "le": "ceil",
    "gt": "ceil",
    "eq": "exact",
    "ne": "exact",
}


def to_fact_scale(unit: str | None, value: Any, rounding: Rounding = "exact") -> Any:
    """A value on the fact's integer scale: usd->cents, kwh->Wh, share->ppm, date->YYYYMMDD.

    A law's value must sit exactly on the scale (``rounding="exact"``); an input value is rounded
    the way its comparisons need (see ``ROUNDING_FOR_OP``), so no comparison changes:

    >>> (to_fact_scale("usd", Decimal("150000.004"), "ceil"),
    ...  to_fact_scale("share", Fraction(1, 3), "floor"))
    (15000001, 333333)
    """
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, date):
        return value.year * 10000 + value.month * 100 + value.day
    if unit in FACT_SCALE:
        scaled = Fraction(value) * FACT_SCALE[unit]
        if scaled.denominator == 1:
            return scaled.numerator
        if rounding == "floor":
            return scaled.numerator // scaled.denominator
        if rounding == "ceil":
            return -(-scaled.numerator // scaled.denominator)
        raise ValueError(f"{value} {unit} is finer than the fact scale 1/{FACT_SCALE[unit]}")
    if isinstance(value, (int, Decimal)) and Decimal(value) == int(value):
        return int(value)
    raise ValueError(f"cannot put {value!r} on a fact scale")


@dataclass
class RuleBook:
    """Everything read from ``rules/``, checked."""

    spec: RuleSetSpec
    root: Path
    digest: str
    facts: dict[str, FactSpec]
    parameters: dict[str, Parameter]
    country_lists: dict[str, CountryList]
    requirements: list[RequirementSpec]
    regimes: list[RegimeSpec]
    phaseout: PhaseoutSpec
    scenarios: dict[str, ScenarioSpec]
    not_modelled: list[NotModelled]
    requirement_files: dict[str, str] = field(default_factory=dict)
    conditions: dict[str, C.Cond] = field(default_factory=dict)
    rounding: dict[str, Rounding] = field(default_factory=dict)

    def scale(self, fact: str, value: Any) -> Any:
        """An input value (Decimal, Fraction, date, bool, str) on ``fact``'s integer scale, rounded
        the way the rules compare that fact, so that every comparison is exact."""
        return to_fact_scale(self.facts[fact].unit, value, self.rounding.get(fact, "exact"))


def validated(model: type[BaseModel], raw: Any, label: str, prefix: str = "") -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        raise RuleFileError(label, loc, err["msg"]) from None


def build_parameter(name: str, spec: ParameterSpec, label: str) -> Parameter:
    dated = spec.values or {}
    starts = tuple(sorted(dated))
    values = []
    for d in starts or (None,):
        v = dated[d] if d is not None else spec.value
        where = f"{name}.values.{d}" if d is not None else f"{name}.value"
        if spec.unit in FACT_SCALE:
            items = v.values() if isinstance(v, dict) else [v]
            for item in items:
                if not isinstance(item, (int, Decimal)) or isinstance(item, bool) or item < 0:
                    raise RuleFileError(
                        label, where, f"expected a non-negative number in {spec.unit}, got {item!r}"
                    )
                if spec.unit == "share" and item > 1:
                    raise RuleFileError(label, where, "a share is between 0 and 1")
                try:
                    to_fact_scale(spec.unit, item)
                except ValueError as exc:
                    raise RuleFileError(label, where, str(exc)) from None
        if (
            spec.unit in FACT_SCALE or spec.unit == "formula"
        ):  # every number of the law is a Decimal
            v = {k: Decimal(x) for k, x in v.items()} if isinstance(v, dict) else Decimal(v)
        if spec.keyed_by and not isinstance(v, dict):
            raise RuleFileError(label, where, f"keyed by {spec.keyed_by}: expected a mapping")
        if spec.unit == "date" and not isinstance(v, date):
            raise RuleFileError(label, where, "expected a date")
        if spec.unit == "list" and not (isinstance(v, list) and all(isinstance(s, str) for s in v)):
            raise RuleFileError(label, where, "expected a list of names")
        if spec.unit == "choice" and v not in (spec.choices or []):
            raise RuleFileError(label, where, f"expected one of {spec.choices}")
        values.append(v)
    return Parameter(name, spec, starts, tuple(values))


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
    _check(book)
    return book


def window_condition(window: WindowSpec | None, book: RuleBook, label: str, path: str) -> C.Cond:
    """The date window as a condition on its date fact (bounds: from/to inclusive, after/before
    strict)."""
    if window is None:
        return C.TRUE
    atoms = []
    for bound, op in (("from_", "ge"), ("to", "le"), ("after", "gt"), ("before", "lt")):
        value = getattr(window, bound)
        if value is None:
            continue
        day = window_bound(value, book, label, f"{path}.window.{bound.rstrip('_')}")
        atoms.append(C.Atom(window.on, op, to_fact_scale(None, day)))
    return C.All(tuple(atoms))


def window_bound(value: Any, book: RuleBook, label: str, path: str) -> date:
    """A window bound: a date, or ``{param: NAME}`` of a constant date parameter (one home per
    date)."""
    if isinstance(value, dict):
        p = book.parameters.get(value.get("param", "")) if set(value) == {"param"} else None
        if p is None or p.spec.unit != "date" or not p.constant:
            raise RuleFileError(
                label, path, "expected a date or {param: NAME} of a constant date parameter"
            )
        value = p.values[0]
    if not isinstance(value, date):
        raise RuleFileError(label, path, "expected a date")
    return value


def _check(book: RuleBook) -> None:
    """Static checks: names resolve, units fit, ids unique, regimes neither gap nor overlap."""
    for req in book.requirements:
        label = book.requirement_files[req.id]
        if req.kind == "credit_part" and req.amount not in book.parameters:
            raise RuleFileError(label, f"{req.id}.amount", f"unknown parameter {req.amount!r}")
        for name in req.inputs:
            if name not in book.facts:
                raise RuleFileError(label, f"{req.id}.inputs", f"unknown fact {name!r}")
        conds = [("condition", req.condition)] + [
            (f"exceptions.{e.id}.condition", e.condition) for e in req.exceptions
        ]
        fail = functools.partial(RuleFileError, label)  # (path, reason) -> the error to raise
        for where, raw in conds:
            cond = C.parse(raw, f"{req.id}.{where}", fail)
            for atom in C.walk_atoms(cond):
                _check_atom(book, atom, label, f"{req.id}.{where}")
            book.conditions[f"{req.id}.{where}"] = cond
        window_condition(req.window, book, label, req.id)
    for req in (
        book.requirements
    ):  # after every condition is parsed, so the order of files does not matter
        _check_placeholders(book, req)
    # regimes tile the placed-in-service axis from the first start with no gap and no overlap
    spans = []
    for reg in book.regimes:
        w = reg.window
        if w.on != "placed_in_service" or w.from_ is None or w.after or (w.to and w.before):
            raise RuleFileError(
                book.spec.regimes,
                f"{reg.id}.window",
                "a regime window is {on: placed_in_service, from: DATE, to or before: DATE?}",
            )
        start = window_bound(w.from_, book, book.spec.regimes, f"{reg.id}.window.from")
        end = (
            window_bound(w.to, book, book.spec.regimes, f"{reg.id}.window.to")
            if w.to
            else window_bound(w.before, book, book.spec.regimes, f"{reg.id}.window.before")
            - timedelta(days=1)
            if w.before
            else None
        )
        spans.append((start, end, reg.id))
        if reg.formula == "capacity" and reg.parameter not in book.parameters:
            raise RuleFileError(
                book.spec.regimes, f"{reg.id}.parameter", f"unknown parameter {reg.parameter!r}"
            )
    spans.sort(key=lambda s: s[0])
    for (_, e0, id0), (s1, _, id1) in zip(spans, spans[1:], strict=False):
        if e0 is None or (s1 - e0).days != 1:
            raise RuleFileError(
                book.spec.regimes, f"{id1}.window", f"gap or overlap after regime {id0}"
            )
    if spans and spans[-1][1] is not None:
        raise RuleFileError(
            book.spec.regimes, f"{spans[-1][2]}.window", "the last regime must be open-ended"
        )
    _check_rounding(book)
    for fact, spec in book.facts.items():
        for name in spec.measured_by:
            if name not in book.parameters:
                raise RuleFileError(
                    book.spec.facts, f"{fact}.measured_by", f"unknown parameter {name!r}"
                )
    for name, p in book.parameters.items():
        if p.spec.keyed_by and p.spec.keyed_by not in ("msrp_class", "filing_status"):
            raise RuleFileError(
                "parameters", f"{name}.keyed_by", f"unknown category {p.spec.keyed_by!r}"
            )
    if book.spec.default_countries != "baseline":
        raise RuleFileError(
            "ruleset.yaml", "default_countries", "only 'baseline' (all lists as shipped) is defined"
        )


def _check_atom(book: RuleBook, atom: C.Atom, label: str, path: str) -> None:
    if atom.fact not in book.facts:
        raise RuleFileError(label, path, f"unknown fact {atom.fact!r}")
    ref = atom.operand
    if isinstance(ref, C.ParamRef):
        if ref.name not in book.parameters:
            raise RuleFileError(label, path, f"unknown parameter {ref.name!r}")
        p = book.parameters[ref.name]
        if bool(p.spec.keyed_by) != bool(ref.key):
            raise RuleFileError(
                label,
                path,
                f"parameter {ref.name!r} {'needs' if p.spec.keyed_by else 'takes no'} key",
            )
        if ref.key and ref.key not in book.facts:
            raise RuleFileError(label, path, f"unknown key fact {ref.key!r}")
        unit = book.facts[atom.fact].unit
        if p.spec.unit != (unit or "date") and not (
            p.spec.unit == "date" and book.facts[atom.fact].type == "date"
        ):
            raise RuleFileError(
                label,
                path,
                f"unit mismatch: fact {atom.fact!r} is {unit}, "
                f"parameter {ref.name!r} is {p.spec.unit}",
            )


def _check_rounding(book: RuleBook) -> None:
    """Give each scaled fact the rounding its comparisons need; a fact compared both ways (e.g.
    with ``le`` in one rule and ``ge`` in another) cannot be exact on one scale and is refused."""
    for key, cond in book.conditions.items():
        for atom in C.walk_atoms(cond):
            if book.facts[atom.fact].unit not in FACT_SCALE:
                continue
            want = ROUNDING_FOR_OP[atom.op]
            have = book.rounding.setdefault(atom.fact, want)
            if have != want:
                rid = key.split(".")[0]
                raise RuleFileError(
                    book.requirement_files.get(rid, "requirements"),
                    key,
                    f"fact {atom.fact!r} is compared both as {have} and as {want}: "
                    "no single integer scale keeps both exact",
                )


def _check_placeholders(book: RuleBook, req: RequirementSpec) -> None:
    """A template may name facts and the parameters this requirement's own conditions compare
    against (``name`` or ``name[key_fact]``): those are what its finding can show."""
    keys = [
        k
        for k in book.conditions
        if k == f"{req.id}.condition" or k.startswith(f"{req.id}.exceptions.")
    ]
    refs = {
        a.operand
        for k in keys
        for a in C.walk_atoms(book.conditions[k])
        if isinstance(a.operand, C.ParamRef)
    }
    allowed = (
        set(book.facts) | {r.name for r in refs} | {f"{r.name}[{r.key}]" for r in refs if r.key}
    )
    for status, template in req.explain.items():
        for _, field_name, _, _ in string.Formatter().parse(template):
            if field_name and field_name not in allowed:
                raise RuleFileError(
                    book.requirement_files[req.id],
                    f"{req.id}.explain.{status}",
                    f"unknown placeholder {{{field_name}}}: a template names facts and the "
                    "parameters of this requirement's own conditions",
                )
