"""A case file to fleet tables, across processes when asked. The one reader of case files
(``_input.entries``) gives each case's JSON text; chunks of texts go to worker processes, which
validate them (pydantic reads the JSON itself) and build their table rows numbered from the
chunk's first row; the tables come back in order and are put together. Validating and building
rows is nearly all the time a case file takes (the columnar engine's share is small), so two
processes about halve it. Workers import the main script again, as ``multiprocessing`` does:
a script needs its ``if __name__ == "__main__":`` guard, so the library reads in one process
unless told (``processes``); the command line uses two. A file of one chunk, and a script read
from stdin (which workers cannot import), are read in this process.

A line that is not JSON stops the reading with its :class:`InputError` (file and line), as
``ira30d evaluate`` reports it; a case that is not valid becomes its vehicle row's ``error``.

>>> import ira30d, json, tempfile
>>> path = tempfile.mktemp(suffix=".jsonl")
>>> with open(path, "w") as f:
...     f.writelines(json.dumps(ira30d.example(n)) + "\\n" for n in ira30d.example_names())
>>> t = tables_of_file(path, chunk=4, processes=2)
>>> t.vehicles.height == len(ira30d.example_names()), t.vehicles["row"].is_sorted()
(True, True)
"""

from __future__ import annotations

import multiprocessing
import sys
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import count, islice
from pathlib import Path
from typing import Any

import polars as pl

from ira30d._common.errors import InputError
from ira30d._fleet.tables import NAMES, Tables, to_tables
from ira30d._input import entries

CHUNK = 5_000  # cases a worker validates at once


def tables_of_file(path: str | Path, *, chunk: int = CHUNK, processes: int = 1) -> Tables:
    """The tables of the cases in the JSON / JSON Lines file ``path``, read by ``processes``
    worker processes (1: in this process)."""
    chunks = _chunks(path, chunk)
    first = next(chunks, [])
    second = next(chunks, None)
    if second is None or processes < 2 or not _workers_can_start():
        return to_tables(
            text for texts in _prepend([first, second or []], chunks) for text in texts
        )
    try:
        parts = _across(_prepend([first, second], chunks), chunk, processes)
    except BrokenProcessPool:  # a worker could not start (a script read from stdin): read here
        parts = [to_tables(text for texts in _chunks(path, chunk) for text in texts)]
    return Tables(**{n: pl.concat([getattr(p, n) for p in parts]) for n in NAMES})


def _across(chunks: Iterator[list[str]], size: int, processes: int) -> list[Tables]:
    """Each chunk's tables from a process pool, in order, a bounded number in flight."""
    # forkserver, not fork: the parent may hold Polars' threads, which a forked child would
    # inherit mid-lock
    context = multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )
    starts = count(0, size)
    parts: list[Tables] = []
    with ProcessPoolExecutor(processes, mp_context=context) as pool:
        pending: deque[Any] = deque()
        for texts in chunks:
            pending.append(pool.submit(_tables, texts, next(starts)))
            if len(pending) >= 2 * processes:  # bounded: texts in flight, not the whole file
                parts.append(pending.popleft().result())
        parts.extend(p.result() for p in pending)
    return parts


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


def _prepend(first: list[list[str]], rest: Iterator[list[str]]) -> Iterator[list[str]]:
    yield from first
    yield from rest


def _tables(texts: list[str], start: int) -> Tables:
    """One chunk's tables (in a worker), rows numbered from ``start``."""
    return to_tables(texts, start=start)
