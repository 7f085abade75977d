"""The facts of the vehicle, the purchase and the buyer, column-wise: the object path's
``_measures.purchase`` and ``phaseout`` (dates with the acquisition date as ``acquisition_date``
defines it, MSRP as ``msrp_composition`` counts it, the EPA class's MSRP class, MAGI, final
assembly, the manufacturer phase-out), on the engine's integer scale.

>>> import ira30d
>>> from ira30d._fleet.law import Law
>>> from ira30d._fleet.tables import to_tables
>>> v = to_tables([ira30d.example("contract_before_deadline")]).vehicles
>>> f = vehicle_facts(Law(ira30d.default_ruleset()), v)
>>> f.select("acquired", "msrp", "final_assembly_na").row(0)
(20250920, 4249000, True)
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ira30d._fleet.law import Law, unsupported

col = pl.col
DATE_FACTS = ("acquired", "contract", "sale", "placed_in_service", "possession")


def ymd(day: pl.Expr) -> pl.Expr:
    """A date as the engine's YYYYMMDD integer."""
    i64 = pl.Int64
    return day.dt.year().cast(i64) * 10000 + day.dt.month().cast(i64) * 100 + day.dt.day().cast(i64)


def _dates(law: Law) -> list[pl.Expr]:
    rule = law.p("acquisition_date", None)
    kinds = list(law.p(rule["payment_kinds"], None))
    latest = [col(name) for name in rule["latest_of"]]
    paid = col(rule["payment_kind_field"]).is_in(kinds).fill_null(False)
    acquired = pl.when(paid & pl.all_horizontal([d.is_not_null() for d in latest])).then(
        pl.max_horizontal(latest)
    )
    p = col("has_purchase")
    return [
        pl.when(p).then(acquired).otherwise(col("on")).alias("acquired_day"),
        pl.when(p).then(col("binding_contract_date")).otherwise(col("on")).alias("contract_day"),
        pl.when(p).then(col("sale_date")).otherwise(col("on")).alias("sale_day"),
        pl.when(p).then(col("placed_in_service_date")).otherwise(col("on")).alias("pis_day"),
    ]


def vehicle_facts(law: Law, v: pl.DataFrame) -> pl.DataFrame:
    """``row``, ``period`` (of the day the battery measures read), ``bad`` (a reason the object
    path must decide the row), and every vehicle, purchase and buyer fact."""
    for rule in ("acquisition_date", "msrp_composition", "epa_label_class_to_msrp_class"):
        if not law.book.parameters[rule].constant:
            raise unsupported(rule, "the fleet engine reads it as a constant")
    v = v.with_columns(_dates(law))
    on = pl.coalesce("pis_day", "sale_day", "acquired_day", "contract_day")
    v = v.with_columns(on.alias("on_day"), law.periods(on).alias("period"))
    days = {
        "acquired": "acquired_day",
        "contract": "contract_day",
        "sale": "sale_day",
        "placed_in_service": "pis_day",
        "possession": "pis_day",
    }
    composition = law.p("msrp_composition", None)
    mapping = {str(k): v for k, v in law.p("epa_label_class_to_msrp_class", None).items()}
    key = col("epa_label_class").str.to_lowercase().str.replace_all(r"[ \-]", "_")
    purchase = col("has_purchase")
    out = [
        col("row"),
        col("period"),
        col("on_day"),
        *(ymd(col(d)).alias(f) for f, d in days.items()),
        *(
            pl.when(purchase).then(col(f)).alias(f)
            for f in ("original_use", "for_resale", "seller_report")
        ),
        col("qualified_manufacturer"),
        col("motor_vehicle"),
        col("gvwr_lbs"),
        col("final_assembly_country"),
        pl.when(col("msrp_base_cents").is_not_null())
        .then(pl.sum_horizontal([col(f"msrp_{k}_cents") for k in composition["counts"]]))
        .alias("msrp"),
        key.replace_strict(mapping, default=None).alias("msrp_class"),
        *(col(f"{y}_magi_cents").alias(f"magi_{y}") for y in ("current", "preceding")),
        *(col(f"{y}_status").alias(f"status_{y}") for y in ("current", "preceding")),
        pl.when(col("has_battery")).then(col("capacity_wh")).alias("battery_kwh"),
        pl.when(col("has_battery"))
        .then(col("externally_rechargeable"))
        .alias("externally_rechargeable"),
        pl.when(col("has_battery"))
        .then(col("impracticable_to_trace_election"))
        .alias("impracticable_to_trace_election"),
        _phaseout(law),
        _final_assembly(law),
        pl.when(key.is_not_null() & ~key.is_in(list(mapping)))
        .then(pl.lit("unknown EPA label class"))
        .when(col("transition_election").fill_null(False))
        .then(pl.lit("transition election stated"))
        .alias("bad"),
        col("has_purchase").alias("_has_purchase"),
        col("has_buyer").alias("_has_buyer"),
        col("transition_election").alias("_elected"),
    ]
    return v.select(out)


def _final_assembly(law: Law) -> pl.Expr:
    """On the final-assembly lists on the period's days; with no date, known only for a code on
    them always or never."""
    code, period = col("final_assembly_country"), col("period")
    always, sometimes = law.always("final_assembly_lists")
    expr: Any = (
        pl.when(code.is_in(always))
        .then(True)
        .when(code.is_in(sometimes))
        .then(None)
        .otherwise(False)
    )
    for k in range(len(law.days)):
        members = law.members("final_assembly_lists", k)
        expr = pl.when(period == k).then(code.is_in(members)).otherwise(expr)
    return pl.when(code.is_null()).then(None).otherwise(expr).alias("final_assembly_na")


def _phaseout(law: Law) -> pl.Expr:
    """The manufacturer phase-out fraction (ppm, ``rules/phaseout.yaml``) on the sale date."""
    spec = law.book.phaseout
    maker = col("manufacturer").str.to_lowercase()
    sale = col("sale_day")
    full = pl.lit(10**6, dtype=pl.Int64)
    expr: Any = full
    for mk in reversed(list(spec.manufacturers.values())):
        steps = sorted(mk.fractions.items())
        fraction: Any = full
        for day, f in steps:
            fraction = pl.when(sale >= pl.lit(day)).then(pl.lit(_ppm(f))).otherwise(fraction)
        fraction = pl.when(sale > pl.lit(spec.applies_sold_through)).then(full).otherwise(fraction)
        aliases = [a.lower() for a in mk.aliases]
        expr = (
            pl.when(maker.is_in(aliases))
            .then(pl.when(sale.is_null()).then(None).otherwise(fraction))
            .otherwise(expr)
        )
    return expr.cast(pl.Int64).alias("phaseout_fraction")


def _ppm(fraction: Any) -> int:
    from ira30d._law.parameters import to_fact_scale

    try:
        return int(to_fact_scale("share", fraction, "exact"))
    except ValueError:
        raise unsupported("phaseout", f"a fraction of {fraction} is finer than a ppm") from None
