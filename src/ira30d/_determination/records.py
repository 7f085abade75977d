"""The determination: verdict, amount, one finding per requirement, and how it was reached.

>>> import ira30d
>>> d = ira30d.evaluate(ira30d.example("unknown_supplier_2024"))
>>> d.outcome.text
'undetermined: $7,500 if every undetermined requirement is met, $0 if none is'
>>> Determination.from_json(d.to_json()) == d
True
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeVar

from pydantic import PlainSerializer, TypeAdapter

from ira30d._common.frozen import FrozenDict, Later, freeze  # noqa: F401 - FrozenDict re-exported
from ira30d._determination.display import determination_html, item_text, short

SCHEMA_VERSION = "2"
_T = TypeVar("_T")
Status = Literal["met", "not_met", "undetermined", "not_applicable"]
Verdict = Literal["eligible", "not_eligible", "undetermined"]
Question = Literal["vehicle", "purchase", "buyer"]
# Line items: a tuple, or the measures' LazyItems (built when first read), written as the tuple.
Items = Annotated[
    Sequence[dict[str, Any]],
    PlainSerializer(tuple, return_type=tuple[dict[str, Any], ...]),
]


def new_record(cls: type[_T], **values: Any) -> _T:
    """A frozen record built from values the engine produced, every field given: the same object
    ``cls(**values)`` makes, without the per-field cost of a frozen ``__init__`` (hot path)."""
    obj = object.__new__(cls)
    object.__setattr__(obj, "__dict__", values)  # the fresh keyword dict, not copied
    return obj


@dataclass(frozen=True)
class Finding(Later):
    """One requirement's outcome, with the values compared and the law that compares them.

    >>> import ira30d
    >>> f = ira30d.evaluate(ira30d.example("over_msrp_cap")).finding("msrp_cap")
    >>> f.status, f.citation.split(";")[0], f.actual["msrp_class"]
    ('not_met', '26 U.S.C. 30D(f)(11)', 'other')
    """

    __later__ = frozenset({"explanation", "actual", "required"})  # texts, built when read

    id: str
    title: str
    kind: str
    status: Status
    explanation: str
    citation: str
    excerpt: str | None  # the law's verbatim words, when the rule file quotes them
    paraphrase: str | None  # a summary of the law, shown as one
    confidence: str
    actual: dict[str, str] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)
    exception: str | None = None
    missing: list[str] = field(default_factory=list)  # facts the rule needed and did not have
    missing_inputs: list[str] = field(default_factory=list)  # input fields that would supply them
    line_items: Items = ()  # read-only (FrozenDict items), shared by design, built when read
    counterfactuals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def law_text(self) -> str:
        """The excerpt in quotes, or the paraphrase labelled as one."""
        return f'"{self.excerpt}"' if self.excerpt else f"(paraphrase) {self.paraphrase}"


@dataclass(frozen=True)
class Outcome:
    """Verdict and amount of one alternative (with or without the transition election)."""

    verdict: Verdict
    amount: Decimal | None
    amount_if_undetermined_met: Decimal | None
    amount_if_undetermined_not_met: Decimal | None

    @property
    def text(self) -> str:
        """``'eligible, $7,500'`` or, when undetermined, both bounds, named."""
        if self.amount is not None:
            return f"{self.verdict.replace('_', ' ')}, ${self.amount:,}"
        return (
            f"undetermined: ${self.amount_if_undetermined_met:,} "
            "if every undetermined requirement is met, "
            f"${self.amount_if_undetermined_not_met:,} if none is"
        )


@dataclass(frozen=True)
class Transition:
    """The IRA transition election (§13401(l)): whether it is available, stated and applied, and
    the credit with and without it."""

    available: bool
    elected: bool | None
    applied: bool
    with_election: Outcome | None
    without_election: Outcome | None
    larger: Literal["with_election", "without_election", "equal", "unknown"] | None


@dataclass(frozen=True)
class Provenance:
    """What produced a determination: rule set, country lists, input, engine.

    >>> import ira30d
    >>> p = ira30d.evaluate(ira30d.example("full_credit_2024")).provenance
    >>> p.countries, len(p.ruleset_hash), len(p.input_hash)
    ('baseline', 64, 64)
    """

    ruleset: str
    ruleset_version: str
    ruleset_hash: str
    countries: str
    countries_hash: str
    input_hash: str
    backend: str


@dataclass(frozen=True)
class Determination(Later):
    """A §30D determination. ``str()`` explains it; ``repr()`` is one line; notebooks show a
    table; ``to_json()`` is the versioned JSON record (``schema()`` gives its JSON Schema).

    >>> import ira30d
    >>> d = ira30d.evaluate(ira30d.example("over_msrp_cap"))
    >>> d
    <Determination over_msrp_cap: not eligible, $0 (sourcing); 14 met, 1 not met, 8 n/a>
    >>> d.finding("msrp_cap").status
    'not_met'
    """

    __later__ = frozenset({"facts"})  # as text, built when read

    schema_version: str
    case_id: str | None
    vin: str
    question: Question
    verdict: Verdict
    amount: Decimal | None  # None when the verdict is undetermined: see the two bounds
    amount_if_undetermined_met: Decimal | None
    amount_if_undetermined_not_met: Decimal | None
    regime: str | None
    regime_citation: str | None
    amount_detail: str
    critical_minerals_method: str
    basis: dict[str, str]
    figures: dict[str, str]
    certification: dict[str, str]
    transition: Transition | None
    facts: dict[str, str]  # the facts the engine decided on, as text
    findings: tuple[Finding, ...]
    provenance: Provenance

    @property
    def outcome(self) -> Outcome:
        """Verdict and amount (or its two named bounds) together."""
        return Outcome(
            self.verdict,
            self.amount,
            self.amount_if_undetermined_met,
            self.amount_if_undetermined_not_met,
        )

    def finding(self, requirement_id: str) -> Finding:
        """The finding of one requirement, by id."""
        for f in self.findings:
            if f.id == requirement_id:
                return f
        from ira30d._common.errors import UnknownRequirementError

        raise UnknownRequirementError(requirement_id, [f.id for f in self.findings])

    def to_json(self, indent: int | None = None) -> str:
        """The determination as JSON (money as decimal strings)."""
        return _adapter().dump_json(self, indent=indent).decode()

    def to_dict(self) -> dict[str, Any]:
        """The determination as JSON-shaped data."""
        return _adapter().dump_python(self, mode="json")  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, text: str | bytes) -> Determination:
        """Read a determination back from :meth:`to_json` (validated; line items read-only
        again)."""
        return _refrozen(_adapter().validate_json(text))

    @classmethod
    def from_dict(cls, data: Any) -> Determination:
        """Read a determination back from :meth:`to_dict` or parsed JSON (validated)."""
        return _refrozen(_adapter().validate_python(data))

    @staticmethod
    def schema() -> dict[str, Any]:
        """The JSON Schema of the output record."""
        return _adapter().json_schema(mode="serialization")

    def explain(self, line_items: bool = True) -> str:
        """The determination as text, one line per requirement, line items indented."""
        o = self.outcome
        credit = (
            o.text if o.amount is None else f"{o.verdict.replace('_', ' ')}, credit ${o.amount:,}"
        )
        head = f"{self.vin}: {credit}"
        if self.regime:
            head += f" ({self.regime}; {self.regime_citation})"
        lines = [head]
        if self.amount_detail:
            lines.append(f"  amount: {self.amount_detail}")
        t = self.transition
        if (
            t is not None
            and t.available
            and not t.applied
            and t.with_election
            and t.without_election
        ):
            lines.append(
                f"  transition election (not stated): with it {t.with_election.text}; without it "
                f"{t.without_election.text}; larger: {(t.larger or 'unknown').replace('_', ' ')}"
            )
        mark = {
            "met": "[met]",
            "not_met": "[NOT MET]",
            "undetermined": "[undetermined]",
            "not_applicable": "[n/a]",
        }
        for f in self.findings:
            lines.append(f"  {mark[f.status]:<15}{f.title}: {f.explanation} ({f.citation})")
            if line_items and f.status != "not_applicable":
                for item in f.line_items:
                    lines.append(f"      - {item_text(item)}")
            if f.status == "undetermined" and f.missing_inputs:
                lines.append(f"      missing: {', '.join(f.missing_inputs)}")
            for cf in f.counterfactuals:
                lines.append(f"      => to flip: {cf['text']}")
        p = self.provenance
        lines.append(
            f"  rules {p.ruleset} {p.ruleset_version} [{p.ruleset_hash[:12]}], "
            f"countries {p.countries} [{p.countries_hash[:12]}], "
            f"method {self.critical_minerals_method}, backend {p.backend}"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.explain()

    def __repr__(self) -> str:
        return short(self)

    def _repr_html_(self) -> str:
        return determination_html(self)


def _refrozen(d: Determination) -> Determination:
    """The same record with every finding's line items frozen, as the engine builds them."""
    findings = tuple(dataclasses.replace(f, line_items=freeze(f.line_items)) for f in d.findings)
    return dataclasses.replace(d, findings=findings)


@lru_cache(maxsize=1)
def _adapter() -> TypeAdapter[Determination]:
    return TypeAdapter(Determination)
