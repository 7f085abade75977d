"""Input models: the vehicle, its battery's provenance, the purchase and the buyer.

>>> v = Vehicle(vin="5YJ3E1EA1PF000001", manufacturer="Tesla", model="Model 3", model_year=2024,
...             msrp=Msrp(base="38990", manufacturer_options="1500", destination="1390"))
>>> v.msrp.manufacturer_options
Decimal('1500')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import Field, field_serializer, model_validator

from ira30d._models.battery import Battery
from ira30d._models.types import (
    Country,
    Day,
    FilingStatus,
    Money,
    PaymentKind,
    Term,
    _Model,
    _Str,
)

BATTERY_MARK = "\x00battery\x00"  # JSON text: "\u0000battery\u0000"
MARKED: dict[str, Any] = {"battery": "marked"}  # the serialization context asking for the marker


class Msrp(_Model):
    """The parts of a window-sticker price, in US dollars. Which of them the MSRP cap counts is law
    (``msrp_composition`` in ``rules/parameters/price_income.yaml``: base and manufacturer options,
    not destination or dealer add-ons, 26 CFR 1.30D-2(b)(29)).

    >>> Msrp(base="54000", destination="1500").destination
    Decimal('1500')
    """

    base: Money = Field(description="Base retail price suggested by the manufacturer, US dollars.")
    manufacturer_options: Money = Field(
        Decimal(0),
        description="Manufacturer-suggested prices of options "
        "physically attached at delivery to the dealer, US dollars.",
    )
    destination: Money = Field(
        Decimal(0), description="Destination and delivery charge, US dollars."
    )
    dealer_addons: Money = Field(Decimal(0), description="Options added by the dealer, US dollars.")


class Vehicle(_Model):
    """The vehicle: identity, EPA label class, weight, final assembly, MSRP and battery. A fact
    left out is unknown (the requirements that need it are undetermined).

    >>> v = Vehicle(vin="1EXAMPLE000000001", manufacturer="Example", model="E", model_year=2024)
    >>> v.gvwr_lbs is None
    True
    """

    vin: _Str = Field(description="Vehicle identification number (text).")
    manufacturer: _Str = Field(
        description="Manufacturer's name as on the IRS list (text; case-insensitive)."
    )
    model: _Str = Field(description="Model name (text).")
    model_year: int = Field(ge=1990, le=2100, description="Model year (a calendar year).")
    epa_label_class: Term | None = Field(
        None,
        description="EPA fuel-economy label class (case-insensitive; the rule set lists the "
        "known ones); unknown: the MSRP limit is undetermined.",
    )
    gvwr_lbs: int | None = Field(
        None, gt=0, le=200000, description="Gross vehicle weight rating, pounds (lbs)."
    )
    motor_vehicle: bool | None = Field(
        True,
        description="Manufactured primarily for use on public roads, with at least four "
        "wheels (true/false; null: unknown).",
    )
    qualified_manufacturer: bool | None = Field(
        None,
        description="The manufacturer is a qualified manufacturer with an IRS agreement "
        "(true/false; null: unknown).",
    )
    final_assembly_country: Country | None = Field(
        None, description="Country of final assembly, ISO 3166-1 alpha-2 (case-insensitive)."
    )
    msrp: Msrp | None = Field(None, description="The window-sticker price parts, US dollars.")
    battery: Battery | None = Field(
        None, description="The traction battery: capacity (kWh) and provenance."
    )

    @field_serializer("battery", mode="wrap", when_used="json")
    def _battery_json(self, battery, nxt, info):  # type: ignore[no-untyped-def]
        """The battery's JSON; asked with ``MARKED`` as context, the marker that stands for it
        (``_models/canonical.py`` puts the battery's own JSON, made once, in its place). Not
        annotated: pydantic then keeps the field's own schema for serialization."""
        if battery is not None and info.context is MARKED:
            return BATTERY_MARK
        return nxt(battery)


class Purchase(_Model):
    """The purchase: written binding contract, first payment and its kind, sale and
    placed-in-service (possession) dates, and the purchase facts the law asks for.

    >>> Purchase(placed_in_service_date="2024-06-01").transition_election is None
    True
    """

    binding_contract_date: Day | None = Field(
        None, description="Date of the written binding contract, YYYY-MM-DD."
    )
    first_payment_date: Day | None = Field(
        None, description="Date of the first payment, YYYY-MM-DD."
    )
    first_payment_kind: PaymentKind | None = Field(
        None, description="Kind of the first payment (case-insensitive)."
    )
    sale_date: Day | None = Field(None, description="Date of sale, YYYY-MM-DD.")
    placed_in_service_date: Day | None = Field(
        None, description="Date placed in service (taken possession), YYYY-MM-DD."
    )
    original_use: bool | None = Field(
        True, description="Original use commences with the buyer (true/false; null: unknown)."
    )
    for_resale: bool | None = Field(
        False, description="Acquired for resale (true/false; null: unknown)."
    )
    seller_report: bool | None = Field(
        None,
        description="The seller furnished the report to the buyer and the IRS "
        "(true/false; null: unknown).",
    )
    transition_election: bool | None = Field(
        None,
        description="The taxpayer elects to treat the vehicle as placed in service on the day "
        "before the IRA's enactment (IRA §13401(l)); None: not stated (both are shown).",
    )


class TaxYear(_Model):
    """One tax year of the buyer: filing status and modified adjusted gross income (USD).

    >>> TaxYear(filing_status="single", magi="150000.004").magi
    Decimal('150000.004')
    """

    filing_status: FilingStatus = Field(description="Filing status (case-insensitive).")
    magi: Money = Field(description="Modified adjusted gross income, US dollars.")


class Buyer(_Model):
    """The buyer's two tax years the MAGI limit reads: the year placed in service and the one
    before (either may be missing; the test then needs the other to pass).

    >>> Buyer(current_year={"filing_status": "single", "magi": "90000"}).preceding_year is None
    True
    """

    current_year: TaxYear | None = Field(
        None, description="The tax year the vehicle is placed in service."
    )
    preceding_year: TaxYear | None = Field(None, description="The tax year before it.")


class Case(_Model):
    """What one determination reads: a vehicle, and either a purchase (with an optional buyer)
    or a date ``on`` for the vehicle-level question (maximum credit, buyer not assessed).

    >>> c = Case.model_validate({"vehicle": {"vin": "V", "manufacturer": "M", "model": "E",
    ...                                      "model_year": 2024}, "on": "2024-06-01"})
    >>> c.on, c.purchase is None
    (datetime.date(2024, 6, 1), True)
    """

    id: _Str | None = Field(None, description="Your id for this case (text).")
    vehicle: Vehicle = Field(description="The vehicle and its battery.")
    purchase: Purchase | None = Field(
        None, description="The purchase; give it or a date 'on', not both."
    )
    buyer: Buyer | None = Field(None, description="The buyer's tax years (needs a purchase).")
    on: Day | None = Field(
        None,
        description="For the vehicle-level question (the most a buyer could get), the date "
        "asked about, YYYY-MM-DD; give it or a purchase, not both.",
    )

    @model_validator(mode="after")
    def _question(self) -> Case:
        if self.purchase is None and self.on is None:
            raise ValueError("give a purchase, or a date 'on' for the vehicle-level question")
        if self.purchase is not None and self.on is not None:
            raise ValueError(
                "give a purchase or a date 'on', not both: 'on' asks the vehicle-level "
                "question, a purchase decides that purchase"
            )
        if self.buyer is not None and self.purchase is None:
            raise ValueError("a buyer needs a purchase")
        return self
