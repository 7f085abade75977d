"""The compiled rules as Polars expressions: one boolean column per engine rule over a fact table
(one row per vehicle, one column per fact on the engine's integer scale, null where unknown).

The semantics are the Python backend's, column-wise: a comparison with a missing fact is false in
both polarities (three-valued logic: neither *met* nor *not met* fires), a boolean fact matches
only a boolean literal, and *all*/*any* combine as usual. A condition this compiler cannot express
fails at load with the rule's name.

>>> import polars as pl
>>> from ira30d._law import conditions as C
>>> rules = compile_columns([("gvwr|m", C.Atom("gvwr_lbs", "lt", 14000)),
...                          ("gvwr|n", C.Atom("gvwr_lbs", "ge", 14000))])
>>> pl.DataFrame({"gvwr_lbs": [13999, 14000, None]}).select(rules).rows()
[(True, False), (False, True), (False, False)]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from ira30d._common.errors import RuleFileError
from ira30d._law import conditions as C

_OPS = {
    "lt": lambda c, v: c < v,
    "le": lambda c, v: c <= v,
    "gt": lambda c, v: c > v,
    "ge": lambda c, v: c >= v,
    "eq": lambda c, v: c == v,
    "ne": lambda c, v: c != v,
}


def to_expr(cond: C.Cond, rule: str) -> pl.Expr:
    """A resolved condition (literal operands) as a non-null boolean expression."""
    if isinstance(cond, C.Atom):
        if cond.op not in _OPS or isinstance(cond.operand, C.ParamRef):
            raise RuleFileError("<compiled rules>", rule, f"cannot run {cond!r} on columns")
        col = pl.col(cond.fact)
        return _OPS[cond.op](col, pl.lit(cond.operand)).fill_null(False)
    parts = [to_expr(c, rule) for c in cond.items]
    if not parts:
        return pl.lit(isinstance(cond, C.All))
    if isinstance(cond, C.All):
        return pl.all_horizontal(parts)
    return pl.any_horizontal(parts)


def compile_columns(rules: Sequence[tuple[str, C.Cond]]) -> list[pl.Expr]:
    """Each engine rule as a boolean column named after it."""
    return [to_expr(cond, name).alias(name) for name, cond in rules]


def fact_schema(book: Any) -> dict[str, Any]:
    """The fact table's column types: dates (YYYYMMDD) and integers as Int64 (money in cents,
    shares in ppm, kWh in Wh), booleans and text as themselves."""
    kinds = {"date": pl.Int64, "int": pl.Int64, "bool": pl.Boolean, "str": pl.String}
    return {name: kinds[f.type] for name, f in book.facts.items()}
