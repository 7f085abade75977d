"""Plots for notebooks (``pip install ira30d[plot]``): shares against the yearly requirements, and
per-chain contributions.

>>> import ira30d
>>> fig = plot_shares(ira30d.evaluate(ira30d.example("full_credit_2024")))
>>> [ax.get_title() for ax in fig.axes]
['1FTVW1EL0PWG00001: content vs required', 'mineral chains']
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from ira30d._common.errors import InputError
from ira30d._determination.records import Determination


def _pyplot() -> Any:
    try:
        import matplotlib

        matplotlib.use("Agg") if not matplotlib.get_backend() else None
        import matplotlib.pyplot as plt
    except ImportError:
        raise InputError(
            "matplotlib", "plots need matplotlib: pip install 'ira30d[plot]'", "missing_extra"
        ) from None
    return plt


def plot_shares(d: Determination, ruleset: Any | None = None, years: range | None = None) -> Any:
    """A figure: the vehicle's critical-mineral and component shares against each year's required
    share (read from the rule set), and each mineral chain's contribution."""
    from ira30d._api import default_ruleset

    plt = _pyplot()
    book = (ruleset or default_ruleset()).book
    params = [
        book.parameters[n]
        for n in ("critical_minerals_required_share", "battery_components_required_share")
    ]
    if years is None:  # the years the rules schedule, first to last step
        starts = [s.year for p in params for s in p.starts]
        years = range(min(starts), max(starts) + 1)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
    for fact, param, colour in (
        ("critical_minerals_share", "critical_minerals_required_share", "tab:blue"),
        ("battery_components_share", "battery_components_required_share", "tab:orange"),
    ):
        p = book.parameters[param]
        required = [float(p.at(date(y, 12, 31)) or 0) * 100 for y in years]
        left.step(
            list(years),
            required,
            where="mid",
            color=colour,
            linestyle="--",
            label=f"required: {fact.split('_share')[0]}",
        )
        if fact in d.figures:
            left.axhline(
                float(Fraction(d.figures[fact])) * 100,
                color=colour,
                label=f"this vehicle: {fact.split('_share')[0]}",
            )
    left.set(
        xlabel="year placed in service",
        ylabel="%",
        ylim=(0, 105),
        title=f"{d.vin}: content vs required",
    )
    left.legend(fontsize=7)
    items = d.finding("critical_minerals").line_items
    right.barh(
        [i["id"] for i in items], [float(i["contribution"]) for i in items], label="qualifying"
    )
    right.barh(
        [i["id"] for i in items],
        [float(i["value"]) - float(i["contribution"]) for i in items],
        left=[float(i["contribution"]) for i in items],
        color="lightgrey",
        label="not qualifying",
    )
    right.set(xlabel="value ($)", title="mineral chains")
    right.legend(fontsize=7)
    fig.tight_layout()
    return fig
