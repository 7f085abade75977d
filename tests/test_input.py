"""One reader for every case file: a JSON array, one pretty-printed object, JSON Lines, with or
without a byte-order mark, from a file, stdin or the process pool, gives the same cases."""

import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


@pytest.mark.parametrize(
    "content, code",
    [
        (b"", "no_cases"),
        (b"[]", "no_cases"),
        (b"  \n\n \t\n", "no_cases"),
        ('{"id": "caf\u00e9"}'.encode("latin-1"), "not_text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe", "not_text"),
        (b"[" * 10000 + b"]" * 10000, "too_deep"),
        (b'{"id": ' + b"[" * 10000 + b"]" * 10000 + b"}", "too_deep"),
    ],
)
def test_bad_files_are_one_line_errors(tmp_path, content, code):
    import subprocess
    import sys

    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(ira30d.InputError) as e:
        list(ira30d.read_cases(path))
    assert e.value.code == code and e.value.field == str(path)
    for extra in ([], ["--processes", "2"]):
        r = subprocess.run(
            [sys.executable, "-m", "ira30d", "evaluate", str(path), *extra],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 2 and "Traceback" not in r.stderr, r.stderr
        assert r.stderr.count("\n") == 1 and f"[{code}]" in r.stderr, r.stderr


def test_cli_conventions():
    import subprocess
    import sys

    def run(*args):
        cmd = [sys.executable, "-m", "ira30d", *args]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120)

    assert run("--version").stdout.strip() == f"ira30d {ira30d.__version__}"
    bad = run("evaluate", "examples", "--processes", "0")
    assert bad.returncode == 2 and "must be at least 1" in bad.stderr
    pipe = subprocess.run(
        f"{sys.executable} -m ira30d demo | head -1", shell=True, capture_output=True, text=True
    )
    assert pipe.stdout.startswith("1FTVW1EL0PWG00001") and pipe.stderr == ""


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=200)
@given(st.lists(_JSON, max_size=5), st.sampled_from([None, 0, 2]), st.sampled_from([",", " ,\n "]))
def test_an_array_file_passes_each_item_on_as_its_own_text(items, indent, comma):
    """Each item of a JSON array file is handed on as the text written for it (any spacing)."""
    from ira30d._input import _items

    text = "[" + comma.join(json.dumps(i, indent=indent) for i in items) + " ]"
    assert [json.loads(t) for t in _items(text)] == items
