"""The contract between the code and the rule files: every parameter the measures read, every
fact they write, and every construct a rule file may use (a method's test, a FEOC test's kind,
an input field a definition names) exists. Checked when a rule set is built, so a renamed or
misspelt name fails at load with the file and the path, never mid-run.

>>> import dataclasses, ira30d
>>> book = ira30d.default_ruleset().book
>>> less = {k: v for k, v in book.parameters.items() if k != "feoc_lists"}
>>> check_book(dataclasses.replace(book, parameters=less))
Traceback (most recent call last):
...
ira30d.RuleFileError: parameters: at feoc_lists: the code reads this parameter;
no parameter file defines it
"""

from __future__ import annotations

from typing import Any

from ira30d._common.errors import RuleFileError
from ira30d._law.book import RuleBook
from ira30d._measures import feoc as _feoc
from ira30d._measures import sourcing as _sourcing
from ira30d._models.battery import Entity
from ira30d._models.inputs import Msrp, Purchase

READS_PARAMETERS = (
    "acquisition_date",
    "applicable_critical_minerals",
    "battery_component_kinds",
    "component_lists",
    "critical_minerals_method",
    "critical_minerals_methods",
    "epa_label_class_to_msrp_class",
    "feoc_lists",
    "feoc_tests",
    "final_assembly_lists",
    "impracticable_to_trace_materials",
    "msrp_composition",
    "qualifying_lists_by_activity",
    "transition_deemed_placed_in_service",
)
WRITES_FACTS = (
    "acquired",
    "contract",
    "sale",
    "placed_in_service",
    "possession",
    "transition_applied",
    "original_use",
    "for_resale",
    "seller_report",
    "qualified_manufacturer",
    "motor_vehicle",
    "gvwr_lbs",
    "final_assembly_country",
    "final_assembly_na",
    "msrp",
    "msrp_class",
    "magi_current",
    "status_current",
    "magi_preceding",
    "status_preceding",
    "battery_kwh",
    "externally_rechargeable",
    "impracticable_to_trace_election",
    "critical_minerals_share",
    "critical_minerals_certification_gap",
    "battery_components_share",
    "battery_components_certification_gap",
    "feoc_components",
    "feoc_minerals",
    "feoc_minerals_traceable",
    "feoc_components_attestation_conflict",
    "feoc_minerals_attestation_conflict",
    "phaseout_fraction",
    "phaseout_schedule",
)
COUNTRY_LIST_PARAMETERS = ("component_lists", "feoc_lists", "final_assembly_lists")


def check_book(book: RuleBook) -> None:
    """Raise :class:`RuleFileError` for the first name the code needs that the rule set lacks."""
    for name in READS_PARAMETERS:
        if name not in book.parameters:
            raise RuleFileError(
                "parameters", name, "the code reads this parameter; no parameter file defines it"
            )
    for name in WRITES_FACTS:
        if name not in book.facts:
            raise RuleFileError(
                book.spec.facts, name, "the code writes this fact; facts.yaml does not declare it"
            )
    for name in COUNTRY_LIST_PARAMETERS:
        for where, value in _dated(book, name):
            _lists(book, value, where)
    for name, check in (
        ("critical_minerals_methods", _methods),
        ("qualifying_lists_by_activity", _activities),
        ("feoc_tests", _feoc_tests),
        ("acquisition_date", _acquisition),
        ("msrp_composition", _msrp),
    ):
        for where, value in _dated(book, name):
            check(book, value, where)
    methods = {m for v in book.parameters["critical_minerals_methods"].values for m in v}
    choice = book.parameters["critical_minerals_method"]
    for m in [*choice.values, *(choice.spec.choices or [])]:
        if m not in methods:
            raise RuleFileError(
                "parameters",
                "critical_minerals_method",
                f"{m!r} is not a method of critical_minerals_methods",
            )


def _dated(book: RuleBook, name: str) -> list[tuple[str, Any]]:
    """(path, value) of each of a parameter's values: ``name.value`` or ``name.values.DATE``."""
    p = book.parameters[name]
    if p.constant:
        return [(f"{name}.value", p.values[0])]
    return [(f"{name}.values.{start}", v) for start, v in zip(p.starts, p.values, strict=True)]


def _fail(where: str, why: str) -> RuleFileError:
    return RuleFileError("parameters", where, why)


def _param(book: RuleBook, name: Any, unit: str, where: str) -> None:
    if name not in book.parameters or book.parameters[name].spec.unit != unit:
        raise _fail(where, f"expected the name of a {unit} parameter, got {name!r}")


def _lists(book: RuleBook, names: Any, where: str) -> None:
    for ln in names:
        if ln not in book.country_lists:
            raise _fail(
                where,
                f"unknown country list {ln!r}; known: {', '.join(sorted(book.country_lists))}",
            )


def _methods(book: RuleBook, value: Any, where: str) -> None:
    for name, spec in value.items():
        if spec.get("qualifies_when") not in _sourcing.QUALIFIES_WHEN:
            raise _fail(
                f"{where}.{name}.qualifies_when",
                f"expected one of {', '.join(_sourcing.QUALIFIES_WHEN)}",
            )
        if spec.get("counts") not in _sourcing.COUNTS:
            raise _fail(f"{where}.{name}.counts", f"expected one of {', '.join(_sourcing.COUNTS)}")
        if spec["qualifies_when"] == "best_share_at_least":
            _param(book, spec.get("threshold"), "share", f"{where}.{name}.threshold")


def _activities(book: RuleBook, value: Any, where: str) -> None:
    for activity, names in value.items():
        if activity not in _sourcing.ACTIVITIES:
            raise _fail(
                f"{where}.{activity}", f"expected an activity: {', '.join(_sourcing.ACTIVITIES)}"
            )
        _lists(book, names, f"{where}.{activity}")


def _feoc_tests(book: RuleBook, value: Any, where: str) -> None:
    if _feoc.PLACE not in value:
        raise _fail(where, f"needs the {_feoc.PLACE} test")
    for fact, t in value.items():
        if fact != _feoc.PLACE and fact not in Entity.model_fields:
            raise _fail(f"{where}.{fact}", "not an entity fact (see the Entity input model)")
        if t.get("test") not in _feoc.KINDS or "says" not in t:
            raise _fail(
                f"{where}.{fact}",
                f"expected {{test: one of {', '.join(_feoc.KINDS)}, says: TEXT, ...}}",
            )
        if t["test"] == "in_lists":
            _param(book, t.get("lists"), "list", f"{where}.{fact}.lists")
        if t["test"] == "at_least":
            _param(book, t.get("threshold"), "share", f"{where}.{fact}.threshold")


def _acquisition(book: RuleBook, value: Any, where: str) -> None:
    for name in [*value.get("latest_of", []), value.get("payment_kind_field")]:
        if name not in Purchase.model_fields:
            raise _fail(where, f"{name!r} is not a purchase field")
    _param(book, value.get("payment_kinds"), "list", f"{where}.payment_kinds")


def _msrp(book: RuleBook, value: Any, where: str) -> None:
    for name in [*value.get("counts", []), *value.get("excludes", {})]:
        if name not in Msrp.model_fields:
            raise _fail(where, f"{name!r} is not an msrp field")
