"""The battery's provenance: mineral procurement chains and their stages, battery components,
the entities that made them (with the facts the FEOC tests read), certified figures.

>>> Stage(activity="processing", country="JP", share="0.6").share
Decimal('0.6')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator, model_validator

from ira30d._common.exact import add, subtract
from ira30d._models.types import (
    MAX_ITEMS,
    MAX_STAGES,
    PLACES,
    Activity,
    Country,
    Id,
    Money,
    Share,
    StageShare,
    Term,
    _Model,
    _Str,
)


class Stage(_Model):
    """One extraction, processing or recycling activity in a procurement chain, at one place.

    ``share`` is the fraction (0-1) of the chain's whole value added *by that activity* that was
    added at this stage. The shares of one activity add up to at most 1; whatever they leave
    unaccounted for counts as value added outside every qualifying country.

    >>> Stage(activity="processing", country="JP", share="0.6").share
    Decimal('0.6')
    """

    activity: Activity = Field(
        description="What was done at this stage: extraction, processing or recycling "
        "(case-insensitive)."
    )
    country: Country = Field(
        description="Where, ISO 3166-1 alpha-2 country code (case-insensitive)."
    )
    entity: Id | None = Field(
        None, description="Id of the entity (in battery.entities) that performed it."
    )
    share: StageShare = Field(
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
    material.

    >>> MineralChain(id="li", mineral="Lithium", value="900", stages=[
    ...     {"activity": "extraction", "country": "AU", "share": "1"}]).mineral
    'lithium'
    """

    id: Id = Field(description="Id of this chain, unique in the battery (text).")
    mineral: Term = Field(
        description="Applicable critical mineral (case-insensitive; the rule set lists them)."
    )
    material: Term | None = Field(
        None,
        description="Constituent material, e.g. cathode_active_material, graphite "
        "(case-insensitive).",
    )
    value: Money = Field(
        gt=0, description="Value of the mineral supplied through this chain, US dollars."
    )
    stages: list[Stage] = Field(
        min_length=1,
        max_length=MAX_STAGES,
        description="Where and by whom it was extracted, processed or recycled.",
    )

    @model_validator(mode="after")
    def _shares_within_whole(self) -> MineralChain:
        stages = self.stages
        for j, s in enumerate(stages):
            if s.share.as_tuple().exponent < -PLACES and s.share:  # type: ignore[operator]
                raise ValueError(
                    f"stages[{j}].share: no more than {PLACES} decimal places "
                    "(exact arithmetic stays small)"
                )
        if len({s.activity for s in stages}) == len(stages):
            return self  # one stage per activity: each share is at most 1 (its field's bound)
        totals: dict[str, Decimal] = {}
        for s in stages:  # exact: a sum a hair over 1 must not round to 1
            totals[s.activity] = add(totals.get(s.activity, Decimal(0)), s.share)
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
            totals[s.activity] = add(totals.get(s.activity, Decimal(0)), s.share)
        return {a: subtract(Decimal(1), t) for a, t in totals.items()}


class Component(_Model):
    """A battery component, where and by whom it was manufactured or assembled.

    >>> Component(id="cells", kind="Battery_Cell", value="5200", country="us").kind
    'battery_cell'
    """

    id: Id = Field(description="Id of this component, unique in the battery (text).")
    kind: Term = Field(
        description="Battery component kind (case-insensitive; the rule set lists them)."
    )
    value: Money = Field(gt=0, description="Value of the component, US dollars.")
    country: Country = Field(
        description="Where it was manufactured or assembled, ISO 3166-1 alpha-2 (case-insensitive)."
    )
    entity: Id | None = Field(
        None, description="Id of the entity (in battery.entities) that made it."
    )
    contains: list[Id] = Field(
        default=[],
        max_length=MAX_ITEMS,
        description="Ids of the components this one was made from.",
    )


class Entity(_Model):
    """A supplier, with the facts the foreign-entity-of-concern tests read.

    Every fact left out (``None``) is *unknown*, which is not the same as a stated ``0`` or
    ``false``: a FEOC requirement that needs an unknown fact is undetermined and names it.

    >>> Entity(id="s", name="Supplier").government_voting_share is None
    True
    """

    id: Id = Field(description="Id of this entity, unique in the battery (text).")
    name: _Str = Field(description="Name of the entity (text).")
    incorporated_in: Country | None = Field(
        None, description="Country of incorporation or domicile, ISO 3166-1 alpha-2."
    )
    principal_place_of_business: Country | None = Field(
        None, description="Country of the principal place of business, ISO 3166-1 alpha-2."
    )
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
        "control (true/false; null: unknown).",
    )
    designated: bool | None = Field(
        None,
        description="On a designated list (FTO, SDN, DOE determination) "
        "(true/false; null: unknown).",
    )


class CertifiedContent(_Model):
    """The qualified manufacturer's certified figures, an alternative to raw provenance.

    >>> CertifiedContent(critical_minerals_share="0.62", method="value_added_50").period is None
    True
    """

    critical_minerals_share: Share | None = Field(
        None, description="Certified qualifying critical mineral content, a fraction 0-1."
    )
    battery_components_share: Share | None = Field(
        None, description="Certified qualifying battery component content, a fraction 0-1."
    )
    feoc_compliant_components: bool | None = Field(
        None,
        description="Attests that no component was made by a foreign entity of concern "
        "(true/false; null: not attested).",
    )
    feoc_compliant_minerals: bool | None = Field(
        None,
        description="Attests that no critical mineral was handled by a foreign entity of "
        "concern (true/false; null: not attested).",
    )
    method: Literal["value_added_50", "traced_qualifying_value"] | None = Field(
        None, description="Method the critical-mineral figure was computed by."
    )
    period: _Str | None = Field(
        None, description="Period the certification covers, e.g. 2024 (text)."
    )


class Battery(_Model):
    """The traction battery: capacity, and its provenance (mineral chains, components and their
    makers) and/or the manufacturer's certified figures.

    >>> Battery(capacity_kwh="77.4").externally_rechargeable
    True
    """

    capacity_kwh: Annotated[
        Decimal, Field(gt=0, le=10000, allow_inf_nan=False, decimal_places=PLACES)
    ] = Field(description="Battery capacity, kilowatt-hours (kWh).")
    externally_rechargeable: bool | None = Field(
        True, description="Rechargeable from an external source (true/false; null: unknown)."
    )
    mineral_chains: list[MineralChain] | None = Field(
        None,
        max_length=MAX_ITEMS,
        description="Procurement chains of the applicable critical minerals; null: unknown.",
    )
    components: list[Component] | None = Field(
        None, max_length=MAX_ITEMS, description="Battery components; null: unknown."
    )
    entities: list[Entity] = Field(
        default=[],
        max_length=MAX_ITEMS,
        description="Suppliers named by stages and components.",
    )
    impracticable_to_trace_election: bool = Field(
        False,
        description="The manufacturer elects to exclude impracticable-to-trace materials "
        "(true/false).",
    )
    certified: CertifiedContent | None = Field(
        None, description="The manufacturer's certified figures, fractions 0-1."
    )

    @field_validator("mineral_chains", "components", "entities")
    @classmethod
    def _unique_ids(cls, items: list[Any] | None) -> list[Any] | None:
        """Ids are unique within their list: line items and suppliers are named by them. (A
        field check: a battery validated once is not checked again inside each case.)"""
        ids = [i.id for i in items or []]
        if len(set(ids)) < len(ids):
            dup = sorted({i for i in ids if ids.count(i) > 1})
            raise ValueError(f"duplicate id {dup[0]!r}")
        return items
