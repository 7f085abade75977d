"""The schemas of the rule files (pydantic): what a parameter, fact, requirement, regime,
phase-out, scenario and the rule-set index may contain, and ``validated`` to check one with the
file and path in the error.

>>> validated(FactSpec, {"type": "int", "unit": "usd", "label": "MSRP"}, "facts.yaml", "msrp").unit
'usd'
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ira30d._common.errors import RuleFileError

DateField = Literal["acquired", "contract", "sale", "placed_in_service"]
Confidence = Literal["C", "C2", "U", "D"]


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


def validated(model: type[BaseModel], raw: Any, label: str, prefix: str = "") -> Any:
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in (prefix, *err["loc"]) if p != "")
        raise RuleFileError(label, loc, err["msg"]) from None
