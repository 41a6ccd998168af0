"""Shared test settings: no progress bars, no network, a fresh werkmap per test."""

import os

import pytest

os.environ.setdefault("KAART_GEEN_VOORTGANG", "1")


@pytest.fixture
def werkmap(tmp_path, monkeypatch):
    """An empty werkmap (also set as $KAART_WERKMAP)."""
    path = tmp_path / "werkmap"
    path.mkdir()
    monkeypatch.setenv("KAART_WERKMAP", str(path))
    return path
