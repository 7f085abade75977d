"""From fleet tables back to cases: the object path decides and explains any row of a fleet from
exactly the inputs the columnar engine read.

>>> import ira30d
>>> from ira30d._fleet.tables import to_tables
>>> case = ira30d.example("unknown_supplier_2024")
>>> ira30d.evaluate(to_cases(to_tables([case]))[0]).to_json() == ira30d.evaluate(case).to_json()
True
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import polars as pl

from ira30d._fleet.layout import ENTITY_SHARES, MONEY, NAMES
from ira30d._fleet.tables import Tables

PURCHASE = (
    "binding_contract_date",
    "first_payment_date",
    "first_payment_kind",
    "sale_date",
    "placed_in_service_date",
    "original_use",
    "for_resale",
    "seller_report",
    "transition_election",
)
VEHICLE = (
    "vin",
    "manufacturer",
    "model",
    "model_year",
    "epa_label_class",
    "gvwr_lbs",
    "motor_vehicle",
    "qualified_manufacturer",
    "final_assembly_country",
)


def _dec(value: int | None, factor: int) -> str | None:
    return None if value is None else str(Decimal(value) / factor)


def _by_row(frame: Any, rows: set[int]) -> dict[int, list[dict[str, Any]]]:
    """The rows of ``frame`` (a DataFrame or a LazyFrame) for each vehicle of ``rows``."""
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in frame.lazy().filter(pl.col("row").is_in(list(rows))).collect().to_dicts():
        out[r["row"]].append(r)
    return out


def to_cases(t: Tables, rows: Iterable[int] | None = None) -> list[dict[str, Any]]:
    """The cases of ``rows`` (default: every row that is not an error), in that order, as
    JSON-shaped dicts."""
    v = t.vehicles.filter(pl.col("error").is_null())
    wanted = set(v["row"].to_list()) if rows is None else set(rows)
    v = v.filter(pl.col("row").is_in(list(wanted)))
    items = {n: _by_row(getattr(t, n), wanted) for n in NAMES[1:]}
    by_row = {r["row"]: r for r in v.to_dicts()}
    order = sorted(wanted) if rows is None else list(rows)
    return [_case(by_row[i], {n: items[n][i] for n in NAMES[1:]}) for i in order]


def _case(r: dict[str, Any], items: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """One case from its vehicle row and its item rows (``items``: table name -> rows)."""
    vehicle: dict[str, Any] = {k: r[k] for k in VEHICLE if r[k] is not None}
    if r["msrp_base_cents"] is not None:
        vehicle["msrp"] = {k: _dec(r[f"msrp_{k}_cents"], 100) for k in MONEY}
    if r["has_battery"]:
        vehicle["battery"] = _battery(r, items)
    case: dict[str, Any] = {"vehicle": vehicle}
    if r["case_id"] is not None:
        case["id"] = r["case_id"]
    if r["on"] is not None:
        case["on"] = r["on"].isoformat()
    if r["has_purchase"]:
        case["purchase"] = {
            k: (r[k].isoformat() if hasattr(r[k], "isoformat") else r[k]) for k in PURCHASE
        }
    if r["has_buyer"]:
        case["buyer"] = {
            f"{y}_year": {
                "filing_status": r[f"{y}_status"],
                "magi": _dec(r[f"{y}_magi_cents"], 100),
            }
            for y in ("current", "preceding")
            if r[f"{y}_status"] is not None
        }
    return case


def _battery(r: dict[str, Any], items: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    chains, stages, ents = items["chains"], items["stages"], items["entities"]
    comps, contains = items["components"], items["contains"]
    b: dict[str, Any] = {
        "capacity_kwh": _dec(r["capacity_wh"], 1000),
        "externally_rechargeable": r["externally_rechargeable"],
        "impracticable_to_trace_election": r["impracticable_to_trace_election"],
        "entities": [
            {
                "id": e["id"],
                "name": e["name"],
                "incorporated_in": e["incorporated_in"],
                "principal_place_of_business": e["principal_place_of_business"],
                "effective_control_license": e["effective_control_license"],
                "designated": e["designated"],
                **{
                    f"government_{s}_share": _dec(e[f"government_{s}_ppm"], 10**6)
                    for s in ENTITY_SHARES
                },
            }
            for e in sorted(ents, key=lambda e: e["entity"])
        ],
    }
    if r["has_chains"]:
        b["mineral_chains"] = [
            {
                "id": c["id"],
                "mineral": c["mineral"],
                "material": c["material"],
                "value": _dec(c["value_cents"], 100),
                "stages": [
                    {
                        "activity": s["activity"],
                        "country": s["country"],
                        "entity": s["entity"],
                        "share": _dec(s["share_ppm"], 10**6),
                    }
                    for s in sorted(stages, key=lambda s: s["stage"])
                    if s["chain"] == c["chain"]
                ],
            }
            for c in sorted(chains, key=lambda c: c["chain"])
        ]
    if r["has_components"]:
        b["components"] = [
            {
                "id": c["id"],
                "kind": c["kind"],
                "value": _dec(c["value_cents"], 100),
                "country": c["country"],
                "entity": c["entity"],
                "contains": [x["child"] for x in contains if x["component"] == c["component"]],
            }
            for c in sorted(comps, key=lambda c: c["component"])
        ]
    cert = {
        "critical_minerals_share": _dec(r["cert_critical_minerals_ppm"], 10**6),
        "battery_components_share": _dec(r["cert_battery_components_ppm"], 10**6),
        "feoc_compliant_components": r["cert_feoc_compliant_components"],
        "feoc_compliant_minerals": r["cert_feoc_compliant_minerals"],
        "method": r["cert_method"],
        "period": r["cert_period"],
    }
    if any(x is not None for x in cert.values()):
        b["certified"] = cert
    return b
