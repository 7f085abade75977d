"""Batches: iterables, JSON Lines, DataFrames, processes, progress, summaries, plots."""

import json
import subprocess
import sys

import pytest

import ira30d
from ira30d import evaluate_many, evaluate_partition, summary, to_dataframe

FLEET = [ira30d.example(n) for n in ira30d.example_names()]


def test_evaluate_many_keeps_order_and_matches_single_evaluation():
    got = list(evaluate_many(FLEET * 3))
    assert got == [ira30d.evaluate(c) for c in FLEET * 3]


def test_processes_give_the_same_results():
    work = FLEET * 150  # more than one chunk
    assert list(evaluate_many(work, processes=2)) == list(evaluate_many(work))


def test_partitions_are_pure_functions_any_split_gives_the_same_answer():
    whole = evaluate_partition(FLEET)
    parts = evaluate_partition(FLEET[:3]) + evaluate_partition(FLEET[3:])
    assert whole == parts


def test_multiprocessing_pool_with_a_scenario_ruleset():
    import multiprocessing

    rs = ira30d.default_ruleset().scenario("uk_pact")
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        results = pool.starmap(evaluate_partition, [(FLEET[:4], rs), (FLEET[4:], rs)])
    flat = [d for part in results for d in part]
    assert [d.amount for d in flat] == [rs.evaluate(c).amount for c in FLEET]
    assert {d.provenance.countries for d in flat} == {"baseline+uk_pact"}


def test_json_lines_file_and_dataframe_in_and_out(tmp_path):
    pd = pytest.importorskip("pandas")
    f = tmp_path / "fleet.jsonl"
    f.write_text("\n".join(json.dumps(c) for c in FLEET) + "\n")
    ds = list(evaluate_many(f))
    df = to_dataframe(ds)
    assert len(df) == len(FLEET) and list(df.columns[:4]) == ["case_id", "vin", "verdict", "amount"]
    assert df.set_index("case_id").loc["over_msrp_cap", "msrp_cap"] == "not_met"
    assert df["amount"].dropna().sum() == sum(d.amount for d in ds if d.amount is not None)
    frame = pd.DataFrame({"case": [json.dumps(c) for c in FLEET]})
    assert list(evaluate_many(frame)) == ds
    cols = pd.DataFrame(FLEET)
    assert [d.amount for d in evaluate_many(cols)] == [d.amount for d in ds]


def test_summary_counts_and_html():
    s = summary(evaluate_many(FLEET))
    assert s["vehicles"] == len(FLEET) and s["eligible"] + s["not_eligible"] + s[
        "undetermined"
    ] == len(FLEET)
    assert s["failed"]["msrp_cap"] == 1 and s["failed"]["termination"] == 1
    assert "<table>" in s._repr_html_() and "msrp_cap" in s._repr_html_()


def test_cli_json_lines_with_progress_bar(tmp_path):
    f = tmp_path / "fleet.jsonl"
    f.write_text("\n".join(json.dumps(c) for c in FLEET * 200) + "\n")
    r = subprocess.run(
        [sys.executable, "-m", "ira30d._cli", "evaluate", str(f), "--json", "--progress"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert r.returncode == 0, r.stderr
    assert len(r.stdout.splitlines()) == len(FLEET) * 200
    n = len(FLEET) * 200
    assert "100%" in r.stderr and f"{n}/{n}" in r.stderr and "cases/s" in r.stderr  # a total


def test_cli_processes_give_the_single_process_output(tmp_path, capsys):
    from ira30d._cli import main

    f = tmp_path / "fleet.jsonl"
    f.write_text("\n".join(json.dumps(c) for c in FLEET * 120) + "\n")
    assert main(["evaluate", str(f), "--json"]) == 0
    single = capsys.readouterr().out
    assert main(["evaluate", str(f), "--json", "--processes", "2"]) == 0
    assert capsys.readouterr().out == single
