"""Fixtures for the layer tests (factories live in ``layer_factories``)."""

import pytest
from layer_factories import valid_frame, write


@pytest.fixture
def bedrijventerreinen_gpkg(tmp_path):
    """A valid three-terrain GeoPackage with layer ``bedrijventerreinen``."""
    return write(valid_frame("bedrijventerreinen"), tmp_path / "terreinen.gpkg",
                 layer="bedrijventerreinen")
