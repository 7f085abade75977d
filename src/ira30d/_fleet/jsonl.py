"""JSON Lines to fleet tables, column-wise: Arrow's JSON reader reads a block of lines into
columns by the case models' own shape (``_fleet/columns.py``), and ``_fleet/flatten.py`` turns
them into tables, each distinct value held to its model field. A case the columns cannot be
sure of goes to the models, line by line, exactly as before (``to_tables``); the tables are the
same either way (``tests/test_jsonl.py`` holds them equal on generated files).

A line is read column-wise only when nothing in it reads differently as columns: plain ASCII,
no escapes (a key could be spelled with one), and no explicit ``null`` where the models tell a
left-out field from a null one (a field whose default is not null, such as ``motor_vehicle``:
left out it is true, null it is unknown) or inside a list. Any other line, a value the models
would change or refuse, a block Arrow cannot read (a number where the models take text, a field
they do not know) all go to the models, which read and report them as ``ira30d evaluate`` does.

Blocks are read in threads or worker processes (``_fleet/ingest.py``), in order; a block's rows
and lines are numbered from its start, and the reader puts them after the blocks before.

>>> import ira30d, json, tempfile
>>> path = tempfile.mktemp(suffix=".jsonl")
>>> with open(path, "w") as f:
...     f.writelines(json.dumps(ira30d.example(n)) + "\\n" for n in ira30d.example_names())
>>> start, stop = next(byte_blocks(path))
>>> t, lines = block_tables(path, start, stop, path)
>>> t.vehicles.height == lines == len(ira30d.example_names()), t.vehicles["error"].null_count()
(True, 12)
"""

from __future__ import annotations

import mmap
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.json as pj

from ira30d._common.errors import InputError
from ira30d._fleet.columns import LEVELS, SCHEMA
from ira30d._fleet.flatten import flatten
from ira30d._fleet.tables import Tables, to_tables
from ira30d._input import MAX_LINE_BYTES, line_entry

BLOCK = 32 << 20  # bytes of lines read at once (about 5,400 benchmark cases)
BOM = b"\xef\xbb\xbf"
NEWLINE = ord("\n")
# str.strip()'s ASCII whitespace (bytes.strip() knows fewer): a line of only these is blank
BLANK = b" \t\n\r\x0b\x0c\x1c\x1d\x1e\x1f"
# keys of fields whose default is not null: a null there is not the same as leaving it out
_DEFAULTED_KEYS = {
    name.encode()
    for name in {leaf.name for lv in LEVELS for leaf in lv.leaves if leaf.default is not None}
    | {
        lv.path[-1]
        for lv in LEVELS[1:]
        if lv.info is not None and not lv.info.is_required() and lv.info.default is not None
    }
}
_SPACE = b" \t\r\n"  # JSON's white space


def _nulled(raw: Any, start: int = 0, stop: int | None = None) -> bool:
    """Do bytes ``start:stop`` of ``raw`` (no escapes in them) hold an explicit null the columns
    would read as a left-out field, or a null item of a list? Each ``null`` is looked at where
    it stands: the mark before it (``[`` or ``,``: an item; ``:``: the key before that). A
    regular expression over the whole line costs 100 µs a case.

    >>> _nulled(b'{"gvwr_lbs": null}'), _nulled(b'{"motor_vehicle" :  null}'), _nulled(b'[null]')
    (False, True, True)
    """
    stop = len(raw) if stop is None else stop
    at = raw.find(b"null", start, stop)
    while at >= 0:
        j = _back(raw, at)
        mark = raw[j - 1 : j]
        if mark in (b"[", b","):
            return True
        if mark == b":":
            end = _back(raw, j - 1) - 1  # the key's closing quote
            key = raw[raw.rfind(b'"', 0, end) + 1 : end]
            if raw[end : end + 1] != b'"' or key in _DEFAULTED_KEYS:
                return True
        at = raw.find(b"null", at + 4, stop)
    return False


def _back(raw: bytes, at: int) -> int:
    """The position after the last byte before ``at`` that is not white space."""
    while at > 0 and raw[at - 1 : at] in _SPACE:
        at -= 1
    return at


_OPTIONS = pj.ParseOptions(explicit_schema=SCHEMA, unexpected_field_behavior="error")
_READ = pj.ReadOptions(block_size=8 << 20)  # Arrow's own blocks (in its threads: fastest)
_READ_ALONE = pj.ReadOptions(block_size=8 << 20, use_threads=False)


def byte_blocks(path: str | Path, size: int = BLOCK) -> Iterator[tuple[int, int]]:
    """The byte ranges ``(start, stop)`` of the file's blocks: whole lines, about ``size`` bytes
    each (a leading UTF-8 byte-order mark left out; a line longer than any case may be is cut:
    its block reports it). Blocks are read where they are decided, from the file mapped in
    memory: nothing is copied to find them, and a worker process is sent two numbers."""
    with Path(path).open("rb") as f:
        if os.fstat(f.fileno()).st_size == 0:
            return
        mm = _mapped(f)
    with mm:
        end = len(mm)
        start = len(BOM) if mm[: len(BOM)] == BOM else 0
        while start < end:
            stop = min(start + size, end)
            if stop < end and mm[stop - 1] != NEWLINE:  # on to the end of its last line
                nl = mm.find(b"\n", stop, stop + 4 * MAX_LINE_BYTES)
                stop = nl + 1 if nl >= 0 else min(stop + 4 * MAX_LINE_BYTES, end)
            yield start, stop
            start = stop


def _mapped(f: Any) -> mmap.mmap:
    """The open file ``f`` (not empty) mapped read-only."""
    return mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


class BadLine(Exception):
    """A line of a block that is not a case's JSON: ``line`` counts from the block's first line,
    the reader reports it with its number in the file (``line_error``)."""

    def __init__(self, start: int, line: int) -> None:
        super().__init__(start, line)
        self.start, self.line = start, line


def block_tables(
    path: str | Path, start: int, stop: int, label: str, threads: bool = True
) -> tuple[Tables, int]:
    """The tables of the cases in bytes ``start:stop`` of the file, rows numbered from 0, and
    the number of line ends in the block (``threads``: Arrow may read in threads of its own).
    A line that is not JSON (or not UTF-8, or too long) raises :class:`BadLine`."""
    how = _READ if threads else _READ_ALONE
    with Path(path).open("rb") as f:
        mm = _mapped(f)  # closed when the last view of it goes (Arrow may keep one a while)
    count = _whole(mm, start, stop)
    if count is not None:  # the common case: Arrow reads the block as it is
        parts, refused = _columns(memoryview(mm)[start:stop], list(range(count)), how)
        if refused:
            lines = mm[start:stop].split(b"\n")
            parts.append(_by_models([(r, r + 1, lines[r]) for r in refused], start, label))
        return Tables.joined(parts, ordered=True), count - (mm[stop - 1] != NEWLINE)
    data = mm[start:stop]
    fast: list[bytes] = []
    fast_at: list[tuple[int, int]] = []  # (row, line in the block)
    slow: list[tuple[int, int, bytes]] = []  # (row, line in the block, text)
    row = 0
    for n, raw in enumerate(data.split(b"\n"), 1):
        if raw.isascii():
            if not raw.strip(BLANK):
                continue
            if len(raw) <= MAX_LINE_BYTES and b"\\" not in raw and not _nulled(raw):
                fast.append(raw)
                fast_at.append((row, n))
            else:
                slow.append((row, n, raw))
        elif _entry_or_bad(raw, label, n, start) is None:
            continue
        else:
            slow.append((row, n, raw))
        row += 1
    rows = [r for r, _ in fast_at]
    parts, refused = _columns(b"\n".join(fast), rows, how) if fast else ([], [])
    by_row = dict(zip(rows, zip(fast_at, fast, strict=True), strict=True))
    slow += [(r, by_row[r][0][1], by_row[r][1]) for r in refused]
    if slow:
        parts.append(_by_models(sorted(slow), start, label))
    return Tables.joined(parts, ordered=True), data.count(b"\n")


def reads_column_wise(path: str | Path) -> bool:
    """Is the file's first case read column-wise? (If not, as with decimals written as JSON
    numbers, its cases likely go to the models, which read faster in worker processes.)"""
    with Path(path).open("rb") as f:
        for raw in iter(lambda: f.readline(MAX_LINE_BYTES + 1), b""):
            line = raw.removeprefix(BOM).strip(BLANK)
            if not line:
                continue
            if not line.isascii() or b"\\" in line or _nulled(line):
                return False
            parts, refused = _columns(line, [0], _READ_ALONE)
            return bool(parts) and not refused
    return False


def line_error(path: str | Path, bad: BadLine, before: int, label: str) -> InputError:
    """The report of ``bad`` with its line's number in the file (``before``: the line ends in
    the blocks before its own)."""
    with Path(path).open("rb") as f, _mapped(f) as mm:  # a line was read: not empty
        at = bad.start
        for _ in range(bad.line - 1):
            at = mm.find(b"\n", at) + 1
        end = mm.find(b"\n", at)
        raw = mm[at : end if end >= 0 else len(mm)]
    try:
        entry(raw, label, before + bad.line)
    except InputError as exc:
        return exc
    raise AssertionError(f"line {before + bad.line} of {label} was reported but reads")


def entry(raw: bytes, label: str, n: int) -> str | None:
    """Line ``n``'s JSON text (``None``: a blank line); a line that is not JSON, not UTF-8 or too
    long raises its :class:`InputError`, as :func:`ira30d._input.entries` reports it."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(label, "not UTF-8 text (a JSON case file is UTF-8)", "not_text") from None
    found = line_entry(text, label, n)
    if found is None:
        return None
    if isinstance(found[1], InputError):
        raise found[1]
    return found[1]


def _entry_or_bad(raw: bytes, label: str, n: int, start: int) -> str | None:
    try:
        return entry(raw, label, n)
    except InputError:
        raise BadLine(start, n) from None


def _whole(mm: Any, start: int, stop: int) -> int | None:
    """The number of lines in bytes ``start:stop`` when every one is read column-wise (no blank
    line either), else ``None``: a look at the whole block, then one at each line's start."""
    block = np.frombuffer(mm, np.uint8, stop - start, start)  # not copied
    if block.size and int(np.max(block)) > 127:
        return None  # not plain ASCII
    if mm.find(b"\\", start, stop) >= 0 or _nulled(mm, start, stop):
        return None
    count = 0
    while start < stop:
        end = mm.find(b"\n", start, stop)
        end = stop if end < 0 else end
        if end - start > MAX_LINE_BYTES or end == start:
            return None
        if mm[start] in BLANK and not mm[start:end].strip(BLANK):
            return None  # a blank line: no case
        count += 1
        start = end + 1
    return count


def _columns(text: Any, rows: list[int], how: Any) -> tuple[list[Tables], list[int]]:
    """The tables of the lines of ``text`` (numbered ``rows``) read column-wise, and the rows
    the models must read: every row when Arrow cannot read them all, one case a line."""
    try:
        read = pj.read_json(pa.BufferReader(text), how, _OPTIONS)
    except pa.ArrowInvalid:  # a line Arrow cannot read as the models' shape
        return [], rows
    if read.num_rows != len(rows):  # a line held two objects: the models report it
        return [], rows
    tables, refused = flatten(read, rows)
    return [tables], refused


def _by_models(slow: list[tuple[int, int, bytes]], start: int, label: str) -> Tables:
    """The tables of the ``slow`` lines (row, line in the block, text) read by the models, rows
    as given; a line that is not JSON raises :class:`BadLine` (``start``: the block's)."""
    texts = [_entry_or_bad(raw, label, n, start) for _, n, raw in slow]
    return to_tables(texts, rows=[r for r, _, _ in slow])
