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

from pydantic import Field, model_validator

from ira30d._models.battery import Battery
from ira30d._models.types import Country, FilingStatus, Money, PaymentKind, _Model, _Str


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
