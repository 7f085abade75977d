"""The package type-checks (it ships py.typed, so users' type checkers read it)."""

import subprocess
import sys
from pathlib import Path

import pytest

import ira30d


def test_package_is_mypy_clean():
    pytest.importorskip("mypy")
    package = Path(ira30d.__file__).parent
    assert (package / "py.typed").is_file()
    # -p checks the package as importers see it (the installed copy in CI, src/ with PYTHONPATH=src)
    r = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--ignore-missing-imports",
            "--no-incremental",
            "-p",
            "ira30d",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=package.parent.parent,
    )
    assert r.returncode == 0, r.stdout + r.stderr
