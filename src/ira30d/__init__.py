"""ira30d: the US clean vehicle credit (IRC §30D), decided from provenance, explained with
citations.

>>> import ira30d
>>> d = ira30d.evaluate(ira30d.example("full_credit_2024"))
>>> (d.verdict, d.amount)
('eligible', Decimal('7500'))
"""

from __future__ import annotations

from ira30d._api import default_ruleset, evaluate, example, example_names, input_schema
from ira30d._batch import evaluate_many, evaluate_partition, read_cases, summary
from ira30d._common.errors import (
    EngineError,
    InputError,
    Ira30dError,
    RuleFileError,
    UnknownCountryError,
)
from ira30d._compare import Comparison, Scenario, compare
from ira30d._determination.records import Determination, Finding, Provenance
from ira30d._failures import CaseFailure
from ira30d._fleet_api import compare_fleet, evaluate_fleet, evaluate_fleet_dask, fleet_tables
from ira30d._frame import partition_meta, to_dataframe
from ira30d._models.battery import Battery, CertifiedContent, Component, Entity, MineralChain, Stage
from ira30d._models.inputs import Buyer, Case, Msrp, Purchase, TaxYear, Vehicle
from ira30d._plot import plot_shares
from ira30d._ruleset import RuleSet, rules_dir

__version__ = "0.1.0"
"""The package version; the one source (``pyproject.toml`` reads it from here)."""

__all__ = [
    "Battery",
    "Buyer",
    "Case",
    "CaseFailure",
    "CertifiedContent",
    "Comparison",
    "Component",
    "Determination",
    "EngineError",
    "Entity",
    "Finding",
    "InputError",
    "Ira30dError",
    "MineralChain",
    "Msrp",
    "Provenance",
    "Purchase",
    "RuleFileError",
    "RuleSet",
    "Scenario",
    "Stage",
    "TaxYear",
    "UnknownCountryError",
    "Vehicle",
    "__version__",
    "compare",
    "default_ruleset",
    "evaluate",
    "evaluate_fleet",
    "evaluate_fleet_dask",
    "compare_fleet",
    "evaluate_many",
    "evaluate_partition",
    "example",
    "example_names",
    "fleet_tables",
    "input_schema",
    "partition_meta",
    "plot_shares",
    "read_cases",
    "rules_dir",
    "summary",
    "to_dataframe",
]
