"""The ira30d command, run as a user would (a subprocess), and in-process for speed."""

import json
import subprocess
import sys

import pytest

import ira30d
from ira30d._cli import main


def run(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "ira30d._cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_demo_prints_every_bundled_example():
    r = run("demo")
    assert r.returncode == 0, r.stderr
    for name in ira30d.example_names():
        assert ira30d.example(name)["vehicle"]["vin"] in r.stdout
    assert "eligible, credit $7,500" in r.stdout and "not eligible, credit $0" in r.stdout


def test_evaluate_json_out_and_add_country(tmp_path, capsys):
    f = tmp_path / "case.json"
    f.write_text(json.dumps(ira30d.example("uk_processed_lithium")))
    assert main(["evaluate", str(f), "--json"]) == 0
    base = json.loads(capsys.readouterr().out)
    assert main(["evaluate", str(f), "--json", "--add-country", "GB"]) == 0
    uk = json.loads(capsys.readouterr().out)
    assert (base["amount"], uk["amount"]) == ("3750", "7500")
    assert "GB" in uk["provenance"]["countries"]


def test_evaluate_json_lines(tmp_path, capsys):
    f = tmp_path / "cases.jsonl"
    f.write_text("\n".join(json.dumps(ira30d.example(n)) for n in ira30d.example_names()) + "\n")
    assert main(["evaluate", str(f), "--json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == len(ira30d.example_names())


def test_countries_file_and_scenario(tmp_path, capsys):
    f = tmp_path / "case.json"
    f.write_text(json.dumps(ira30d.example("uk_processed_lithium")))
    assert main(["evaluate", str(f), "--json", "--scenario", "uk_pact"]) == 0
    assert json.loads(capsys.readouterr().out)["amount"] == "7500"


def test_rules_lists_every_rule_with_citation(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    for r in ira30d.default_ruleset().book.requirements:
        assert r.id in out and r.citation in out
    assert "Not modelled" in out


def test_schema_is_the_input_json_schema(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["title"] == "Case" and "vehicle" in schema["properties"]


@pytest.mark.parametrize(
    "content, needle, status",
    [
        ("{not json", "[invalid_json]", 2),  # the whole input is unusable
        ('{"vehicle": {"vin": "X"}, "on": "2024-01-01"}', "[missing_field]", 1),  # a case failed
        (
            '{"vehicle": {"vin": "X", "manufacturer": "M", "model": "m", "model_year": 2024, '
            '"epa_label_class": "boat"}, "on": "2024-01-01"}',
            "[unknown_class] vehicle.epa_label_class",
            1,
        ),
    ],
)
def test_errors_go_to_stderr_without_traceback(tmp_path, content, needle, status):
    f = tmp_path / "bad.json"
    f.write_text(content)
    r = run("evaluate", str(f))
    assert r.returncode == status and needle in r.stderr, r.stderr
    assert "Traceback" not in r.stderr and "pydantic" not in r.stderr and r.stdout == ""


def test_missing_file_and_unknown_country(tmp_path):
    r = run("evaluate", str(tmp_path / "nope.json"))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    f = tmp_path / "c.json"
    f.write_text(json.dumps(ira30d.example("uk_processed_lithium")))
    r = run("evaluate", str(f), "--add-country", "UK")
    assert r.returncode == 2 and "did you mean GB" in r.stderr and "Traceback" not in r.stderr


def test_compare_on_the_bundled_fleet(capsys):
    assert main(["compare", "examples", "--scenario", "uk_pact", "--json"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    gained = [r["case_id"] for r in rows if r["uk_pact.amount"] != r["baseline.amount"]]
    assert gained == ["uk_processed_lithium"]
    assert main(["compare", "examples"]) == 0
    assert "uk_pact: 7 eligible" in capsys.readouterr().out
