"""Content shares (30D(e); 26 CFR 1.30D-3): qualifying critical mineral content by either method,
and qualifying battery component content by incremental value. Exact fractions; each figure keeps
one line item per chain or component, built when first read (:class:`LazyItems`).

The law is in ``rules/``: which country lists count for which activity
(``qualifying_lists_by_activity``) and what each method does (``critical_minerals_methods``: when
a chain qualifies, what value then counts). This module keeps the arithmetic and the small
vocabulary those rule files name (``QUALIFIES_WHEN``, ``COUNTS``), checked when a rule set loads.

A chain states, for each activity, the fraction of that activity's whole value added done at
each stage. Whatever the stages leave unaccounted for counts as done outside every qualifying
country, under both methods:

>>> from decimal import Decimal
>>> from ira30d._models.battery import MineralChain
>>> chain = MineralChain(id="li", mineral="lithium", value=100, stages=[
...     {"activity": "processing", "country": "US", "share": "0.4"}])
>>> qualifying_shares(chain, {"processing": {"US": ("united_states", None)}})
{'processing': Decimal('0.4')}
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from typing import Any

from ira30d._common.errors import InputError
from ira30d._common.exact import add, subtract
from ira30d._common.exact import total as exact_total
from ira30d._common.frozen import FrozenDict, LazyItems
from ira30d._common.text import cents, pct
from ira30d._models.battery import Battery, Component, MineralChain

ACTIVITIES = ("extraction", "processing", "recycling")
Index = dict[str, tuple[str, Any]]  # country code -> (list name, member) on one date
# The tests and value rules a method in critical_minerals_methods may name.
QUALIFIES_WHEN = ("best_share_at_least", "best_share_above_zero")
COUNTS = ("whole_value", "value_times_best_share")


def qualifying_shares(chain: MineralChain, lists: dict[str, Index]) -> dict[str, Decimal]:
    """Per activity present in the chain: the fraction of its whole value added done in a
    country on that activity's qualifying lists (``lists``: activity -> country index)."""
    out: dict[str, Decimal] = {}
    for s in chain.stages:
        counts = lists.get(s.activity, {}).get(s.country) is not None
        out[s.activity] = add(out.get(s.activity, Decimal(0)), s.share if counts else Decimal(0))
    return out


def critical_mineral_content(
    b: Battery,
    *,
    method: dict[str, Any],
    known: frozenset[str],
    threshold: Decimal | None,
    lists: dict[str, Index],
) -> tuple[Fraction, LazyItems]:
    """Qualifying critical mineral content and one line item per procurement chain (built when
    read), by a method of ``critical_minerals_methods`` (``threshold``: the value of its
    threshold parameter)."""
    traced = method["counts"] == "value_times_best_share"
    test_share = threshold if method["qualifies_when"] == "best_share_at_least" else None
    total = Decimal(0)  # sums in exact arithmetic (see _common/exact.py)
    qualifying_a, qualifying_b = Decimal(0), Fraction(0)  # whole values (50% test); value x share
    chains = b.mineral_chains or []  # the builder keeps these, never the battery (see LazyItems)
    seen = []  # per chain: its qualifying shares, the activity it qualifies by, its contribution
    for i, chain in enumerate(chains):
        if chain.mineral.lower() not in known:
            raise InputError(
                f"vehicle.battery.mineral_chains[{i}].mineral",
                f"{chain.mineral!r} is not an applicable critical mineral "
                "(45X(c)(6) list in rules/)",
                "unknown_mineral",
            )
        shares = qualifying_shares(chain, lists)
        best = max(shares.values(), default=Decimal(0))
        by = (
            next((a for a in ACTIVITIES if a in shares and shares[a] == best), None)
            if best > 0
            else None
        )
        if test_share is not None and best < test_share:
            by = None
        contribution: Decimal | Fraction
        if traced:  # a product of two decimals may need more than 28 digits: keep it a Fraction
            contribution = Fraction(chain.value) * Fraction(best) if by else Fraction(0)
            qualifying_b += contribution
        else:
            contribution = chain.value if by else Decimal(0)
            qualifying_a = add(qualifying_a, contribution)
        total = add(total, chain.value)
        seen.append((shares, by, contribution))
    qualifying = qualifying_b if traced else Fraction(qualifying_a)
    share = qualifying / Fraction(total) if total else Fraction(0)
    return share, LazyItems(lambda: _chain_items(chains, seen, lists, test_share))


def _chain_items(
    chains: list[MineralChain], seen: list[Any], lists: dict[str, Index], test_share: Any
) -> list[FrozenDict]:
    items = []
    for chain, (shares, by, contribution) in zip(chains, seen, strict=True):
        open_ = {a: pct(rest) for a, rest in chain.unaccounted().items() if rest > 0}
        places = _places(chain, by, lists) if by else []
        texts = {a: pct(shares[a]) for a in ACTIVITIES if a in shares}
        items.append(  # read-only as built (shared by determinations of one design)
            FrozenDict(
                id=chain.id,
                kind="mineral_chain",
                mineral=chain.mineral,
                value=str(chain.value),
                qualifies=contribution > 0,
                by=by,
                shares=FrozenDict(texts),
                unaccounted=FrozenDict(open_),
                places=tuple(places),
                contribution=str(cents(contribution)),
                reason=_reason(by, texts, open_, test_share, places),
            )
        )
    return items


def _places(chain: MineralChain, by: str, lists: dict[str, Index]) -> list[str]:
    index = lists[by]
    return [
        f"{s.country} ({index[s.country][0]}: {index[s.country][1].instrument})"
        for s in chain.stages
        if s.activity == by and s.country in index
    ]


def _reason(
    by: str | None,
    shares: dict[str, str],
    open_: dict[str, str],
    test_share: Decimal | None,
    places: list[str],
) -> str:
    gaps = "; ".join(
        f"{v} of {a} value added not accounted for (counts as not qualifying)"
        for a, v in open_.items()
    )
    if by:
        text = f"{by} {shares[by]} in qualifying countries: {', '.join(places)}"
    elif test_share is None:
        text = "no value added in qualifying countries"
    else:
        text = f"no activity reaches {pct(test_share)} of its value added in qualifying countries"
    return f"{text}; {gaps}" if gaps else text


def battery_component_content(
    b: Battery, *, kinds: set[str], na: Index
) -> tuple[Fraction, LazyItems]:
    """Qualifying battery component content (incremental values) and one line item per
    component (built when read)."""
    comps = {c.id: c for c in b.components or []}
    parent: dict[str, str] = {}
    for i, c in enumerate(b.components or []):
        where = f"vehicle.battery.components[{i}]"
        if c.kind not in kinds:
            raise InputError(
                f"{where}.kind",
                f"{c.kind!r} is not a battery component kind ({', '.join(sorted(kinds))}); "
                "constituent materials are not components",
                "unknown_component_kind",
            )
        for child in c.contains:
            if child not in comps:
                raise InputError(
                    f"{where}.contains", f"unknown component {child!r}", "unknown_component"
                )
            if child in parent:
                raise InputError(
                    f"{where}.contains",
                    f"component {child!r} is contained twice (in {parent[child]!r} and {c.id!r})",
                    "contained_twice",
                )
            parent[child] = c.id
    for start in comps:  # a cycle has no root: walk up from every node
        seen, node = {start}, start
        while node in parent:
            node = parent[node]
            if node in seen:
                raise InputError(
                    "vehicle.battery.components",
                    f"containment cycle through {node!r}",
                    "containment_cycle",
                )
            seen.add(node)
    total, na_total = Decimal(0), Decimal(0)
    components = b.components or []  # the builder keeps these, never the battery (see LazyItems)
    measured = []  # per component: its incremental value and the list that qualifies its country
    for i, c in enumerate(components):
        inner = exact_total(comps[x].value for x in c.contains)
        incremental = subtract(c.value, inner)
        if incremental < 0:
            raise InputError(
                f"vehicle.battery.components[{i}].value",
                f"value {c.value} is less than the {inner} of the components it contains",
                "negative_incremental_value",
            )
        hit = na.get(c.country)
        total = add(total, incremental)
        if hit:
            na_total = add(na_total, incremental)
        measured.append((incremental, hit))
    share = Fraction(na_total) / Fraction(total) if total else Fraction(0)
    return share, LazyItems(lambda: _component_items(components, measured))


def _component_items(components: list[Component], measured: list[Any]) -> list[FrozenDict]:
    return [
        FrozenDict(
            id=c.id,
            kind=c.kind,
            value=str(c.value),
            contains=tuple(c.contains),
            incremental_value=str(incremental),
            country=c.country,
            qualifies=hit is not None,
            reason=f"made in {c.country} ({hit[0]})"
            if hit
            else f"made in {c.country}, outside North America",
        )
        for c, (incremental, hit) in zip(components, measured, strict=True)
    ]
