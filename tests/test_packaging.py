"""Packaging: one version source, durable-rules an extra (a machine without a C compiler installs
the plain engine), a licence, project URLs and classifiers, and the README's set-up command is the
one CI runs."""

import re
import sys
from importlib import metadata
from pathlib import Path

import pytest

import ira30d

ROOT = Path(__file__).resolve().parent.parent
tomllib = pytest.importorskip("tomllib") if sys.version_info >= (3, 11) else None


@pytest.fixture(scope="module")
def project():
    if tomllib is None:
        pytest.skip("tomllib needs Python 3.11+")
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_one_version_source(project):
    assert project["dynamic"] == ["version"] and "version" not in project
    source = (ROOT / "src" / "ira30d" / "__init__.py").read_text(encoding="utf-8")
    assert re.findall(r'^__version__ = "([^"]+)"', source, flags=re.M) == [ira30d.__version__]
    assert metadata.version("ira30d") == ira30d.__version__


def test_durable_rules_is_an_extra_so_no_compiler_is_needed(project):
    assert not any(d.lower().startswith("durable") for d in project["dependencies"])
    assert project["optional-dependencies"]["durable"] == [
        "durable-rules==2.0.28; python_version < '3.13'"
    ]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    setup = re.search(r"^pip install \"\.\[([a-z,]+)\]\" && ira30d demo", readme, flags=re.M)
    assert setup and {"durable", "fleet"} <= set(setup.group(1).split(","))
    assert f'pip install ".[{setup.group(1)}]" && ira30d demo' in ci  # CI runs the README's
    assert "No C compiler?" in readme


def test_licence_urls_and_classifiers(project):
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")
    assert project["license"] == "MIT"
    assert {"Homepage", "Documentation", "Source", "Issues"} <= set(project["urls"])
    assert "Programming Language :: Python :: 3.13" in project["classifiers"]
    assert "Typing :: Typed" in project["classifiers"]
