"""A griffe extension for the API reference: docstring examples (``>>>`` blocks, which doctest
runs) become ``pycon`` code blocks, and reST roles (:class:`X`) become inline code, so the
docstrings read well on the site and stay plain doctests in the code."""

from __future__ import annotations

import re
from typing import Any

import griffe

_ROLE = re.compile(r":(?:class|meth|func|data|attr|mod|exc):`~?([^`]+)`")


def fence(text: str) -> str:
    """Wrap each run of doctest lines (a prompt, its continuations and its output up to a blank
    line) in a ``pycon`` fence; turn reST roles and double backticks into Markdown code."""
    out: list[str] = []
    block: list[str] = []
    for line in text.splitlines():
        if block and not line.strip():
            out += ["```pycon", *block, "```", ""]
            block = []
        elif block or line.lstrip().startswith(">>>"):
            block.append(line)
        else:
            out.append(_ROLE.sub(r"`\1`", line).replace("``", "`"))
    if block:
        out += ["```pycon", *block, "```"]
    return "\n".join(out)


class DoctestBlocks(griffe.Extension):
    """Rewrites every loaded object's docstring with :func:`fence`."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence(obj.docstring.value)
