"""Statuses, verdict and amount, column-wise: the finding and verdict rules of the object path
(``_determination.findings`` and ``verdict``) over the fired-rule columns of a fact table.

Each requirement's status is one ``when/then`` chain in the object path's order: not in scope
(no purchase or buyer given), window date missing (met if the condition holds on any date, else
undetermined), window not applying, met, met by an exception, not met, absent input read as not
applicable, else undetermined; an election not available and not elected is not applicable. The
verdict follows the regime's formula (credit parts, or the capacity formula with the phase-out);
an undetermined row has no amount, only its bounds.

>>> import ira30d, polars as pl
>>> rs = ira30d.default_ruleset()
>>> d = Decider(rs.book)
>>> [e.meta.output_name() for e in d.statuses()][:3]
['termination', 'pre_ira_acquisition', 'original_use']
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import polars as pl

from ira30d._determination.verdict import (
    FORMULA_ROUNDING,
    ROUNDING,
    amount_param,
    most_credit,
)
from ira30d._fleet.law import unsupported
from ira30d._law.book import RuleBook

CENTS = 100
MILLION = 10**6


def _mills(value: Any, where: str) -> int:
    """A formula value in thousandths (of a dollar or a kWh), which must be exact."""
    scaled = Decimal(value) * 1000
    if scaled != scaled.to_integral_value():
        raise unsupported(where, f"{value} is finer than a thousandth")
    return int(scaled)


STATUS = pl.Enum(["met", "not_met", "undetermined", "not_applicable"])  # one byte a status


class Decider:
    """The status and verdict expressions of one rule book."""

    def __init__(self, book: RuleBook) -> None:
        self.book = book
        self.reqs = list(book.requirements)

    def status(self, req: Any) -> pl.Expr:
        """The status of one requirement, as text."""
        col = pl.col
        w = req.window
        core: Any = pl.when(col(f"{req.id}|m")).then(pl.lit("met"))
        for i in range(len(req.exceptions)):
            core = core.when(col(f"{req.id}|x{i}")).then(pl.lit("met"))
        core = core.when(col(f"{req.id}|n")).then(pl.lit("not_met"))
        if req.when_absent == "not_applicable" and req.inputs:
            absent = pl.any_horizontal([col(i).is_null() for i in req.inputs])
            core = core.when(absent).then(pl.lit("not_applicable"))
        expr: Any = core.otherwise(pl.lit("undetermined"))
        if req.kind == "election":
            expr = (
                pl.when((expr == "not_met") & ~col("_elected").fill_null(False))
                .then(pl.lit("not_applicable"))
                .otherwise(expr)
            )
        if w is not None:
            missing = col(w.on).is_null()
            expr = (
                pl.when(missing & col(f"{req.id}|c"))
                .then(pl.lit("met"))
                .when(missing)
                .then(pl.lit("undetermined"))
                .when(~col(f"{req.id}|a"))
                .then(pl.lit("not_applicable"))
                .otherwise(expr)
            )
        if req.scope != "vehicle":
            expr = pl.when(~col(f"_has_{req.scope}")).then(pl.lit("not_applicable")).otherwise(expr)
        return expr.cast(STATUS).alias(req.id)

    def statuses(self) -> list[pl.Expr]:
        """Every requirement's status column, in rule-book order."""
        return [self.status(r) for r in self.reqs]

    def verdict(self, frame: pl.DataFrame) -> pl.DataFrame:
        """``frame`` (fired columns and statuses) with ``regime``, ``verdict``, ``amount_cents``
        (null when undetermined) and the two bounds in cents."""
        col, book = pl.col, self.book
        regime: Any = pl.lit(None, dtype=pl.String)
        for r in reversed(book.regimes):  # the first regime that fires wins
            regime = pl.when(col(f"regime|{r.id}")).then(pl.lit(r.id)).otherwise(regime)
        frame = frame.with_columns(regime.alias("regime"))
        gates = [r.id for r in self.reqs if r.kind == "gate"]
        parts = [r for r in self.reqs if r.kind == "credit_part"]
        credit_parts = [r.id for r in book.regimes if r.formula == "credit_parts"]
        in_parts = col("regime").is_in(credit_parts).fill_null(False)

        def total(upper: bool) -> pl.Expr:
            out: Any = pl.lit(0, dtype=pl.Int64)
            for r in book.regimes:
                if r.formula == "capacity":
                    amount = self.capacity_cents(r, upper)
                    out = pl.when(col("regime") == r.id).then(amount).otherwise(out)
            for p in parts:
                cents = int(Decimal(book.parameters[amount_param(book, p.id)].at(None)) * CENTS)
                counted = col(p.id) == "met"
                if upper:
                    counted = counted | (col(p.id) == "undetermined")
                out = out + pl.when(counted & in_parts).then(cents).otherwise(0)
            return out

        failed = pl.any_horizontal([col(g) == "not_met" for g in gates])
        gate_open = pl.any_horizontal([col(g) == "undetermined" for g in gates])
        part_open = pl.any_horizontal([(col(p.id) == "undetermined") & in_parts for p in parts])
        no_regime = col("regime").is_null()
        refused = failed | (no_regime & col("placed_in_service").is_not_null())
        open_ = gate_open | part_open | no_regime
        low, high = total(False), total(True)
        most = int(most_credit(book) * CENTS)
        return frame.with_columns(
            pl.when(refused)
            .then(pl.lit("not_eligible"))
            .when(open_)
            .then(pl.lit("undetermined"))
            .when(low > 0)
            .then(pl.lit("eligible"))
            .otherwise(pl.lit("not_eligible"))
            .alias("verdict"),
            pl.when(refused).then(0).when(open_).then(None).otherwise(low).alias("amount_cents"),
            pl.when(refused | ~open_)
            .then(None)
            .when(no_regime)
            .then(most)
            .otherwise(high)
            .alias("upper_cents"),
            pl.when(refused | ~open_)
            .then(None)
            .when(no_regime | gate_open)
            .then(0)
            .otherwise(low)
            .alias("lower_cents"),
        )

    def capacity_cents(self, regime: Any, upper: bool) -> pl.Expr:
        """The capacity formula's amount in cents (``verdict.capacity_amount``, exactly): base +
        step from a capacity + per kWh above a floor, capped, times the phase-out fraction when
        the regime phases out and the phase-out is met, rounded half up as the parameter says.
        Worked in thousandths of a dollar and ppm, so every step is an exact integer."""
        col, book = pl.col, self.book
        param = book.parameters[regime.parameter]
        if param.spec.on != "placed_in_service":
            raise unsupported(regime.id, f"the formula is dated by {param.spec.on}")
        caps = [_mills(f["total_cap"], regime.id) for f in param.values]
        wide = pl.Int64 if max(caps) * MILLION * 100 * 4 < 2**63 else pl.Int128  # exact either way
        wh = col("battery_kwh").cast(wide)  # watt-hours: thousandths of a kWh (at most 10^7)
        fraction: Any = pl.lit(MILLION, dtype=wide)
        if regime.phaseout:
            phased = (col("manufacturer_phaseout") == "met") & col(
                "phaseout_fraction"
            ).is_not_null()
            fraction = pl.when(phased).then(col("phaseout_fraction").cast(wide)).otherwise(fraction)
        step, mode = ROUNDING[param.spec.rounding or FORMULA_ROUNDING]
        if mode != ROUND_HALF_UP:
            raise unsupported(regime.id, f"rounding {mode} is not half up")
        quantum = int(step * CENTS)  # the rounding step, in cents
        out: Any = pl.lit(None, dtype=pl.Int64)
        for start, f in zip(param.starts, param.values, strict=True):
            # thousandths: of a dollar for amounts, of a kWh (Wh) for step_from_kwh, per_kwh_above
            m = {k: _mills(v, regime.id) for k, v in f.items()}
            if m["step"] % 1000:
                raise unsupported(regime.id, f"a step of {f['step']} is not whole")
            above = pl.max_horizontal(wh - m["per_kwh_above"], pl.lit(0, dtype=wide))
            # step dollars per kWh above the floor = step mills per Wh above it
            capacity = (
                pl.when(wh >= m["step_from_kwh"])
                .then(m["step"] + (m["step"] // 1000) * above)
                .otherwise(0)
            )
            amount = pl.min_horizontal(
                pl.lit(m["total_cap"]), m["base"] + pl.min_horizontal(capacity, m["capacity_cap"])
            )
            # amount (mills) x fraction (ppm): dollars = amount * fraction / 10^9; in quanta
            num, den = amount * fraction * 100, pl.lit(10**9 * quantum, dtype=wide)
            rounded = ((2 * num + den) // (2 * den)) * quantum
            cents = (
                pl.when(wh.is_null()).then(m["total_cap"] // 10 if upper else 0).otherwise(rounded)
            )
            day = start.year * 10000 + start.month * 100 + start.day
            out = pl.when(col("placed_in_service") >= day).then(cents).otherwise(out)
        return out.cast(pl.Int64)
