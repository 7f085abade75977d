"""A case file to fleet tables, across processes when asked. JSON Lines is read a block of lines
at a time (``_fleet/jsonl.py``: column-wise where it can be, by the models where not); a JSON
array or a pretty-printed object by the one reader of case files (``_input.entries``), in chunks
of case texts the models read. Blocks go to two threads, or blocks or chunks to worker
processes, whose tables come back in order and are put together. Workers import the main script
again, as ``multiprocessing`` does: a script needs its ``if __name__ == "__main__":`` guard, so
the library uses processes only when told (``processes``); the command line uses two for a file
the models read (see ``_cli_fleet._processes``). A file of one block or chunk, and a script read
from stdin (which workers cannot import), are read in this process.

A line that is not JSON stops the reading with its :class:`InputError` (file and line), as
``ira30d evaluate`` reports it; a case that is not valid becomes its vehicle row's ``error``.

>>> import ira30d, json, tempfile
>>> path = tempfile.mktemp(suffix=".jsonl")
>>> with open(path, "w") as f:
...     f.writelines(json.dumps(ira30d.example(n)) + "\\n" for n in ira30d.example_names())
>>> t = tables_of_file(path, block=4096, processes=2)
>>> t.vehicles.height == len(ira30d.example_names()), t.vehicles["row"].is_sorted()
(True, True)
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import chain, count, islice
from pathlib import Path
from typing import Any, TypeVar

import polars as pl

from ira30d._common.errors import InputError
from ira30d._fleet.jsonl import (
    BLOCK,
    BOM,
    BadLine,
    block_tables,
    byte_blocks,
    entry,
    line_error,
)
from ira30d._fleet.tables import NAMES, Tables, to_tables
from ira30d._input import MAX_LINE_BYTES, entries, is_json_lines

CHUNK = 5_000  # cases a worker validates at once (a JSON array or a pretty-printed object)
READERS = 2  # threads reading JSON Lines blocks at once
T = TypeVar("T")


def tables_of_file(
    path: str | Path, *, chunk: int = CHUNK, block: int = BLOCK, processes: int = 1
) -> Tables:
    """The tables of the cases in the JSON / JSON Lines file ``path``, read by ``processes``
    worker processes (1: in this process). JSON Lines is read ``block`` bytes of lines at a
    time, column-wise where it can be; other files ``chunk`` cases at a time."""
    if json_lines(path):
        parts = list(blocks_of_file(path, block=block, processes=processes))
    else:
        starts = count(0, chunk)
        tasks = lambda: ((texts, next(starts)) for texts in _chunks(path, chunk))  # noqa: E731
        parts = list(_in_order(_tables, tasks, processes))
    return Tables.joined(parts)


def blocks_of_file(
    path: str | Path, *, block: int = BLOCK, processes: int = 1, threads: int = READERS
) -> Iterator[Tables]:
    """The tables of a JSON Lines file, a block of lines at a time, rows numbered through the
    file: a fleet decided as it is read holds a few blocks' tables at a time, not the file's.
    Blocks are read in ``processes`` worker processes if two or more, else in ``threads``
    threads (Arrow and Polars work outside Python's lock: two blocks at once are about 1.3
    times as fast as one on two cores, without sending blocks and tables between processes;
    Arrow then reads each block in one thread)."""
    label = str(path)
    alone = processes < 2 and threads < 2  # Arrow may use threads of its own
    tasks: Callable[[], Iterator[tuple[Any, ...]]] = lambda: (  # noqa: E731
        (path, start, stop, label, alone) for start, stop in byte_blocks(path, block)
    )
    offset = lines = 0
    try:
        for part, ends in _in_order(block_tables, tasks, processes, threads):
            yield _after(part, offset)
            offset += part.vehicles.height
            lines += ends
    except BadLine as bad:  # numbered in its block: reported with its number in the file
        raise line_error(path, bad, lines, label) from None
    if not offset:
        raise InputError(label, "no cases in the input", "no_cases")


def case_tables(path: str | Path, row: int) -> Tables:
    """The tables of row ``row`` of a JSON Lines file alone, for one row's explanation: the
    lines before it are counted, not parsed (a row is a line that is not blank)."""
    label, ahead = str(path), row
    with Path(path).open("rb") as f:
        for n, raw in enumerate(f, 1):
            raw = raw.removeprefix(BOM) if n == 1 else raw
            if not raw.decode("utf-8", "replace").strip():  # blank: no case (as in entries)
                continue
            if ahead == 0:
                return to_tables([entry(raw.rstrip(b"\r\n"), label, n)], start=row)
            ahead -= 1
    raise InputError(label, "no case at that row", "no_such_row")


def json_lines(path: str | Path) -> bool:
    """Is the file JSON Lines (its first line that is not blank a whole JSON object)?"""
    try:
        with Path(path).open(encoding="utf-8-sig") as f:
            for line in iter(lambda: f.readline(MAX_LINE_BYTES + 1), ""):
                if line.strip():
                    return is_json_lines(line)
    except UnicodeDecodeError:
        return False  # the case-by-case reader reports it
    return False


def _after(t: Tables, offset: int) -> Tables:
    """``t`` with its rows numbered from ``offset``."""
    if not offset:
        return t
    return Tables(**{n: getattr(t, n).with_columns(pl.col("row") + offset) for n in NAMES})


def _in_order(
    work: Callable[..., T],
    tasks: Callable[[], Iterator[tuple[Any, ...]]],
    processes: int,
    threads: int = 1,
) -> Iterator[T]:
    """``work(*task)`` for each task, in order: in ``processes`` worker processes when there
    are two or more (and more than one task), else in ``threads`` threads, else here."""
    todo = tasks()
    first = next(todo, None)
    second = next(todo, None)
    if first is None:
        return
    todo = chain([first, *([second] if second else [])], todo)
    if second is not None and processes >= 2 and _workers_can_start():
        done = 0
        try:
            for part in _pooled(work, todo, _processes(processes), processes):
                done += 1
                yield part
        except BrokenProcessPool:  # a worker could not start (a script from stdin): read here
            yield from (work(*t) for t in islice(tasks(), done, None))
    elif second is not None and threads >= 2:
        yield from _pooled(work, todo, ThreadPoolExecutor(threads), threads)
    else:
        yield from (work(*t) for t in todo)


def _processes(n: int) -> ProcessPoolExecutor:
    # forkserver, not fork: the parent may hold Polars' threads, which a forked child would
    # inherit mid-lock
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    return ProcessPoolExecutor(n, mp_context=context)


def _pooled(
    work: Callable[..., T], tasks: Iterator[tuple[Any, ...]], pool: Executor, width: int
) -> Iterator[T]:
    """Each task's result from ``pool`` (``width`` workers), in order, a bounded number in
    flight."""
    with pool:
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(pool.submit(work, *task))
            if len(pending) >= 2 * width:  # bounded: blocks in flight, not the whole file
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def _workers_can_start() -> bool:
    """Workers started by forkserver or spawn import the main script by its path: a script read
    from stdin has none (its workers would fail at start)."""
    main = getattr(sys.modules.get("__main__"), "__file__", None)
    return main is None or Path(main).is_file()


def _chunks(path: str | Path, size: int) -> Iterator[list[str]]:
    with Path(path).open(encoding="utf-8") as f:
        texts = (_text(entry) for _, entry in entries(f, str(path)))
        yield from iter(lambda: list(islice(texts, size)), [])


def _text(entry: str | InputError) -> str:
    if isinstance(entry, InputError):
        raise entry
    return entry


def _tables(texts: list[str], start: int) -> Tables:
    """One chunk's tables (in a worker), rows numbered from ``start``."""
    return to_tables(texts, start=start)
