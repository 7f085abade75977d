"""Generates docs/requirements/: one reference page per requirement, from rules/ (run
``python -m ira30d._docgen docs/requirements``). A test regenerates the pages and compares, so the
docs cannot drift from the rules.

>>> text = pages()["critical_minerals.md"]
>>> text.splitlines()[0], "critical_minerals_required_share" in text
('# Critical-minerals requirement', True)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ira30d._api import default_ruleset, example, example_names
from ira30d._common.text import pct


def pages() -> dict[str, str]:
    """File name -> Markdown text for every requirement, plus the index."""
    rs = default_ruleset()
    book = rs.book
    results = {n: rs.evaluate(example(n)) for n in example_names()}
    out: dict[str, str] = {}
    index = [
        "# Requirements",
        "",
        "Generated from `rules/` by `python -m ira30d._docgen docs/requirements`; "
        "a test keeps them in step.",
        "",
        "| id | requirement | kind | citation |",
        "|---|---|---|---|",
    ]
    for req in book.requirements:
        index.append(f"| [{req.id}]({req.id}.md) | {req.title} | {req.kind} | {req.citation} |")
        lines = [
            f"# {req.title}",
            "",
            f"- **id**: `{req.id}` ({req.kind}, scope {req.scope})",
            f"- **citation**: {req.citation}",
            f"- **confidence**: {req.confidence}",
            f"- **rule file**: `rules/{book.requirement_files[req.id]}`",
        ]
        if req.window:
            w = req.window
            bounds = ", ".join(
                f"{k} {_bound_text(book, v)}"
                for k, v in (
                    ("from", w.from_),
                    ("to", w.to),
                    ("after", w.after),
                    ("before", w.before),
                )
                if v is not None
            )
            lines.append(f"- **applies**: {w.on.replace('_', ' ')} date {bounds}")
        lines += ["", _quote(req), ""]
        params = sorted({a for a in rs._finder.params_of(req)})
        if params:
            lines += [
                "## Parameters",
                "",
                "| parameter | from | value | confidence |",
                "|---|---|---|---|",
            ]
            for name in params:
                p = book.parameters[name]
                for start, value in zip(p.starts or ("always",), p.values, strict=False):
                    shown = (
                        ", ".join(f"{k}: {v}" for k, v in value.items())
                        if isinstance(value, dict)
                        else str(value)
                    )
                    lines.append(f"| `{name}` | {start} | {shown} | {p.spec.confidence} |")
            lines.append("")
        lines += _measured_by(book, req)
        if req.line_items == "phaseout":  # the schedules the measure reads (rules/phaseout.yaml)
            po = book.phaseout
            lines += [
                "## Schedules",
                "",
                f"From `rules/phaseout.yaml` ({po.citation}; confidence {po.confidence}); "
                f"no phase-out for vehicles sold after {po.applies_sold_through}.",
                "",
                "| manufacturer | names matched | sold from | share of the credit |",
                "|---|---|---|---|",
            ]
            for name, maker in po.manufacturers.items():
                for start, fraction in sorted(maker.fractions.items()):
                    lines.append(
                        f"| {name} | {', '.join(maker.aliases)} | {start} | {pct(fraction)} |"
                    )
            lines.append("")
        for e in req.exceptions:
            lines += [f"**Exception `{e.id}`**: {e.title} ({e.citation}).", "", _quote(e), ""]
        lines += (
            ["## Explanations", ""]
            + [f"- *{k.replace('_', ' ')}*: {v}" for k, v in req.explain.items()]
            + [""]
        )
        name = next(
            (n for n, d in results.items() if d.finding(req.id).status == "not_met"), None
        ) or next(
            (n for n, d in results.items() if d.finding(req.id).status == "met"), example_names()[0]
        )
        f = results[name].finding(req.id)
        lines += [
            "## Example",
            "",
            "```python",
            ">>> import ira30d",
            f'>>> f = ira30d.evaluate(ira30d.example("{name}")).finding("{req.id}")',
            ">>> f.status",
            repr(f.status),
            ">>> print(f.explanation)",
            f.explanation,
            "",
            "```",
            "",
        ]
        out[f"{req.id}.md"] = "\n".join(lines)
    out["index.md"] = "\n".join(index) + "\n"
    return out


def _measured_by(book: Any, req: Any) -> list[str]:
    """How the requirement's figures are measured: the parameters its facts name in
    ``measured_by`` (legal tests, lists, definitions), with their values, dates and sources, and
    the members of every country list they name."""
    names = list(dict.fromkeys(n for fact in req.inputs for n in book.facts[fact].measured_by))
    if not names:
        return []
    out = ["## How the figures are measured", ""]
    lists: list[str] = []
    for name in names:
        p = book.parameters[name]
        out += [f"### `{name}` (confidence {p.spec.confidence})", "", p.spec.description, ""]
        for start, value in zip(p.starts or (None,), p.values, strict=False):
            out += [f"- {'from ' + str(start) if start else 'value'}: {_value_text(value)}"]
            lists += [
                ln for ln in _named_lists(value) if ln in book.country_lists and ln not in lists
            ]
        out.append("")
        for ref in p.spec.reference:
            words = (
                f': "{ref.excerpt}"'
                if ref.excerpt
                else f": *(paraphrase)* {ref.paraphrase}"
                if ref.paraphrase
                else ""
            )
            out.append(f"- {ref.title}{words}" + (f" ({ref.note})" if ref.note else ""))
        out.append("")
    for ln in lists:
        cl = book.country_lists[ln]
        out += [
            f"### Country list `{ln}`",
            "",
            cl.description,
            "",
            "| country | since | instrument | confidence |",
            "|---|---|---|---|",
        ]
        out += [
            f"| {m.code} | {m.since or 'always'} | {m.instrument} | {m.confidence} |"
            for m in cl.members
        ]
        out.append("")
    return out


def _bound_text(book: Any, bound: Any) -> str:
    """A window bound as text: the date, and the named parameter it comes from."""
    if isinstance(bound, dict):
        return f"{book.parameters[bound['param']].values[0]} (`{bound['param']}`)"
    return str(bound)


def _value_text(value: Any) -> str:
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_value_text(v)}" for k, v in value.items())
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _named_lists(value: Any) -> list[str]:
    """Every string inside a parameter value (country list names among them)."""
    if isinstance(value, dict):
        return [s for v in value.values() for s in _named_lists(v)]
    if isinstance(value, list):
        return [s for v in value for s in _named_lists(v)]
    return [value] if isinstance(value, str) else []


def _quote(spec: Any) -> str:
    """The law's words as a block quote; a paraphrase is labelled as one."""
    if spec.excerpt:
        return f"> {spec.excerpt}"
    return f"> *(paraphrase)* {spec.paraphrase}"


def main(argv: list[str] | None = None) -> int:
    target = Path((argv or sys.argv[1:] or ["docs/requirements"])[0])
    target.mkdir(parents=True, exist_ok=True)
    for name, text in pages().items():
        (target / name).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
