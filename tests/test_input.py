"""One reader for every case file: a JSON array, one pretty-printed object, JSON Lines, with or
without a byte-order mark, from a file, stdin or the process pool, gives the same cases."""

import io
import json

import pytest

import ira30d
from ira30d._cli import main

CASES = [ira30d.example("minerals_half_only"), ira30d.example("over_msrp_cap")]
FORMATS = {
    "array": json.dumps(CASES, indent=2),
    "json_lines": "\n".join(json.dumps(c) for c in CASES) + "\n",
    "bom_json_lines": "\ufeff" + "\n".join(json.dumps(c) for c in CASES) + "\n\n",
}


def outputs(capsys, argv, stdin=None, monkeypatch=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    assert main(argv) == 0
    return [json.loads(line)["case_id"] for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_every_format_and_path_reads_the_same_cases(tmp_path, capsys, monkeypatch, fmt):
    path = tmp_path / "cases.json"
    path.write_text(FORMATS[fmt], encoding="utf-8")
    want = ["minerals_half_only", "over_msrp_cap"]
    assert outputs(capsys, ["evaluate", str(path), "--json"]) == want
    assert outputs(capsys, ["evaluate", str(path), "--json", "--processes", "2"]) == want
    assert outputs(capsys, ["evaluate", "-", "--json"], FORMATS[fmt], monkeypatch) == want
    assert [c["id"] for c in ira30d.read_cases(path)] == want


def test_one_pretty_printed_case(tmp_path, capsys, monkeypatch):
    """Regression: a single pretty-printed case was read as broken JSON Lines."""
    text = json.dumps(CASES[0], indent=2)
    path = tmp_path / "case.json"
    path.write_text(text, encoding="utf-8")
    assert outputs(capsys, ["evaluate", str(path), "--json"]) == ["minerals_half_only"]
    assert outputs(capsys, ["evaluate", str(path), "--json", "--processes", "2"]) == [
        "minerals_half_only"
    ]
    assert outputs(capsys, ["evaluate", "-", "--json"], text, monkeypatch) == ["minerals_half_only"]


def test_a_broken_line_is_named_with_its_number(tmp_path):
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(CASES[0]) + "\n{broken\n", encoding="utf-8")
    with pytest.raises(ira30d.InputError) as e:
        list(ira30d.read_cases(path))
    assert e.value.field == str(path) and "line 2: invalid JSON" in e.value.reason
