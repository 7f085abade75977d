"""How a determination shows itself: a one-line text repr, and an HTML table for notebooks where
each status has a colour *and* a word and symbol (readable without colour), and each finding's
line items fold away under a ``<details>``.

>>> from ira30d._determination.display import STATUS
>>> STATUS["not_met"][0]
'✗ not met'
"""

from __future__ import annotations

import html
from collections import Counter
from typing import Any, TypeAlias

# A Determination and a Finding are passed in (typed Any: records imports this module).
Determination: TypeAlias = Any
Finding: TypeAlias = Any

# status -> (label with a symbol, background colour, text colour); AA contrast on white
STATUS = {
    "met": ("✓ met", "#d7f0dd", "#135b26"),
    "not_met": ("✗ not met", "#fadbd8", "#8a1c12"),
    "undetermined": ("? undetermined", "#fff1c2", "#6b4e00"),
    "not_applicable": ("– n/a", "#ececec", "#444444"),
}
VERDICT = {"eligible": "met", "not_eligible": "not_met", "undetermined": "undetermined"}


def counts(findings: Any) -> str:
    """``'14 met, 1 not met, 5 n/a'``: how many findings have each status."""
    c = Counter(f.status for f in findings)
    return ", ".join(f"{c[s]} {STATUS[s][0].split(' ', 1)[1]}" for s in STATUS if c[s])


def short(d: Determination) -> str:
    """The one-line text repr of a determination."""
    who = d.case_id or d.vin
    regime = f" ({d.regime})" if d.regime else ""
    return f"<Determination {who}: {d.outcome.text}{regime}; {counts(d.findings)}>"


def badge(status: str, text: str | None = None) -> str:
    """A status as a coloured badge with its symbol and label, or ``text`` after the symbol
    (colour is never the only signal)."""
    label, bg, fg = STATUS[status]
    if text is not None:
        label = f"{label.split(' ', 1)[0]} {html.escape(text)}"
    return (
        f'<span class="ira30d-status ira30d-{status}" style="background:{bg};color:{fg};'
        f'padding:1px 6px;border-radius:3px;white-space:nowrap">{label}</span>'
    )


def verdict_badge(verdict: str, text: str) -> str:
    """A verdict (``eligible``...) as a badge coloured like the status it corresponds to."""
    return badge(VERDICT[verdict], text)


def _items(f: Finding) -> str:
    missing = ""
    if f.status == "undetermined" and f.missing_inputs:
        names = ", ".join(f"<code>{html.escape(m)}</code>" for m in f.missing_inputs)
        missing = f"<br><small>missing: {names}</small>"
    if not f.line_items or f.status == "not_applicable":
        return missing
    lis = "".join(f"<li>{html.escape(item_text(i))}</li>" for i in f.line_items)
    n = len(f.line_items)
    return (
        f'<details class="ira30d-items"><summary>{n} line item{"s" * (n != 1)}</summary>'
        f"<ul>{lis}</ul></details>{missing}"
    )


def determination_html(d: Determination) -> str:
    """The HTML repr: verdict and counts at the top, a row per requirement."""
    e = html.escape
    rows = "".join(
        f'<tr class="ira30d-row" data-status="{f.status}"><td>{e(f.title)}</td>'
        f"<td>{badge(f.status)}</td><td>{e(f.explanation)}{_items(f)}</td>"
        f"<td>{e(f.citation)}<br><small>{e(f.law_text)}</small></td></tr>"
        for f in d.findings
    )
    p = d.provenance
    return (
        f'<div class="ira30d-determination"><p><b>{e(d.vin)}</b>'
        f"{' (' + e(d.case_id) + ')' if d.case_id else ''}: "
        f"{verdict_badge(d.verdict, d.outcome.text)}"
        f"{' — ' + e(d.regime) if d.regime else ''}</p>"
        f"<p><small>{e(counts(d.findings))}</small></p>"
        '<table class="ira30d-findings"><thead><tr><th>requirement</th><th>status</th>'
        "<th>why</th><th>citation</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f"<small>rules {e(p.ruleset_version)} [{e(p.ruleset_hash[:12])}], countries "
        f"{e(p.countries)}, method {e(d.critical_minerals_method)}</small></div>"
    )


def item_text(item: dict[str, Any]) -> str:
    """A line item as one line of text: its id, its figures, whether it qualifies, why."""
    label = item.get("id", "")
    bits = [
        f"{k}={v}"
        for k, v in item.items()
        if k
        in ("mineral", "kind", "value", "incremental_value", "contribution", "counted", "fraction")
    ]
    flag = (
        ""
        if "qualifies" not in item
        else (" qualifies" if item["qualifies"] else " does not qualify")
    )
    if "applies" in item:
        flag = " (applies)" if item["applies"] else ""
    reason = f": {item['reason']}" if item.get("reason") else ""
    return f"{label} ({', '.join(bits)}){flag}{reason}"
