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
    r = subprocess.run([sys.executable, "-m", "mypy", "--ignore-missing-imports", "--no-incremental", str(package)],
                       capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout + r.stderr
