"""The documentation site: `mkdocs build --strict` is green, the API reference documents every
public name, every public name has a runnable example, and the docs teach only public imports."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ira30d

ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((ROOT / "docs").rglob("*.md")) + [ROOT / "README.md"]


def test_mkdocs_build_is_strict_and_green(tmp_path):
    pytest.importorskip("mkdocs")
    r = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert r.returncode == 0, r.stderr
    assert "WARNING" not in r.stderr, r.stderr
    reference = (tmp_path / "site" / "reference" / "index.html").read_text(encoding="utf-8")
    for name in ira30d.__all__:
        assert f'id="ira30d.{name}"' in reference, name  # rendered, not just listed
    assert reference.count('<span class="gp">&gt;&gt;&gt; </span>') > 40  # examples as code


def test_the_reference_lists_every_public_name_once():
    text = (ROOT / "docs" / "reference.md").read_text(encoding="utf-8")
    listed = re.findall(r"^::: ira30d\.(\S+)$", text, flags=re.M)
    assert sorted(listed) == sorted(ira30d.__all__)


def test_every_public_name_has_a_runnable_example():
    for name in ira30d.__all__:
        if name == "__version__":
            continue
        doc = getattr(ira30d, name).__doc__ or ""
        assert ">>>" in doc, f"ira30d.{name} has no example"


def test_docs_teach_only_public_imports():
    for page in PAGES:
        for n, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
            assert not re.search(r"(import|from)\s+ira30d\._", line), f"{page.name}:{n}: {line}"
            assert not re.search(r"ira30d\._\w+\.", line), f"{page.name}:{n}: {line}"
