"""Every example in docs/, the README and the package's docstrings runs."""
import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import ira30d

ROOT = Path(__file__).resolve().parent.parent
FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
PAGES = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_doc_page_examples_run(page):
    result = doctest.testfile(str(page), module_relative=False, optionflags=FLAGS, encoding="utf-8")
    assert result.failed == 0


MODULES = [m.name for m in pkgutil.iter_modules(ira30d.__path__, "ira30d.")]


@pytest.mark.parametrize("name", ["ira30d"] + MODULES)
def test_docstring_examples_run(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=FLAGS)
    assert result.failed == 0


def test_every_page_has_examples():
    for page in PAGES:
        assert ">>> " in page.read_text(encoding="utf-8"), page.name
