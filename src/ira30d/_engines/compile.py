"""Compile requirements and regimes into engine rules: parameters resolved to literal values on
the fact scale (dated ones as date segments), "not met" as a positive condition in negation
normal form, and the windows.

>>> import ira30d
>>> rules = dict(compile_rules(ira30d.default_ruleset().book))
>>> sorted(k for k in rules if k.startswith("gvwr"))
['gvwr|m', 'gvwr|n']
>>> rules["gvwr|m"]
All(items=(Atom(fact='gvwr_lbs', op='lt', operand=14000),))
"""

from __future__ import annotations

from typing import Any

from ira30d._law import conditions as C
from ira30d._law.book import RuleBook, window_condition
from ira30d._law.parameters import to_fact_scale


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
