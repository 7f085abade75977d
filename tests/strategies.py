"""Hypothesis strategies for whole cases across every regime and edge value."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

COUNTRIES = ["US", "CA", "MX", "AU", "CL", "KR", "JP", "GB", "DE", "CN", "CD", "ID", "RU"]
EDGE_DAYS = [date(2009, 12, 31), date(2010, 1, 1), date(2022, 8, 16), date(2022, 8, 17), date(2022, 12, 31),
             date(2023, 1, 1), date(2023, 4, 17), date(2023, 4, 18), date(2023, 12, 31), date(2024, 1, 1),
             date(2024, 12, 31), date(2025, 1, 1), date(2025, 9, 30), date(2025, 10, 1), date(2026, 12, 31),
             date(2027, 1, 1), date(2029, 1, 1)]
days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates(date(2009, 6, 1), date(2030, 12, 31)))
money = st.one_of(st.sampled_from([Decimal(0), Decimal("0.01"), Decimal(1)]),
                  st.decimals(min_value=Decimal("0.01"), max_value=Decimal(100000), places=2))
shares = st.one_of(st.sampled_from([Decimal(0), Decimal("0.25"), Decimal("0.2499"), Decimal("0.4"), Decimal("0.5"),
                                    Decimal("0.6"), Decimal("0.7"), Decimal("0.8"), Decimal("0.9"), Decimal(1)]),
                   st.decimals(min_value=0, max_value=1, places=6))
ACTIVITIES = ["extraction", "processing", "recycling"]


@st.composite
def entities(draw):
    n = draw(st.integers(0, 3))
    return [{"id": f"e{i}", "name": f"Entity {i}",
             "incorporated_in": draw(st.sampled_from(COUNTRIES)),
             "government_board_share": str(draw(shares)) if draw(st.booleans()) else "0",
             "government_equity_share": str(draw(st.sampled_from([Decimal(0), Decimal("0.2499"), Decimal("0.25")]))),
             "effective_control_license": draw(st.booleans()) and draw(st.booleans())} for i in range(n)]


@st.composite
def stages(draw, ents):
    out = []
    for _ in range(draw(st.integers(1, 4))):
        s = {"activity": draw(st.sampled_from(ACTIVITIES)), "country": draw(st.sampled_from(COUNTRIES)),
             "value_added": str(draw(st.integers(0, 1000)))}
        if ents and draw(st.booleans()):
            s["entity"] = draw(st.sampled_from(ents))["id"]
        out.append(s)
    return out


@st.composite
def chains(draw, ents, n=None):
    count = draw(st.integers(1, 6)) if n is None else n
    return [{"id": f"m{i}", "mineral": draw(st.sampled_from(["lithium", "nickel", "cobalt", "graphite", "manganese"])),
             "material": draw(st.sampled_from([None, "graphite", "cathode_active_material", "electrolyte_salt"])),
             "value": str(draw(st.integers(1, 5000))), "stages": draw(stages(ents))} for i in range(count)]


@st.composite
def components(draw, ents):
    kinds = ["cathode_electrode", "anode_electrode", "separator", "liquid_electrolyte", "battery_cell"]
    leaves = [{"id": f"c{i}", "kind": draw(st.sampled_from(kinds)), "value": str(draw(st.integers(1, 3000))),
               "country": draw(st.sampled_from(COUNTRIES))} for i in range(draw(st.integers(1, 5)))]
    for leaf in leaves:
        if ents and draw(st.booleans()):
            leaf["entity"] = draw(st.sampled_from(ents))["id"]
    if draw(st.booleans()):
        inner = sum(int(c["value"]) for c in leaves)
        leaves.append({"id": "module", "kind": "battery_module", "value": str(inner + draw(st.integers(0, 2000))),
                       "country": draw(st.sampled_from(COUNTRIES)), "contains": [c["id"] for c in leaves]})
    return leaves


@st.composite
def cases(draw, provenance=None):
    ents = draw(entities())
    use_prov = draw(st.booleans()) if provenance is None else provenance
    battery = {"capacity_kwh": str(draw(st.sampled_from([Decimal("3.999"), Decimal(4), Decimal("4.5"), Decimal("6.999"),
                                                           Decimal(7), Decimal("16"), Decimal("75.5")]))),
               "externally_rechargeable": draw(st.sampled_from([True, True, False, None])),
               "impracticable_to_trace_election": draw(st.booleans())}
    if use_prov:
        battery.update(entities=ents, mineral_chains=draw(chains(ents)), components=draw(components(ents)))
    if draw(st.booleans()):
        battery["certified"] = {"critical_minerals_share": str(draw(shares)), "battery_components_share": str(draw(shares)),
                                "feoc_compliant_components": draw(st.booleans()), "feoc_compliant_minerals": draw(st.booleans())}
    pis = draw(days)
    contract = pis - timedelta(days=draw(st.sampled_from([0, 0, 1, 30, 200])))
    vehicle = {"vin": "HYPOTHESIS0000001", "manufacturer": draw(st.sampled_from(["Tesla", "General Motors", "Example"])),
               "model": "X", "model_year": 2024,
               "epa_label_class": draw(st.sampled_from(["small_suv", "midsize", "standard_pickup", "minivan", None])),
               "gvwr_lbs": draw(st.sampled_from([13999, 14000, 5000, None])),
               "qualified_manufacturer": draw(st.sampled_from([True, True, False, None])),
               "final_assembly_country": draw(st.sampled_from(["US", "MX", "DE", None])),
               "msrp": {"base": str(draw(st.sampled_from([Decimal(55000), Decimal("55000.01"), Decimal(80000), Decimal(40000)])))},
               "battery": battery}
    out = {"vehicle": vehicle}
    if draw(st.integers(0, 4)) == 0:
        out["on"] = pis.isoformat()
        return out
    out["purchase"] = {"binding_contract_date": contract.isoformat(), "first_payment_date": contract.isoformat(),
                       "first_payment_kind": draw(st.sampled_from(["deposit", "trade_in", "none"])),
                       "sale_date": pis.isoformat(), "placed_in_service_date": pis.isoformat(),
                       "seller_report": draw(st.sampled_from([True, True, False, None]))}
    if draw(st.booleans()):
        statuses = ["single", "married_filing_jointly", "head_of_household", "married_filing_separately", "qualifying_surviving_spouse"]
        magis = st.sampled_from([Decimal(150000), Decimal("150000.01"), Decimal(225000), Decimal(300000), Decimal(90000), Decimal(400000)])
        out["buyer"] = {"current_year": {"filing_status": draw(st.sampled_from(statuses)), "magi": str(draw(magis))},
                        "preceding_year": {"filing_status": draw(st.sampled_from(statuses)), "magi": str(draw(magis))}}
    return out
