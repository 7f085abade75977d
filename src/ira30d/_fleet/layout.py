"""The fleet tables' layout: their names, each table's columns and types, and each table's key
(the vehicle's ``row`` and the item's positions). The fleet page of the docs lists the columns.

>>> NAMES[2], KEYS["stages"], SCHEMAS["stages"]["share_ppm"]
('stages', ['row', 'chain', 'stage'], Int64)
>>> all(set(KEYS[n]) <= set(SCHEMAS[n]) for n in NAMES) and list(KEYS) == list(NAMES)
True
"""

from __future__ import annotations

from typing import Any

import polars as pl

NAMES = ("vehicles", "chains", "stages", "components", "contains", "entities")
MONEY = ("base", "manufacturer_options", "destination", "dealer_addons")
ENTITY_SHARES = ("board", "voting", "equity")

S, I64, B, D = pl.String, pl.Int64, pl.Boolean, pl.Date
# Terms and ids the engine matches and joins by are categories: Parquet keeps them as
# dictionaries, read back about five times faster than text cast to categories (a table of
# strings is read too, and cast).
C = pl.Categorical
SCHEMAS: dict[str, dict[str, Any]] = {
    "vehicles": {
        "row": I64,
        "case_id": S,
        "vin": S,
        "manufacturer": S,
        "model": S,
        "model_year": I64,
        "epa_label_class": S,
        "gvwr_lbs": I64,
        "motor_vehicle": B,
        "qualified_manufacturer": B,
        "final_assembly_country": S,
        **{f"msrp_{k}_cents": I64 for k in MONEY},
        "has_battery": B,
        "capacity_wh": I64,
        "externally_rechargeable": B,
        "impracticable_to_trace_election": B,
        "has_chains": B,
        "has_components": B,
        "cert_critical_minerals_ppm": I64,
        "cert_battery_components_ppm": I64,
        "cert_feoc_compliant_components": B,
        "cert_feoc_compliant_minerals": B,
        "cert_method": S,
        "cert_period": S,
        "has_purchase": B,
        "binding_contract_date": D,
        "first_payment_date": D,
        "first_payment_kind": S,
        "sale_date": D,
        "placed_in_service_date": D,
        "original_use": B,
        "for_resale": B,
        "seller_report": B,
        "transition_election": B,
        "has_buyer": B,
        "current_status": S,
        "current_magi_cents": I64,
        "preceding_status": S,
        "preceding_magi_cents": I64,
        "on": D,
        "error": S,
    },
    "chains": {"row": I64, "chain": I64, "id": S, "mineral": C, "material": C, "value_cents": I64},
    "stages": {
        "row": I64,
        "chain": I64,
        "stage": I64,
        "activity": C,
        "country": C,
        "entity": C,
        "share_ppm": I64,
    },
    "components": {
        "row": I64,
        "component": I64,
        "id": C,
        "kind": C,
        "value_cents": I64,
        "country": C,
        "entity": C,
    },
    "contains": {"row": I64, "component": I64, "child": C},
    "entities": {
        "row": I64,
        "entity": I64,
        "id": C,
        "name": S,
        "incorporated_in": S,
        "principal_place_of_business": S,
        "effective_control_license": B,
        "designated": B,
        **{f"government_{s}_ppm": I64 for s in ENTITY_SHARES},
    },
}
# each table's key: the vehicle and the item's positions (a containment keeps its order within
# its component)
KEYS = {
    "vehicles": ["row"],
    "chains": ["row", "chain"],
    "stages": ["row", "chain", "stage"],
    "components": ["row", "component"],
    "contains": ["row", "component"],
    "entities": ["row", "entity"],
}
