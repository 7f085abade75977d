"""The neutral condition language of rule files, and its compilation.

A condition is ``{fact: F, <op>: operand}`` with ``op`` one of lt, le, gt, ge, eq, ne and the
operand a literal or ``{param: P}`` (``{param: P, key: FACT}`` for a parameter keyed by category),
or ``{all: [...]}`` / ``{any: [...]}``. Compilation resolves parameters into literal values on the
fact's integer scale (dated parameters become date segments), then puts the tree in negation
normal form so that "not met" is a positive condition too. An atom over a missing fact is false in
both polarities: met and not met then both stay silent and the requirement is undetermined.

>>> cond = parse({"any": [{"fact": "magi_current", "le": 15000000},
...                       {"fact": "magi_preceding", "le": 15000000}]},
...              "magi", lambda path, why: ValueError(f"{path}: {why}"))
>>> met, not_met = to_python(cond), to_python(negate(cond))
>>> met({"magi_current": 15000001}), not_met({"magi_current": 15000001})  # a year is missing
(False, False)
>>> met({"magi_current": 15000001, "magi_preceding": 100}), to_durable(negate(cond))
(True, {'$and': [{'$gt': {'magi_current': 15000000}}, {'$gt': {'magi_preceding': 15000000}}]})
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OPS = ("lt", "le", "gt", "ge", "eq", "ne")
_COMPLEMENT = {"lt": "ge", "ge": "lt", "le": "gt", "gt": "le", "eq": "ne", "ne": "eq"}


@dataclass(frozen=True)
class ParamRef:
    name: str
    key: str | None = None


@dataclass(frozen=True)
class Atom:
    fact: str
    op: str
    operand: Any  # a literal (fact scale) or a ParamRef before resolution


@dataclass(frozen=True)
class All:
    items: tuple[Cond, ...]


@dataclass(frozen=True)
class Any_:
    items: tuple[Cond, ...]


Cond = Atom | All | Any_
TRUE = All(())


def parse(raw: Any, path: str, fail: Callable[[str, str], Exception]) -> Cond:
    """Parse a condition mapping; ``fail(path, reason)`` builds the error to raise."""
    if not isinstance(raw, dict):
        raise fail(path, "a condition must be a mapping")
    if set(raw) == {"all"} or set(raw) == {"any"}:
        ((kind, items),) = raw.items()
        if not isinstance(items, list) or not items:
            raise fail(f"{path}.{kind}", "must be a non-empty list of conditions")
        parsed = tuple(parse(c, f"{path}.{kind}[{i}]", fail) for i, c in enumerate(items))
        return All(parsed) if kind == "all" else Any_(parsed)
    ops = [k for k in raw if k in OPS]
    extra = set(raw) - {"fact", *OPS}
    if "fact" not in raw or len(ops) != 1 or extra:
        raise fail(
            path,
            "expected {fact: NAME, <op>: operand} with one op of "
            + ", ".join(OPS)
            + " or {all|any: [...]}",
        )
    op = ops[0]
    operand = raw[op]
    if isinstance(operand, dict):
        if "param" not in operand or set(operand) - {"param", "key"}:
            raise fail(
                f"{path}.{op}",
                "an operand mapping must be {param: NAME} or {param: NAME, key: FACT}",
            )
        operand = ParamRef(str(operand["param"]), operand.get("key"))
    return Atom(str(raw["fact"]), op, operand)


def walk_atoms(cond: Cond):
    if isinstance(cond, Atom):
        yield cond
    else:
        for item in cond.items:
            yield from walk_atoms(item)


def negate(cond: Cond) -> Cond:
    """Negation normal form of ``not cond`` (De Morgan; complemented comparison operators)."""
    if isinstance(cond, Atom):
        return Atom(cond.fact, _COMPLEMENT[cond.op], cond.operand)
    items = tuple(negate(c) for c in cond.items)
    return Any_(items) if isinstance(cond, All) else All(items)


def conj(*conds: Cond) -> Cond:
    items: list[Cond] = []
    for c in conds:
        items.extend(c.items if isinstance(c, All) else (c,))
    return All(tuple(items))


# --- the two targets --------------------------------------------------------------------------

_DURABLE_OP = {"lt": "$lt", "le": "$lte", "gt": "$gt", "ge": "$gte", "ne": "$neq"}


def to_durable(cond: Cond) -> dict[str, Any]:
    """durable-rules JSON for a resolved condition (literals only)."""
    if isinstance(cond, Atom):
        if cond.op == "eq":
            return {cond.fact: cond.operand}
        return {_DURABLE_OP[cond.op]: {cond.fact: cond.operand}}
    key = "$and" if isinstance(cond, All) else "$or"
    return {key: [to_durable(c) for c in cond.items]}


PY_OPS: dict[str, Callable[[Any, Any], bool]] = {
    "lt": operator.lt,
    "le": operator.le,
    "gt": operator.gt,
    "ge": operator.ge,
    "eq": operator.eq,
    "ne": operator.ne,
}


def to_python(cond: Cond) -> Callable[[dict[str, Any]], bool]:
    """A closure over a fact dict for a resolved condition (literals only)."""
    if isinstance(cond, Atom):
        fact, value, compare = cond.fact, cond.operand, PY_OPS[cond.op]
        if isinstance(value, bool):  # booleans match booleans only, never 0/1
            want = value if cond.op == "eq" else not value
            return lambda f: f.get(fact) is want
        return lambda f: (
            (v := f.get(fact)) is not None and type(v) is not bool and compare(v, value)
        )
    parts = tuple(to_python(c) for c in cond.items)
    if len(parts) == 1:
        return parts[0]
    if isinstance(cond, All):
        if len(parts) == 2:
            a, b = parts
            return lambda f: a(f) and b(f)
        if len(parts) == 3:
            a, b, c = parts
            return lambda f: a(f) and b(f) and c(f)
        return lambda f: all(p(f) for p in parts)
    if len(parts) == 2:
        a, b = parts
        return lambda f: a(f) or b(f)
    return lambda f: any(p(f) for p in parts)
