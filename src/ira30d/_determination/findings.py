"""One finding per requirement from the facts and the rules that fired: status (met, not met,
undetermined, not applicable), explanation, the values compared, the law's words, the missing
input fields and the line items. The per-requirement plans are worked out once per rule book.

>>> import ira30d
>>> rs = ira30d.default_ruleset()
>>> [name for name in rs._finder.params_of(rs.book.requirements[0])]
['termination_acquired_after']
"""

from __future__ import annotations

import dataclasses
from functools import partial
from typing import Any

from ira30d._common.errors import EngineError
from ira30d._common.text import fact_date, show_fact, show_value
from ira30d._determination.records import Finding, Status, new_record
from ira30d._law import conditions as C
from ira30d._law.book import RuleBook
from ira30d._measures.measured import Measured
from ira30d._models.inputs import Case

_UNSET = object()


def _plan(book: RuleBook, req: Any, required: list[str]) -> _Plan:
    """What building a requirement's finding needs, worked out once per rule set."""
    w = req.window
    return _Plan(
        req=req,
        scope=None if req.scope == "vehicle" else req.scope,
        window_on=w.on if w else None,
        window_missing=f"Undetermined: the {book.facts[w.on].label} is missing "
        f"({_sources(book, [w.on])})."
        if w
        else "",
        window_not_applying=f"Does not apply: {book.facts[w.on].label} {{{w.on}}}." if w else "",
        applies=f"{req.id}|a",
        always=f"{req.id}|c",
        met=f"{req.id}|m",
        not_met=f"{req.id}|n",
        exceptions=tuple((f"{req.id}|x{i}", e.id) for i, e in enumerate(req.exceptions)),
        inputs=tuple(req.inputs),
        required=tuple(required),
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


def _sources(book: RuleBook, facts: list[str]) -> str:
    """The input fields behind missing facts, for the reader."""
    return ", ".join(dict.fromkeys(src for f in facts for src in (book.facts[f].source or [f])))


def _refs(book: RuleBook, req: Any) -> list[tuple[str, str | None]]:
    """(parameter, key fact) pairs a requirement's conditions compare against, in order."""
    conds = [book.conditions[f"{req.id}.condition"]]
    conds += [book.conditions[f"{req.id}.exceptions.{e.id}.condition"] for e in req.exceptions]
    refs = [
        (a.operand.name, a.operand.key)
        for c in conds
        for a in C.walk_atoms(c)
        if isinstance(a.operand, C.ParamRef)
    ]
    return list(dict.fromkeys(refs))


class Finder:
    """Builds findings for one rule book."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        # Cache: parameter texts by (name, date, key); the book is immutable, so nothing to
        # invalidate; cleared when it passes 65,536 entries so memory stays bounded.
        self._param_texts: dict[tuple[str, int | None, Any], str | None] = {}
        self._param_refs = {r.id: _refs(book, r) for r in book.requirements}
        self._required_names = {
            r.id: list(
                dict.fromkeys(
                    name if key is None else f"{name}[{key}]"
                    for name, key in self._param_refs[r.id]
                )
            )
            for r in book.requirements
        }
        self.plans = [_plan(book, r, self._required_names[r.id]) for r in book.requirements]

    def findings(self, case: Case, m: Measured, fired: set[str]) -> list[Finding]:
        """Every requirement's finding, in rule-book order: statuses now, texts (explanation,
        values compared) when first read."""
        return [self._finding(plan, case, m, fired) for plan in self.plans]

    def facts_text(self, m: Measured) -> _Shown:
        """Every fact of ``m`` as text; built once, when a text first needs it (kept on ``m``)."""
        shown = m.rendered
        if not isinstance(shown, _Shown):  # not yet built
            facts = self.book.facts
            shown = m.rendered = _Shown(
                {
                    k: m.shown.get(k) or show_fact(facts[k].type, facts[k].unit, v)
                    for k, v in m.facts.items()
                }
            )
        return shown

    def _finding(self, plan: _Plan, case: Case, m: Measured, fired: set[str]) -> Finding:
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
            status, text = "not_applicable", plan.window_not_applying
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
                text = f"Missing: {_sources(self.book, missing)}."
        return new_record(
            Finding,
            **plan.static,
            status=status,
            exception=exception,
            missing=missing if status == "undetermined" else [],
            missing_inputs=self._missing_inputs(missing, m) if status == "undetermined" else [],
            line_items=m.line_items.get(req.line_items, ())
            if req.line_items and status != "not_applicable"
            else (),
            counterfactuals=[],
            _later=partial(Finder._texts, self, plan, m, text),  # no bound method kept
        )

    def _texts(self, plan: _Plan, m: Measured, template: str) -> dict[str, Any]:
        """A finding's texts: its explanation and the values it compared, as text."""
        shown = self._display(plan.req, m, self.facts_text(m))
        return {
            "explanation": template.format_map(shown),
            "actual": {k: shown[k] for k in plan.inputs if k in shown},
            "required": {k: shown[k] for k in plan.required if k in shown},
        }

    def _missing_inputs(self, facts: list[str], m: Measured) -> list[str]:
        """The input fields that would supply missing facts: the measure's own list where it knows
        exactly (a supplier's unknown facts), else the fact's declared sources."""
        out: list[str] = []
        for fact in facts:
            out += m.missing.get(fact) or self.book.facts[fact].source or [fact]
        return list(dict.fromkeys(out))

    def params_of(self, req: Any) -> tuple[str, ...]:
        return tuple(sorted({name for name, _ in self._param_refs[req.id]}))

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


@dataclasses.dataclass(frozen=True)
class _Plan:
    req: Any
    scope: str | None
    window_on: str | None
    window_missing: str
    window_not_applying: str  # a template: the date is filled in
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
