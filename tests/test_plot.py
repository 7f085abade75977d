"""plot_shares: the law's steps at the days they change, the vehicle's own content, a chain panel
only with chains, the axis ending with the credit, and a figure pyplot does not draw again."""

from datetime import date

import pytest

import ira30d

mdates = pytest.importorskip("matplotlib.dates")


def lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_required_shares_step_on_the_days_the_law_changes():
    fig = ira30d.plot_shares(ira30d.evaluate(ira30d.example("full_credit_2024")))
    left = fig.axes[0]
    minerals = lines(left)["required: critical minerals"]
    days = [mdates.num2date(x).date() for x in mdates.date2num(minerals.get_xdata())]
    assert days == [date(2023, 4, 18), date(2024, 1, 1), date(2025, 1, 1), date(2025, 9, 30)]
    assert list(minerals.get_ydata()) == [40, 50, 60, 60]
    assert minerals.get_drawstyle() == "steps-post"  # the step is on the day, not mid-year
    components = lines(left)["required: battery components"]
    assert list(components.get_ydata()) == [50, 60, 60]  # 2023-04-18, 2024-01-01, the end
    end = mdates.num2date(left.get_xlim()[1]).date()
    assert end == date(2025, 9, 30)  # the axis ends where the credit does


def test_the_vehicles_own_content_is_drawn_and_says_where_it_came_from():
    d = ira30d.evaluate(ira30d.example("minerals_half_only"))  # certified 62% / 41%
    left = ira30d.plot_shares(d).axes[0]
    labels = [c.get_label() for c in left.collections]
    assert "this vehicle: critical minerals (certified)" in labels
    cm = next(c for c in left.collections if c.get_label().endswith("minerals (certified)"))
    (start, y0), (_, y1) = cm.get_segments()[0]
    assert y0 == y1 == pytest.approx(62)
    marks = [ln for ln in left.get_lines() if ln.get_marker() == "o"]
    placed = date.fromisoformat(d.facts["placed_in_service"])
    assert {mdates.num2date(mdates.date2num(m.get_xdata()[0])).date() for m in marks} == {placed}


def test_a_chain_panel_only_with_chains():
    with_chains = ira30d.evaluate(ira30d.example("full_credit_2024"))
    fig = ira30d.plot_shares(with_chains)
    assert len(fig.axes) == 2
    chains = with_chains.finding("critical_minerals").line_items
    assert len(fig.axes[1].patches) == 2 * len(chains)
    assert len(ira30d.plot_shares(ira30d.evaluate(ira30d.example("over_msrp_cap"))).axes) == 1


def test_the_figure_is_not_registered_with_pyplot():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    ira30d.plot_shares(ira30d.evaluate(ira30d.example("full_credit_2024")))
    assert plt.get_fignums() == before  # a notebook shows the returned figure once
