"""The fleet interfaces: ``evaluate_fleet`` and ``compare_fleet`` over tables, a directory of
Parquet tables, a case file, or cases; batched by vehicle so memory stays bounded.

>>> import ira30d
>>> r = ira30d.evaluate_fleet([ira30d.example(n) for n in ira30d.example_names()])
>>> r.frame.filter(pl.col("case_id") == "over_msrp_cap").select("verdict", "msrp_cap").row(0)
('not_eligible', 'not_met')
>>> r.explain(3).splitlines()[0][:42]
'WBY33AW0XRF000004: not eligible, credit $0'
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ira30d._fleet.cases import to_cases
from ira30d._fleet.engine import evaluate_tables
from ira30d._fleet.ingest import blocks_of_file, case_tables, json_lines, tables_of_file
from ira30d._fleet.tables import NAMES, Tables, to_tables
from ira30d._progress import Progress, count_cases
from ira30d._ruleset import RuleSet

BATCH = 25_000  # vehicles decided together: bounds the memory of the stage table
# Batches decided at once, in threads: one batch's single-threaded steps (numpy's running sums,
# Polars' serial operations) overlap the other's (measured on 2 cores: 1.73 s -> 1.43 s for
# 200,000 vehicles, the same peak memory as one batch of twice the size).
IN_FLIGHT = 2


@dataclass(frozen=True)
class FleetResult:
    """A decided fleet: ``frame`` (Polars, one row per vehicle), and how to explain any row (the
    object path, from the same tables).

    >>> import ira30d
    >>> r = ira30d.evaluate_fleet([ira30d.example("full_credit_2024")])
    >>> r.determination(0).amount, r.to_pandas().loc[0, "verdict"]
    (Decimal('7500'), 'eligible')
    """

    frame: pl.DataFrame
    source: Tables | Path
    ruleset: RuleSet
    method: str | None = None

    def determination(self, row: int) -> Any:
        """The object path's :class:`Determination` of fleet row ``row`` (the same inputs)."""
        if isinstance(self.source, Path) and self.source.is_file():  # a JSON Lines file
            tables = case_tables(self.source, row)
        else:
            tables = _rows(self.source, row, row + 1)
        (case,) = to_cases(tables, [row])
        return self.ruleset.evaluate(case, method=self.method)

    def explain(self, row: int) -> str:
        """The object path's explanation of fleet row ``row``."""
        return str(self.determination(row).explain())

    def to_pandas(self) -> Any:
        """The frame as a pandas DataFrame (amounts as ``Decimal``)."""
        return self.frame.to_pandas()

    def to_arrow(self) -> Any:
        """The frame as an Arrow table."""
        return self.frame.to_arrow()


def read_source(source: Any, processes: int = 1) -> Tables | Path:
    """Tables, or a directory of Parquet tables (read batch by batch), or a JSON Lines case file
    (its path: read block by block as it is decided), or cases: a JSON case file (read by
    ``processes`` worker processes), a Parquet file with a ``case`` column (JSON text) or the
    columns of a case, or an iterable of cases."""
    if isinstance(source, Tables):
        return source
    if isinstance(source, (str, Path)):
        path = Path(source)
        if path.is_dir():
            missing = [n for n in NAMES if not (path / f"{n}.parquet").is_file()]
            if missing:
                from ira30d._common.errors import InputError

                raise InputError(str(path), f"no {missing[0]}.parquet here", "not_tables")
            return path
        if path.suffix == ".parquet":
            return to_tables(_cases_of(pl.read_parquet(path)))
        if json_lines(path):
            return path
        return tables_of_file(path, processes=processes)
    return to_tables(source)


def _cases_of(frame: pl.DataFrame) -> Iterable[Any]:
    if "case" in frame.columns:
        return frame["case"].to_list()
    keep = [c for c in ("id", "vehicle", "purchase", "buyer", "on") if c in frame.columns]
    return ({k: v for k, v in r.items() if v is not None} for r in frame.select(keep).to_dicts())


def _rows(source: Tables | Path, lo: int, hi: int) -> Tables:
    """The tables of vehicles ``lo <= row < hi``; from Parquet, the vehicles are read and the
    other tables are scans the engine's query reads (only the columns and row groups it needs)."""
    keep = (pl.col("row") >= lo) & (pl.col("row") < hi)
    if isinstance(source, Tables):
        return Tables(**{n: getattr(source, n).filter(keep) for n in NAMES})
    scans: dict[str, Any] = {
        n: pl.scan_parquet(source / f"{n}.parquet").filter(keep) for n in NAMES
    }
    scans["vehicles"] = scans["vehicles"].collect()
    return Tables(**scans)


def _row_range(source: Tables | Path) -> tuple[int, int]:
    """The first and last vehicle row (``(0, -1)`` for no vehicles)."""
    if isinstance(source, Tables):
        frame: Any = source.vehicles.lazy()
    else:
        frame = pl.scan_parquet(source / "vehicles.parquet")
    span = [pl.col("row").min().alias("lo"), pl.col("row").max().alias("hi")]
    lo, hi = frame.select(span).collect().row(0)
    return (0, -1) if lo is None else (int(lo), int(hi))


def _ruleset(ruleset: RuleSet | None, scenario: str | Sequence[str] | None) -> RuleSet:
    from ira30d._api import default_ruleset

    rs = ruleset or default_ruleset()
    if scenario:
        rs = rs.scenario(*([scenario] if isinstance(scenario, str) else scenario))
    return rs


def evaluate_fleet(
    source: Any,
    *,
    ruleset: RuleSet | None = None,
    scenario: str | Sequence[str] | None = None,
    method: str | None = None,
    batch_size: int = BATCH,
    progress: Any = False,
    processes: int = 1,
) -> FleetResult:
    """Decide a fleet column-wise: one row per vehicle with its verdict, amount (``Decimal``,
    US dollars; null when undetermined, with the two bounds beside it), one status column per
    requirement, the rule-set hash and the country lists' name; the same answers as
    :func:`evaluate` gives vehicle by vehicle. ``source``: see :func:`read_source`;
    ``scenario``: bundled scenarios overlaid on ``ruleset``; ``processes``: worker processes
    reading a case file (a script then needs ``if __name__ == "__main__":``, as with
    ``multiprocessing``). ``pip install "ira30d[fleet]"``."""
    rs = _ruleset(ruleset, scenario)
    src = read_source(source, processes)
    if isinstance(src, Path) and src.is_file():  # JSON Lines: decided as it is read
        batches = _batches(blocks_of_file(src, processes=processes), batch_size)
        total: Any = lambda: count_cases(src)  # noqa: E731 - read only when a bar is shown
    else:
        lo, hi = _row_range(src)
        batches = (_rows(src, s, s + batch_size) for s in range(lo, hi + 1, batch_size))
        total = hi - lo + 1

    frames = []
    with Progress.on(progress, total) as bar, ThreadPoolExecutor(IN_FLIGHT) as pool:
        pending: deque[Any] = deque()
        for tables in batches:  # read here while the pool decides the batches before
            pending.append(pool.submit(evaluate_tables, tables, rs, method))
            while len(pending) > IN_FLIGHT or (pending and pending[0].done()):
                frames.append(pending.popleft().result())
                bar.step(frames[-1].height)
        for p in pending:
            frames.append(p.result())
            bar.step(frames[-1].height)
    frame = pl.concat(frames) if frames else evaluate_tables(to_tables([]), rs, method)
    return FleetResult(frame, src, rs, method)


def _batches(blocks: Iterator[Tables], size: int) -> Iterator[Tables]:
    """Blocks of tables put together into batches of at least ``size`` vehicles (the last may
    be smaller)."""
    held: list[Tables] = []
    count = 0
    for t in blocks:
        held.append(t)
        count += t.vehicles.height
        if count >= size:
            yield Tables.joined(held)
            held, count = [], 0
    if held:
        yield Tables.joined(held)


def compare_fleet(
    source: Any,
    scenarios: Sequence[str] = ("uk_pact", "eu_pact"),
    *,
    ruleset: RuleSet | None = None,
    method: str | None = None,
    batch_size: int = BATCH,
) -> pl.DataFrame:
    """The fleet under the baseline and each bundled scenario, one pass each: per vehicle,
    ``{name}.verdict`` and ``{name}.amount``, and ``changed``: the requirements whose status
    differs from the baseline under some scenario.

    >>> import ira30d
    >>> c = ira30d.compare_fleet([ira30d.example("uk_processed_lithium")], ["uk_pact"])
    >>> c.select("baseline.amount", "uk_pact.amount", "changed").row(0)
    (Decimal('3750.00'), Decimal('7500.00'), ['critical_minerals'])
    """
    base = ruleset or _ruleset(None, None)
    src = read_source(source)
    names = ["baseline", *scenarios]
    runs = {
        n: evaluate_fleet(
            src,
            ruleset=base,
            scenario=None if n == "baseline" else n,
            method=method,
            batch_size=batch_size,
        ).frame
        for n in names
    }
    ids = [r.id for r in base.book.requirements]
    out = runs["baseline"].select("row", "case_id", "vin")
    for n in names:
        out = out.with_columns(
            runs[n]["verdict"].alias(f"{n}.verdict"), runs[n]["amount"].alias(f"{n}.amount")
        )
    changed = [
        pl.when(pl.any_horizontal([runs[n][r] != runs["baseline"][r] for n in scenarios])).then(
            pl.lit(r)
        )
        for r in ids
    ]
    return out.with_columns(pl.concat_list(changed).list.drop_nulls().alias("changed"))


def evaluate_partition_range(
    directory: str | Path, lo: int, hi: int, ruleset: RuleSet | None = None, **options: Any
) -> pl.DataFrame:
    """Decide vehicles ``lo <= row < hi`` of a directory of fleet tables: one task of a
    distributed run (each worker reads only its rows' row groups).

    >>> import ira30d, tempfile
    >>> from ira30d._fleet.tables import to_tables
    >>> d = tempfile.mkdtemp()
    >>> to_tables([ira30d.example(n) for n in ira30d.example_names()]).write(d)
    >>> evaluate_partition_range(d, 3, 5)["case_id"].to_list()
    ['over_msrp_cap', 'acquired_after_termination']
    """
    rs = _ruleset(ruleset, options.pop("scenario", None))
    return evaluate_tables(_rows(Path(directory), lo, hi), rs, options.get("method"))


def evaluate_fleet_dask(
    directory: str | Path, client: Any, *, partition: int = BATCH, **options: Any
) -> pl.DataFrame:
    """Decide a directory of fleet tables on a ``dask.distributed`` cluster, partitioned by
    vehicle: one task per ``partition`` rows, each reading its own rows from the Parquet files
    (every worker must see the directory); the result equals :func:`evaluate_fleet`'s frame."""
    lo, hi = _row_range(Path(directory))
    futures = [
        client.submit(evaluate_partition_range, str(directory), s, s + partition, **options)
        for s in range(lo, hi + 1, partition)
    ]
    return pl.concat(client.gather(futures)) if futures else pl.DataFrame()
