"""JSON Lines read column-wise gives exactly the tables the models give case by case: on the
bundled examples, on generated fleets with generated damage (values the models would change or
refuse, explicit nulls, unknown and escaped keys, duplicated ids, broken rules across fields),
and on each hazard named with its own literals. Column-wise reading is a speed path, never a
second opinion."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from strategies import cases

import ira30d

pl = pytest.importorskip("polars")
pytest.importorskip("pyarrow")
from ira30d._fleet import jsonl  # noqa: E402 - after the skips: needs Polars and Arrow
from ira30d._fleet.ingest import tables_of_file  # noqa: E402
from ira30d._fleet.tables import NAMES, to_tables  # noqa: E402

EXAMPLES = [ira30d.example(n) for n in ira30d.example_names()]


def read_both(path, lines, block=1 << 20):
    """The tables of ``lines`` read column-wise (from ``path``) and by the models; equal."""
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    got = tables_of_file(path, block=block)
    want = to_tables(line for line in lines if line.strip())
    for name in NAMES:
        assert getattr(got, name).equals(getattr(want, name)), (name, lines)
    return got


@pytest.fixture
def by_models(monkeypatch):
    """The rows each block handed to the models."""
    seen = []
    real = jsonl.to_tables

    def spy(texts, rows):
        seen.extend(rows)
        return real(texts, rows=rows)

    monkeypatch.setattr(jsonl, "to_tables", lambda texts, rows: spy(list(texts), list(rows)))
    return seen


def test_the_bundled_examples_are_read_column_wise_into_the_models_tables(tmp_path, by_models):
    read_both(tmp_path / "cases.jsonl", [json.dumps(c) for c in EXAMPLES])
    assert by_models == []  # every case read column-wise: the speed path is taken


def test_blocks_and_worker_processes_give_the_same_tables(tmp_path):
    lines = [json.dumps(c) for c in EXAMPLES] * 3
    one = read_both(tmp_path / "a.jsonl", lines, block=1 << 20)
    path = tmp_path / "b.jsonl"
    path.write_text("".join(line + "\n" for line in lines))
    many = tables_of_file(path, block=3000, processes=2)  # blocks of a few cases, two workers
    for name in NAMES:
        assert getattr(many, name).equals(getattr(one, name)), name


def edit(case, path, value):
    """``case`` with the value at ``path`` (keys and list positions) replaced; ``DROP`` removes
    it."""
    out = json.loads(json.dumps(case))
    *head, last = path
    at = out
    for key in head:
        at = at[key]
    if value is DROP:
        at.pop(last, None) if isinstance(at, dict) else at.pop(last)
    else:
        at[last] = value
    return out


DROP = object()


def at(case, path):
    for key in path:
        case = case[key]
    return case


def paths(value, at=()):
    """Every path to a value inside ``value`` (dict keys and list positions)."""
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, v in items:
        yield (*at, key)
        if isinstance(v, (dict, list)):
            yield from paths(v, (*at, key))


ODD = [
    None,
    True,
    12,
    0.5,
    "",
    " ",
    "us",
    " US",
    "US ",
    "Lithium",
    "0.5000001",
    "1.5",
    "-1",
    "0",
    "1e-1",
    "1E+2",
    "0.50",
    "2024-7-5",
    "2024-02-30",
    "x" * 201,
    "ＵＳ",
    "Société",
    "extraction",
    "processing",
    "e0",
    "c0",
    [],
    [None],
    {},
    "deposit",
    "NONE",
    "1000000000000000000",
]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fleet=st.lists(cases(provenance=True), min_size=1, max_size=5), data=st.data())
def test_generated_damage_is_read_as_the_models_read_it(tmp_path_factory, fleet, data):
    lines = []
    for c in fleet:
        for _ in range(data.draw(st.sampled_from([0, 0, 0, 1, 2]))):  # most lines whole
            where = data.draw(st.sampled_from(list(paths(c))))
            c = edit(c, where, data.draw(st.sampled_from([DROP, *ODD])))
        lists = [p for p in paths(c) if isinstance(at(c, p), list) and at(c, p)]
        if lists and data.draw(st.integers(0, 2)):  # an item twice (its id too), or 51 times
            where = data.draw(st.sampled_from(lists))
            items = at(c, where)
            c = edit(c, where, items + items[:1] * data.draw(st.sampled_from([1, 51])))
        if data.draw(st.integers(0, 3)) == 0:  # both questions, or a buyer alone
            c = edit(c, ("on",), "2024-06-01")
            if data.draw(st.booleans()):
                c = edit(c, ("purchase",), DROP)
        text = json.dumps(c, ensure_ascii=data.draw(st.booleans()))
        if data.draw(st.integers(0, 5)) == 0:  # a key spelled with an escape
            text = text.replace('"motor_vehicle"', '"motor_vehicl\\u0065"', 1)
        if data.draw(st.integers(0, 5)) == 0:  # a key the models do not know
            text = text.replace('{"activity"', '{"value_added": "0.5", "activity"', 1)
        lines.append(text)
        if data.draw(st.integers(0, 6)) == 0:
            lines.append("   ")  # blank lines are no case
    read_both(tmp_path_factory.mktemp("damage") / "cases.jsonl", lines, block=2000)


def one(tmp_path, case_or_text):
    text = case_or_text if isinstance(case_or_text, str) else json.dumps(case_or_text)
    return read_both(tmp_path / "one.jsonl", [text])


def test_an_explicit_null_is_unknown_where_a_left_out_field_takes_its_default(tmp_path):
    base = ira30d.example("full_credit_2024")
    left_out = one(tmp_path, edit(base, ("vehicle", "motor_vehicle"), DROP))
    assert left_out.vehicles["motor_vehicle"][0] is True
    null = one(tmp_path, edit(base, ("vehicle", "motor_vehicle"), None))
    assert null.vehicles["motor_vehicle"][0] is None
    escaped = json.dumps(edit(base, ("vehicle", "motor_vehicle"), None))
    escaped = escaped.replace('"motor_vehicle"', '"motor_vehicl\\u0065"')
    assert one(tmp_path, escaped).vehicles["motor_vehicle"][0] is None


def test_values_the_models_change_are_read_by_the_models(tmp_path, by_models):
    base = ira30d.example("full_credit_2024")
    stage = ("vehicle", "battery", "mineral_chains", 0, "stages", 0)
    t = one(tmp_path, edit(base, (*stage, "country"), " us"))
    assert t.stages["country"].cast(pl.String)[0] == "US" and by_models == [0]
    t = one(tmp_path, edit(base, (*stage, "activity"), "Extraction"))
    assert t.stages["activity"].cast(pl.String)[0] == "extraction"
    t = one(tmp_path, edit(base, ("vehicle", "battery", "mineral_chains", 0, "value"), 133))
    assert t.chains["value_cents"][0] == 13300  # a number, not text: Arrow refuses, models read


ZERO = {"activity": "extraction", "country": "AU", "share": "0"}


@pytest.mark.parametrize(
    ("where", "value", "says"),
    [
        (("vehicle", "battery", "mineral_chains", 0, "stages", 0, "share"), "0.5000001", "scale"),
        (("vehicle", "battery", "mineral_chains", 0, "stages", 0, "share"), "1.5", "less than"),
        (("vehicle", "battery", "mineral_chains", 0, "stages"), [], "at least 1"),
        (("vehicle", "battery", "mineral_chains", 0, "stages"), [ZERO] * 51, "at most 50"),
        (("vehicle", "battery", "mineral_chains", 0, "value"), "0", "greater than 0"),
        (("vehicle", "battery", "entities", 0, "government_board_share"), "1.5", "less than"),
        (("vehicle", "msrp", "base"), "12345678901234567.25", "18 digits"),
        (("vehicle", "vin"), "", "at least 1"),
        (("vehicle", "model_year"), 1989, "greater than or equal to 1990"),
        (("on",), "2024-06-01", "not both"),
        (("purchase", "sale_date"), "2024-02-30", "date"),
        (("vehicle", "final_assembly_country"), "XX", "unknown ISO"),
    ],
)
def test_a_value_the_models_refuse_is_an_error_row(tmp_path, where, value, says):
    t = one(tmp_path, edit(ira30d.example("full_credit_2024"), where, value))
    assert says in t.vehicles["error"][0]


def test_rules_across_fields_are_kept(tmp_path):
    base = ira30d.example("full_credit_2024")
    chains = base["vehicle"]["battery"]["mineral_chains"]
    dup = edit(base, ("vehicle", "battery", "mineral_chains", 1, "id"), chains[0]["id"])
    assert "duplicate id" in one(tmp_path, dup).vehicles["error"][0]
    stages = [
        {"activity": "extraction", "country": "AU", "share": "0.6"},
        {"activity": "extraction", "country": "CL", "share": "0.400001"},
    ]
    over = edit(base, ("vehicle", "battery", "mineral_chains", 0, "stages"), stages)
    assert "more than the whole" in one(tmp_path, over).vehicles["error"][0]
    stages[1]["share"] = "0.4"  # exactly the whole: kept
    t = one(tmp_path, edit(base, ("vehicle", "battery", "mineral_chains", 0, "stages"), stages))
    assert t.vehicles["error"][0] is None
    buyer_alone = edit(edit(base, ("purchase",), DROP), ("on",), "2024-06-01")
    assert "a buyer needs a purchase" in one(tmp_path, buyer_alone).vehicles["error"][0]


def test_two_objects_on_a_line_or_text_not_utf8_stop_the_reading_with_its_line(tmp_path):
    lines = [json.dumps(c) for c in EXAMPLES]
    lines.insert(3, '{"vehicle": {"vin": "A"}} {"vehicle": {"vin": "B"}}')  # two objects
    path = tmp_path / "two.jsonl"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ira30d.InputError, match="line 4: invalid JSON"):
        tables_of_file(path)
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps(EXAMPLES[0]).encode() + b"\n\xff\n")
    with pytest.raises(ira30d.InputError, match="not UTF-8"):
        tables_of_file(path)


def test_every_model_validator_has_its_column_wise_twin():
    """flatten.py restates the models' validators across fields; a new one must be added there
    (and here) or column-wise reading would accept what the models refuse."""
    from ira30d._models.battery import (
        Battery,
        CertifiedContent,
        Component,
        Entity,
        MineralChain,
        Stage,
    )
    from ira30d._models.inputs import Buyer, Case, Msrp, Purchase, TaxYear, Vehicle

    found = set()
    for m in (
        Case,
        Vehicle,
        Msrp,
        Purchase,
        Buyer,
        TaxYear,
        Battery,
        MineralChain,
        Stage,
        Component,
        Entity,
        CertifiedContent,
    ):
        d = m.__pydantic_decorators__
        found |= {f"{m.__name__}.{n}" for n in (*d.model_validators, *d.field_validators)}
    assert found == {
        "Case._question",  # flatten._across: purchase or on; buyer needs purchase
        "Battery._unique_ids",  # flatten._across: ids unique in their list
        "MineralChain._shares_within_whole",  # flatten._across: shares up to the whole
        "Stage._no_value_added",  # an unknown key: Arrow refuses the block
    }


def test_results_keep_no_memory_of_the_blocks_arrow_read(tmp_path):
    """Text read by Arrow points into its buffer of the whole block read: the results of a
    fleet read block by block must not keep those buffers alive (without care they kept about
    40% of the file's size)."""
    import gc

    import pyarrow as pa

    path = tmp_path / "cases.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in EXAMPLES) * 50)
    gc.collect()
    before = pa.total_allocated_bytes()
    frame = ira30d.evaluate_fleet(path, batch_size=100).frame  # blocks of 32 MB: one here
    gc.collect()
    assert frame.height == 50 * len(EXAMPLES)
    assert pa.total_allocated_bytes() - before < path.stat().st_size // 20


def test_windows_line_ends_a_byte_order_mark_and_no_last_line_end(tmp_path):
    lines = [json.dumps(c) for c in EXAMPLES]
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + "\r\n".join(lines).encode())  # no line end at the end
    got = tables_of_file(path, block=5000)
    want = to_tables(lines)
    for name in NAMES:
        assert getattr(got, name).equals(getattr(want, name)), name


def test_any_row_of_a_json_lines_file_is_explained_from_its_own_line(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text("\n\n".join(json.dumps(c) for c in EXAMPLES) + "\n")  # blank lines between
    result = ira30d.evaluate_fleet(path)
    for row in (0, 5, len(EXAMPLES) - 1):
        want = ira30d.evaluate(EXAMPLES[row]).explain()
        assert str(result.explain(row)) == str(want)
    with pytest.raises(ira30d.InputError, match="no case at that row"):
        result.explain(len(EXAMPLES))


def test_a_key_given_twice_is_read_as_the_models_read_it(tmp_path):
    text = json.dumps(EXAMPLES[0])
    twice = text.replace('"vin": ', '"vin": "FIRST", "vin": ', 1)
    t = read_both(tmp_path / "twice.jsonl", [twice, text])
    assert t.vehicles["vin"][0] == EXAMPLES[0]["vehicle"]["vin"]  # the last one, as json reads


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ('"id": "full_credit_2024"', '"id": "full\tcredit"'),  # a raw tab inside a string
        ('"id": "full_credit_2024"', '"id": "full\x01credit"'),  # a raw control character
        ('"model_year": 2024', '"model_year": 02024'),  # a leading zero
        ('"model_year": 2024', '"model_year": +2024'),
        ('"model_year": 2024', "'model_year': 2024"),  # single quotes
        ("}", ",}"),  # a trailing comma
    ],
)
def test_a_line_python_does_not_read_as_json_is_reported_with_its_number(tmp_path, old, new):
    """Arrow's JSON reader and Python's agree on what is not JSON; the line is reported."""
    text = json.dumps(EXAMPLES[0])
    bad = text[::-1].replace(old[::-1], new[::-1], 1)[::-1]  # the last one
    assert bad != text
    path = tmp_path / "bad.jsonl"
    path.write_text(text + "\n" + bad + "\n")
    with pytest.raises(ira30d.InputError, match="line 2: invalid JSON"):
        tables_of_file(path)


def test_the_command_line_reads_in_threads_what_reads_column_wise(tmp_path):
    """Decimals written as JSON numbers send every block to the models, which read faster in
    two worker processes; a file read column-wise reads faster in threads of one."""
    import argparse

    from ira30d._cli_fleet import _processes
    from ira30d._fleet.jsonl import reads_column_wise

    text = json.dumps(EXAMPLES[0])
    numbers = text.replace('"base": "54995"', '"base": 54995')
    for name, line, columns in (("text", text, True), ("numbers", numbers, False)):
        path = tmp_path / f"{name}.jsonl"
        path.write_text("\n" + line + "\n")
        assert reads_column_wise(path) is columns
        args = argparse.Namespace(source=str(path), processes=None)
        assert _processes(args) == (1 if columns else 2)
        assert _processes(argparse.Namespace(source=str(path), processes=3)) == 3


@settings(max_examples=200, deadline=None)
@given(
    texts=st.lists(
        st.one_of(
            st.from_regex(r"\A-?[0-9]{0,19}(\.[0-9]{0,8})?([eE][+-]?[0-9]{1,2})?\Z"),
            st.text(alphabet="0123456789.-+eE _", max_size=12),
        ),
        min_size=1,
        max_size=20,
        unique=True,
    )
)
def test_plain_digits_are_taken_as_the_fields_validator_takes_them(texts):
    """The shortcut for decimals written as plain digits gives each value what the field's
    validator and the tables' scaling give it, for every decimal field."""
    from ira30d._fleet.columns import LEVELS, plain, taken, taken_series

    for level in LEVELS:
        for leaf in level.leaves:
            if plain(leaf) is not None:
                by_validator = taken(leaf, texts)
                assert taken_series(leaf, pl.Series(leaf.column, texts)) == by_validator, leaf
