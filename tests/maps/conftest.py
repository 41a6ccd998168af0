"""Fixtures for map tests: a werkmap with tiny finished outputs (see kaart_testdata)."""

import sys
from pathlib import Path

import pytest

# The repository root first: tests/geo and tests/maps must not shadow the real packages
# (pytest puts tests/ on sys.path because tests/conftest.py has no package).
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(1, str(Path(__file__).resolve().parent))

from kaart_testdata import build_test_werkmap  # noqa: E402


@pytest.fixture(scope="session")
def built_werkmap(tmp_path_factory):
    """Finished outputs for Vaals (with confidential maps) and Gulpen-Wittem (read-only!)."""
    return build_test_werkmap(tmp_path_factory.mktemp("uitvoer") / "werkmap")
