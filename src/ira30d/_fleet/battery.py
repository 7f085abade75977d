"""The battery's facts, column-wise, for vehicles in any periods of unchanged law: the object path's
``_measures.sourcing``, ``battery`` and ``feoc`` over the chain, stage, component and entity
tables, in exact integers (cents, ppm; ``Int128`` where sums need it), rounded the way the
rule book says each fact is compared. Each level is reduced to the next by sums over runs of
rows (:mod:`.runs`): stages to their chain, chains and components to their vehicle.

Rows the columnar measures cannot vouch for are marked ``bad`` and decided by the object path:
an unknown mineral, component kind, entity or contained component, a mineral chain without
stages or with one activity's shares over the whole, a component contained twice, a negative
incremental value, and a zero incremental value inside a containment chain (the only shape a
containment cycle can take once values are positive).

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

from ira30d._fleet.feoc import COMPONENT_SUMS, chain_sums, feoc_columns, judge, place
from ira30d._fleet.items import chain_key, component_key, read_items
from ira30d._fleet.law import PerPeriod, unsupported
from ira30d._fleet.runs import fits, id_key, ordered, run_sums
from ira30d._fleet.tables import Tables

col, I128 = pl.col, pl.Int128
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


def _rounding(book: Any, fact: str) -> str:
    """How the rules round ``fact`` (``RuleBook.rounding_of``). The columns round down or up; a
    fact no rule compares must sit exactly on its scale, which a column cannot check row by row,
    so such a rule set is refused."""
    rounding = book.rounding_of(fact)
    if rounding not in ("floor", "ceil"):
        raise unsupported(fact, "no rule compares it, so the columns cannot round it")
    return rounding  # type: ignore[no-any-return]


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


def battery_facts(
    law: Any, periods: list[int], method: str, v: pl.DataFrame, t: Tables
) -> pl.DataFrame:
    """The battery facts of the vehicles ``v`` (with a battery and a period); the child tables
    of ``t`` carry each item's ``period``, null for vehicles not measured."""
    pp = PerPeriod(law, periods)
    f = read_items(t)
    judged = judge(pp, f["entities"])
    stages = place(pp, ordered(f["stages"].with_columns(chain_key()), "key"), judged)
    chains = ordered(f["chains"].with_columns(chain_key()), "key")
    chains = _with(chains, _per_chain(pp, stages))
    comps = place(pp, ordered(f["components"].with_columns(component_key()), "key"), judged)
    comps = _incremental(comps, f["contains"])
    minerals = _minerals(pp, chains)
    components = _components(pp, comps)
    out = v.join(minerals, on="row", how="left", maintain_order="left")
    out = out.join(components, on="row", how="left", maintain_order="left")
    facts = [
        *_mineral_columns(pp, method),
        *_component_columns(pp),
        *feoc_columns(),
    ]
    bad = pl.coalesce("bad_minerals", "bad_components", "bad_entities").alias("bad_battery")
    return (
        out.select("row", *facts)
        .with_columns(bad)
        .drop("bad_minerals", "bad_components", "bad_entities")
    )


def _with(items: pl.DataFrame, per_item: pl.DataFrame) -> pl.DataFrame:
    """``items`` with the columns of ``per_item`` (both sorted by ``key``; an item may have no
    row there): side by side when the keys are the same, else joined."""
    if per_item.height == items.height and per_item["key"].equals(items["key"]):
        return items.hstack(per_item.drop("key"))
    return items.join(per_item, on="key", how="left", maintain_order="left")


def _per_chain(pp: PerPeriod, stages: pl.DataFrame) -> pl.DataFrame:
    """Per chain with stages: its best share (the most of it done, for one activity, in the
    countries that qualify for that activity) and its FEOC flags."""
    law = pp.law
    activities = pp.value(lambda k: sorted(law.p("qualifying_lists_by_activity", k)))

    def qualifies(activity: str) -> pl.Expr:
        return pp.expr(
            lambda k: law.members(list(law.p("qualifying_lists_by_activity", k)[activity]), k),
            lambda m: col("country").is_in(m),
        )

    sums: dict[str, pl.Expr] = {  # per chain and activity: the share done where it qualifies
        f"s_{a}": pl.when((col("activity") == a) & qualifies(a)).then(col("share_ppm"))
        for a in activities
    }
    sums |= {  # per chain and activity: all of its share, which must not pass the whole
        f"t_{a}": pl.when(col("activity") == a).then(col("share_ppm")) for a in activities
    }
    sums |= {"feoc": col("feoc"), "u": col("unknown"), "stranger": col("stranger")}
    per_chain = run_sums(stages, "key", sums)
    return per_chain.select(
        "key",
        pl.max_horizontal(f"s_{a}" for a in activities).alias("best"),
        (pl.max_horizontal(f"t_{a}" for a in activities) > MILLION).alias("overfull"),
        *(col(n) > 0 for n in ("feoc", "u", "stranger")),
        pl.lit(True).alias("staged"),
    )


def _minerals(pp: PerPeriod, chains: pl.DataFrame) -> pl.DataFrame:
    """Per vehicle with chains: their total value, each method's qualifying value (``n_``), the
    FEOC counts, and whether a mineral is not an applicable one."""
    law = pp.law
    known = pp.terms(lambda k: law.set("applicable_critical_minerals", k), chains["mineral"])
    top: Any = chains["best"].max()  # the largest factor a chain's value is multiplied by
    wide = pl.Int64 if fits(chains["value_cents"], max(int(top or 0), 1)) else I128
    best = col("best").fill_null(0)
    value = col("value_cents").cast(wide)
    # a chain without stages says nothing of where or by whom: the object path refuses it
    sums = {"total": value, "unknown_mineral": ~known, "unstaged": col("staged").is_null()}
    sums["overfull"] = col("overfull").fill_null(False)  # shares of an activity over the whole
    for name, spec in pp.value(lambda k: law.p("critical_minerals_methods", k)).items():
        by = best > 0
        if spec["qualifies_when"] == "best_share_at_least":
            by = by & (best >= pp.share(spec["threshold"]))
        counted = value if spec["counts"] == "whole_value" else value * best
        sums[f"n_{name}"] = pl.when(by).then(counted)
    return run_sums(chains, "row", sums | chain_sums(pp, chains["material"]), wide)


def _mineral_columns(pp: PerPeriod, method: str) -> list[pl.Expr]:
    law = pp.law
    specs = pp.value(lambda k: law.p("critical_minerals_methods", k))
    r_share = _rounding(law.book, "critical_minerals_share")
    r_gap = _rounding(law.book, "critical_minerals_certification_gap")

    def d(name: str) -> pl.Expr:
        per_unit = specs[name]["counts"] != "whole_value"
        return col("total").cast(I128) * (MILLION if per_unit else 1)

    has = col("has_chains").fill_null(False) & col("total").is_not_null()
    cert, cert_method = col("cert_critical_minerals_ppm"), col("cert_method")
    gap: Any = _gap(col(f"n_{method}"), d(method), cert, r_gap)
    for name in specs:
        if name != method:
            other = _gap(col(f"n_{name}"), d(name), cert, r_gap)
            gap = pl.when(cert_method == name).then(other).otherwise(gap)
    return [
        pl.when(has)
        .then(_share(col(f"n_{method}"), d(method), r_share))
        .otherwise(cert)
        .alias("critical_minerals_share"),
        pl.when(has & cert.is_not_null()).then(gap).alias("critical_minerals_certification_gap"),
        pl.when(has & (col("unknown_mineral") > 0))
        .then(pl.lit("unknown mineral"))
        .when(has & (col("unstaged") > 0))
        .then(pl.lit("chain without stages"))
        .when(has & (col("overfull") > 0))
        .then(pl.lit("shares over the whole"))
        .alias("bad_minerals"),
    ]


def _incremental(comps: pl.DataFrame, contains: pl.DataFrame) -> pl.DataFrame:
    """Each component's incremental value (its value less its direct children's), whether
    it is contained, and whether a child is unknown (``lost``) or contained twice (``dup``)."""
    children = ordered(contains.with_columns(component_key()), "key").join(
        comps.select(
            id_key("id").alias("ikey"),
            col("key").alias("child_key"),
            col("value_cents").alias("child_value"),
        ),
        left_on=id_key("child"),
        right_on="ikey",
        how="left",
        maintain_order="left",
    )
    dup = col("child_key").is_not_null() & col("child_key").is_duplicated()
    sums = {"inner": col("child_value"), "lost": col("child_value").is_null(), "dup": dup}
    wide = pl.Int64 if fits(comps["value_cents"]) else I128
    inner = run_sums(children, "key", sums, wide).with_columns(has_inner=pl.lit(True))
    out = comps.join(inner, on="key", how="left", maintain_order="left")
    return out.with_columns(
        inc=col("value_cents").cast(wide) - col("inner").fill_null(0),
        has_parent=col("key").is_in(children["child_key"].drop_nulls().implode()),
    )


def _components(pp: PerPeriod, comps: pl.DataFrame) -> pl.DataFrame:
    """Per vehicle with components: their qualifying (``n``) and total (``d``) incremental
    value, the FEOC counts, and whether the containment is suspect."""
    law = pp.law
    na = pp.members("component_lists", col("country"))
    kinds = pp.expr(
        lambda k: list(law.p("battery_component_kinds", k)), lambda m: col("kind").is_in(m)
    )
    suspect = (
        (col("lost").fill_null(0) > 0)
        | (col("dup").fill_null(0) > 0)
        | (col("inc") < 0)
        | ~kinds
        | ((col("inc") == 0) & col("has_parent") & col("has_inner").fill_null(False))
    )
    sums = {"n": pl.when(na).then(col("inc")), "d": col("inc"), "suspect": suspect}
    wide = pl.Int64 if fits(comps["value_cents"], 2) else I128
    return run_sums(comps, "row", sums | COMPONENT_SUMS, wide)


def _component_columns(pp: PerPeriod) -> list[pl.Expr]:
    book = pp.law.book
    cert = col("cert_battery_components_ppm")
    has = col("has_components").fill_null(False) & col("d").is_not_null()
    gap = _gap(col("n"), col("d"), cert, _rounding(book, "battery_components_certification_gap"))
    share_rounding = _rounding(book, "battery_components_share")
    return [
        pl.when(has)
        .then(_share(col("n"), col("d"), share_rounding))
        .otherwise(cert)
        .alias("battery_components_share"),
        pl.when(has & cert.is_not_null()).then(gap).alias("battery_components_certification_gap"),
        pl.when(has & (col("suspect") > 0))
        .then(pl.lit("component structure"))
        .alias("bad_components"),
    ]
