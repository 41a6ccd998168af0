"""A missing layer switches its indicators off (or skips its theme), never a failure or a 0.

Issue 13 item 6; the rule lives in :mod:`geo.scoring.availability`. Tiny synthetic layers.
"""

import geopandas as gpd
import numpy as np
import pytest
from numpy.testing import assert_allclose
from shapely import box

from geo.errors import ConfigError
from geo.scoring import compute_gelegenheid
from geo.scoring.availability import check_availability, disabled_by_layer
from geo.scoring.config import parse_gelegenheid_config
from geo.scoring.grid import Grid

CONFIG = """\
versie: 1
themas:
  bedrijventerreinen:
    label: Bedrijventerreinen
    domein: {modus: binnen, laag: bedrijventerreinen}
    indicatoren:
      - {naam: leegstand, label: Leegstand, toelichting: t, soort: attribuut,
         laag: bedrijventerreinen, kolom: leegstand_pct, gewicht: 1,
         normalisatie: {methode: vast, min: 0, max: 100}}
      - {naam: afrit, label: Nabijheid afrit, toelichting: t, soort: nabijheid,
         laag: wegen, afstand: 500, gewicht: 1, normalisatie: geen}
  havens:
    label: Havens
    domein: {modus: binnen, laag: havens}
    indicatoren:
      - {naam: ligplaatsen, label: Ligplaatsen, toelichting: t, soort: attribuut,
         laag: havens, kolom: ligplaatsen, gewicht: 1,
         normalisatie: {methode: vast, min: 0, max: 100}}
"""


def config():
    return parse_gelegenheid_config(CONFIG, source="t.yaml")


def parken():
    return gpd.GeoDataFrame({"id": ["A"], "leegstand_pct": [50.0]},
                            geometry=[box(0, 0, 100, 100)], crs="EPSG:28992")


def compute(layers):
    grid = Grid.from_bounds((0, 0, 200, 100), 10)
    return compute_gelegenheid(config(), layers, grid, np.ones(grid.shape, bool), window=7)


def test_a_missing_indicator_layer_switches_it_off_and_the_theme_says_so():
    """No `wegen` (not optioneel): the theme is scored on leegstand alone, with a notice."""
    result = compute({"bedrijventerreinen": parken()})
    theme = result.themes["bedrijventerreinen"]
    assert [i.name for i in theme.indicators] == ["leegstand"]
    assert_allclose(theme.score[:, :10], 0.5)  # leegstand 50 % of 0..100, weight re-based
    notice = theme.verantwoording()["uitgeschakeld"][0]
    assert notice["naam"] == "afrit" and notice["laag"] == "wegen"
    assert "de laag 'wegen' ontbreekt" in notice["melding"]
    assert "zonder deze indicator berekend (onbekend, niet 0)" in notice["melding"]


def test_a_missing_domain_layer_skips_the_theme_and_the_total_says_so():
    result = compute({"bedrijventerreinen": parken()})
    assert list(result.themes) == ["bedrijventerreinen"]
    doc = result.verantwoording()
    skipped = doc["totaal"]["overgeslagen_themas"]
    assert [s["thema"] for s in skipped] == ["havens"]
    assert "domeinlaag 'havens' ontbreekt" in skipped[0]["melding"]
    assert [i.name for i in result.total.indicators] == ["bedrijventerreinen"]
    assert len(result.notices()) == 2 and "overgeslagen" in result.notices()[0]


def test_the_engine_and_kaart_lagen_use_the_same_rule():
    found = check_availability(config(), {"bedrijventerreinen"})
    assert list(found.skipped) == ["havens"]
    assert [d["naam"] for d in found.disabled["bedrijventerreinen"]] == ["afrit"]
    assert not found.indicator_available("bedrijventerreinen", "afrit")
    assert found.indicator_available("bedrijventerreinen", "leegstand")
    by_layer = disabled_by_layer(config(), ["wegen", "havens", "kernen"])
    assert by_layer["wegen"] == [{"thema": "bedrijventerreinen", "indicator": "afrit",
                                  "gevolg": "indicator uit"}]
    assert by_layer["havens"] == [{"thema": "havens", "indicator": "ligplaatsen",
                                   "gevolg": "thema overgeslagen"}]
    assert "kernen" not in by_layer


def test_nothing_left_to_compute_is_a_dutch_error():
    with pytest.raises(ConfigError, match="geen enkel thema kan worden berekend"):
        compute({"wegen": parken()})
