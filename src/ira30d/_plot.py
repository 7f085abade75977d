"""Plots for notebooks (``pip install ira30d[plot]``): the vehicle's content shares against the
law's required shares, stepped at the days they change, and each mineral chain's contribution.

The figure is a plain matplotlib ``Figure`` (not registered with pyplot), so a notebook shows it
once, as the cell's value.

>>> import ira30d
>>> fig = plot_shares(ira30d.evaluate(ira30d.example("full_credit_2024")))
>>> [ax.get_title() for ax in fig.axes]
['1FTVW1EL0PWG00001: content vs required', 'mineral chains (value, US dollars)']
>>> len(plot_shares(ira30d.evaluate(ira30d.example("over_msrp_cap"))).axes)  # no chains
1
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination

_SERIES = (  # (figure of the vehicle, parameter of the law, colour)
    ("critical_minerals_share", "critical_minerals_required_share", "tab:blue"),
    ("battery_components_share", "battery_components_required_share", "tab:orange"),
)


def _figure(**kwargs: Any) -> Any:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError(
            "matplotlib", "plots need matplotlib: pip install 'ira30d[plot]'", "missing_extra"
        ) from None
    return Figure(**kwargs)


def required_steps(param: Any, end: date) -> tuple[list[date], list[float]]:
    """The days a required share changes (and ``end``) and the share in % from each day on."""
    days = [d for d in param.starts if d <= end]
    values = [float(param.at(d)) * 100 for d in days]
    return [*days, end], [*values, values[-1]]


def plot_shares(d: Determination, ruleset: Any | None = None) -> Any:
    """A figure: the required critical-mineral and battery-component shares (read from the rule
    set) as steps at the days they change, from the first to the day the credit ends (the
    termination date); the vehicle's own content (computed from provenance or certified) as a
    line across them, marked on its placed-in-service day; and, when the battery has mineral
    chains, each chain's qualifying and non-qualifying value.

    >>> import ira30d
    >>> fig = plot_shares(ira30d.evaluate(ira30d.example("minerals_half_only")))
    >>> fig.axes[0].get_ylabel(), len(fig.axes)
    ('% of value', 1)
    """
    from ira30d._api import default_ruleset

    book = (ruleset or default_ruleset()).book
    chains = d.finding("critical_minerals").line_items
    fig = _figure(figsize=(11 if chains else 6.5, 4), layout="tight")
    left = fig.add_subplot(1, 2 if chains else 1, 1)
    end = book.parameters["termination_acquired_after"].values[-1]
    placed = d.facts.get("placed_in_service")
    for fact, param, colour in _SERIES:
        name = fact.removesuffix("_share").replace("_", " ")
        days, values = required_steps(book.parameters[param], end)
        left.step(
            days, values, where="post", color=colour, linestyle="--", label=f"required: {name}"
        )
        if fact in d.figures:
            share = float(Fraction(d.figures[fact])) * 100
            how = d.basis.get(fact.removesuffix("_share"), "").split(" ")[0] or "computed"
            left.hlines(share, days[0], end, color=colour, label=f"this vehicle: {name} ({how})")
            if placed:
                left.plot([date.fromisoformat(placed)], [share], "o", color=colour)
    left.set(ylabel="% of value", ylim=(0, 105), title=f"{d.vin}: content vs required")
    left.set_xlim(book.parameters["critical_minerals_required_share"].starts[0], end)
    left.tick_params(axis="x", labelrotation=30)
    left.legend(fontsize=7, loc="best")
    if chains:
        right = fig.add_subplot(1, 2, 2)
        ids = [i["id"] for i in chains]
        counted = [float(i["contribution"]) for i in chains]
        right.barh(ids, counted, label="qualifying")
        rest = [float(i["value"]) - c for i, c in zip(chains, counted, strict=True)]
        right.barh(ids, rest, left=counted, color="lightgrey", label="not qualifying")
        right.set(xlabel="US dollars", title="mineral chains (value, US dollars)")
        right.legend(fontsize=7)
    return fig
