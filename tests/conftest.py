"""Shared fixtures: rule sets per backend and a builder for cases."""

from __future__ import annotations

import copy
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

import ira30d
from ira30d import RuleSet
from ira30d._engines.backends import durable_available

settings.register_profile(
    "default", max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "long", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

BACKENDS = ["python"] + (["durable"] if durable_available() else [])


@pytest.fixture(scope="session", params=BACKENDS)
def rs(request: pytest.FixtureRequest) -> RuleSet:
    """The shipped rule set, once per available backend."""
    return RuleSet.load(backend=request.param)


@pytest.fixture(scope="session")
def plain() -> RuleSet:
    return RuleSet.load(backend="python")


def merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        elif v is None:
            out.pop(k, None)
        else:
            out[k] = copy.deepcopy(v)
    return out


BASE: dict[str, Any] = {
    "vehicle": {
        "vin": "TESTVIN0000000001",
        "manufacturer": "Example Motors",
        "model": "E1",
        "model_year": 2024,
        "epa_label_class": "small_suv",
        "gvwr_lbs": 5000,
        "qualified_manufacturer": True,
        "final_assembly_country": "US",
        "msrp": {"base": "50000"},
        "battery": {
            "capacity_kwh": "60",
            "certified": {
                "critical_minerals_share": "0.9",
                "battery_components_share": "0.9",
                "feoc_compliant_components": True,
                "feoc_compliant_minerals": True,
            },
        },
    },
    "purchase": {
        "binding_contract_date": "2024-06-01",
        "first_payment_date": "2024-06-01",
        "first_payment_kind": "deposit",
        "sale_date": "2024-06-01",
        "placed_in_service_date": "2024-06-01",
        "original_use": True,
        "for_resale": False,
        "seller_report": True,
    },
    "buyer": {
        "current_year": {"filing_status": "single", "magi": "100000"},
        "preceding_year": {"filing_status": "single", "magi": "100000"},
    },
}


def case(**over: Any) -> dict[str, Any]:
    """The base eligible 2024 case with nested overrides (``None`` deletes a key)."""
    return merge(BASE, over)


def clear_facts(country: str) -> dict[str, Any]:
    """Every fact the FEOC tests read for a supplier in ``country``: all known, none holding."""
    return {
        "incorporated_in": country,
        "principal_place_of_business": country,
        "government_board_share": "0",
        "government_voting_share": "0",
        "government_equity_share": "0",
        "effective_control_license": False,
        "designated": False,
    }


def dated(day: str) -> dict[str, str]:
    """A purchase's four dates, all ``day`` (contract, first payment, sale, placed in service)."""
    keys = ("binding_contract_date", "first_payment_date", "sale_date", "placed_in_service_date")
    return dict.fromkeys(keys, day)


def on(day: str, **over: Any) -> dict[str, Any]:
    """The base case with every purchase date set to ``day``."""
    dates = dated(day)
    return merge(case(purchase=dates), over)


def status(d: ira30d.Determination, rid: str) -> str:
    return d.finding(rid).status


def pytest_report_header(config):
    """Say which engines this run exercises, so a skipped engine is never silent."""
    if durable_available():
        return "ira30d engines: python, durable (durable-rules importable)"
    return (
        "ira30d engines: python only (durable-rules not importable here; durable tests are SKIPPED)"
    )


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    import shutil

    if not (shutil.which("chromium") or shutil.which("chromium-browser")):
        terminalreporter.write_line(
            "ira30d: no Chromium here: the notebook HTML was NOT checked in a browser.",
            yellow=True,
        )
    if not durable_available():
        terminalreporter.write_line(
            "ira30d: the durable-rules engine was NOT tested in this run "
            "(not importable on this Python); the python engine was.",
            yellow=True,
        )
