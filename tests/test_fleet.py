"""The columnar fleet engine gives the object path's answers: verdict, amount, both bounds and
every requirement's status, row for row, on the bundled examples and on generated fleets, for
both Python engines; rows it cannot read exactly are errors that say why, never floats."""

import json
import subprocess
from decimal import Decimal

import pytest
from conftest import case
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cases

import ira30d

pl = pytest.importorskip("polars")
from ira30d._fleet.tables import NAMES  # noqa: E402 - after the skip: needs Polars


def expected(rs, c, method=None):
    """The object path's answer for one case, as the fleet frame spells it."""
    try:
        d = rs.evaluate(c, method=method)
    except ira30d.Ira30dError:
        return {"verdict": "error"}
    cents = Decimal("0.01")
    money = {
        "amount": d.amount,
        "amount_if_undetermined_met": d.amount_if_undetermined_met,
        "amount_if_undetermined_not_met": d.amount_if_undetermined_not_met,
    }
    return {
        "verdict": d.verdict,
        **{k: None if v is None else v.quantize(cents) for k, v in money.items()},
        **{f.id: f.status for f in d.findings},
    }


def check(rs, fleet, method=None):
    frame = ira30d.evaluate_fleet(fleet, ruleset=rs, method=method).frame
    assert frame["row"].to_list() == list(range(len(fleet)))
    engines = []
    for row in frame.to_dicts():
        want = expected(rs, fleet[row["row"]], method)
        engines.append(row["engine"])
        if row["engine"] == "tables":  # not representable exactly: an error saying so
            assert row["verdict"] == "error"
            assert "does not fit" in row["error"] or want["verdict"] == "error", row["error"]
            continue
        assert {k: row[k] for k in want} == want, (row["case_id"], row["engine"])
    return engines


def test_the_bundled_examples(rs):
    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    engines = check(rs, fleet)
    assert engines.count("columnar") >= 11  # a stated transition election goes one by one
    for method in ("value_added_50", "traced_qualifying_value"):
        check(rs, fleet, method)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(fleet=st.lists(cases(), min_size=1, max_size=8))
def test_generated_fleets(rs, fleet):
    check(rs, fleet)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(fleet=st.lists(cases(), min_size=1, max_size=6))
def test_generated_fleets_by_the_traced_method(plain, fleet):
    check(plain, fleet, "traced_qualifying_value")


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(fleet=st.lists(cases(), min_size=30, max_size=30))
def test_rows_leave_the_columnar_path_only_for_the_documented_reasons(plain, fleet):
    """The differential test is only as good as what it exercises: an exactly representable row
    goes one by one only with a stated transition election, or when its input is invalid."""
    engines = check(plain, fleet)
    for c, engine in zip(fleet, engines, strict=True):
        if engine == "object":
            try:
                plain.evaluate(c)
            except ira30d.Ira30dError:
                continue
            assert (c.get("purchase") or {}).get("transition_election") is True, c
    assert "columnar" in engines


def test_sums_that_leave_int64_are_exact():
    """Chain and component values whose sums (times shares in ppm) leave Int64 are summed in
    Int128: the same answers as the object path, never a wrapped integer."""
    big = ira30d.example("full_credit_2024")
    for i, chain in enumerate(big["vehicle"]["battery"]["mineral_chains"]):
        chain["value"] = str(40_000_000_000_000_000 + i)  # 4e16 dollars: near the 2**62 cents cap
    for comp in big["vehicle"]["battery"]["components"]:
        comp["value"] = str(Decimal(comp["value"]) * 10**12)
    frame = ira30d.evaluate_fleet([big]).frame
    assert frame["engine"].to_list() == ["columnar"]
    check(ira30d.default_ruleset(), [big, ira30d.example("full_credit_2024")])


def test_tables_in_any_row_order_give_the_same_answers():
    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    t = ira30d.fleet_tables(fleet)
    children = {n: getattr(t, n).sample(fraction=1.0, shuffle=True, seed=3) for n in NAMES[1:]}
    shuffled = type(t)(vehicles=t.vehicles, **children)
    assert ira30d.evaluate_fleet(shuffled).frame.equals(ira30d.evaluate_fleet(t).frame)


def test_item_positions_that_could_mix_two_vehicles_are_refused(tmp_path):
    """Items are keyed by (vehicle, position) in one integer: a position past the key's span
    would add one vehicle's chain to the next vehicle's sums, so such tables are refused."""
    t = ira30d.fleet_tables([ira30d.example("full_credit_2024")] * 2)
    far = t.chains.with_columns(
        pl.when(pl.col("chain") == 0).then(1024).otherwise("chain").alias("chain")
    )
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate_fleet(type(t)(**{**t.__dict__, "chains": far}))
    assert e.value.field == "chains.chain" and e.value.code == "invalid_tables"
    type(t)(**{**t.__dict__, "chains": far}).write(tmp_path)
    run = subprocess.run(
        ["ira30d", "fleet", str(tmp_path), str(tmp_path / "out.parquet")],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "chains.chain" in run.stderr and "Traceback" not in run.stderr


@pytest.mark.parametrize(("table", "column"), [("stages", "country"), ("chains", "value_cents")])
def test_a_null_where_every_item_needs_a_value_is_refused(table, column):
    """Summed as nothing, a null country would never count as unknown: refused, named."""
    t = ira30d.fleet_tables([ira30d.example("full_credit_2024")])
    holed = getattr(t, table).with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(None).otherwise(pl.col(column)).alias(column)
    )
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate_fleet(type(t)(**{**t.__dict__, table: holed}))
    assert e.value.field == f"{table}.{column}" and e.value.code == "invalid_tables"


def test_a_chain_without_stages_is_decided_by_the_object_path_not_counted_clear():
    """Stage rows say where and by whom: a chain with none would count as no FEOC. The row goes
    to the object path, which refuses the case (a chain needs a stage)."""
    t = ira30d.fleet_tables([ira30d.example("full_credit_2024")] * 2)
    bare = t.stages.filter((pl.col("row") == 0) & (pl.col("chain") == 0)).height
    stages = t.stages.filter(~((pl.col("row") == 0) & (pl.col("chain") == 0)))
    assert bare and stages.height == t.stages.height - bare
    rows = ira30d.evaluate_fleet(type(t)(**{**t.__dict__, "stages": stages})).frame.to_dicts()
    assert (rows[0]["engine"], rows[0]["verdict"]) == ("object", "error")
    assert (rows[1]["engine"], rows[1]["verdict"]) == ("columnar", "eligible")


def test_law_the_columns_cannot_run_is_refused_before_any_row(tmp_path):
    """A rule set whose law the fleet engine cannot express column-wise fails with a
    RuleFileError naming it, as the rule compiler does, before any row is decided."""
    import dataclasses

    rs = ira30d.default_ruleset()
    book = dataclasses.replace(rs.book, rounding={})  # as if no rule compared any fact
    odd = ira30d.RuleSet(book, rs.countries, "python")
    with pytest.raises(ira30d.RuleFileError) as e:
        ira30d.evaluate_fleet([ira30d.example("full_credit_2024")], ruleset=odd)
    assert e.value.file == "<fleet engine>" and e.value.path == "critical_minerals_share"


def test_tables_with_text_instead_of_categories_give_the_same_answers():
    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    t = ira30d.fleet_tables(fleet)
    text = {n: getattr(t, n).with_columns(pl.col(pl.Categorical).cast(pl.String)) for n in NAMES}
    assert pl.String in text["stages"].schema.values()
    assert ira30d.evaluate_fleet(type(t)(**text)).frame.equals(ira30d.evaluate_fleet(t).frame)


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 6), st.one_of(st.none(), st.integers(-(2**40), 2**40))),
        max_size=40,
    ),
    wide=st.booleans(),
)
def test_run_sums_are_group_sums(rows, wide):
    """The runs reduction equals a group-by sum (nulls as 0), in either integer width."""
    from ira30d._fleet.runs import ordered, run_sums

    frame = pl.DataFrame(rows, schema={"key": pl.Int64, "x": pl.Int64}, orient="row")
    dtype = pl.Int128 if wide else pl.Int64
    got = run_sums(ordered(frame, "key"), "key", {"x": pl.col("x"), "n": pl.col("key") >= 0}, dtype)
    want = frame.group_by("key").agg(pl.col("x").sum(), pl.len().alias("n")).sort("key")
    assert got.rows() == want.rows()


def test_fits_is_exact_at_the_int64_boundary():
    from ira30d._fleet.runs import fits

    assert fits(pl.Series([2**62, 2**62 - 1]))  # 2**63 - 1: the largest Int64
    assert not fits(pl.Series([2**62, 2**62]))
    assert not fits(pl.Series([-(2**62), 2**62]))  # absolute values: a running sum may pass it
    assert fits(pl.Series([10**6]), 10**12) and not fits(pl.Series([10**7]), 10**12)


def test_a_value_finer_than_the_scale_is_an_error_not_a_float():
    c = case()
    c["buyer"]["current_year"]["magi"] = "150000.004"
    row = ira30d.evaluate_fleet([c, case()]).frame.to_dicts()
    assert row[0]["verdict"] == "error" and "does not fit" in row[0]["error"]
    assert "buyer.current_year.magi" in row[0]["error"] and row[1]["verdict"] != "error"


def test_a_share_with_more_digits_than_decimal_arithmetic_keeps_is_not_rounded_to_fit():
    """0.000000 followed by 34 nines (40 decimal places, the most a share may have), times
    10**6, rounds to 1 in 28-digit arithmetic: it must not pass as 1 ppm."""
    c = ira30d.example("full_credit_2024")
    c["vehicle"]["battery"]["mineral_chains"][0]["stages"][0]["share"] = "0.000000" + "9" * 34
    row = ira30d.evaluate_fleet([c]).frame.row(0, named=True)
    assert row["verdict"] == "error" and "does not fit" in row["error"], row["error"]
    c["vehicle"]["battery"]["mineral_chains"][0]["stages"][0]["share"] = "0.000000" + "9" * 42
    row = ira30d.evaluate_fleet([c]).frame.row(0, named=True)
    assert row["verdict"] == "error" and "40 decimal places" in row["error"], row["error"]


def test_explain_any_row_through_the_object_path():
    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    r = ira30d.evaluate_fleet(fleet)
    for i in (0, 5, 9):
        assert r.explain(i) == ira30d.evaluate(fleet[i]).explain()


def test_parquet_tables_batches_and_scenarios(tmp_path):
    fleet = [ira30d.example(n) for n in ira30d.example_names()] * 3
    ira30d.fleet_tables(fleet).write(tmp_path / "t")
    whole = ira30d.evaluate_fleet(fleet).frame
    batched = ira30d.evaluate_fleet(tmp_path / "t", batch_size=5).frame
    assert batched.equals(whole)
    uk = ira30d.evaluate_fleet(tmp_path / "t", scenario="uk_pact").frame
    assert uk["countries"][0] == "baseline+uk_pact"
    gained = uk.filter(pl.col("amount") != whole["amount"])["case_id"].unique().to_list()
    assert gained == ["uk_processed_lithium"]
    assert whole["ruleset_hash"][0] == ira30d.evaluate(fleet[0]).provenance.ruleset_hash


def test_a_rule_the_compiler_cannot_express_fails_naming_it():
    from ira30d._fleet.rules import compile_columns
    from ira30d._law import conditions as C

    with pytest.raises(ira30d.RuleFileError) as e:
        compile_columns([("gvwr|m", C.Atom("gvwr_lbs", "within", 14000))])
    assert e.value.path == "gvwr|m"


def test_case_files_and_nested_parquet(tmp_path):
    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    jsonl = tmp_path / "cases.jsonl"
    jsonl.write_text("\n".join(json.dumps(c) for c in fleet) + "\n")
    nested = tmp_path / "cases.parquet"
    pl.DataFrame({"case": [json.dumps(c) for c in fleet]}).write_parquet(nested)
    a = ira30d.evaluate_fleet(jsonl).frame
    assert a.equals(ira30d.evaluate_fleet(nested).frame)
    assert a.equals(ira30d.evaluate_fleet(fleet).frame)


def test_a_case_file_is_read_across_processes_into_the_same_tables(tmp_path):
    from ira30d._fleet.ingest import tables_of_file

    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    fleet.append({"vehicle": {"vin": "X"}, "on": "2024-01-01"})  # invalid: an error row
    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in fleet))
    got = tables_of_file(path, block=4096, processes=2)  # blocks of a few cases, 2 workers
    want = ira30d.fleet_tables(fleet)
    for name in NAMES:
        assert getattr(got, name).equals(getattr(want, name)), name
    assert got.vehicles["error"][len(fleet) - 1] is not None
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(ira30d.InputError, match=f"line {len(fleet) + 1}: invalid JSON"):
        tables_of_file(path, block=4096, processes=2)


def test_a_script_read_from_stdin_reads_a_case_file_in_one_process(tmp_path):
    """Worker processes re-import the main script by its path; a script from stdin has none,
    so the file is read in the script's process, without a worker's traceback."""
    import subprocess
    import sys

    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(ira30d.example(n)) + "\n" for n in ira30d.example_names()))
    script = (
        "from ira30d._fleet.ingest import tables_of_file\n"
        f"print(tables_of_file({str(path)!r}, block=2048, processes=2).vehicles.height)\n"
    )
    run = subprocess.run([sys.executable, "-"], input=script, capture_output=True, text=True)
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert run.stdout.strip() == str(len(ira30d.example_names()))


def test_the_fleet_and_tables_commands(tmp_path):
    import subprocess
    import sys

    fleet = [ira30d.example(n) for n in ira30d.example_names()]
    cases_file = tmp_path / "cases.jsonl"
    bad = case()
    bad["vehicle"]["msrp"]["base"] = "40000.005"
    cases_file.write_text("\n".join(json.dumps(c) for c in [*fleet, bad]) + "\n")

    def run(*args):
        cmd = [sys.executable, "-m", "ira30d", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=300)

    made = run("tables", str(cases_file), str(tmp_path / "t"))
    assert made.returncode == 1 and "case[12]: vehicle.msrp.base" in made.stderr
    out = tmp_path / "out.parquet"
    r = run("fleet", str(tmp_path / "t"), str(out), "--scenario", "uk_pact")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "13 vehicles: 7 eligible, 1 error, 4 not eligible, 1 undetermined" in r.stderr
    frame = pl.read_parquet(out)
    assert frame["countries"][0] == "baseline+uk_pact" and frame.height == 13
    uk = frame.filter(pl.col("case_id") == "uk_processed_lithium")["amount"][0]
    assert uk == Decimal("7500")
    jsonl = tmp_path / "out.jsonl"
    assert run("fleet", str(cases_file), str(jsonl)).returncode == 1
    assert len(jsonl.read_text().splitlines()) == 13
    missing = run("fleet", str(tmp_path / "nowhere"), str(out))
    assert missing.returncode == 2 and "Traceback" not in missing.stderr


@pytest.mark.parametrize(
    ("table", "column", "value", "says"),
    [
        ("stages", "share_ppm", 1_500_000, "at most 1000000 (parts per million)"),
        ("vehicles", "msrp_base_cents", -1, "at least 0 (cents)"),
        ("entities", "government_voting_ppm", -5, "at least 0 (parts per million)"),
        ("chains", "value_cents", 0, "more than 0 (cents)"),
        ("stages", "country", "CHN", "unknown ISO 3166-1 alpha-2 country code 'CHN'"),
        ("components", "country", "cn", "country code 'cn' (did you mean CN?)"),
        ("stages", "activity", "Processing", "unknown value 'Processing'; known: extraction"),
        ("vehicles", "current_status", "Single", "unknown value 'Single'"),
    ],
)
def test_tables_made_by_hand_out_of_their_fields_range_are_refused(table, column, value, says):
    """A share of 150%, a negative price or supplier share, a chain worth nothing, a country
    that is not a code or a word outside its vocabulary would be summed or compared as it
    stands and could meet what the object path refuses to decide: the batch is refused, the
    column named, the bound the input model sets said on the tables' scale."""
    t = ira30d.fleet_tables([ira30d.example("full_credit_2024")] * 2)
    frame = getattr(t, table)
    kind = frame.schema[column]
    old = pl.col(column).cast(pl.String) if kind == pl.Categorical else pl.col(column)
    changed = frame.with_columns(
        pl.when(pl.col("row") == 1).then(pl.lit(value)).otherwise(old).cast(kind).alias(column)
    )
    with pytest.raises(ira30d.InputError) as e:
        ira30d.evaluate_fleet(type(t)(**{**t.__dict__, table: changed}))
    assert (e.value.field, e.value.code) == (f"{table}.{column}", "invalid_tables")
    assert says in e.value.reason
    assert ira30d.evaluate_fleet(t).frame["verdict"].to_list() == ["eligible"] * 2


def test_shares_of_one_activity_over_the_whole_go_to_the_object_path():
    """Two processing stages of 60% each: within range one by one, over the whole together.
    The object path refuses such a chain; the fleet must not count 60% as qualifying."""
    t = ira30d.fleet_tables([ira30d.example("full_credit_2024")] * 2)
    first = (pl.col("row") == 0) & (pl.col("chain") == 0)
    stages = t.stages.with_columns(
        pl.when(first).then(pl.lit(600_000)).otherwise(pl.col("share_ppm")).alias("share_ppm"),
        pl.when(first)
        .then(pl.lit("processing"))
        .otherwise(pl.col("activity").cast(pl.String))
        .cast(pl.Categorical)
        .alias("activity"),
    )
    rows = ira30d.evaluate_fleet(type(t)(**{**t.__dict__, "stages": stages})).frame.to_dicts()
    assert (rows[0]["engine"], rows[0]["verdict"]) == ("object", "error")
    assert "more than the whole" in rows[0]["error"]
    assert (rows[1]["engine"], rows[1]["verdict"]) == ("columnar", "eligible")
