"""The battery's provenance: mineral procurement chains and their stages, battery components,
the entities that made them (with the facts the FEOC tests read), certified figures.

>>> Stage(activity="processing", country="JP", share="0.6").share
Decimal('0.6')
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from ira30d._models.types import (
    MAX_ITEMS,
    MAX_STAGES,
    Activity,
    Country,
    Id,
    Money,
    Share,
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
