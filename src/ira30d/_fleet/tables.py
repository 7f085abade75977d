"""The fleet's tables: one row per vehicle, and one per mineral chain, stage, component,
containment and entity, keyed by ``row`` (the vehicle's position in the fleet) and the item's
position. Exact integers throughout: money in cents (``*_cents``), shares in parts per million
(``*_ppm``), capacity in watt-hours, dates as dates. A value finer than its scale (a price with
fractions of a cent, a share with more than six decimals) does not fit: that vehicle's row
carries the reason in ``error`` and the engine reports it instead of deciding it.

The columns of each table are ``SCHEMAS`` in ``_fleet/layout.py`` (the fleet page of the docs
lists them).

>>> import ira30d
>>> t = to_tables([ira30d.example("full_credit_2024")])
>>> t.vehicles["msrp_base_cents"][0], t.stages.height, t.components["kind"][0]
(5499500, 21, 'cathode_electrode')
>>> t.vehicles["case_id"][0]
'full_credit_2024'
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable
from dataclasses import dataclass, fields
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl

from ira30d._common.errors import InputError, Ira30dError
from ira30d._common.exact import multiply
from ira30d._fleet.layout import ENTITY_SHARES, KEYS, MONEY, NAMES, SCHEMAS
from ira30d._models.inputs import Case
from ira30d._models.parse import parse_case


@dataclass(frozen=True)
class Tables:
    """The six tables of a fleet: Polars DataFrames (in a batch read from Parquet, the five
    tables below ``vehicles`` are LazyFrame scans, read together when the batch is decided)."""

    vehicles: pl.DataFrame
    chains: Any
    stages: Any
    components: Any
    contains: Any
    entities: Any

    def write(self, directory: str | Path) -> None:
        """One Parquet file per table in ``directory``."""
        out = Path(directory)
        out.mkdir(parents=True, exist_ok=True)
        for f in fields(self):
            getattr(self, f.name).write_parquet(out / f"{f.name}.parquet")

    @classmethod
    def read(cls, directory: str | Path) -> Tables:
        """The tables written by :meth:`write`."""
        d = Path(directory)
        return cls(**{n: pl.read_parquet(d / f"{n}.parquet") for n in NAMES})

    @classmethod
    def joined(cls, parts: list[Tables], ordered: bool = False) -> Tables:
        """``parts`` (tables of the same fleet) one after the other; ``ordered``: sorted by
        vehicle and item position (for parts whose rows interleave).

        >>> import ira30d
        >>> a = to_tables([ira30d.example("full_credit_2024")], start=0)
        >>> b = to_tables([ira30d.example("over_msrp_cap")], start=1)
        >>> Tables.joined([b, a], ordered=True).vehicles["case_id"].to_list()
        ['full_credit_2024', 'over_msrp_cap']
        """
        if len(parts) == 1:
            return parts[0]
        if not parts:
            return to_tables([])
        out = {n: pl.concat([getattr(p, n) for p in parts]) for n in NAMES}
        if ordered:
            out = {n: f.sort(KEYS[n], maintain_order=True) for n, f in out.items()}
        return cls(**out)


class OffScale(Exception):
    """A value finer than its column's scale (or too large for it): no exact integer."""


LIMIT = 2**62  # a scaled value's magnitude stays below this: sums of a few fit Int64


def scaled(value: Decimal | None, factor: int, where: str) -> int | None:
    """``value * factor`` as an exact integer, or :class:`OffScale` (hot path: one exact
    multiply, one truncation, one comparison; the input models bound every value's size)."""
    if value is None:
        return None
    try:
        product = multiply(value, factor)  # exact or refused (see _common/exact.py)
    except decimal.Inexact:  # more digits than exact arithmetic holds: not on this scale
        raise OffScale(f"{where}: {value} does not fit the fleet tables' scale") from None
    whole = int(product)  # truncates: equal to ``product`` only when nothing was cut
    if whole != product or not -LIMIT < whole < LIMIT:
        raise OffScale(f"{where}: {value} does not fit the fleet tables' scale (1/{factor})")
    return whole


def to_tables(cases: Iterable[Any], start: int = 0, rows: Iterable[int] | None = None) -> Tables:
    """Cases (dicts, JSON text or :class:`Case`) as tables, rows numbered from ``start`` (or
    ``rows``, one a case, in order). A case that is not valid, or holds a value finer than the
    tables' scale, becomes a vehicle row with only ``error`` (its problems) and ``case_id``."""
    out: dict[str, list[Any]] = {n: [] for n in NAMES}  # vehicles: dicts; items: tuples
    numbered = enumerate(cases, start) if rows is None else zip(rows, cases, strict=True)
    for i, raw in numbered:
        try:
            case = parse_case(raw)
            part = _rows(i, case)
        except Ira30dError as exc:  # every problem, as `ira30d evaluate` reports them
            why = "; ".join(exc.lines()) if isinstance(exc, InputError) else str(exc)
            out["vehicles"].append({"row": i, "error": why})
            continue
        except OffScale as exc:
            out["vehicles"].append({"row": i, "case_id": case.id, "error": str(exc)})
            continue
        for n in NAMES:
            out[n] += part[n]
    vehicles = pl.DataFrame(out["vehicles"], schema=SCHEMAS["vehicles"])
    items = {n: pl.DataFrame(out[n], schema=SCHEMAS[n], orient="row") for n in NAMES[1:]}
    return Tables(vehicles=vehicles, **items)


def _rows(i: int, c: Case) -> dict[str, list[Any]]:
    v, p, b = c.vehicle, c.purchase, c.vehicle.battery
    cert = b.certified if b else None
    row: dict[str, Any] = {
        "row": i,
        "case_id": c.id,
        "vin": v.vin,
        "manufacturer": v.manufacturer,
        "model": v.model,
        "model_year": v.model_year,
        "epa_label_class": v.epa_label_class,
        "gvwr_lbs": v.gvwr_lbs,
        "motor_vehicle": v.motor_vehicle,
        "qualified_manufacturer": v.qualified_manufacturer,
        "final_assembly_country": v.final_assembly_country,
        "on": c.on,
        "has_battery": b is not None,
        "has_purchase": p is not None,
        "has_buyer": c.buyer is not None,
    }
    for part in MONEY:
        row[f"msrp_{part}_cents"] = (
            scaled(getattr(v.msrp, part), 100, f"vehicle.msrp.{part}") if v.msrp else None
        )
    if b is not None:
        row.update(
            capacity_wh=scaled(b.capacity_kwh, 1000, "vehicle.battery.capacity_kwh"),
            externally_rechargeable=b.externally_rechargeable,
            impracticable_to_trace_election=b.impracticable_to_trace_election,
            has_chains=b.mineral_chains is not None,
            has_components=b.components is not None,
        )
    if cert is not None:
        row.update(
            cert_critical_minerals_ppm=scaled(cert.critical_minerals_share, 10**6, "certified"),
            cert_battery_components_ppm=scaled(cert.battery_components_share, 10**6, "certified"),
            cert_feoc_compliant_components=cert.feoc_compliant_components,
            cert_feoc_compliant_minerals=cert.feoc_compliant_minerals,
            cert_method=cert.method,
            cert_period=cert.period,
        )
    if p is not None:
        row.update(
            p.model_dump(exclude={"transition_election"}), transition_election=p.transition_election
        )
    for year in ("current", "preceding"):
        ty = getattr(c.buyer, f"{year}_year") if c.buyer else None
        if ty is not None:
            row[f"{year}_status"] = ty.filing_status
            row[f"{year}_magi_cents"] = scaled(ty.magi, 100, f"buyer.{year}_year.magi")
    out: dict[str, list[Any]] = {n: [] for n in NAMES}  # each item a tuple, in SCHEMAS' order
    out["vehicles"].append(row)
    for k, ch in enumerate(b.mineral_chains or [] if b else []):
        value = scaled(ch.value, 100, f"chain {ch.id}")
        out["chains"].append((i, k, ch.id, ch.mineral, ch.material, value))
        out["stages"] += [
            (
                i,
                k,
                j,
                s.activity,
                s.country,
                s.entity,
                scaled(s.share, 10**6, f"chain {ch.id} share"),
            )
            for j, s in enumerate(ch.stages)
        ]
    for k, co in enumerate(b.components or [] if b else []):
        value = scaled(co.value, 100, f"component {co.id}")
        out["components"].append((i, k, co.id, co.kind, value, co.country, co.entity))
        out["contains"] += [(i, k, x) for x in co.contains]
    for k, e in enumerate(b.entities if b else []):
        out["entities"].append(
            (
                i,
                k,
                e.id,
                e.name,
                e.incorporated_in,
                e.principal_place_of_business,
                e.effective_control_license,
                e.designated,
                *(scaled(getattr(e, f"government_{x}_share"), 10**6, e.id) for x in ENTITY_SHARES),
            )
        )
    return out
