"""Cases read by Arrow's JSON reader, as the fleet's six tables: every value held to its model
field as written (``_fleet/columns.py``), and the cases the models would read otherwise (a value
they would change or refuse, a field a case must give left out, a rule across fields broken)
named, so the models read them instead.

The rules across fields are the input models' own validators, restated column-wise here (and
only here): a case gives a purchase or a date ``on``, not both, and a buyer only with a purchase
(``Case._question``); ids are unique within their list (``Battery._unique_ids``); the shares of
one activity in a chain add up to at most the whole (``MineralChain._shares_within_whole``). A
test lists every validator of the models, so a new one cannot be missed here; the differential
tests hold these tables equal to the models' (``tests/test_jsonl.py``).

>>> import ira30d, json, pyarrow as pa, pyarrow.json as pj
>>> from ira30d._fleet.columns import SCHEMA
>>> text = json.dumps(ira30d.example("full_credit_2024")).encode()
>>> opts = pj.ParseOptions(explicit_schema=SCHEMA, unexpected_field_behavior="error")
>>> t, bad = flatten(pj.read_json(pa.BufferReader(text), parse_options=opts), [0])
>>> t.vehicles["msrp_base_cents"][0], t.stages.height, bad
(5499500, 21, [])
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from ira30d._fleet.checks import words
from ira30d._fleet.columns import LEVELS, Level, taken, taken_series
from ira30d._fleet.layout import ENTITY_SHARES, MONEY, SCHEMAS
from ira30d._fleet.runs import run_sums
from ira30d._fleet.tables import Tables
from ira30d._models.battery import Stage

col = pl.col
MILLION = 10**6


def _at(path: tuple[str, ...]) -> pl.Expr:
    e = col(path[0])
    for name in path[1:]:
        e = e.struct.field(name)
    return e


def _dotted(path: tuple[str, ...]) -> str:
    return ".".join(path)


def _parent(level: Level) -> Level:
    return max(
        (p for p in LEVELS if p is not level and level.path[: len(p.path)] == p.path),
        key=lambda p: len(p.path),
    )


PARENT = {lv.path: _parent(lv) for lv in LEVELS[1:]}


def _list_column(child: Level) -> str:
    """The column holding ``child``'s list in its parent level's frame."""
    return _dotted(child.path[len(PARENT[child.path].path) :])


def flatten(table: Any, rows: list[int]) -> tuple[Tables, list[int]]:
    """The tables of the cases in the Arrow ``table`` (numbered ``rows``), and the rows the
    models must read instead (left out of the tables)."""
    read = pl.from_arrow(table)
    assert isinstance(read, pl.DataFrame)  # a table, not one column
    case = read.with_columns(row=pl.Series("row", rows, pl.Int64))
    frames: dict[tuple[str, ...], pl.DataFrame] = {}
    bad: list[pl.Series] = []
    for level in LEVELS:
        if not level.path:
            frame = _root(case, level)
        else:
            parent = frames[PARENT[level.path].path]
            frame = _items(parent, _list_column(level), len(level.path))
        frame, wrong = _values(frame, level)
        frames[level.path] = frame
        bad.append(wrong)
    bad.extend(_across(frames))
    rejected = pl.concat([b.cast(pl.Int64) for b in bad]).unique().sort()
    if rejected.len():
        frames = {p: f.filter(~col("row").is_in(rejected.implode())) for p, f in frames.items()}
    return _tables(frames), rejected.to_list()


def _root(case: pl.DataFrame, level: Level) -> pl.DataFrame:
    children = [lv for lv in LEVELS[1:] if PARENT[lv.path] is level]
    return case.select(
        "row",
        *(_at(leaf.path).alias(leaf.column) for leaf in level.leaves),
        *(_at(p).is_not_null().alias(_dotted(p) + "?") for p in level.structs),
        *(_at(lv.path).alias(_list_column(lv)) for lv in children),
    )


def _positions(frame: pl.DataFrame) -> list[str]:
    return [c for c in frame.columns if c[:1] == "p" and c[1:].isdigit()]


def _items(parent: pl.DataFrame, name: str, depth: int) -> pl.DataFrame:
    """One row per item of the list column ``name`` of ``parent``, with its position ``p{depth}``
    (the parent's positions kept)."""
    keys = ["row", *_positions(parent)]
    lengths = parent[name].list.len().fill_null(0).to_numpy()
    out = parent.filter(col(name).list.len() > 0).select(*keys, name).explode(name)
    counts = lengths[lengths > 0]
    starts = np.repeat(np.cumsum(counts) - counts, counts)
    out = out.with_columns(pl.Series(f"p{depth}", np.arange(len(out)) - starts, pl.Int64))
    item = out.schema[name]
    return out.unnest(name) if isinstance(item, pl.Struct) else out.rename({name: "value"})


def _values(frame: pl.DataFrame, level: Level) -> tuple[pl.DataFrame, pl.Series]:
    """``frame`` with each leaf's values on the tables' scale and its defaults filled, and the
    rows with a value the models would not take as written (or a given value missing)."""
    wrong, changes = [], []
    for leaf in level.leaves:
        c = leaf.column
        present = col(_dotted(leaf.path[:-1]) + "?") if len(leaf.path) > 1 else pl.lit(True)
        value, changed = col(c), False
        if frame.schema[c] != pl.Boolean and (distinct := frame[c].drop_nulls().unique()).len():
            known = taken_series(leaf, distinct)
            if len(known) < distinct.len():
                wrong.append(col(c).is_not_null() & ~col(c).is_in(list(known)))
            if any(type(v) is not type(k) for k, v in known.items()):  # decimals and dates
                value, changed = value.replace_strict(known, default=None), True
        if leaf.info.is_required():
            wrong.append(col(c).is_null() & present)
        elif leaf.default is not None:
            (fill,) = taken(leaf, [leaf.default]).values()
            value = pl.when(col(c).is_null() & present).then(pl.lit(fill)).otherwise(value)
            changed = True
        if changed:
            changes.append(value.alias(c))
    for path in level.structs:
        owner = level.structs[path[:-1]] if len(path) > 1 else level.model
        if owner.model_fields[path[-1]].is_required():
            up = col(_dotted(path[:-1]) + "?") if len(path) > 1 else pl.lit(True)
            wrong.append(~col(_dotted(path) + "?") & up)
    for child in LEVELS[1:]:
        if PARENT[child.path] is level:
            wrong.append(_length_wrong(_list_column(child), child))
    rows = frame.filter(pl.any_horizontal(wrong))["row"] if wrong else frame["row"].clear()
    return (frame.with_columns(changes) if changes else frame), rows


def _length_wrong(c: str, child: Level) -> pl.Expr:
    least, most = child.lengths
    n = col(c).list.len()
    given = child.info is not None and child.info.is_required()
    too_many = n > most if most is not None else pl.lit(False)
    return (n.is_null() & pl.lit(given)) | (n < least) | too_many


def _across(frames: dict[tuple[str, ...], pl.DataFrame]) -> list[pl.Series]:
    """Rows breaking the models' rules across fields (see the module's docstring)."""
    root = frames[()]
    question = (col("purchase?") == col("on").is_not_null()) | (col("buyer?") & ~col("purchase?"))
    out = [root.filter(question)["row"]]
    for level in LEVELS[1:]:
        f = frames[level.path]
        if "id" in f.columns:  # ids unique within their list (a battery's list: one a row)
            out.append(f.filter(pl.struct("row", "id").is_duplicated())["row"])
    stages = frames[LEVELS[2].path]  # in order of vehicle and chain: each chain a run of rows
    if stages.schema["share"] == pl.String:  # no share taken: every row with stages is out
        return out
    new_chain = (col("row") != col("row").shift()) | (col("p3") != col("p3").shift())
    keyed = stages.with_columns(new_chain.fill_null(True).cum_sum().alias("key"))
    sums = run_sums(
        keyed,
        "key",
        {a: pl.when(col("activity") == a).then(col("share")) for a in words(Stage, "activity")},
    )
    over = sums.filter(pl.max_horizontal(pl.exclude("key")) > MILLION)["key"]
    out.append(keyed.filter(col("key").is_in(over.implode()))["row"])
    return out


def _tables(frames: dict[tuple[str, ...], pl.DataFrame]) -> Tables:
    root, chains, stages, components, contains, entities = (frames[lv.path] for lv in LEVELS)
    v, b = "vehicle.", "vehicle.battery."
    battery = col("vehicle.battery?")
    vehicles = root.select(
        "row",
        col("id").alias("case_id"),
        *(col(v + c).alias(c) for c in SCHEMAS["vehicles"] if v + c in root.columns),
        *(col(f"{v}msrp.{k}").alias(f"msrp_{k}_cents") for k in MONEY),
        battery.alias("has_battery"),
        col(b + "capacity_kwh").alias("capacity_wh"),
        col(b + "externally_rechargeable").alias("externally_rechargeable"),
        col(b + "impracticable_to_trace_election").alias("impracticable_to_trace_election"),
        *(
            pl.when(battery).then(col(b + n).is_not_null()).alias(f"has_{k}")
            for n, k in (("mineral_chains", "chains"), ("components", "components"))
        ),
        *(
            col(f"{b}certified.{k}_share").alias(f"cert_{k}_ppm")
            for k in ("critical_minerals", "battery_components")
        ),
        *(
            col(f"{b}certified.{k}").alias(f"cert_{k}")
            for k in ("feoc_compliant_components", "feoc_compliant_minerals", "method", "period")
        ),
        col("purchase?").alias("has_purchase"),
        *(col(c).alias(c.split(".")[1]) for c in root.columns if c.startswith("purchase.")),
        col("buyer?").alias("has_buyer"),
        *(
            col(f"buyer.{y}_year.{k}").alias(f"{y}_{n}")
            for y in ("current", "preceding")
            for k, n in (("filing_status", "status"), ("magi", "magi_cents"))
        ),
        "on",
        pl.lit(None, pl.String).alias("error"),
    )
    named = {
        "vehicles": vehicles,
        "chains": chains.rename({"p3": "chain", "value": "value_cents"}),
        "stages": stages.rename({"p3": "chain", "p4": "stage", "share": "share_ppm"}),
        "components": components.rename({"p3": "component", "value": "value_cents"}),
        "contains": contains.rename({"p3": "component", "value": "child"}),
        "entities": entities.rename(
            {
                "p3": "entity",
                **{f"government_{k}_share": f"government_{k}_ppm" for k in ENTITY_SHARES},
            }
        ),
    }
    return Tables(
        **{n: f.select(_typed(c, t) for c, t in SCHEMAS[n].items()) for n, f in named.items()}
    )


def _typed(c: str, t: Any) -> pl.Expr:
    """Column ``c`` as type ``t``. Text is made anew: a text column read from Arrow points into
    Arrow's buffer of the whole block read (about 14 MB a 32 MB block), which it would keep alive
    as long as the tables or any result that holds the column (``tests/test_jsonl.py`` checks
    none is kept)."""
    return (col(c) + "").alias(c) if t == pl.String else col(c).cast(t)
