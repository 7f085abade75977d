"""The item tables of one batch (chains, stages, components, containments, entities), read for
the battery facts: the scans read together, the columns the facts never read left unread, ids
and terms as categories, the items of vehicles not measured left out, and the tables the sums
would misread refused, naming the column.

>>> import ira30d
>>> from ira30d._fleet.tables import to_tables
>>> t = to_tables([ira30d.example("full_credit_2024")])
>>> t = Tables(**{n: getattr(t, n).with_columns(period=pl.lit(21)) for n in NAMES})
>>> f = read_items(t)
>>> f["stages"].height, "stage" in f["stages"].columns
(21, False)
"""

from __future__ import annotations

import polars as pl

from ira30d._common.errors import InputError
from ira30d._fleet.checks import check_values
from ira30d._fleet.layout import NAMES, SCHEMAS
from ira30d._fleet.tables import Tables

col = pl.col
SPAN = 1024  # item positions per vehicle in a key (a battery has at most 500 chains or components)
POSITIONS = {
    "chains": "chain",
    "stages": "chain",
    "components": "component",
    "contains": "component",
}


def chain_key() -> pl.Expr:
    """One integer per (vehicle, chain), in the tables' order: one key to sort, run and join
    by (positions are checked to be below ``SPAN`` when the tables are read)."""
    return (col("row") * SPAN + col("chain")).alias("key")


def component_key() -> pl.Expr:
    """One integer per (vehicle, component), as :func:`chain_key`."""
    return (col("row") * SPAN + col("component")).alias("key")


# Columns matched or joined by, as categories (``pl.Categorical``: one process-wide dictionary,
# so an id's code is the same in every table): the tables' own types; a table of text is cast.
CATEGORIES = {n: [c for c, t in SCHEMAS[n].items() if t == pl.Categorical] for n in NAMES}
UNREAD = {"chains": ("id",), "stages": ("stage",), "entities": ("entity", "name")}  # not read


def read_items(t: Tables) -> dict[str, pl.DataFrame]:
    """The child tables as frames (scans read together), items of unmeasured vehicles left out."""
    names = NAMES[1:]
    frames = []
    for n in names:
        f = getattr(t, n).lazy().drop(UNREAD.get(n, ()))
        frames.append(f.with_columns(col(c).cast(pl.Categorical) for c in CATEGORIES.get(n, ())))
    if t.vehicles["period"].null_count():  # some vehicles are not measured: leave them out
        frames = [f.filter(col("period").is_not_null()) for f in frames]
    read = dict(zip(names, pl.collect_all(frames), strict=True))
    _check(read)
    return read


# The columns an item cannot do without (an entity's facts may be null: unknown, and said so).
REQUIRED = {
    "chains": ("mineral", "value_cents"),
    "stages": ("activity", "country", "share_ppm"),
    "components": ("id", "kind", "value_cents", "country"),
    "contains": ("child",),
    "entities": ("id",),
}


def _check(read: dict[str, pl.DataFrame]) -> None:
    """Refuse tables the sums would misread: a value outside its input field's range or
    vocabulary (:mod:`.checks`), a null where an item needs a value (it would count as nothing,
    never as unknown), or an item position outside a key's span (two vehicles' items would share
    a key)."""
    for name, frame in read.items():
        check_values(name, frame)  # every value in its input field's range
    for name, columns in REQUIRED.items():
        for column in columns:
            if read[name][column].null_count():
                raise InputError(
                    f"{name}.{column}", "null in a column every item needs", "invalid_tables"
                )
    for name, column in POSITIONS.items():
        c = read[name][column]
        if c.len() and (c.null_count() or c.min() < 0 or c.max() >= SPAN):  # type: ignore[operator]
            raise InputError(
                f"{name}.{column}",
                f"an item's position must be a whole number from 0 to {SPAN - 1}",
                "invalid_tables",
            )
