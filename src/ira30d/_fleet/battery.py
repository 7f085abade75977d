"""The battery's facts, column-wise, for vehicles in any periods of unchanged law: the object path's
``_measures.sourcing``, ``battery`` and ``feoc`` over the chain, stage, component and entity
tables, in exact integers (cents, ppm; ``Int128`` where products need it), rounded the way the
rule book says each fact is compared.

Rows the columnar measures cannot vouch for are marked ``bad`` and decided by the object path:
an unknown mineral, component kind, entity or contained component, a component contained twice,
a negative incremental value, and a zero incremental value inside a containment chain (the only
shape a containment cycle can take once values are positive).

>>> import ira30d
>>> from ira30d._fleet.law import Law
>>> from ira30d._fleet.tables import NAMES, to_tables
>>> from ira30d._fleet.vehicle import vehicle_facts
>>> law, t = Law(ira30d.default_ruleset()), to_tables([ira30d.example("full_credit_2024")])
>>> v = vehicle_facts(law, t.vehicles).join(t.vehicles.select("row", *VEHICLE_COLUMNS), on="row")
>>> dated = Tables(**{n: getattr(t, n).with_columns(period=pl.lit(21)) for n in NAMES})
>>> f = battery_facts(law, [21], "value_added_50", v, dated)
>>> f.select("critical_minerals_share", "battery_components_share", "feoc_components").row(0)
(896907, 892307, 0)
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ira30d._fleet.feoc import feoc_facts, judge, place
from ira30d._fleet.law import PerPeriod
from ira30d._fleet.tables import NAMES, Tables

col, I128 = pl.col, pl.Int128
Frame = pl.LazyFrame
MILLION = 10**6
VEHICLE_COLUMNS = (
    "has_chains",
    "has_components",
    "cert_critical_minerals_ppm",
    "cert_battery_components_ppm",
    "cert_feoc_compliant_components",
    "cert_feoc_compliant_minerals",
    "cert_method",
)


def _share(num: pl.Expr, den: pl.Expr, rounding: str) -> pl.Expr:
    """``num/den`` on the ppm scale, rounded as the fact is compared (0 when ``den`` is 0)."""
    scaled = num.cast(I128) * MILLION
    d = den.cast(I128)
    q = scaled // d if rounding == "floor" else -((-scaled) // d)
    return pl.when(d == 0).then(0).otherwise(q).cast(pl.Int64)


def _gap(num: pl.Expr, den: pl.Expr, cert_ppm: pl.Expr, rounding: str) -> pl.Expr:
    """``|num/den - cert|`` on the ppm scale (the object path's certification gap)."""
    d = pl.when(den.cast(I128) == 0).then(1).otherwise(den.cast(I128))
    n = pl.when(den.cast(I128) == 0).then(0).otherwise(num.cast(I128))
    diff = (n * MILLION - cert_ppm.cast(I128) * d).abs()
    q = diff // d if rounding == "floor" else -((-diff) // d)
    return q.cast(pl.Int64)


def chain_key() -> pl.Expr:
    """One integer per (vehicle, chain): grouping by it is many times faster than by the pair
    (a battery has at most 500 chains)."""
    return (col("row") * 1024 + col("chain")).alias("key")


def battery_facts(
    law: Any, periods: list[int], method: str, v: pl.DataFrame, t: Tables
) -> pl.DataFrame:
    """The battery facts of the vehicles ``v`` (with a battery and a period); the child tables
    of ``t`` carry each item's ``period``, null for vehicles not measured."""
    pp = PerPeriod(law, periods)
    wide = I128 if _may_overflow(t.chains) else pl.Int64
    lazy = {n: getattr(t, n).lazy() for n in NAMES}  # one query: Polars plans and parallelises
    if t.vehicles["period"].null_count():  # some vehicles are not measured: leave them out
        lazy = {n: f.filter(col("period").is_not_null()) for n, f in lazy.items()}
    vl = v.lazy()
    chains = lazy["chains"].with_columns(chain_key())
    judged = judge(pp, lazy["entities"])
    stages = place(pp, lazy["stages"].with_columns(chain_key()), judged)
    comps = place(pp, lazy["components"], judged)
    minerals = _minerals(pp, method, vl, chains, stages, wide)
    components = _components(pp, vl, comps, lazy["contains"])
    feoc = feoc_facts(pp, vl, chains, stages, comps)
    out = vl.select("row").join(minerals, on="row", how="left", maintain_order="left")
    out = out.join(components, on="row", how="left", maintain_order="left")
    out = out.join(feoc, on="row", how="left", maintain_order="left")
    bad = pl.coalesce("bad_minerals", "bad_components", "bad_entities")
    return (
        out.with_columns(bad.alias("bad_battery"))
        .drop("bad_minerals", "bad_components", "bad_entities")
        .collect(engine="streaming")
    )


def _minerals(
    pp: PerPeriod, method: str, v: Frame, chains: Frame, stages: Frame, wide: Any
) -> Frame:
    law = pp.law
    activities = pp.value(lambda k: sorted(law.p("qualifying_lists_by_activity", k)))

    def qualifies(activity: str) -> pl.Expr:
        return pp.expr(
            lambda k: law.members(list(law.p("qualifying_lists_by_activity", k)[activity]), k),
            lambda m: col("country").is_in(m),
        )

    sums = [  # per chain and activity: the share done in countries that qualify for it
        pl.when((col("activity") == a) & qualifies(a)).then(col("share_ppm")).otherwise(0).sum()
        for a in activities
    ]
    per_chain = stages.group_by("key").agg(pl.max_horizontal(sums).alias("best"))
    known = pp.expr(
        lambda k: law.set("applicable_critical_minerals", k),
        lambda m: col("mineral").str.to_lowercase().is_in(m),
    )
    c = chains.join(per_chain, on="key", how="left").with_columns(
        col("best").fill_null(0), known.alias("known")
    )
    specs = pp.value(lambda k: law.p("critical_minerals_methods", k))
    value = col("value_cents").cast(wide)
    sums = [value.sum().alias("total"), (~col("known")).any().alias("unknown_mineral")]
    for name, spec in specs.items():
        by = col("best") > 0
        if spec["qualifies_when"] == "best_share_at_least":
            by = by & (col("best") >= pp.share(spec["threshold"]))
        whole = spec["counts"] == "whole_value"
        counted = value if whole else value * col("best")
        sums.append(pl.when(by).then(counted).otherwise(0).sum().alias(f"n_{name}"))
        sums.append((value.sum() * (1 if whole else MILLION)).alias(f"d_{name}"))
    agg = c.group_by("row").agg(sums)
    rounding = law.book.rounding
    r_share = rounding.get("critical_minerals_share", "floor")
    r_gap = rounding.get("critical_minerals_certification_gap", "floor")
    joined = v.join(agg, on="row", how="left", maintain_order="left")
    has = col("has_chains").fill_null(False) & col("total").is_not_null()
    cert, cert_method = col("cert_critical_minerals_ppm"), col("cert_method")
    gap: Any = _gap(col(f"n_{method}"), col(f"d_{method}"), cert, r_gap)
    for name in specs:
        if name != method:
            other = _gap(col(f"n_{name}"), col(f"d_{name}"), cert, r_gap)
            gap = pl.when(cert_method == name).then(other).otherwise(gap)
    return joined.select(
        "row",
        pl.when(has)
        .then(_share(col(f"n_{method}"), col(f"d_{method}"), r_share))
        .otherwise(cert)
        .alias("critical_minerals_share"),
        pl.when(has & cert.is_not_null()).then(gap).alias("critical_minerals_certification_gap"),
        pl.when(has & col("unknown_mineral")).then(pl.lit("unknown mineral")).alias("bad_minerals"),
    )


def _may_overflow(chains: Any) -> bool:
    """Could a battery's sum of value x share (ppm) x 10^6 leave Int64? Then sum in Int128."""
    top = chains.lazy().select(col("value_cents").abs().max()).collect().item()
    return top is None or int(top) * 500 * MILLION * MILLION >= 2**63


def _components(pp: PerPeriod, v: Frame, comps: Frame, contains: Frame) -> Frame:
    law = pp.law
    key = (col("row") * 1024 + col("component")).alias("key")  # one integer per component
    comps = comps.with_columns(key)
    children = contains.with_columns(key).join(
        comps.select(
            "row",
            col("id").alias("child"),
            col("key").alias("child_key"),
            col("value_cents").alias("child_value"),
        ),
        on=["row", "child"],
        how="left",
    )
    twice = (
        children.group_by("child_key")
        .agg(pl.len(), col("row").first())
        .filter(col("len") > 1)
        .select("row")
        .unique()
    )
    inner = children.group_by("key").agg(
        col("child_value").sum().alias("inner"), col("child_value").is_null().any().alias("lost")
    )
    parents = children.select(col("child_key").alias("key"), pl.lit(True).alias("has_parent"))
    na = pp.members("component_lists", col("country"))
    kinds = pp.expr(
        lambda k: list(law.p("battery_component_kinds", k)), lambda m: col("kind").is_in(m)
    )
    c = (
        comps.join(inner, on="key", how="left")
        .join(parents.drop_nulls("key").unique("key"), on="key", how="left")
        .with_columns(inc=col("value_cents") - col("inner").fill_null(0))
    )
    suspect = (
        col("lost").fill_null(False)
        | (col("inc") < 0)
        | ~kinds
        | ((col("inc") == 0) & col("has_parent").fill_null(False) & col("inner").is_not_null())
    )
    agg = c.group_by("row").agg(
        pl.when(na).then(col("inc")).otherwise(0).sum().alias("n"),
        col("inc").sum().alias("d"),
        suspect.any().alias("suspect"),
    )
    rounding = law.book.rounding
    cert = col("cert_battery_components_ppm")
    has = col("has_components").fill_null(False) & col("d").is_not_null()
    gap = _gap(
        col("n"), col("d"), cert, rounding.get("battery_components_certification_gap", "floor")
    )
    joined = v.join(agg, on="row", how="left", maintain_order="left").join(
        twice.with_columns(twice=pl.lit(True)), on="row", how="left", maintain_order="left"
    )
    share_rounding = rounding.get("battery_components_share", "floor")
    return joined.select(
        "row",
        pl.when(has)
        .then(_share(col("n"), col("d"), share_rounding))
        .otherwise(cert)
        .alias("battery_components_share"),
        pl.when(has & cert.is_not_null()).then(gap).alias("battery_components_certification_gap"),
        pl.when(has & (col("suspect") | col("twice").fill_null(False)))
        .then(pl.lit("component structure"))
        .alias("bad_components"),
    )
