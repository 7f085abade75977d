"""Every example in docs/, the README and the package's docstrings runs."""

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import ira30d

ROOT = Path(__file__).resolve().parent.parent
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
PAGES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_doc_page_examples_run(page):
    result = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS, encoding="utf-8")
    assert result.failed == 0
    if page.name != "index.md":
        assert result.attempted > 0, f"{page.name} has no examples"


# every module of the package, at any depth (a layer's __init__ only names the layer)
MODULES = [m.name for m in pkgutil.walk_packages(ira30d.__path__, "ira30d.") if not m.ispkg]


@pytest.mark.parametrize("name", ["ira30d"] + MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0
    assert result.attempted > 0, (
        f"{name} has no examples: a module with none is not a passing doctest"
    )


def test_every_page_has_examples():
    for page in PAGES:
        if page.name != "index.md":
            assert ">>> " in page.read_text(encoding="utf-8"), page.name


def test_requirement_pages_match_the_rules():
    """docs/requirements is generated from rules/: regenerate and compare, so they cannot drift."""
    from ira30d._docgen import pages

    expected = pages()
    folder = ROOT / "docs" / "requirements"
    assert sorted(p.name for p in folder.glob("*.md")) == sorted(expected)
    for name, text in expected.items():
        assert (folder / name).read_text(encoding="utf-8") == text, (
            f"{name} is stale: python -m ira30d._docgen docs/requirements"
        )


def test_the_critical_minerals_page_shows_the_legal_tests_with_citations():
    page = (ROOT / "docs" / "requirements" / "critical_minerals.md").read_text(encoding="utf-8")
    assert (
        "value_added_50: qualifies_when: best_share_at_least; threshold: value_added_test_share"
        in page
    )
    assert "### `value_added_test_share`" in page and "- value: 0.50" in page
    assert (
        "recycling: [north_america]" in page
        and '26 U.S.C. 30D(e)(1)(A)(i)(II): "recycled in North America"' in page
    )
    assert "### Country list `fta_partners`" in page and "| JP | 2023-03-28 |" in page
