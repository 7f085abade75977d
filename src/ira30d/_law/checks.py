"""Static checks of a rule book at load: names resolve, units fit, ids are unique, regimes
neither gap nor overlap, every scaled fact has one rounding direction, templates name only what
their finding can show.

>>> import dataclasses, ira30d
>>> book = ira30d.default_ruleset().book
>>> check(dataclasses.replace(book, conditions={}, rounding={})) is None  # the shipped rules pass
True
"""

from __future__ import annotations

import functools
import string
from datetime import timedelta

from ira30d._common.errors import RuleFileError
from ira30d._law import conditions as C
from ira30d._law.book import RuleBook, window_bound, window_condition
from ira30d._law.parameters import FACT_SCALE, ROUNDING_FOR_OP
from ira30d._law.specs import RequirementSpec


def check(book: RuleBook) -> None:
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
