"""The one reader of case files: a JSON array, one (pretty-printed) JSON object, or JSON Lines,
from a path or a text stream, a UTF-8 byte-order mark accepted. Every path that reads cases (the
batch API, the CLI with or without ``--processes``, stdin) reads them here.

JSON Lines is streamed a line at a time; an array or a single object is parsed whole. Each case
comes as its JSON text exactly as written, with its line (``entries``), so a batch goes on past
a line that is not JSON (that line's entry is its :class:`InputError`). A problem with the whole
input (empty, not UTF-8, an array that does not parse, too large) is raised at once.

>>> import io
>>> def texts(text, label):
...     return [t if isinstance(t, str) else str(t) for _, t in entries(io.StringIO(text), label)]
>>> texts('\\ufeff{"id": "a"}\\n\\n{"id": "b"}\\n', "cases.jsonl")
['{"id": "a"}', '{"id": "b"}']
>>> texts('{\\n  "id": "pretty"\\n}\\n', "case.json")
['{\\n  "id": "pretty"\\n}']
>>> texts('[{"id": "x"}, {"id": "y"}]', "cases.json")
['{"id": "x"}', '{"id": "y"}']
>>> texts('{"id": "a"}\\n{"id": ', "broken.jsonl")[1]
'broken.jsonl: line 2: invalid JSON: Expecting value'
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, TextIO

from ira30d._common.errors import InputError

MAX_DOCUMENT_BYTES = 64_000_000  # a JSON array or one object is parsed whole: at most this much
MAX_LINE_BYTES = 16_000_000  # one JSON Lines case


Entry = tuple["int | None", "str | InputError"]
"""(line, JSON text) of one case; the text is an :class:`InputError` for a line that is not JSON.
The line is ``None`` inside a JSON array or object read whole."""


def entries(stream: TextIO, label: str) -> Iterator[Entry]:
    """Each case of ``stream`` with its line, in order. Empty input, text that is not UTF-8,
    nesting deeper than Python can parse and inputs over the size limits are each one
    :class:`InputError` naming the file.

    >>> import io
    >>> [(line, getattr(e, "code", e)) for line, e in entries(io.StringIO('{}\\n{x\\n'), "a")]
    [(1, '{}'), (2, 'invalid_json')]
    """
    count = 0
    for entry in _texts(stream, label):
        count += 1
        yield entry
    if count == 0:
        raise InputError(label, "no cases in the input", "no_cases")


def _texts(stream: TextIO, label: str) -> Iterator[Entry]:
    try:
        head = stream.readline(MAX_LINE_BYTES + 1).lstrip("\ufeff")
        while head and not head.strip():
            head = stream.readline(MAX_LINE_BYTES + 1)
        yield from _split(head, stream, label)
    except UnicodeDecodeError:
        raise InputError(label, "not UTF-8 text (a JSON case file is UTF-8)", "not_text") from None


def _split(head: str, stream: TextIO, label: str) -> Iterator[Entry]:
    start = head.lstrip()[:1]
    if start == "[" or (start == "{" and not is_json_lines(head)):
        text = head + stream.read(MAX_DOCUMENT_BYTES + 1)
        if len(text) > MAX_DOCUMENT_BYTES:
            raise InputError(
                label,
                f"larger than {MAX_DOCUMENT_BYTES:,} characters: use JSON Lines "
                "(one case a line), which is read a line at a time",
                "too_large",
            )
        whole = _parse(text, label, 1)  # a problem is reported for the whole input, with its line
        if isinstance(whole, list):
            yield from ((None, case) for case in _items(text))
        else:
            yield None, text.strip()
        return
    for n, line in enumerate(_chain(head, stream), 1):
        if (entry := line_entry(line, label, n)) is not None:
            yield entry


def line_entry(line: str, label: str, n: int) -> Entry | None:
    """Line ``n`` of a JSON Lines file as an entry (``None``: a blank line). A line over the
    size limit is raised: the reading stops there.

    >>> line_entry('{"id": "a"} ', "cases.jsonl", 3)
    (3, '{"id": "a"}')
    >>> str(line_entry('{"id": ', "cases.jsonl", 4)[1])
    'cases.jsonl: line 4: invalid JSON: Expecting value'
    """
    if len(line) > MAX_LINE_BYTES:
        raise InputError(label, f"line {n}: longer than {MAX_LINE_BYTES:,} characters", "too_large")
    if not line.strip():
        return None
    try:
        _parse(line, label, n)  # a bad line is reported with its number, here
    except InputError as exc:
        return n, exc
    return n, line.strip()


def is_json_lines(first: str) -> bool:
    """Is ``first``, a file's first line that is not blank, the first case of JSON Lines (not
    the start of an array or of a pretty-printed object)?

    >>> is_json_lines('{"id": "a"}'), is_json_lines("["), is_json_lines("{")
    (True, False, False)
    """
    return first.lstrip()[:1] == "{" and _complete(first)


_SPACE = re.compile(r"[ \t\n\r]*")  # JSON's whitespace
_DECODER = json.JSONDecoder()


def _items(text: str) -> Iterator[str]:
    """The text of each item of the JSON array ``text`` (already parsed: it is valid JSON),
    exactly as written. Passed on as written, never parsed and written again: ``json`` reads a
    number through a binary float, and a share of ``0.49999999999999999`` would be written back
    as ``0.5``.

    >>> list(_items('[ {"share": 0.49999999999999999} ,{"id": "b"}]'))
    ['{"share": 0.49999999999999999}', '{"id": "b"}']
    """
    at = _skip(text, text.index("[") + 1)
    if text[at] == "]":
        return
    while True:
        _, end = _DECODER.raw_decode(text, at)
        yield text[at:end]
        at = _skip(text, end)
        if text[at] == "]":
            return
        at = _skip(text, at + 1)  # past the comma


def _skip(text: str, at: int) -> int:
    """The position of the first character at or after ``at`` that is not JSON's whitespace."""
    found = _SPACE.match(text, at)
    return found.end() if found else at


def _chain(first: str, stream: TextIO) -> Iterator[str]:
    yield first
    yield from stream


def _complete(line: str) -> bool:
    """Is ``line`` a whole JSON value (the first line of JSON Lines), not the start of one?"""
    try:
        json.loads(line)
    except (json.JSONDecodeError, RecursionError):
        return False
    return True


def _parse(text: str, label: str, line: int) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at = line + exc.lineno - 1
        raise InputError(label, f"line {at}: invalid JSON: {exc.msg}", "invalid_json") from None
    except RecursionError:
        raise InputError(label, f"line {line}: JSON nested too deeply", "too_deep") from None
