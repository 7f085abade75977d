"""Foreign entities of concern, column-wise: each supplier tested once (its own facts, by the
tests ``feoc_tests`` names), each line item judged by where it was made and by whom, and the
counts the rules read, as ``_measures.feoc.decide`` makes them (a known FEOC decides; unknowns
leave the count open unless the manufacturer attests compliance; an attestation of
non-compliance counts at least one).

>>> import polars as pl
>>> frame = pl.DataFrame({"f": [0, 2, 0, 0], "u": [1, 0, 1, 0], "a": [None, True, True, False]})
>>> frame.select(count(pl.col("f"), pl.col("u"), pl.col("a"))).to_series().to_list()
[None, 2, 0, 1]
"""

from __future__ import annotations

import polars as pl

from ira30d._fleet.law import PerPeriod
from ira30d._fleet.runs import id_key
from ira30d._measures.feoc import PLACE

col = pl.col
Frame = pl.DataFrame
ENTITY_FACT_COLUMNS = {
    "government_board_share": "government_board_ppm",
    "government_voting_share": "government_voting_ppm",
    "government_equity_share": "government_equity_ppm",
}


def count(found: pl.Expr, unknown: pl.Expr, attested: pl.Expr) -> pl.Expr:
    """``_measures.feoc.decide``'s count: a known FEOC decides; unknowns leave it open unless
    attested compliant; an attestation of non-compliance counts at least one."""
    return (
        pl.when(attested.eq(False))
        .then(pl.max_horizontal(found, pl.lit(1)))
        .when(found > 0)
        .then(found)
        .when(unknown > 0)
        .then(pl.when(attested.eq(True)).then(0).otherwise(None))
        .otherwise(0)
        .cast(pl.Int64)
    )


def conflict(found: pl.Expr, unknown: pl.Expr, attested: pl.Expr) -> pl.Expr:
    return (
        pl.when(attested.is_null())
        .then(None)
        .when(attested)
        .then((found > 0).cast(pl.Int64))
        .otherwise(((found == 0) & (unknown == 0)).cast(pl.Int64))
    )


def judge(pp: PerPeriod, entities: Frame) -> Frame:
    """Each supplier tested once: FEOC by one of its own facts (``ent_feoc``), or some of its
    facts unknown (``ent_unknown``); the place test is the item's."""
    law = pp.law
    tests = pp.value(lambda k: law.p("feoc_tests", k))
    holds, unknown = [], []
    for fact, t in tests.items():
        if fact == PLACE:
            continue
        c = col(ENTITY_FACT_COLUMNS.get(fact, fact))
        if t["test"] == "in_lists":
            test = pp.members(t["lists"], c)
        elif t["test"] == "at_least":
            test = c >= pp.share(t["threshold"])
        else:
            test = c.eq(True)
        holds.append(test.fill_null(False))
        unknown.append(c.is_null())
    return entities.select(
        id_key("id").alias("ekey"),
        pl.any_horizontal(holds).alias("ent_feoc"),
        pl.any_horizontal(unknown).alias("ent_unknown"),
    )


def place(pp: PerPeriod, items: Frame, judged: Frame) -> Frame:
    """Line items (stages or components) judged: FEOC, unknown, or clear; and whether their
    entity is named but not among the battery's entities. Looked up by key in the judged
    entities' sets: cheaper than a join, and it keeps the items' order."""
    place_lists = pp.value(lambda k: pp.law.p("feoc_tests", k)[PLACE]["lists"])
    place = pp.members(place_lists, col("country"))
    key = id_key("entity")
    named = col("entity").is_not_null()
    feoc = place | (named & key.is_in(judged.filter("ent_feoc")["ekey"].implode()))
    unknown = ~named | key.is_in(judged.filter("ent_unknown")["ekey"].implode())
    return items.with_columns(
        feoc.alias("feoc"),
        (~feoc & unknown).alias("unknown"),
        (named & ~key.is_in(judged["ekey"].implode())).alias("stranger"),
    )


def chain_sums(pp: PerPeriod, materials: pl.Series) -> dict[str, pl.Expr]:
    """Per vehicle, over its mineral chains (each with its stages' ``feoc``, ``u`` and
    ``stranger`` flags; null for a chain without stages, which counts for nothing)."""
    itt = pp.terms(lambda k: pp.law.set("impracticable_to_trace_materials", k), materials)
    feoc = col("feoc").fill_null(False)
    unknown = ~feoc & col("u").fill_null(False)
    return {
        "m_found": feoc,
        "m_open": unknown,
        "t_found": feoc & ~itt,
        "t_open": unknown & ~itt,
        "m_stranger": col("stranger").fill_null(False),
        "m_staged": col("staged").fill_null(False),
    }


COMPONENT_SUMS = {"c_found": col("feoc"), "c_open": col("unknown"), "c_stranger": col("stranger")}


def feoc_columns() -> list[pl.Expr]:
    """The FEOC facts, from a vehicle's ``chain_sums`` and ``COMPONENT_SUMS`` (null when it has
    no such rows) and its attestations."""
    att_c, att_m = col("cert_feoc_compliant_components"), col("cert_feoc_compliant_minerals")
    has_c = col("has_components").fill_null(False) & col("c_found").is_not_null()
    has_m = col("has_chains").fill_null(False) & (col("m_staged").fill_null(0) > 0)
    by_att_c = pl.when(att_c).then(0).otherwise(1)
    by_att_m = pl.when(att_m).then(0).otherwise(1)
    return [
        pl.when(has_c)
        .then(count(col("c_found"), col("c_open"), att_c))
        .when(att_c.is_not_null())
        .then(by_att_c)
        .alias("feoc_components"),
        pl.when(has_c)
        .then(conflict(col("c_found"), col("c_open"), att_c))
        .alias("feoc_components_attestation_conflict"),
        pl.when(has_m)
        .then(count(col("m_found"), col("m_open"), att_m))
        .when(att_m.is_not_null())
        .then(by_att_m)
        .alias("feoc_minerals"),
        pl.when(has_m)
        .then(count(col("t_found"), col("t_open"), att_m))
        .when(att_m.is_not_null())
        .then(by_att_m)
        .alias("feoc_minerals_traceable"),
        pl.when(has_m)
        .then(conflict(col("m_found"), col("m_open"), att_m))
        .alias("feoc_minerals_attestation_conflict"),
        pl.when((col("m_stranger").fill_null(0) > 0) | (col("c_stranger").fill_null(0) > 0))
        .then(pl.lit("unknown entity"))
        .alias("bad_entities"),
    ]
