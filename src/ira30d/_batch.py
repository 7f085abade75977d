"""Batches: many cases in, determinations out, optionally across processes, as a DataFrame.

A determination is a pure function of its case and the rule set, so any partitioning gives the
same results: Dask or Spark users map :func:`evaluate_partition` over partitions of JSON-shaped
cases (each worker builds its own rule set from the pickled recipe).
"""

from __future__ import annotations

import json
import sys
import time
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from itertools import islice
from pathlib import Path
from typing import Any, TextIO

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination
from ira30d._input import cases_in
from ira30d._pool import BatteryPool
from ira30d._ruleset import RuleSet

CHUNK = 500


def _pandas() -> Any:
    try:
        import pandas
    except ImportError:
        raise InputError(
            "pandas", "DataFrames need pandas: pip install 'ira30d[pandas]'", "missing_extra"
        ) from None
    return pandas


def read_cases(source: Any) -> Iterator[Any]:
    """Cases from an iterable of dicts/Cases, a JSON or JSON Lines file path, or a DataFrame
    (a ``case`` column of dicts/JSON, or columns ``vehicle``, ``purchase``, ``buyer``, ``on``,
    ``id``)."""
    if isinstance(source, (str, Path)):
        yield from _read_file(Path(source))
        return
    if type(source).__name__ == "DataFrame":
        cols = set(source.columns)
        for record in source.to_dict("records"):
            if "case" in cols:
                c = record["case"]
                yield json.loads(c) if isinstance(c, str) else c
            else:
                yield {
                    k: v
                    for k, v in record.items()
                    if k in ("id", "vehicle", "purchase", "buyer", "on")
                    and v is not None
                    and v == v
                }
        return
    yield from source


def _read_file(path: Path) -> Iterator[Any]:
    with path.open(encoding="utf-8") as f:
        yield from cases_in(f, str(path))


def evaluate_partition(
    cases: Iterable[Any], ruleset: RuleSet | None = None, method: str | None = None
) -> list[Determination]:
    """Evaluate one partition of cases; a pure function, safe to map in Dask, Spark or a process
    pool.
    Cases with equal batteries share one validated battery and its measures
    (:class:`BatteryPool`)."""
    from ira30d._api import default_ruleset

    rs, pool = ruleset or default_ruleset(), BatteryPool()
    return [rs.evaluate(pool.case(c), method=method) for c in cases]


_WORKER: dict[str, Any] = {}


def _init(ruleset: RuleSet) -> None:
    # a fresh engine per worker: never share a (forked) durable-rules handle between processes
    _WORKER["rs"] = RuleSet(ruleset.book, ruleset.countries, ruleset._backend_choice)
    _WORKER["pool"] = BatteryPool()


def _work(args: tuple[list[Any], str | None]) -> list[Determination]:
    cases, method = args
    rs, pool = _WORKER["rs"], _WORKER["pool"]
    return [rs.evaluate(pool.case(c), method=method) for c in cases]


def _work_text(args: tuple[list[str], str | None, bool]) -> list[str]:
    lines, method, as_json = args
    rs, pool = _WORKER["rs"], _WORKER["pool"]
    out = []
    for line in lines:
        d = rs.evaluate(pool.case(line), method=method)
        out.append(d.to_json() if as_json else d.explain() + "\n")
    return out


def _pooled(
    items: Iterator[Any],
    work: Any,
    args: tuple[Any, ...],
    ruleset: RuleSet,
    processes: int,
    bar: _Progress,
) -> Iterator[Any]:
    """Chunks of ``items`` through ``work(chunk, *args)`` on a process pool, results in input order.
    At most four chunks per process are in flight, so memory stays bounded however long the
    input."""
    chunks = iter(lambda: list(islice(items, CHUNK)), [])
    with ProcessPoolExecutor(processes, initializer=_init, initargs=(ruleset,)) as pool:
        pending: deque[Any] = deque()
        for chunk in chunks:
            pending.append(pool.submit(work, (chunk, *args)))
            if len(pending) >= 4 * processes:
                out = pending.popleft().result()
                yield from out
                bar.step(len(out))
        while pending:
            out = pending.popleft().result()
            yield from out
            bar.step(len(out))


def evaluate_lines(
    lines: Iterable[str],
    *,
    ruleset: RuleSet,
    method: str | None = None,
    processes: int = 2,
    as_json: bool = True,
    progress: bool | TextIO = False,
) -> Iterator[str]:
    """JSON Lines in, JSON Lines (or text) out, across processes: the parent only moves text, the
    workers parse, decide and render. Used by ``ira30d evaluate --processes N``."""
    with _Progress.on(progress) as bar:
        yield from _pooled(
            (line for line in lines if line.strip()),
            _work_text,
            (method, as_json),
            ruleset,
            processes,
            bar,
        )


def evaluate_many(
    source: Any,
    *,
    ruleset: RuleSet | None = None,
    method: str | None = None,
    processes: int = 1,
    progress: bool | TextIO = False,
) -> Iterator[Determination]:
    """Evaluate many cases in input order. ``processes > 1`` spreads chunks over worker processes.

    >>> import ira30d
    >>> ds = list(evaluate_many([ira30d.example("minerals_half_only"),
    ...                          ira30d.example("over_msrp_cap")]))
    >>> [str(d.amount) for d in ds]
    ['3750', '0']
    """
    from ira30d._api import default_ruleset

    rs = ruleset or default_ruleset()
    cases = iter(read_cases(source))
    with _Progress.on(progress) as bar:
        if processes > 1:
            yield from _pooled(cases, _work, (method,), rs, processes, bar)
            return
        pool = BatteryPool()
        for c in cases:
            yield rs.evaluate(pool.case(c), method=method)
            bar.step(1)


def to_dataframe(determinations: Iterable[Determination]) -> Any:
    """One row per determination: ids, verdict, amount, regime, method, countries, and one column
    per requirement holding its status."""
    pd = _pandas()
    rows = []
    for d in determinations:
        row: dict[str, Any] = {
            "case_id": d.case_id,
            "vin": d.vin,
            "verdict": d.verdict,
            "amount": d.amount,
            "amount_if_undetermined_met": d.amount_if_undetermined_met,
            "amount_if_undetermined_not_met": d.amount_if_undetermined_not_met,
            "regime": d.regime,
            "method": d.critical_minerals_method,
            "countries": d.provenance.countries,
        }
        row.update({f.id: f.status for f in d.findings})
        rows.append(row)
    return pd.DataFrame(rows)


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
    add, and for each requirement how many vehicles failed it."""
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


class _Progress:
    """A one-line progress bar on a text stream (count, rate, elapsed); silent without a stream."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream, self.n, self.start, self.last = stream, 0, time.perf_counter(), 0.0

    @classmethod
    def on(cls, progress: bool | TextIO) -> _Progress:
        return cls((sys.stderr if progress is True else progress) or None)

    def __enter__(self) -> _Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def step(self, k: int) -> None:
        if self.stream is None:
            return
        self.n += k
        now = time.perf_counter()
        if now - self.last >= 0.2:
            self.last = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        if self.stream is None:
            return
        rate = self.n / max(now - self.start, 1e-9)
        spin = "#" * (self.n // CHUNK % 20)
        self.stream.write(f"\r[{spin:<20}] {self.n:,} cases {rate:,.0f}/s {now - self.start:.1f}s")
        self.stream.flush()

    def close(self) -> None:
        if self.stream is None:
            return
        self._draw(time.perf_counter())
        self.stream.write("\n")
        self.stream.flush()
