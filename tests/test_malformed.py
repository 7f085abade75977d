"""The malformed inputs of a new user's trial, one JSON Lines file: every bad case is reported on
one line per problem (with its line number), no traceback, the good cases still decided."""

import json
import subprocess
import sys

import ira30d

GOOD = ira30d.example("full_credit_2024")


def variant(path, value):
    """GOOD with the field at ``path`` (a dotted path) set to ``value`` (or deleted: ...)."""
    c = json.loads(json.dumps(GOOD))
    *head, last = path.split(".")
    target = c
    for k in head:
        target = target[int(k)] if k.isdigit() else target[k]
    if value is Ellipsis:
        del target[last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return json.dumps(c)


BAD = [
    ("vehicle.model_yaer", 2024, "unknown_field"),
    ("vehicle.vin", ..., "missing_field"),
    ("purchase.sale_date", "20240705", "invalid_date"),
    ("purchase.sale_date", 20240705, "invalid_date"),
    ("purchase.sale_date", "2024-02-30", "invalid_date"),
    ("purchase.sale_date", "05/07/2024", "invalid_date"),
    ("purchase.sale_date", "2024-07-05T10:00:00", "invalid_date"),
    ("vehicle.msrp.base", "NaN", "invalid_value"),
    ("vehicle.msrp.base", "-Infinity", "invalid_value"),
    ("vehicle.msrp.base", "1" * 40, "invalid_value"),
    ("vehicle.msrp.base", -1, "invalid_value"),
    ("vehicle.msrp.base", "forty thousand", "invalid_value"),
    ("vehicle.gvwr_lbs", 10**30, "invalid_value"),
    ("vehicle.gvwr_lbs", 4500.5, "invalid_value"),
    ("vehicle.vin", "V" * 100_000, "invalid_value"),
    ("vehicle.vin", 12345, "invalid_value"),
    ("vehicle.final_assembly_country", "UK", "invalid_value"),
    ("vehicle.final_assembly_country", "Britain", "invalid_value"),
    ("vehicle.battery.capacity_kwh", 0, "invalid_value"),
    ("vehicle.battery.mineral_chains.0.stages.0.share", 1.5, "invalid_value"),
    ("vehicle.battery.mineral_chains.0.stages.0.activity", "smelting", "unknown_value"),
    ("vehicle.battery.mineral_chains.0.mineral", "unobtainium", "unknown_mineral"),
    ("vehicle.battery.components.0.kind", "flux_capacitor", "unknown_component_kind"),
    ("vehicle.epa_label_class", "hovercraft", "unknown_class"),
    ("buyer.current_year.filing_status", "married", "unknown_value"),
    ("purchase.first_payment_kind", "bitcoin", "unknown_value"),
    ("vehicle.battery", [], "invalid_value"),
    ("vehicle", None, "invalid_value"),
    ("on", "2024-06-01", "invalid_value"),  # both a purchase and a date
]
RAW = ["42", '"a string"', "null", "[1, 2]", '{"vehicle": {}}', "{broken", "NaN", "1e400"]


def test_every_malformed_case_is_one_line_per_problem(tmp_path):
    lines = [json.dumps(GOOD)] + [variant(p, v) for p, v, _ in BAD] + RAW + [json.dumps(GOOD)]
    path = tmp_path / "trial.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    r = subprocess.run(
        [sys.executable, "-m", "ira30d", "evaluate", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 1 and "Traceback" not in r.stderr and "pydantic" not in r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert len(out) == len(lines)
    assert out[0]["amount"] == out[-1]["amount"] == "7500"
    failed = {o["line"]: o["error"] for o in out if "error" in o}
    assert sorted(failed) == list(range(2, len(lines)))
    for n, (path_, _, code) in enumerate(BAD, start=2):
        codes = [p["code"] for p in failed[n]["problems"]]
        assert code in codes, (path_, failed[n])
    for line in r.stderr.splitlines():
        assert line.startswith("ira30d: case[") and len(line) < 600, line
