"""Batches keep going past bad cases; every input error is an ira30d.InputError with a code, a
field path and (in a batch) the case's index; the CLI prints one line per problem."""

import json
import subprocess
import sys

import pytest
from conftest import case
from pydantic import ValidationError

import ira30d

GOOD = [ira30d.example("minerals_half_only"), ira30d.example("over_msrp_cap")]


def cli(*args, stdin=None):
    cmd = [sys.executable, "-m", "ira30d", *args]
    return subprocess.run(cmd, capture_output=True, text=True, input=stdin, timeout=180)


@pytest.fixture
def mixed(tmp_path):
    """JSON Lines: good, not JSON, good, a bad date with an id."""
    bad_date = json.loads(json.dumps(GOOD[0]))
    bad_date["id"] = "typo_date"
    bad_date["purchase"]["sale_date"] = "20240705"
    lines = [json.dumps(GOOD[0]), "{not json", json.dumps(GOOD[1]), json.dumps(bad_date)]
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_bad_case_is_reported_and_the_others_are_evaluated(mixed):
    r = cli("evaluate", str(mixed), "--json")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    out = [json.loads(line) for line in r.stdout.splitlines()]
    assert [o.get("case_id") for o in out] == [
        "minerals_half_only",
        None,
        "over_msrp_cap",
        "typo_date",
    ]
    assert (out[1]["case"], out[1]["line"], out[1]["error"]["code"]) == (1, 2, "invalid_json")
    assert (out[3]["case"], out[3]["line"], out[3]["error"]["problems"][0]["field"]) == (
        3,
        4,
        "purchase.sale_date",
    )
    assert r.stderr.splitlines() == [
        "ira30d: case[1] line 2: [invalid_json] "
        f"{mixed}: line 2: invalid JSON: Expecting property name enclosed in double quotes",
        "ira30d: case[3] line 4 id 'typo_date': [invalid_date] purchase.sale_date: "
        "expected a date as YYYY-MM-DD, got '20240705'",
    ]
    text = cli("evaluate", str(mixed))
    assert (
        text.returncode == 1
        and all(c["vehicle"]["vin"] in text.stdout for c in GOOD)
        and text.stderr == r.stderr
    )


def test_processes_give_the_same_output_and_fail_fast_stops(mixed):
    one = cli("evaluate", str(mixed), "--json")
    two = cli("evaluate", str(mixed), "--json", "--processes", "2")
    assert (two.returncode, two.stdout, two.stderr) == (one.returncode, one.stdout, one.stderr)
    ff = cli("evaluate", str(mixed), "--json", "--fail-fast")
    assert ff.returncode == 1 and len(ff.stdout.splitlines()) == 2
    assert ff.stderr.startswith("ira30d: case[1] line 2:") and "case[3]" not in ff.stderr
    ok = cli("evaluate", "-", "--json", stdin="\n".join(json.dumps(c) for c in GOOD))
    assert ok.returncode == 0 and ok.stderr == ""


def test_the_library_raises_input_error_with_index_and_cause():
    bad = case(vehicle={"model_year": "soon"})
    with pytest.raises(ira30d.InputError) as e:
        list(ira30d.evaluate_many([GOOD[0], GOOD[1], bad]))
    err = e.value
    assert (err.case, err.code, err.field) == (2, "invalid_value", "vehicle.model_year")
    assert isinstance(err.__cause__, ValidationError)
    assert "https://errors.pydantic.dev" not in str(err)
    results = list(ira30d.evaluate_many([bad, GOOD[0]], errors="report"))
    assert isinstance(results[0], ira30d.CaseFailure) and results[0].index == 0
    assert isinstance(results[1], ira30d.Determination)


@pytest.mark.parametrize(
    "day, message",
    [
        ("20240705", "expected a date as YYYY-MM-DD, got '20240705'"),
        (20240705, "expected a date as YYYY-MM-DD, got 20240705"),
        (86400, "expected a date as YYYY-MM-DD, got 86400"),  # not Unix time (1970-01-02)
        ("2024-02-30", "expected a date as YYYY-MM-DD, got '2024-02-30': day is out of range"),
        ("07/05/2024", "expected a date as YYYY-MM-DD, got '07/05/2024'"),
    ],
)
def test_dates_are_iso_text_only(day, message):
    c = case()
    c["purchase"]["placed_in_service_date"] = day
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert e.value.code == "invalid_date" and e.value.field == "purchase.placed_in_service_date"
    assert e.value.reason.startswith(message)


def test_on_and_purchase_together_is_an_error():
    c = case()
    c["on"] = "2024-06-01"
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert e.value.field == "case" and "not both" in e.value.reason


def test_a_typo_suggests_the_field_and_every_problem_is_listed():
    c = case(vehicle={"modle_year": 2024})
    del c["vehicle"]["model_year"]
    c["purchase"]["sale_date"] = "tomorrow"
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate(c)
    assert e.value.lines() == [
        "[missing_field] vehicle.model_year: required field missing",
        "[unknown_field] vehicle.modle_year: unknown field (did you mean 'model_year'?)",
        "[invalid_date] purchase.sale_date: expected a date as YYYY-MM-DD, got 'tomorrow'",
    ]


def test_unknown_backend_and_bad_options_are_input_errors(tmp_path):
    r = cli("evaluate", "examples", "--backend", "drools")
    assert r.returncode == 2 and "[unknown_backend] backend:" in r.stderr and r.stdout == ""
    r = cli("evaluate", "examples", "--scenario", "mars_pact")
    assert r.returncode == 2 and "invalid choice" in r.stderr and "uk_pact" in r.stderr


def test_compare_honours_method_and_country_options(tmp_path):
    base = cli("compare", "examples", "--json", "--scenario", "eu_pact")
    rows = {r["case_id"]: r for r in map(json.loads, base.stdout.splitlines())}
    assert rows["uk_processed_lithium"]["baseline.amount"] == "3750"
    added = cli("compare", "examples", "--json", "--scenario", "eu_pact", "--add-country", "GB")
    rows = {r["case_id"]: r for r in map(json.loads, added.stdout.splitlines())}
    assert rows["uk_processed_lithium"]["baseline.amount"] == "7500"
    lst = tmp_path / "cma.yaml"
    lst.write_text(
        "name: cma_partners\ndescription: test\nmembers:\n"
        "  - {code: GB, since: 2020-01-01, instrument: test}\n"
    )
    listed = cli("compare", "examples", "--json", "--scenario", "eu_pact", "--countries", str(lst))
    assert listed.returncode == 0, listed.stderr
    rows = {r["case_id"]: r for r in map(json.loads, listed.stdout.splitlines())}
    assert rows["uk_processed_lithium"]["baseline.amount"] == "7500"
    split = json.loads(json.dumps(ira30d.example("full_credit_2024")))  # the methods disagree
    split["vehicle"]["battery"]["mineral_chains"] = [
        {
            "id": "a",
            "mineral": "lithium",
            "value": "100",
            "stages": [
                {"activity": "processing", "country": "US", "share": "0.55"},
                {"activity": "processing", "country": "CN", "share": "0.45"},
            ],
        },
        {
            "id": "b",
            "mineral": "nickel",
            "value": "100",
            "stages": [{"activity": "processing", "country": "CN", "share": "1"}],
        },
    ]
    f = tmp_path / "split.json"
    f.write_text(json.dumps(split))
    amounts = {
        m: json.loads(cli("compare", str(f), "--json", "--method", m).stdout)["baseline.amount"]
        for m in ("value_added_50", "traced_qualifying_value")
    }
    assert amounts == {"value_added_50": "7500", "traced_qualifying_value": "3750"}


def test_every_flag_has_help_and_the_help_lists_every_scenario():
    from ira30d._cli import _parser

    parser = _parser()
    subs = next(a for a in parser._actions if a.dest == "command").choices
    for name, sub in subs.items():
        for action in sub._actions:
            assert action.help, (name, action.dest)
    text = cli("evaluate", "--help").stdout
    for scenario in ("eu_pact", "japan_cma", "uk_pact", "without_japan"):
        assert scenario in text
    assert "Exit status" in cli("--help").stdout


def test_the_bar_never_tears_results_on_a_shared_terminal(tmp_path):
    """stdout and stderr on one terminal (a pty): every result line arrives whole."""
    import os
    import pty

    f = tmp_path / "fleet.jsonl"
    f.write_text("\n".join(json.dumps(c) for c in GOOD * 150) + "\n")
    import fcntl
    import struct
    import termios

    primary, secondary = pty.openpty()
    size = struct.pack("HHHH", 24, 100, 0, 0)  # a terminal of 24 rows, 100 columns
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, size)
    proc = subprocess.Popen(
        [sys.executable, "-m", "ira30d", "evaluate", str(f), "--json"],
        stdout=secondary,
        stderr=secondary,
        stdin=subprocess.DEVNULL,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    assert proc.wait(timeout=180) == 0
    text = b"".join(chunks).decode()
    assert "cases/s" in text  # the bar was drawn (stderr is a terminal)
    results = [ln for ln in text.replace("\r\n", "\n").split("\n") if '"schema_version"' in ln]
    assert len(results) == len(GOOD) * 150
    for line in results:
        visible = line.split("\r")[-1]  # what the terminal shows once carriage returns act
        assert json.loads(visible)["schema_version"] == "2"  # nothing of the bar in it
