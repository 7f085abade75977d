"""The fleet engine: tables in, one row per vehicle out (verdict, amount, every requirement's
status), decided column-wise from the same rule files as the object path.

The path: vehicle and battery facts (:mod:`.vehicle`, :mod:`.battery`: stages reduced to
chains and chains and components to vehicles by sums over runs of sorted rows, each period of
unchanged law with its own values) -> the compiled rules as boolean columns
(:mod:`.rules`) -> statuses, verdict and amount (:mod:`.decide`). The rules are compiled once per
rule set, before any row is read: a condition the compiler cannot express fails then, naming
its rule. A row the columnar measures cannot vouch for (``bad``: a stated transition election,
an unknown term or supplier, a suspect containment), and a row whose input is invalid go to the
object path, which decides them exactly as ``ira30d.evaluate`` does (``engine`` says which).

>>> import ira30d
>>> r = evaluate_tables(to_tables([ira30d.example(n) for n in ira30d.example_names()]))
>>> r.select("case_id", "verdict", "amount", "engine").row(0)
('full_credit_2024', 'eligible', Decimal('7500.00'), 'columnar')
"""

from __future__ import annotations

import weakref
from decimal import Decimal

import polars as pl

from ira30d._common.errors import InputError
from ira30d._fleet.battery import VEHICLE_COLUMNS, battery_facts
from ira30d._fleet.cases import to_cases
from ira30d._fleet.checks import check_values
from ira30d._fleet.decide import Decider
from ira30d._fleet.law import Law
from ira30d._fleet.rules import compile_columns, fact_schema
from ira30d._fleet.tables import NAMES, Tables, to_tables
from ira30d._fleet.vehicle import vehicle_facts
from ira30d._frame import AMOUNTS
from ira30d._ruleset import RuleSet

col = pl.col
MONEY = pl.Decimal(20, 2)
__all__ = ["evaluate_tables", "to_tables"]


def evaluate_tables(
    tables: Tables, ruleset: RuleSet | None = None, method: str | None = None
) -> pl.DataFrame:
    """Decide every vehicle of ``tables``: one row per vehicle (``row``, ``case_id``, ``vin``,
    ``verdict``, ``amount`` and its two bounds in US dollars, ``regime``, one status column per
    requirement, ``error``, ``engine``, ``ruleset_hash``, ``countries``)."""
    from ira30d._api import default_ruleset

    rs = ruleset or default_ruleset()
    compiled(rs)  # before any row: a rule the compiler cannot express fails here
    law = Law(rs)
    known = law.p("critical_minerals_methods", None)
    if method is not None and method not in known:
        raise InputError(
            "method",
            f"unknown critical-minerals method {method!r}; known: {', '.join(known)}",
            "unknown_method",
        )
    ok = tables.vehicles.filter(col("error").is_null())
    check_values("vehicles", ok)  # tables made by hand: every value in its field's range
    facts = _facts(law, ok, tables, method or law.p("critical_minerals_method", None))
    decided = _decide(rs, facts)
    out = _frame(rs, tables, decided)
    redo = out.filter(col("engine") == "object")["row"].to_list()
    if redo:
        out = _by_object(rs, tables, out, redo, method)
    return out


def _facts(law: Law, v: pl.DataFrame, t: Tables, method: str) -> pl.DataFrame:
    """Every fact of every vehicle, as the fact table the compiled rules read."""
    vf = vehicle_facts(law, v)
    extra = v.select("row", *VEHICLE_COLUMNS, "has_battery")
    with_battery = vf.join(extra, on="row").filter(col("has_battery") & col("period").is_not_null())
    periods = sorted(with_battery["period"].unique().to_list())
    if periods:
        dated = _with_periods(t, with_battery)
        battery = battery_facts(law, periods, method, with_battery, dated)
        vf = vf.join(battery, on="row", how="left")
        vf = vf.with_columns(pl.coalesce("bad", "bad_battery").alias("bad")).drop("bad_battery")
    schema = fact_schema(law.book)
    missing = [pl.lit(None, dtype=t).alias(n) for n, t in schema.items() if n not in vf.columns]
    return vf.with_columns(missing).with_columns(col(n).cast(t) for n, t in schema.items())


def _with_periods(t: Tables, v: pl.DataFrame) -> Tables:
    """Each child table with its vehicle's ``period`` (null: no battery measures), looked up by
    position (rows are whole numbers from the batch's first), not by a join."""
    if v.height == 0:
        return Tables(**{n: getattr(t, n).with_columns(period=pl.lit(None)) for n in NAMES})
    lo, hi = int(t.vehicles["row"].min()), int(t.vehicles["row"].max())  # type: ignore[arg-type]
    lookup = pl.Series("period", [None] * (hi - lo + 1), dtype=pl.Int64).scatter(
        (v["row"] - lo).to_list(), v["period"]
    )
    at = pl.lit(lookup).gather(col("row") - lo).alias("period")
    return Tables(**{n: getattr(t, n).with_columns(at) for n in NAMES})


# Cache: the compiled expressions of each rule set (a RuleSet never changes; an entry goes when
# its rule set is garbage collected).
_COMPILED: weakref.WeakKeyDictionary[RuleSet, tuple[list[pl.Expr], Decider, list[pl.Expr]]] = (
    weakref.WeakKeyDictionary()
)


def compiled(rs: RuleSet) -> tuple[list[pl.Expr], Decider, list[pl.Expr]]:
    """The rule set's rules as boolean columns, its decider and its status columns."""
    hit = _COMPILED.get(rs)
    if hit is None:
        decider = Decider(rs.book)
        hit = _COMPILED[rs] = (compile_columns(rs._compiled), decider, decider.statuses())
    return hit


def _decide(rs: RuleSet, facts: pl.DataFrame) -> pl.DataFrame:
    rules, decider, statuses = compiled(rs)
    return decider.verdict(facts.with_columns(rules).with_columns(statuses))


def _frame(rs: RuleSet, t: Tables, d: pl.DataFrame) -> pl.DataFrame:
    ids = [r.id for r in rs.book.requirements]
    engine = pl.when(col("bad").is_not_null()).then(pl.lit("object"))
    decided = d.select(
        "row",
        "verdict",
        *ids,
        (col("amount_cents").cast(MONEY) / 100).alias("amount"),
        (col("upper_cents").cast(MONEY) / 100).alias("amount_if_undetermined_met"),
        (col("lower_cents").cast(MONEY) / 100).alias("amount_if_undetermined_not_met"),
        "regime",
        engine.otherwise(pl.lit("columnar")).alias("engine"),
    )
    base = t.vehicles.select("row", "case_id", "vin", "error")
    out = base.join(decided, on="row", how="left").with_columns(
        pl.when(col("error").is_not_null())
        .then(pl.lit("error"))
        .otherwise(col("verdict"))
        .alias("verdict"),
        pl.when(col("error").is_not_null())
        .then(pl.lit("tables"))
        .otherwise(col("engine"))
        .alias("engine"),
    )
    out = out.with_columns(
        pl.lit(rs.book.digest).alias("ruleset_hash"), pl.lit(rs.countries.name).alias("countries")
    )
    first = ["row", "case_id", "vin", "verdict", *AMOUNTS, "regime", *ids]
    return out.select(*first, pl.exclude(first)).sort("row")


def _by_object(
    rs: RuleSet, t: Tables, out: pl.DataFrame, rows: list[int], method: str | None
) -> pl.DataFrame:
    """Decide ``rows`` by the object path and put its answers in their place."""
    from ira30d._failures import CaseFailure, decide_entry

    ids = [r.id for r in rs.book.requirements]
    records = []
    for row, case in zip(rows, to_cases(t, rows), strict=True):
        d = decide_entry(rs, row, None, case, method=method)
        if isinstance(d, CaseFailure):
            records.append({"row": row, "verdict": "error", "error": str(d), "engine": "object"})
            continue
        records.append(
            {
                "row": row,
                "verdict": d.verdict,
                "error": None,
                "engine": "object",
                "regime": d.regime,
                **{a: _money(getattr(d, a)) for a in AMOUNTS},
                **{f.id: f.status for f in d.findings},
            }
        )
    names = ("row", "verdict", "error", "engine", *AMOUNTS, "regime", *ids)
    redone = pl.DataFrame(records, schema={n: out.schema[n] for n in names})
    return out.update(redone, on="row", include_nulls=True)


def _money(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(Decimal("0.01"))
