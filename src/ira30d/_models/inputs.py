"""Input models: the vehicle, its battery's provenance, the purchase and the buyer.

>>> from datetime import date
>>> v = Vehicle(vin="5YJ3E1EA1PF000001", manufacturer="Tesla", model="Model 3", model_year=2024,
...             msrp=Msrp(base="38990", manufacturer_options="1500", destination="1390"))
>>> v.msrp.manufacturer_options
Decimal('1500')
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from ira30d._common.errors import UnknownCountryError
from ira30d._models.codes import check_country

MAX_ITEMS = 500
MAX_STAGES = 50
_Str = Annotated[str, Field(min_length=1, max_length=200)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.:\-]+$")]
Money = Annotated[
    Decimal, Field(ge=0, allow_inf_nan=False, max_digits=18)
]  # exact in 28-digit Decimal arithmetic
Share = Annotated[Decimal, Field(ge=0, le=1, allow_inf_nan=False)]


def _country(code: str) -> str:
    try:
        return check_country(code)
    except UnknownCountryError as exc:
        raise ValueError(exc.reason) from None


Country = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]
Activity = Literal["extraction", "processing", "recycling"]
FilingStatus = Literal[
    "married_filing_jointly",
    "qualifying_surviving_spouse",
    "head_of_household",
    "single",
    "married_filing_separately",
]
PaymentKind = Literal[
    "deposit", "down_payment", "trade_in", "full_payment", "other_payment", "none"
]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Stage(_Model):
    """One extraction, processing or recycling activity in a procurement chain, at one place.

    ``share`` is the fraction (0-1) of the chain's whole value added *by that activity* that was
    added at this stage. The shares of one activity add up to at most 1; whatever they leave
    unaccounted for counts as value added outside every qualifying country.

    >>> Stage(activity="processing", country="JP", share="0.6").share
    Decimal('0.6')
    """

    activity: Activity
    country: Country
    entity: Id | None = Field(
        None, description="Id of the entity (in battery.entities) that performed it."
    )
    share: Share = Field(
        description="Fraction (0-1) of this activity's whole value added in the chain "
        "that was added at this stage."
    )

    @model_validator(mode="before")
    @classmethod
    def _no_value_added(cls, data: Any) -> Any:
        if isinstance(data, dict) and "value_added" in data:
            raise ValueError(
                "'value_added' was replaced by 'share': the fraction (0-1) of this activity's "
                "whole value added in the chain that was added at this stage"
            )
        return data


class MineralChain(_Model):
    """One procurement chain of one applicable critical mineral, ending in a constituent
    material."""

    id: Id
    mineral: _Str
    material: _Str | None = Field(
        None, description="Constituent material, e.g. cathode_active_material, graphite."
    )
    value: Money = Field(
        gt=0, description="Value (USD) of the mineral supplied through this chain."
    )
    stages: list[Stage] = Field(min_length=1, max_length=MAX_STAGES)

    @model_validator(mode="after")
    def _shares_within_whole(self) -> MineralChain:
        totals: dict[str, Decimal] = {}
        for s in self.stages:
            totals[s.activity] = totals.get(s.activity, Decimal(0)) + s.share
        over = {a: t for a, t in totals.items() if t > 1}
        if over:
            a, t = next(iter(over.items()))
            raise ValueError(
                f"chain {self.id!r}: the {a} shares add up to {t}, more than the whole (1)"
            )
        return self

    def unaccounted(self) -> dict[str, Decimal]:
        """Per activity present, the fraction of its value added that no stage accounts for.

        >>> MineralChain(id="m", mineral="lithium", value=10, stages=[
        ...     {"activity": "extraction", "country": "AU", "share": "0.7"}]).unaccounted()
        {'extraction': Decimal('0.3')}
        """
        totals: dict[str, Decimal] = {}
        for s in self.stages:
            totals[s.activity] = totals.get(s.activity, Decimal(0)) + s.share
        return {a: 1 - t for a, t in totals.items()}


class Component(_Model):
    """A battery component, where and by whom it was manufactured or assembled."""

    id: Id
    kind: _Str
    value: Money = Field(gt=0)
    country: Country
    entity: Id | None = None
    contains: list[Id] = Field(default=[], max_length=MAX_ITEMS)


class Entity(_Model):
    """A supplier, with the facts the foreign-entity-of-concern tests read.

    Every fact left out (``None``) is *unknown*, which is not the same as a stated ``0`` or
    ``false``: a FEOC requirement that needs an unknown fact is undetermined and names it.

    >>> Entity(id="s", name="Supplier").government_voting_share is None
    True
    """

    id: Id
    name: _Str
    incorporated_in: Country | None = Field(
        None, description="Country of incorporation or domicile."
    )
    principal_place_of_business: Country | None = None
    government_board_share: Share | None = Field(
        None, description="Fraction (0-1) of board seats held by covered-nation governments."
    )
    government_voting_share: Share | None = Field(
        None, description="Fraction (0-1) of voting rights held by covered-nation governments."
    )
    government_equity_share: Share | None = Field(
        None, description="Fraction (0-1) of equity held by covered-nation governments."
    )
    effective_control_license: bool | None = Field(
        None,
        description="A licence or other contract gives a covered-nation government effective "
        "control.",
    )
    designated: bool | None = Field(
        None, description="On a designated list (FTO, SDN, DOE determination)."
    )


class CertifiedContent(_Model):
    """The qualified manufacturer's certified figures, an alternative to raw provenance."""

    critical_minerals_share: Share | None = None
    battery_components_share: Share | None = None
    feoc_compliant_components: bool | None = None
    feoc_compliant_minerals: bool | None = None
    method: Literal["value_added_50", "traced_qualifying_value"] | None = None
    period: _Str | None = None


class Battery(_Model):
    """The traction battery: capacity, and its provenance (mineral chains, components and their
    makers) and/or the manufacturer's certified figures.

    >>> Battery(capacity_kwh="77.4").externally_rechargeable
    True
    """

    capacity_kwh: Annotated[Decimal, Field(gt=0, le=10000, allow_inf_nan=False)]
    externally_rechargeable: bool | None = True
    mineral_chains: list[MineralChain] | None = Field(None, max_length=MAX_ITEMS)
    components: list[Component] | None = Field(None, max_length=MAX_ITEMS)
    entities: list[Entity] = Field(default=[], max_length=MAX_ITEMS)
    impracticable_to_trace_election: bool = False
    certified: CertifiedContent | None = None

    @model_validator(mode="after")
    def _unique_ids(self) -> Battery:
        for name, items in (
            ("mineral_chains", self.mineral_chains),
            ("components", self.components),
            ("entities", self.entities),
        ):
            ids = [i.id for i in items or []]
            if len(set(ids)) < len(ids):
                dup = sorted({i for i in ids if ids.count(i) > 1})
                raise ValueError(f"{name}: duplicate id {dup[0]!r}")
        return self


class Msrp(_Model):
    """The parts of a window-sticker price, in US dollars. Which of them the MSRP cap counts is law
    (``msrp_composition`` in ``rules/parameters/price_income.yaml``: base and manufacturer options,
    not destination or dealer add-ons, 26 CFR 1.30D-2(b)(29)).

    >>> Msrp(base="54000", destination="1500").destination
    Decimal('1500')
    """

    base: Money = Field(description="Base retail price suggested by the manufacturer (USD).")
    manufacturer_options: Money = Field(
        Decimal(0),
        description="Manufacturer-suggested prices of options "
        "physically attached at delivery to the dealer (USD).",
    )
    destination: Money = Field(Decimal(0), description="Destination and delivery charge (USD).")
    dealer_addons: Money = Field(Decimal(0), description="Options added by the dealer (USD).")


class Vehicle(_Model):
    """The vehicle: identity, EPA label class, weight, final assembly, MSRP and battery. A fact
    left out is unknown (the requirements that need it are undetermined).

    >>> v = Vehicle(vin="1EXAMPLE000000001", manufacturer="Example", model="E", model_year=2024)
    >>> v.gvwr_lbs is None
    True
    """

    vin: _Str
    manufacturer: _Str
    model: _Str
    model_year: int = Field(ge=1990, le=2100)
    epa_label_class: _Str | None = None
    gvwr_lbs: int | None = Field(None, gt=0, le=200000)
    motor_vehicle: bool | None = Field(
        True, description="Manufactured for public roads, at least four wheels."
    )
    qualified_manufacturer: bool | None = None
    final_assembly_country: Country | None = None
    msrp: Msrp | None = None
    battery: Battery | None = None


class Purchase(_Model):
    """The purchase: written binding contract, first payment and its kind, sale and
    placed-in-service (possession) dates, and the purchase facts the law asks for.

    >>> Purchase(placed_in_service_date="2024-06-01").transition_election is None
    True
    """

    binding_contract_date: date | None = None
    first_payment_date: date | None = None
    first_payment_kind: PaymentKind | None = None
    sale_date: date | None = None
    placed_in_service_date: date | None = None
    original_use: bool | None = True
    for_resale: bool | None = False
    seller_report: bool | None = None
    transition_election: bool | None = Field(
        None,
        description="The taxpayer elects to treat the vehicle as placed in service on the day "
        "before "
        "the IRA's enactment (IRA §13401(l)); None: not stated (both are shown).",
    )


class TaxYear(_Model):
    """One tax year of the buyer: filing status and modified adjusted gross income (USD).

    >>> TaxYear(filing_status="single", magi="150000.004").magi
    Decimal('150000.004')
    """

    filing_status: FilingStatus
    magi: Money


class Buyer(_Model):
    """The buyer's two tax years the MAGI limit reads: the year placed in service and the one
    before (either may be missing; the test then needs the other to pass).

    >>> Buyer(current_year={"filing_status": "single", "magi": "90000"}).preceding_year is None
    True
    """

    current_year: TaxYear | None = None
    preceding_year: TaxYear | None = None


class Case(_Model):
    """What one determination reads: a vehicle, and either a purchase (with an optional buyer)
    or a date ``on`` for the vehicle-level question (maximum credit, buyer not assessed)."""

    id: _Str | None = None
    vehicle: Vehicle
    purchase: Purchase | None = None
    buyer: Buyer | None = None
    on: date | None = None

    @model_validator(mode="after")
    def _question(self) -> Case:
        if self.purchase is None and self.on is None:
            raise ValueError("give a purchase, or a date 'on' for the vehicle-level question")
        if self.buyer is not None and self.purchase is None:
            raise ValueError("a buyer needs a purchase")
        return self
