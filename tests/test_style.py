"""Style is part of the suite: ``ruff format`` and ``ruff check`` (pycodestyle at 100 columns,
pyflakes, isort, pyupgrade, bugbear, simplify; settings in pyproject.toml) are clean."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TREES = ["src", "tests", "benchmarks"]


def ruff(*args: str) -> subprocess.CompletedProcess[str]:
    if subprocess.run([sys.executable, "-m", "ruff", "--version"], capture_output=True).returncode:
        pytest.fail("ruff is not installed: pip install '.[test]'")
    command = [sys.executable, "-m", "ruff", *args, *TREES]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True)


def test_ruff_format_is_clean():
    result = ruff("format", "--check")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_check_is_clean():
    result = ruff("check", "--output-format", "concise")
    assert result.returncode == 0, result.stdout + result.stderr
