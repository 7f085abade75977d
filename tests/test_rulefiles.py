"""Rule files are data: malformed ones fail at load with the file and the path inside it."""

import shutil
from pathlib import Path

import pytest

import ira30d
from ira30d import RuleFileError, RuleSet


@pytest.fixture
def rules(tmp_path: Path) -> Path:
    dst = tmp_path / "rules"
    shutil.copytree(ira30d.rules_dir(), dst)
    return dst


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def load_error(rules: Path) -> RuleFileError:
    with pytest.raises(RuleFileError) as e:
        RuleSet.load(rules, backend="python")
    return e.value


def test_shipped_rules_load_and_every_rule_is_cited():
    rs = RuleSet.load(backend="python")
    assert all(r.citation and (r.excerpt or r.paraphrase) for r in rs.book.requirements)
    assert all(p.spec.reference for p in rs.book.parameters.values())


def test_installed_package_finds_its_own_rules():
    here = Path(ira30d.__file__).resolve().parent
    if "site-packages" not in str(here):
        pytest.skip("running from the source tree; CI runs this against the installed wheel")
    assert ira30d.rules_dir() == here / "rules"


@pytest.mark.parametrize(
    "file, old, new, where",
    [
        (
            "parameters/vehicle.yaml",
            "    2023-01-01: 7",
            "    2023-01-01: seven",
            "battery_min_kwh.values",
        ),
        (
            "requirements/vehicle.yaml",
            "fact: gvwr_lbs, lt:",
            "fact: gvwr_pounds, lt:",
            "gvwr.condition",
        ),
        (
            "requirements/vehicle.yaml",
            "{param: gvwr_limit_lbs}",
            "{param: gvwr_limit}",
            "gvwr.condition",
        ),
        ("requirements/vehicle.yaml", "  citation: 26 U.S.C. 30D(d)(1)(E)\n", "", "citation"),
        ("countries/fta_partners.yaml", "code: AU", "code: XX", "members[0].code"),
        (
            "regimes.yaml",
            "before: {param: sourcing_from}",
            "before: {param: feoc_components_after}",
            "sourcing.window",
        ),
        (
            "regimes.yaml",
            "from: {param: sourcing_from}}",
            "from: {param: sourcing}}",
            "sourcing.window.from",
        ),
        (
            "parameters/content.yaml",
            "2024-01-01: 0.50\n",
            "2024-01-01: 0.5000001\n",
            "critical_minerals_required_share.values",
        ),
        ("requirements/price_income.yaml", "kind: gate", "kind: maybe", "kind"),
    ],
)
def test_malformed_rule_file_names_file_and_path(rules, file, old, new, where):
    edit(rules / file, old, new)
    err = load_error(rules)
    assert err.file == file and where in err.path, (err.file, err.path, err.reason)


def test_python_tag_is_refused(rules):
    edit(
        rules / "parameters/vehicle.yaml",
        "unit: lbs",
        "unit: !!python/object/apply:os.system ['true']",
    )
    err = load_error(rules)
    assert err.file == "parameters/vehicle.yaml" and "line" in err.path


def test_duplicate_keys_are_refused(rules):
    edit(rules / "parameters/vehicle.yaml", "  unit: lbs\n", "  unit: lbs\n  unit: kwh\n")
    err = load_error(rules)
    assert "duplicate key" in err.reason and err.path.startswith("line")


def test_billion_laughs_is_refused(rules):
    bomb = 'a: &a ["x","x"]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n'
    (rules / "not_modelled.yaml").write_text(bomb)
    assert "aliases" in load_error(rules).reason


def test_very_large_file_is_refused(rules):
    (rules / "not_modelled.yaml").write_text("# " + "x" * 1_100_000 + "\n[]\n")
    err = load_error(rules)
    assert err.file == "not_modelled.yaml" and "larger" in err.reason


def test_yes_and_on_are_strings_not_booleans(rules):
    rs = RuleSet.load(rules, backend="python")
    assert rs.book.parameters["battery_min_kwh"].spec.on == "placed_in_service"


def test_no_law_numbers_in_python_sources():
    """Dates, amounts and caps of the law live in rules/, never in code (docstrings excepted)."""
    import ast
    import re

    law_numbers = {
        417,
        2500,
        3750,
        3751,
        7500,
        14000,
        55000,
        80000,
        150000,
        225000,
        300000,
        2022,
        2023,
        2024,
        2025,
        2026,
        2027,
    }
    offenders = []
    for py in Path(ira30d.__file__).parent.glob("*.py"):
        tree = ast.parse(py.read_text())
        docstrings = {
            id(n.body[0].value)
            for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.FunctionDef, ast.ClassDef))
            and n.body
            and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Constant) or id(node) in docstrings:
                continue
            if (
                isinstance(node.value, (int, float))
                and not isinstance(node.value, bool)
                and node.value in law_numbers
            ):
                offenders.append(f"{py.name}:{node.lineno}: {node.value}")
            if isinstance(node.value, str) and re.search(r"\b(19|20)\d\d-\d\d-\d\d\b", node.value):
                offenders.append(f"{py.name}:{node.lineno}: {node.value!r}")
            if (
                isinstance(node.value, str)
                and re.fullmatch(r"[A-Z]{2}", node.value)
                and node.value not in {"UK", "EL", "GR", "GB"}
            ):
                offenders.append(f"{py.name}:{node.lineno}: country {node.value!r}")
    assert offenders == [], offenders


def test_a_renamed_parameter_the_code_reads_fails_at_load(rules):
    """Regression: renaming a parameter used to load and then fail mid-run with a bare KeyError."""
    edit(rules / "parameters/feoc.yaml", "feoc_tests:", "feoc_checks:")
    e = load_error(rules)
    assert "'feoc_tests'" in e.reason and e.path == "feoc_components.measured_by"
    edit(rules / "facts.yaml", "measured_by: [feoc_tests,", "measured_by: [")
    edit(rules / "facts.yaml", "measured_by: [feoc_tests,", "measured_by: [")
    e = load_error(rules)
    assert e.path == "feoc_tests" and "the code reads this parameter" in e.reason


@pytest.mark.parametrize(
    "file, old, new, where",
    [
        (
            "parameters/feoc.yaml",
            'threshold: feoc_government_share, says: "covered-nation government board share"',
            'threshold: feoc_gov_share, says: "covered-nation government board share"',
            "feoc_tests.value.government_board_share.threshold",
        ),
        (
            "parameters/feoc.yaml",
            "designated: {test: is_true",
            "designated: {test: is_yes",
            "feoc_tests.value.designated",
        ),
        (
            "parameters/feoc.yaml",
            "  government_voting_share: {test",
            "  government_vote_share: {test",
            "feoc_tests.value.government_vote_share",
        ),
        (
            "parameters/sourcing.yaml",
            "qualifies_when: best_share_at_least",
            "qualifies_when: best_share_over",
            "critical_minerals_methods.value.value_added_50.qualifies_when",
        ),
        (
            "parameters/sourcing.yaml",
            "recycling: [north_america]",
            "recycling: [north_amerika]",
            "qualifying_lists_by_activity.value.recycling",
        ),
        (
            "parameters/price_income.yaml",
            "counts: [base, manufacturer_options]",
            "counts: [base, options]",
            "msrp_composition.value",
        ),
        (
            "parameters/price_income.yaml",
            "latest_of: [binding_contract_date,",
            "latest_of: [contract_date,",
            "acquisition_date.value",
        ),
    ],
)
def test_a_construct_naming_an_unknown_test_field_or_list_fails_at_load(
    rules, file, old, new, where
):
    edit(rules / file, old, new)
    assert load_error(rules).path == where


def test_a_template_placeholder_must_belong_to_its_own_requirement(rules):
    """The placeholder check does not depend on the order of files: a template may not name a
    parameter that only another requirement's conditions use."""
    edit(
        rules / "requirements/vehicle.yaml",
        'met: "GVWR {gvwr_lbs} is under {gvwr_limit_lbs}."',
        'met: "GVWR {gvwr_lbs} is under {msrp_cap}."',
    )
    e = load_error(rules)
    assert (
        e.file == "requirements/vehicle.yaml"
        and e.path == "gvwr.explain.met"
        and "{msrp_cap}" in e.reason
    )


def test_loading_again_after_an_edit_reads_the_edited_files(rules):
    """Regression: RuleSet.load cached the rule book by directory, so an edited file was ignored."""
    assert (
        RuleSet.load(rules, backend="python").book.parameters["gvwr_limit_lbs"].values[0] == 14000
    )
    edit(rules / "parameters/vehicle.yaml", "  value: 14000", "  value: 15000")
    assert (
        RuleSet.load(rules, backend="python").book.parameters["gvwr_limit_lbs"].values[0] == 15000
    )
