"""Batches: many cases in, determinations out, optionally across processes, as a DataFrame.

A determination is a pure function of its case and the rule set, so any partitioning gives the
same results: Dask or Spark users map :func:`evaluate_partition` over partitions of JSON-shaped
cases (each worker builds its own rule set from the pickled recipe).
"""

from __future__ import annotations

import multiprocessing
import operator
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, Literal, TextIO

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination
from ira30d._failures import CaseFailure, decide_entry
from ira30d._input import entries
from ira30d._models.parse import json_value
from ira30d._pool import BatteryPool
from ira30d._progress import Progress, count_cases
from ira30d._ruleset import RuleSet

CHUNK = 500


def read_cases(source: Any) -> Iterator[Any]:
    """Cases from an iterable of dicts/Cases, a JSON or JSON Lines file path, or a DataFrame
    (a ``case`` column of dicts/JSON, or columns ``vehicle``, ``purchase``, ``buyer``, ``on``,
    ``id``). A line of a file that is not JSON raises its :class:`InputError`.

    >>> import io, ira30d
    >>> [c["id"] for c in read_cases(io.StringIO('{"id": "a"}\\n{"id": "b"}\\n'))]
    ['a', 'b']
    """
    text = isinstance(source, (str, Path)) or hasattr(source, "readline") or _is_frame(source)
    for _, case in _entries(source):
        if isinstance(case, InputError):
            raise case
        yield json_value(case) if text and isinstance(case, (str, bytes)) else case


def _entries(source: Any) -> Iterator[tuple[int | None, Any]]:
    """(line, case) of each case of ``source``; the line where it comes from a JSON Lines file."""
    if isinstance(source, (str, Path)):
        with Path(source).open(encoding="utf-8") as f:
            yield from entries(f, str(source))
        return
    if hasattr(source, "readline"):  # a text stream, such as stdin
        yield from entries(source, getattr(source, "name", "<stream>"))
        return
    if _is_frame(source):
        for record in source.to_dict("records"):
            yield None, _from_row(record, "case" in source.columns)
        return
    for case in source:
        yield None, case


def _row_numbers(frame: Any) -> list[int]:
    """A partition's row labels where they are whole numbers (a Dask partition keeps the whole
    frame's), else positions: a failed case's ``case`` is then the same however it is split."""
    try:
        return [operator.index(i) for i in frame.index]
    except TypeError:
        return list(range(len(frame)))


def _is_frame(source: Any) -> bool:
    return type(source).__name__ == "DataFrame"


def _from_row(record: dict[str, Any], whole: bool) -> Any:
    """One DataFrame row as a case: its ``case`` column (dict or JSON text, parsed when the case
    is decided, so text that is not JSON is that case's error), or its columns."""
    if whole:
        return record["case"]
    return {
        k: v
        for k, v in record.items()
        if k in ("id", "vehicle", "purchase", "buyer", "on") and v is not None and v == v
    }


def evaluate_partition(
    cases: Any, ruleset: RuleSet | None = None, method: str | None = None
) -> Any:
    """Evaluate one partition of cases; a pure function, safe to map in Dask, Spark or a process
    pool. Cases with equal batteries share one validated battery and its measures
    (:class:`BatteryPool`).

    ``cases`` is an iterable of cases (returns a list of determinations, raising the first
    :class:`InputError`), or a pandas DataFrame with one case per row (a ``case`` column or the
    columns of a case), such as a partition of a Dask DataFrame: it then returns a DataFrame with
    the columns of :func:`partition_meta` and a row per case, a case that could not be decided
    having verdict ``error`` and its problems in ``error``. Pass ``meta=partition_meta()``
    (same rule set) to ``map_partitions``.

    >>> import pandas as pd, ira30d
    >>> part = pd.DataFrame({"case": [ira30d.example("over_msrp_cap"), {"vehicle": {}}]})
    >>> evaluate_partition(part)[["verdict", "amount", "error"]].to_dict("records")[1]["verdict"]
    'error'
    """
    from ira30d._api import default_ruleset

    rs, pool = ruleset or default_ruleset(), BatteryPool()
    if _is_frame(cases):
        from ira30d._frame import partition_frame

        rows = zip(_row_numbers(cases), _entries(cases), strict=True)
        results = (decide_entry(rs, i, n, c, method=method, pool=pool) for i, (n, c) in rows)
        return partition_frame(results, rs)
    return [rs.evaluate(pool.case(c), method=method) for c in cases]


_WORKER: dict[str, Any] = {}


def _init(ruleset: RuleSet) -> None:
    # a fresh engine per worker: never share a (forked) durable-rules handle between processes
    _WORKER["rs"] = RuleSet(ruleset.book, ruleset.countries, ruleset._backend_choice)
    _WORKER["pool"] = BatteryPool()


Item = tuple[int, "int | None", Any]  # (index in the batch, line, case)


def _work(args: tuple[list[Item], str | None, bool | None]) -> list[Any]:
    """A worker's chunk: each case decided (a :class:`CaseFailure` in a bad case's place);
    rendered as JSON (``as_json``) or text, or left as a determination (``None``)."""
    items, method, as_json = args
    rs, pool = _WORKER["rs"], _WORKER["pool"]
    out: list[Any] = []
    for index, line, case in items:
        d = decide_entry(rs, index, line, case, method=method, pool=pool)
        if as_json is None or isinstance(d, CaseFailure):
            out.append(d)
        else:
            out.append(d.to_json() if as_json else d.explain() + "\n")
    return out


def _pooled(
    items: Iterator[Item],
    args: tuple[Any, ...],
    ruleset: RuleSet,
    processes: int,
    bar: Progress,
) -> Iterator[Any]:
    """Chunks of ``items`` through :func:`_work` on a process pool, results in input order.
    At most four chunks per process are in flight, so memory stays bounded however long the
    input."""
    chunks = iter(lambda: list(islice(items, CHUNK)), [])
    # forkserver, not fork: the parent may hold threads (Polars, tqdm) a forked child would
    # inherit mid-lock; the rule set travels as its recipe either way
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    with ProcessPoolExecutor(
        processes, mp_context=context, initializer=_init, initargs=(ruleset,)
    ) as pool:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.submit(_work, (chunk, *args)))
            if len(pending) >= 4 * processes:
                out = pending.popleft().result()
                bar.step(len(out))
                yield from out
        while pending:
            out = pending.popleft().result()
            bar.step(len(out))
            yield from out


def _indexed(source: Any) -> Iterator[Item]:
    return ((i, line, case) for i, (line, case) in enumerate(_entries(source)))


def evaluate_lines(
    source: Any,
    *,
    ruleset: RuleSet,
    method: str | None = None,
    processes: int = 2,
    as_json: bool = True,
    progress: bool | TextIO | Progress = False,
) -> Iterator[str | CaseFailure]:
    """Cases (a file path, or an iterable of JSON texts) in, JSON Lines (or text) out, across
    processes: the parent only moves text, the workers parse, decide and render. A case that
    cannot be decided comes as its :class:`CaseFailure`. Used by ``ira30d evaluate
    --processes N``."""
    with Progress.on(progress, lambda: total_of(source)) as bar:
        yield from _pooled(_indexed(source), (method, as_json), ruleset, processes, bar)


def total_of(source: Any) -> int | None:
    """How many cases ``source`` holds, where that is known before reading it (for the bar)."""
    if isinstance(source, (str, Path)):
        return count_cases(source)
    return len(source) if hasattr(source, "__len__") else None


def evaluate_many(
    source: Any,
    *,
    ruleset: RuleSet | None = None,
    method: str | None = None,
    processes: int = 1,
    progress: bool | TextIO | Progress = False,
    errors: Literal["raise", "report"] = "raise",
    counterfactuals: bool = False,
) -> Iterator[Any]:
    """Evaluate many cases in input order. ``processes > 1`` spreads chunks over worker processes.
    ``errors="raise"`` stops at the first case that cannot be decided with its
    :class:`InputError` (``.case`` its index); ``"report"`` yields a :class:`CaseFailure` in its
    place and goes on. ``counterfactuals`` as in :meth:`RuleSet.evaluate` (one process).

    >>> import ira30d
    >>> ds = list(evaluate_many([ira30d.example("minerals_half_only"), {"vehicle": {}},
    ...                          ira30d.example("over_msrp_cap")], errors="report"))
    >>> [str(d.amount) if isinstance(d, ira30d.Determination) else d.where() for d in ds]
    ['3750', 'case[1]', '0']
    """
    from ira30d._api import default_ruleset

    rs = ruleset or default_ruleset()
    with Progress.on(progress, lambda: total_of(source)) as bar:
        if processes > 1 and not counterfactuals:
            results = _pooled(_indexed(source), (method, None), rs, processes, bar)
        else:
            results = _serial(rs, _indexed(source), bar, method, counterfactuals)
        for d in results:
            if errors == "raise" and isinstance(d, CaseFailure):
                raise d.error
            yield d


def _serial(
    rs: RuleSet, items: Iterator[Item], bar: Progress, method: str | None, why: bool
) -> Iterator[Any]:
    pool = BatteryPool()
    for index, line, case in items:
        yield decide_entry(rs, index, line, case, method=method, counterfactuals=why, pool=pool)
        bar.step(1)


class Summary(dict):  # type: ignore[type-arg]
    """Counts by verdict, total credit, and per requirement the vehicles that failed it; shows as
    an HTML table in notebooks."""

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{k}</td><td>{v}</td></tr>" for k, v in sorted(self["failed"].items())
        )
        return (
            f"<div><b>{self['vehicles']}</b> vehicles: {self['eligible']} eligible, "
            f"{self['not_eligible']} not eligible, "
            f"{self['undetermined']} undetermined (up to ${self['undetermined_at_most']:,} more); "
            f"total credit of decided vehicles <b>${self['total_credit']:,}</b>"
            "<table><thead><tr><th>requirement not met</th><th>vehicles</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></div>"
        )


def summary(determinations: Iterable[Determination]) -> Summary:
    """Counts by verdict, the total credit of decided vehicles, the most the undetermined ones could
    add, and for each requirement how many vehicles failed it.

    >>> import ira30d
    >>> s = summary(ira30d.evaluate_many([ira30d.example("over_msrp_cap")]))
    >>> s["vehicles"], s["not_eligible"], s["failed"]
    (1, 1, {'msrp_cap': 1})
    """
    from decimal import Decimal

    out = Summary(
        vehicles=0,
        eligible=0,
        not_eligible=0,
        undetermined=0,
        total_credit=Decimal(0),
        undetermined_at_most=Decimal(0),
        failed={},
    )
    for d in determinations:
        out["vehicles"] += 1
        out[d.verdict] += 1
        if d.amount is not None:
            out["total_credit"] += d.amount
        else:
            out["undetermined_at_most"] += d.amount_if_undetermined_met or Decimal(0)
        for f in d.findings:
            if f.status == "not_met":
                out["failed"][f.id] = out["failed"].get(f.id, 0) + 1
    return out
