"""Hypothesis strategies for whole cases across every regime and edge value.

Biased toward cases that earn a credit (a third or more do; ``test_strategies_reach_a_credit``
checks it), while still drawing every kind of failure and every unknown: entity facts left out,
stage shares that leave value added unaccounted for, payments after the contract, the IRA
transition, manufacturer aliases with phase-out schedules, one tax year only.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import strategies as st

COUNTRIES = ["US", "CA", "MX", "AU", "CL", "KR", "JP", "GB", "DE", "CN", "CD", "ID", "RU"]
GOOD_EP = ["US", "CA", "AU", "CL", "KR", "JP"]  # extraction/processing countries that qualify
NA = ["US", "CA", "MX"]
EDGE_DAYS = [
    date(2009, 12, 31),
    date(2010, 1, 1),
    date(2021, 12, 31),
    date(2022, 1, 1),
    date(2022, 8, 15),
    date(2022, 8, 16),
    date(2022, 8, 17),
    date(2022, 9, 30),
    date(2022, 10, 1),
    date(2022, 12, 31),
    date(2023, 1, 1),
    date(2023, 4, 17),
    date(2023, 4, 18),
    date(2023, 12, 31),
    date(2024, 1, 1),
    date(2024, 12, 31),
    date(2025, 1, 1),
    date(2025, 9, 30),
    date(2025, 10, 1),
    date(2026, 12, 31),
    date(2027, 1, 1),
    date(2029, 1, 1),
]
ACTIVITIES = ["extraction", "processing", "recycling"]
MAKERS = [
    "Example Motors",
    "Tesla",
    "Tesla, Inc.",
    "General Motors",
    "Chevrolet",
    "Cadillac",
    "Toyota",
    "Lexus",
]
shares = st.one_of(
    st.sampled_from(
        [
            Decimal(0),
            Decimal("0.25"),
            Decimal("0.2499"),
            Decimal("0.4"),
            Decimal("0.5"),
            Decimal("0.6"),
            Decimal("0.7"),
            Decimal("0.8"),
            Decimal("0.9"),
            Decimal(1),
        ]
    ),
    st.decimals(min_value=0, max_value=1, places=6),
)


class Pick:
    """Draws for one case: in a *clean* case every field takes its good values (still drawn at
    random among them); otherwise good values ``odds`` times in ``odds + 1``."""

    def __init__(self, draw, clean: bool) -> None:
        self.draw, self.clean = draw, clean

    def __call__(self, good, *rest, odds: int = 4):
        return self.draw(good if self.clean or not rest else mostly(good, *rest, odds=odds))

    def maybe(self, good, *rest, odds: int = 4):
        """Like a call, but absent (None) about once in six draws outside a clean case."""
        return self.draw(
            good if self.clean else maybe(mostly(good, *rest, odds=odds) if rest else good)
        )


def mostly(good, *rest, odds: int = 4):
    """``good`` about ``odds`` times in ``odds + 1``, else one of ``rest``. (Hypothesis favours
    small
    integers, so the rare branch is the largest index.)"""
    return st.integers(0, odds).flatmap(lambda i: st.one_of(*rest) if i == odds else good)


def maybe(value, absent_one_in: int = 6):
    """``value``, or absent (None) about once in ``absent_one_in`` draws."""
    return st.integers(0, absent_one_in - 1).flatmap(
        lambda i: st.none() if i == absent_one_in - 1 else value
    )


@st.composite
def entities(draw, pick):
    out = []
    for i in range(draw(st.integers(0, 3))):

        def gov():
            return pick(
                st.sampled_from(["0", "0.2499"]), st.sampled_from(["0.25", "0.3"]), st.none()
            )

        e = {
            "id": f"e{i}",
            "name": f"Entity {i}",
            "incorporated_in": pick.maybe(st.sampled_from(GOOD_EP), st.sampled_from(COUNTRIES)),
            "principal_place_of_business": pick.maybe(
                st.sampled_from(GOOD_EP), st.sampled_from(COUNTRIES)
            ),
            "government_board_share": gov(),
            "government_voting_share": gov(),
            "government_equity_share": gov(),
            "effective_control_license": pick.maybe(st.just(False), st.just(True)),
            "designated": pick.maybe(st.just(False), st.just(True), odds=8),
        }
        out.append({k: v for k, v in e.items() if v is not None})
    return out


@st.composite
def stages(draw, ents, pick):
    out = []
    for activity in draw(
        st.sampled_from(
            [
                ["extraction", "processing"],
                ["processing"],
                ["recycling"],
                ["extraction", "processing", "processing"],
                ["extraction"],
            ]
        )
    ):
        good = st.sampled_from(NA if activity == "recycling" else GOOD_EP)
        out.append({"activity": activity, "country": pick(good, st.sampled_from(COUNTRIES))})
    by_activity: dict[str, list] = {}
    for s in out:
        by_activity.setdefault(s["activity"], []).append(s)
    for group in by_activity.values():  # shares of one activity: whole, or leaving a remainder
        left = Decimal(1) - pick(
            st.just(Decimal(0)), st.sampled_from([Decimal("0.1"), Decimal("0.5"), Decimal(1)])
        )
        for s in group[:-1]:
            part = draw(st.decimals(min_value=0, max_value=left, places=3))
            s["share"], left = str(part), left - part
        group[-1]["share"] = str(left)
    for s in out:
        if ents and pick(st.just(True), st.just(False)):
            s["entity"] = draw(st.sampled_from(ents))["id"]
    return out


@st.composite
def chains(draw, ents, pick, n=None):
    count = draw(st.integers(1, 6)) if n is None else n
    return [
        {
            "id": f"m{i}",
            "mineral": draw(
                st.sampled_from(["lithium", "nickel", "cobalt", "graphite", "manganese", "Lithium"])
            ),
            "material": draw(
                st.sampled_from([None, "graphite", "cathode_active_material", "electrolyte_salt"])
            ),
            "value": str(draw(st.integers(1, 5000))),
            "stages": draw(stages(ents, pick)),
        }
        for i in range(count)
    ]


@st.composite
def components(draw, ents, pick):
    kinds = [
        "cathode_electrode",
        "anode_electrode",
        "separator",
        "liquid_electrolyte",
        "battery_cell",
    ]
    leaves = [
        {
            "id": f"c{i}",
            "kind": draw(st.sampled_from(kinds)),
            "value": str(draw(st.integers(1, 3000))),
            "country": pick(st.sampled_from(NA), st.sampled_from(COUNTRIES)),
        }
        for i in range(draw(st.integers(1, 5)))
    ]
    for leaf in leaves:
        if ents and pick(st.just(True), st.just(False)):
            leaf["entity"] = draw(st.sampled_from(ents))["id"]
    if draw(st.booleans()):
        inner = sum(int(c["value"]) for c in leaves)
        leaves.append(
            {
                "id": "module",
                "kind": "battery_module",
                "value": str(inner + draw(st.integers(0, 2000))),
                "country": pick(st.sampled_from(NA), st.sampled_from(COUNTRIES)),
                "contains": [c["id"] for c in leaves],
            }
        )
    return leaves


@st.composite
def cases(draw, provenance=None):
    pick = Pick(draw, clean=draw(st.integers(0, 1)) == 0)
    ents = draw(entities(pick))
    use_prov = draw(st.booleans()) if provenance is None else provenance
    battery = {
        "capacity_kwh": str(
            pick(
                st.sampled_from([Decimal(16), Decimal("75.5"), Decimal(60)]),
                st.sampled_from(
                    [Decimal("3.999"), Decimal(4), Decimal("4.5"), Decimal("6.999"), Decimal(7)]
                ),
            )
        ),
        "externally_rechargeable": pick(st.just(True), st.sampled_from([False, None]), odds=8),
        "impracticable_to_trace_election": draw(st.booleans()),
    }
    if use_prov:
        battery.update(
            entities=ents,
            mineral_chains=draw(chains(ents, pick)),
            components=draw(components(ents, pick)),
        )
    if pick(st.just(True), st.just(False), odds=2):
        good = pick(st.sampled_from([Decimal("0.9"), Decimal(1), Decimal("0.8")]), shares)
        cert = {
            "critical_minerals_share": str(good),
            "battery_components_share": str(good),
            "feoc_compliant_components": pick(st.just(True), st.sampled_from([False, None])),
            "feoc_compliant_minerals": pick(st.just(True), st.sampled_from([False, None])),
            "method": draw(st.sampled_from([None, "value_added_50", "traced_qualifying_value"])),
        }
        battery["certified"] = {k: v for k, v in cert.items() if v is not None}
    pis = pick(
        st.dates(date(2023, 4, 18), date(2025, 9, 30)),
        st.sampled_from(EDGE_DAYS),
        st.dates(date(2009, 6, 1), date(2030, 12, 31)),
        odds=2,
    )
    contract = pis - timedelta(days=draw(st.sampled_from([0, 0, 1, 30, 200, 400])))
    payment = contract + timedelta(days=pick(st.just(0), st.sampled_from([1, 10, 60])))
    vehicle = {
        "vin": "HYPOTHESIS0000001",
        "manufacturer": draw(st.sampled_from(MAKERS)),
        "model": "X",
        "model_year": 2024,
        "epa_label_class": pick(
            st.sampled_from(
                [
                    "small_suv",
                    "midsize",
                    "standard_pickup",
                    "minivan",
                    "special purpose vehicle",
                    "Small SUV",
                ]
            ),
            st.none(),
        ),
        "gvwr_lbs": pick(st.just(5000), st.sampled_from([13999, 14000, None])),
        "qualified_manufacturer": pick(st.just(True), st.sampled_from([False, None]), odds=8),
        "final_assembly_country": pick(st.sampled_from(NA), st.sampled_from(["DE", "KR", None])),
        "msrp": {
            "base": str(
                pick(
                    st.sampled_from([Decimal(40000), Decimal(55000), Decimal("54999.999")]),
                    st.sampled_from(
                        [Decimal("55000.01"), Decimal("55000.001"), Decimal(80000), Decimal(90000)]
                    ),
                )
            )
        },
        "battery": battery,
    }
    out = {"vehicle": vehicle}
    if draw(st.integers(0, 4)) == 4:
        out["on"] = pis.isoformat()
        return out
    out["purchase"] = {
        "binding_contract_date": contract.isoformat(),
        "first_payment_date": payment.isoformat(),
        "first_payment_kind": pick(
            st.sampled_from(["deposit", "trade_in", "down_payment"]), st.just("none")
        ),
        "sale_date": pis.isoformat(),
        "placed_in_service_date": pis.isoformat(),
        "original_use": pick(st.just(True), st.sampled_from([False, None]), odds=8),
        "for_resale": pick(st.just(False), st.sampled_from([True, None]), odds=8),
        "seller_report": pick(st.just(True), st.sampled_from([False, None]), odds=8),
        "transition_election": draw(st.sampled_from([None, None, True, False])),
    }
    if draw(st.booleans()):
        statuses = [
            "single",
            "married_filing_jointly",
            "head_of_household",
            "married_filing_separately",
            "qualifying_surviving_spouse",
        ]

        def magi():
            return str(
                pick(
                    st.sampled_from([Decimal(90000), Decimal(150000), Decimal(140000)]),
                    st.sampled_from(
                        [
                            Decimal("150000.01"),
                            Decimal("150000.004"),
                            Decimal(225000),
                            Decimal(300000),
                            Decimal(400000),
                        ]
                    ),
                )
            )

        years = {
            "current_year": {"filing_status": draw(st.sampled_from(statuses)), "magi": magi()},
            "preceding_year": {"filing_status": draw(st.sampled_from(statuses)), "magi": magi()},
        }
        if draw(st.integers(0, 3)) == 3:  # one tax year only
            years.pop(draw(st.sampled_from(sorted(years))))
        out["buyer"] = years
    return out


# any day of the credit's history, edge days first
days = st.one_of(st.sampled_from(EDGE_DAYS), st.dates(date(2009, 6, 1), date(2030, 12, 31)))
