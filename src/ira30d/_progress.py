"""The progress bar of a batch: tqdm on stderr, with a total where the input's size is known.

Off unless asked for (the CLI asks when stderr is a terminal). Results written to the terminal
the bar is drawn on go through :meth:`Progress.emit`, which clears the bar, writes, and redraws it,
so the two never interleave.

>>> import io
>>> stream = io.StringIO()
>>> with Progress(stream, total=3) as bar:
...     bar.step(3)
>>> "3/3" in stream.getvalue()
True
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, TextIO


class Progress:
    """A progress bar on ``stream`` (``None``: silent) counting cases."""

    def __init__(self, stream: TextIO | None, total: int | None = None) -> None:
        self._bar: Any = None
        if stream is not None:  # tqdm only when a bar is drawn
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, file=stream, unit=" cases", unit_scale=False, mininterval=0.2
            )

    @classmethod
    def on(cls, progress: bool | TextIO | Progress, total: Any = None) -> Progress:
        """``True``: on stderr; a stream: on it; ``False``: silent; a :class:`Progress`: that
        bar (its owner closes it). ``total`` may be a function, called only when a new bar is
        drawn (counting a file's cases is a pass over it)."""
        if isinstance(progress, Progress):
            return progress
        stream = (sys.stderr if progress is True else progress) or None
        if stream is None:
            return cls(None)
        return cls(stream, total() if callable(total) else total)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._bar is not None:
            self._bar.close()

    def step(self, k: int) -> None:
        """``k`` more cases done."""
        if self._bar is not None:
            self._bar.update(k)

    def emit(self, text: str, out: TextIO) -> None:
        """Write ``text`` to ``out`` without tearing the bar (if ``out`` is where it is drawn)."""
        if self._bar is not None and out.isatty():
            self._bar.write(text.rstrip("\n"), file=out)
        else:
            out.write(text)


def count_cases(path: str | Path) -> int | None:
    """The number of cases in a JSON Lines file (its non-blank lines), for the bar's total;
    ``None`` for a JSON array or object (known only once parsed)."""
    with open(path, "rb") as f:
        first = f.readline().lstrip(b"\xef\xbb\xbf \t\r\n")
        if first[:1] == b"[" or not first.rstrip().endswith(b"}"):
            return None
        return 1 + sum(1 for line in f if line.strip())
