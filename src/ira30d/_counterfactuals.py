"""What would flip a requirement that is not met, in numbers, read off the rules themselves.

For each comparison in a failed requirement's condition, the parameter's value on the case's date
is the target and the fact is the actual value: the gap between them is the counterfactual. Content
shares also get the qualifying dollars missing and the single countries whose addition to the
critical-minerals-agreement list would close the gap; dated thresholds get the latest date on which
the same facts would have passed.

>>> import ira30d
>>> d = ira30d.evaluate(ira30d.example("over_msrp_cap"), counterfactuals=True)
>>> print(d.finding("msrp_cap").counterfactuals[0]["text"])
MSRP (base + manufacturer options) $58,100.00 is $3,100.00 over the $55,000.00 limit
"""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from ira30d._common.exact import rounded
from ira30d._common.text import fact_date, pct, show_fact, show_value
from ira30d._law import conditions as C
from ira30d._law.book import window_bound
from ira30d._law.parameters import FACT_SCALE
from ira30d._measures.measurer import Measurer
from ira30d._models.inputs import Case

_HOLDS = C.PY_OPS


def counterfactuals(rs: Any, case: Case, m: Any, finding: Any, req: Any) -> list[dict[str, Any]]:
    """Counterfactuals for one not-met finding of ``req``."""
    book, facts = rs.book, m.facts
    out: list[dict[str, Any]] = []
    cond = book.conditions[f"{req.id}.condition"]
    for atom in C.walk_atoms(cond):
        spec = book.facts[atom.fact]
        actual = facts.get(atom.fact)
        if actual is None:
            continue
        if not isinstance(atom.operand, C.ParamRef):
            if spec.type == "int" and atom.op == "eq":
                items = finding.line_items
                out.append(
                    {
                        "requirement": req.id,
                        "fact": atom.fact,
                        "actual": actual,
                        "required": atom.operand,
                        "text": f"{spec.label}: {actual}, must be {atom.operand}; "
                        "replace or requalify "
                        + (
                            ", ".join(str(i.get("id")) for i in items)
                            if items
                            else "the items concerned"
                        ),
                    }
                )
            elif spec.type == "bool":
                out.append(
                    {
                        "requirement": req.id,
                        "fact": atom.fact,
                        "actual": actual,
                        "required": atom.operand,
                        "text": f"{spec.label} must be {'yes' if atom.operand else 'no'}",
                    }
                )
            continue
        p = book.parameters[atom.operand.name]
        when = fact_date(facts.get(p.spec.on))
        value = p.at(when)
        if value is None:
            continue
        if atom.operand.key:
            key = facts.get(atom.operand.key)
            if key not in value:
                continue
            value = value[key]
        target = _scaled(spec, value)
        if _HOLDS[atom.op](actual, target):
            continue  # this branch already holds (another branch failed)
        cf: dict[str, Any] = {
            "requirement": req.id,
            "fact": atom.fact,
            "actual": show_fact(spec.type, spec.unit, actual),
            "required": show_value(p.spec.unit, value),
            "op": atom.op,
        }
        if spec.type == "date":
            cf["latest_date"] = value.isoformat()
            days = (fact_date(actual) - value).days
            cf["text"] = (
                f"{spec.label} must be on or before {value.isoformat()} ({days} day(s) too late)"
                if atom.op == "le"
                else f"{spec.label} {show_fact(spec.type, spec.unit, actual)} "
                f"must be {atom.op} {value.isoformat()}"
            )
        else:
            gap = _gap(atom.op, actual, target)
            cf["gap"] = (
                show_fact(spec.type, spec.unit, gap)
                if spec.unit != "share"
                else f"{pct(Fraction(gap, FACT_SCALE['share']))[:-1]} percentage points"
            )
            verb = "short of" if atom.op in ("ge", "gt") else "over"
            cf["text"] = (
                f"{spec.label} {cf['actual']} is {cf['gap']} {verb} the {cf['required']} limit"
                if verb == "over"
                else f"{spec.label} {cf['actual']} is {cf['gap']} short of the required "
                f"{cf['required']}"
            )
            if spec.unit == "share":
                _share_extras(rs, case, m, atom.fact, Fraction(value), cf)
        if len(p.starts) > 1 and spec.type != "date" and when is not None:
            latest = _latest_date(
                p, atom, actual, spec, when, atom.operand.key and facts.get(atom.operand.key)
            )
            if latest is not None:
                cf["latest_date"] = latest.isoformat()
                cf["text"] += (
                    f"; the same figures would have passed if {p.spec.on.replace('_', ' ')} "
                    f"were on or before {latest.isoformat()}"
                )
        out.append(cf)
    out += _window_escape(rs, req, facts)
    return out


def _window_escape(rs: Any, req: Any, facts: dict[str, Any]) -> list[dict[str, Any]]:
    """A requirement that starts on a date would not have applied before it: say which date."""
    w = req.window
    if w is None or w.on not in facts:
        return []
    start = w.after if w.after is not None else w.from_
    if start is None:
        return []
    start = window_bound(start, rs.book, rs.book.requirement_files[req.id], f"{req.id}.window")
    latest = start if w.after is not None else start - timedelta(days=1)
    label = rs.book.facts[w.on].label
    return [
        {
            "requirement": req.id,
            "fact": w.on,
            "actual": str(fact_date(facts[w.on])),
            "latest_date": latest.isoformat(),
            "text": f"the requirement applies only when the {label} is after {latest.isoformat()}",
        }
    ]


def _scaled(spec: Any, value: Any) -> Any:
    from ira30d._law.parameters import to_fact_scale

    return to_fact_scale(spec.unit, value)


def _gap(op: str, actual: int, target: int) -> int:
    return {
        "ge": target - actual,
        "gt": target - actual + 1,
        "le": actual - target,
        "lt": actual - target + 1,
    }.get(op, 0)


def _latest_date(
    p: Any, atom: C.Atom, actual: Any, spec: Any, when: date, key: str | None
) -> date | None:
    """The last day on or before ``when`` on which the parameter's value would let ``actual``
    pass."""
    for i in range(len(p.starts) - 1, -1, -1):
        start = p.starts[i]
        if start > when:
            continue
        value = p.values[i][key] if key else p.values[i]
        if _HOLDS[atom.op](actual, _scaled(spec, value)):
            end = p.starts[i + 1] - timedelta(days=1) if i + 1 < len(p.starts) else when
            return min(end, when)
    return None


def _share_extras(
    rs: Any, case: Case, m: Any, fact: str, target: Fraction, cf: dict[str, Any]
) -> None:
    """Dollars missing for a content share, and the single countries that would flip critical
    minerals."""
    battery = case.vehicle.battery
    if battery is None or m.on is None:
        return
    if fact == "critical_minerals_share" and battery.mineral_chains:
        items = m.line_items["critical_minerals"]
        total = sum(Fraction(i["value"]) for i in items)
        have = sum(Fraction(i["contribution"]) for i in items)
        cf["missing_value"] = _usd(target * total - have)
        cf["text"] += f"; qualifying mineral value is {cf['missing_value']} short"
        flips = []
        lists = rs._measurer._p("qualifying_lists_by_activity", m.on)["processing"]
        qualifying = rs._measurer._in(lists, m.on)
        candidates = sorted(
            {
                s.country
                for c in battery.mineral_chains
                for s in c.stages
                if s.activity != "recycling" and s.country not in qualifying
            }
        )
        for code in candidates:
            trial = Measurer(rs.book, rs.countries.overlay(f"+{code}", {lists[-1]: [code]}))
            share, _ = trial.critical_mineral_content(battery, m.on, m.method)
            if share >= target:
                flips.append(code)
        cf["countries_that_flip"] = flips
        if flips:
            cf["text"] += f"; adding any one of {', '.join(flips)} to {lists[-1]} would meet it"
    elif fact == "battery_components_share" and battery.components:
        items = m.line_items["battery_components"]
        total = sum(Fraction(i["incremental_value"]) for i in items)
        have = sum(Fraction(i["incremental_value"]) for i in items if i["qualifies"])
        cf["missing_value"] = _usd(target * total - have)
        cf["text"] += f"; North American incremental value is {cf['missing_value']} short"


def _usd(x: Fraction) -> str:
    """A shortfall in dollars, rounded up to the cent (exactly: never a cent too few)."""
    from decimal import ROUND_CEILING, Decimal

    return f"${rounded(max(x, Fraction(0)), Decimal('0.01'), ROUND_CEILING):,}"
