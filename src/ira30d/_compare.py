"""Scenarios and comparisons: the same vehicles under a baseline and alternatives."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination
from ira30d._models.inputs import Case
from ira30d._models.parse import parse_case
from ira30d._ruleset import RuleSet


@dataclass(frozen=True)
class Scenario:
    """One alternative to the baseline: country overlays, parameter overrides, a date, a method.

    >>> Scenario("uk", countries=("uk_pact",)).name
    'uk'
    """

    name: str
    countries: Sequence[str] = ()  # bundled scenario names (rules/scenarios)
    add: Mapping[str, Sequence[str]] = field(default_factory=dict)
    remove: Mapping[str, Sequence[str]] = field(default_factory=dict)
    parameters: Mapping[str, Mapping[Any, Any]] = field(default_factory=dict)
    on: date | None = (
        None  # re-date every case: all purchase dates (or the vehicle-level date) become this day
    )
    method: str | None = None
    status: str = "hypothetical"

    def ruleset(self, base: RuleSet) -> RuleSet:
        """The rule set this scenario evaluates with: ``base`` with its overlays and overrides."""
        rs = base.scenario(*self.countries) if self.countries else base
        if self.add or self.remove:
            rs = rs.with_countries(
                add=self.add, remove=self.remove, name=f"{rs.countries.name}+{self.name}"
            )
        if self.parameters:
            rs = rs.with_parameters(self.parameters, name=self.name)
        return rs

    def case(self, case: Case) -> Case:
        """``case`` as this scenario sees it (re-dated when the scenario has a date ``on``)."""
        if self.on is None:
            return case
        if case.purchase is None:
            return case.model_copy(update={"on": self.on})
        p = case.purchase.model_copy(
            update={
                k: self.on
                for k in (
                    "binding_contract_date",
                    "first_payment_date",
                    "sale_date",
                    "placed_in_service_date",
                )
            }
        )
        return case.model_copy(update={"purchase": p})


def bundled_scenarios(base: RuleSet) -> dict[str, Scenario]:
    """The scenarios shipped in ``rules/scenarios`` (pacts), with their status as the files state
    it."""
    return {n: Scenario(n, countries=(n,), status=s.status) for n, s in base.book.scenarios.items()}


@dataclass
class Comparison:
    """Per-vehicle outcomes under each scenario, and what changed. ``str()`` is a table;
    ``repr()`` one line.

    >>> import ira30d
    >>> ira30d.compare([ira30d.example("uk_processed_lithium")], ["uk_pact"])
    <Comparison of 1 vehicles: baseline: 1 eligible, $3,750; uk_pact: 1 eligible, $7,500>
    """

    names: list[str]
    statuses: dict[str, str]
    cases: list[Case]
    results: dict[str, list[Determination]]

    @property
    def rows(self) -> list[dict[str, Any]]:
        """One row per vehicle: verdict and amount per scenario, and the requirements that
        changed."""
        out = []
        base = self.names[0]
        for i, case in enumerate(self.cases):
            row: dict[str, Any] = {"case_id": case.id, "vin": case.vehicle.vin}
            b = self.results[base][i]
            for n in self.names:
                d = self.results[n][i]
                row[f"{n}.verdict"], row[f"{n}.amount"] = d.verdict, d.amount
                row[f"{n}.bounds"] = _bounds(d)
            row["changes"] = [
                change for n in self.names[1:] for change in _changes(b, self.results[n][i], n)
            ]
            out.append(row)
        return out

    def totals(self) -> dict[str, dict[str, Any]]:
        """Per scenario: vehicles eligible and undetermined, total credit of the decided vehicles,
        the
        change against the baseline, and the total if every undetermined requirement were met."""
        base_total = sum((d.amount or Decimal(0) for d in self.results[self.names[0]]), Decimal(0))
        out = {}
        for n in self.names:
            ds = self.results[n]
            total = sum((d.amount or Decimal(0) for d in ds), Decimal(0))
            out[n] = {
                "status": self.statuses.get(n, ""),
                "eligible": sum(d.verdict == "eligible" for d in ds),
                "undetermined": sum(d.verdict == "undetermined" for d in ds),
                "total_credit": total,
                "change": total - base_total,
                "total_if_undetermined_met": sum((_bounds(d)[1] for d in ds), Decimal(0)),
            }
        return out

    def gained(self, scenario: str) -> list[dict[str, Any]]:
        """The vehicles whose credit rises under ``scenario`` (neither bound falls, one rises), with
        why."""
        base = self.names[0]
        return [
            r
            for r in self.rows
            if r[f"{scenario}.bounds"] != r[f"{base}.bounds"]
            and all(
                a >= b for a, b in zip(r[f"{scenario}.bounds"], r[f"{base}.bounds"], strict=True)
            )
        ]

    def to_dataframe(self) -> Any:
        """The rows as a pandas DataFrame (``pip install ira30d[pandas]``)."""
        from ira30d._frame import _pandas

        pd = _pandas()
        rows = [{**r, "changes": "; ".join(c["text"] for c in r["changes"])} for r in self.rows]
        return pd.DataFrame(rows)

    def __str__(self) -> str:
        lines = [f"{'vehicle':<22}" + "".join(f"{n:>24}" for n in self.names)]
        for r in self.rows:
            lines.append(
                f"{(r['case_id'] or r['vin'])[:22]:<22}"
                + "".join(f"{_short(r, n):>24}" for n in self.names)
            )
            for c in r["changes"]:
                lines.append(f"    {c['text']}")
        lines.append("")
        for n, t in self.totals().items():
            open_ = (
                f", {t['undetermined']} undetermined "
                f"(up to ${t['total_if_undetermined_met'] - t['total_credit']:,} more)"
                if t["undetermined"]
                else ""
            )
            lines.append(
                f"{n}: {t['eligible']} eligible, total ${t['total_credit']:,} "
                f"(change ${t['change']:+,}){open_}"
                f"{' [' + t['status'] + ']' if t['status'] else ''}"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        t = self.totals()
        parts = "; ".join(
            f"{n}: {t[n]['eligible']} eligible, ${t[n]['total_credit']:,}" for n in self.names
        )
        return f"<Comparison of {len(self.cases)} vehicles: {parts}>"

    def _repr_html_(self) -> str:
        from ira30d._determination.display import verdict_badge

        e = html.escape
        head = "".join(f"<th>{e(n)}</th>" for n in self.names)
        body = "".join(
            "<tr><td>"
            + e(r["case_id"] or r["vin"])
            + "</td>"
            + "".join(
                f"<td>{verdict_badge(r[n + '.verdict'], _short(r, n))}</td>" for n in self.names
            )
            + "<td>"
            + "<br>".join(e(c["text"]) for c in r["changes"])
            + "</td></tr>"
            for r in self.rows
        )
        return (
            f"<div><p>{e(repr(self))}</p>"
            f"<table><thead><tr><th>vehicle</th>{head}<th>changed</th></tr></thead>"
            f"<tbody>{body}</tbody></table></div>"
        )


def _bounds(d: Determination) -> tuple[Decimal, Decimal]:
    """(least, most) credit a determination allows."""
    if d.amount is not None:
        return d.amount, d.amount
    return d.amount_if_undetermined_not_met or Decimal(0), d.amount_if_undetermined_met or Decimal(
        0
    )


def _short(row: dict[str, Any], name: str) -> str:
    """``'eligible $7,500'``, or ``'undetermined $0-$7,500'`` (the two bounds)."""
    lo, hi = row[f"{name}.bounds"]
    amount = f"${lo:,}" if row[f"{name}.amount"] is not None else f"${lo:,}-${hi:,}"
    return f"{row[f'{name}.verdict'].replace('_', ' ')} {amount}"


def _changes(base: Determination, other: Determination, name: str) -> list[dict[str, Any]]:
    out = []
    for a, b in zip(base.findings, other.findings, strict=False):
        if a.status != b.status:
            out.append(
                {
                    "scenario": name,
                    "requirement": a.id,
                    "from": a.status,
                    "to": b.status,
                    "text": f"{name}: {a.title}: {a.status.replace('_', ' ')} -> "
                    f"{b.status.replace('_', ' ')}. {b.explanation}",
                    "line_items": [
                        i for i in b.line_items if i.get("qualifies") and i not in a.line_items
                    ],
                }
            )
    return out


def compare(
    cases: Iterable[Case | Mapping[str, Any]],
    scenarios: Iterable[Scenario | str] = ("uk_pact", "eu_pact"),
    *,
    baseline: RuleSet | None = None,
    method: str | None = None,
) -> Comparison:
    """Evaluate ``cases`` under the baseline and each scenario (a :class:`Scenario` or a bundled
    name), by the critical-minerals ``method`` (a scenario's own method wins).

    >>> import ira30d
    >>> c = compare([ira30d.example("uk_processed_lithium")], ["uk_pact"])
    >>> [(r["baseline.amount"], r["uk_pact.amount"]) for r in c.rows]
    [(Decimal('3750'), Decimal('7500'))]
    """
    from ira30d._api import default_ruleset

    base = baseline or default_ruleset()
    bundled = bundled_scenarios(base)
    chosen: list[Scenario] = []
    for s in scenarios:
        if isinstance(s, str):
            if s not in bundled:
                raise InputError(
                    "scenario",
                    f"unknown scenario {s!r}; known: {', '.join(sorted(bundled))}",
                    "unknown_scenario",
                )
            s = bundled[s]
        chosen.append(s)
    names = ["baseline"] + [s.name for s in chosen]
    if len(set(names)) != len(names):
        raise InputError(
            "scenario", "scenario names must be distinct and not 'baseline'", "duplicate_scenario"
        )
    models = [parse_case(c) for c in cases]
    results = {"baseline": [base.evaluate(c, method=method) for c in models]}
    for s in chosen:
        rs = s.ruleset(base)
        results[s.name] = [rs.evaluate(s.case(c), method=s.method or method) for c in models]
    statuses = {"baseline": "in_force", **{s.name: s.status for s in chosen}}
    return Comparison(names, statuses, models, results)
