"""The engine end to end: hand-computed scores, domains, windows == whole area, memmaps."""

import numpy as np
import pytest
from gelegenheid_factories import HAND, hand_layers, synthetic_layers
from numpy.testing import assert_allclose, assert_array_equal

from geo.errors import ConfigError, InvalidRequestError
from geo.legend import GEEN_KENMERKEN
from geo.scoring import (
    TOTAL,
    compute_gelegenheid,
    load_gelegenheid_config,
    with_learned_weights,
)
from geo.scoring.config import parse_gelegenheid_config
from geo.scoring.grid import Grid
from geo.scoring.tiled import TiledArray


@pytest.fixture
def hand_result():
    grid = Grid.from_bounds((0, 0, 100, 100), 10)  # 10 × 10; park A bottom-left, B top-right
    mask = np.ones(grid.shape, bool)
    mask[0, 0] = False
    config = parse_gelegenheid_config(HAND, source="hand.yaml")
    return compute_gelegenheid(config, hand_layers(), grid, mask, window=4)


def test_weighted_sum_theme_hand_computed(hand_result):
    parken = hand_result.themes["parken"]
    # park A (perm 40, access control): (2·0.4 + 1·0 + 1·0) / 4 = 0.2 (the exit is ≥ 50 m away)
    assert_allclose(parken.score[5:, :5], 0.2, rtol=1e-6)
    # park B (perm 80, no access control), exit in column 9: proximity 1 - (9 - c)·10/50
    for c in range(5, 10):
        expected = (2 * 0.8 + 1 * 1 + (1 - (9 - c) * 10 / 50)) / 4
        assert_allclose(parken.score[:5, c], expected, rtol=1e-6)
    # outside the domain 0, outside the area NaN
    assert_allclose(parken.score[5:, 5:], 0)
    assert np.isnan(parken.score[0, 0])
    assert_allclose(parken.raw[0, 7, 2], 40)
    assert_allclose(parken.norm[1, 2, 7], 0)  # toegang False → norm 0 (v = 1)
    assert_allclose(parken.raw[2, :, 9], 1)
    assert [i.name for i in parken.indicators] == ["bewoning", "geen_toegang", "afrit"]
    assert parken.stats[0] == {"methode": "vast", "min": 0.0, "max": 100.0, "n": 50}


def test_relative_risk_theme_and_buiten_domain(hand_result):
    rest = hand_result.themes["rest"]
    # domain: the area outside both parks (top-left and bottom-right blocks, minus (0, 0))
    assert rest.domain[:5, :5].sum() == 24 and rest.domain[5:, 5:].all()
    assert not rest.domain[5:, :5].any()
    # distance to the nearest park cell, capped at 30 m; min-max over the domain (10 .. 30)
    d = rest.raw[0]
    assert_allclose(d[4, 4], 10)  # next to both parks
    assert_allclose(d[0, 1], 30)  # 40 m from B, capped
    assert_allclose(d[2, 2], 30)  # 30 m from both
    assert_allclose(d[3, 3], 20)  # 20 m from B
    assert_allclose(d[7, 6], 20)  # 20 m from A
    norm = (np.minimum(d, 30) - 10) / 20
    assert_allclose(rest.norm[0][rest.domain], norm[rest.domain], rtol=1e-6)
    assert_allclose(rest.score[rest.domain], np.exp(-1 + 2 * norm[rest.domain]), rtol=1e-6)
    assert rest.combination == "relatief_risico" and rest.intercept == -1


def test_total_is_weighted_sum_of_theme_scores(hand_result):
    total = hand_result.total
    parken, rest = hand_result.themes["parken"].score, hand_result.themes["rest"].score
    assert_allclose(total.score, (3 * parken + rest) / 4, rtol=1e-6)
    assert total.thema == TOTAL and [i.name for i in total.indicators] == ["parken", "rest"]
    assert total.domain.sum() == 99
    assert_array_equal(total.raw[1], rest)


def test_classes_are_quantiles_within_the_domain(hand_result):
    parken = hand_result.themes["parken"]
    in_domain = parken.score[parken.domain]
    expected = np.quantile(in_domain, [0.2, 0.4, 0.6, 0.8])
    assert_allclose(parken.breaks, expected, rtol=1e-6)
    assert (parken.klasse[5:, :5] == 1).all()  # 0.2 is the lowest domain score
    assert (parken.klasse[:5, 9] == 5).all()
    assert parken.klasse[0, 0] == 0 and parken.klasse.dtype == np.uint8
    # outside the domain: score 0 → its own class "geen kenmerken", not zeer laag
    assert (parken.klasse[5:, 5:] == GEEN_KENMERKEN).all()


def test_fixed_breaks_from_config():
    text = HAND + "klassen: {methode: vaste_grenzen, grenzen: [0.1, 0.3, 0.5, 0.7]}\n"
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    result = compute_gelegenheid(parse_gelegenheid_config(text), hand_layers(), grid,
                                 np.ones(grid.shape, bool))
    parken = result.themes["parken"]
    assert parken.breaks == [0.1, 0.3, 0.5, 0.7]
    assert (parken.klasse[5:, :5] == 2).all()  # 0.2
    assert (parken.klasse[:5, 9] == 5).all()  # 0.9


def _assert_same(a, b):
    for name in a.all():
        x, y = a.all()[name], b.all()[name]
        assert_allclose(x.raw, y.raw, rtol=1e-6, atol=1e-9, equal_nan=True)
        assert_allclose(x.norm, y.norm, rtol=1e-6, atol=1e-9, equal_nan=True)
        assert_allclose(x.score, y.score, rtol=1e-6, atol=1e-9, equal_nan=True)
        assert_allclose(x.breaks, y.breaks, rtol=1e-6, atol=1e-9)
        assert_array_equal(x.domain, y.domain)
        assert (x.klasse != y.klasse).mean() < 1e-3  # only exact ties at a break may flip


SEAMS = """\
versie: 1
themas:
  bt:
    label: BT
    domein: {modus: nabij, laag: bedrijventerreinen, afstand: 60}
    indicatoren:
      - {naam: dekking, label: D, toelichting: t, soort: dekking, laag: bedrijventerreinen}
      - {naam: leeg, label: L, toelichting: t, soort: attribuut, laag: bedrijventerreinen,
         kolom: leegstand_pct, afstand: 40, normalisatie: percentiel}
      - {naam: afrit, label: A, toelichting: t, soort: nabijheid, laag: wegen,
         filter: {soort: [afrit, snelweg]}, afstand: 150, verval: exponentieel}
      - {naam: dicht, label: K, toelichting: t, soort: dichtheid, laag: buitengebied,
         bandbreedte: 90, normalisatie: percentiel}
      - {naam: ver, label: V, toelichting: t, soort: afstand, laag: kernen, max_afstand: 120,
         richting: negatief}
"""


@pytest.mark.parametrize("window", [12, 33])
def test_windowed_equals_whole_area(window):
    layers = synthetic_layers(extent=1_000, seed=3)
    grid = Grid.from_bounds((0, 0, 1_000, 1_000), 10)
    mask = np.ones(grid.shape, bool)
    mask[:, :13] = False
    config = parse_gelegenheid_config(SEAMS)
    whole = compute_gelegenheid(config, layers, grid, mask, window=1_000)
    assert whole.themes["bt"].domain.sum() > 500
    assert np.nanmax(whole.themes["bt"].raw[3]) > 0
    _assert_same(compute_gelegenheid(config, layers, grid, mask, window=window), whole)


def test_default_config_runs_windowed_with_tiled_arrays(tmp_path):
    layers = synthetic_layers(extent=8_000, seed=1)
    grid = Grid.from_bounds((0, 0, 8_000, 8_000), 100)
    mask = np.ones(grid.shape, bool)
    config = load_gelegenheid_config()
    calls = []
    result = compute_gelegenheid(config, layers, grid, mask, window=32, workdir=tmp_path,
                                 progress=lambda done, total, text: calls.append((done, total)))
    whole = compute_gelegenheid(config, layers, grid, mask, window=80)
    _assert_same(result, whole)
    raw = result.themes["havens"].raw
    assert isinstance(raw, TiledArray) and isinstance(raw.tiles, np.memmap)
    assert raw.tiles.shape[1:] == (9, 32, 32)  # a tile per window: 3 × 3 windows of 32
    assert calls[-1][0] == calls[-1][1] == 3 * 9
    for theme in result.all().values():
        valid = theme.klasse[mask]
        assert set(np.unique(valid)) <= {1, 2, 3, 4, 5, GEEN_KENMERKEN} and (valid == 5).any()
        assert np.isfinite(theme.score[mask]).all()
    verantwoording = result.verantwoording()
    assert set(verantwoording) == {"bedrijventerreinen", "buitengebied", "havens",
                                   "vakantieparken", "totaal"}
    first = verantwoording["bedrijventerreinen"]["indicatoren"][0]
    assert first["naam"] == "leegstand" and first["parameters"]["kolom"] == "leegstand_pct"


def test_missing_layer_switches_its_indicator_off_with_a_notice():
    """Issue 13 item 6 (geo.scoring.availability): no longer an error, never a 0."""
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    layers = hand_layers()
    del layers["wegen"]
    result = compute_gelegenheid(parse_gelegenheid_config(HAND, source="hand.yaml"), layers,
                                 grid, np.ones(grid.shape, bool))
    parken = result.themes["parken"]
    assert [i.name for i in parken.indicators] == ["bewoning", "geen_toegang"]
    assert [d["naam"] for d in parken.disabled] == ["afrit"]
    assert "de laag 'wegen' ontbreekt" in parken.disabled[0]["melding"]
    assert list(result.themes) == ["parken", "rest"]


def test_bad_column_and_mask_shape():
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    layers = hand_layers()
    layers["parken"] = layers["parken"].drop(columns="perm")
    config = parse_gelegenheid_config(HAND, source="hand.yaml")
    with pytest.raises(ConfigError, match=r"regel 8.*kolom 'perm' bestaat niet in laag 'parken'"):
        compute_gelegenheid(config, layers, grid, np.ones(grid.shape, bool))
    with pytest.raises(InvalidRequestError, match="masker"):
        compute_gelegenheid(config, hand_layers(), grid, np.ones((3, 3), bool))


def test_learned_weights_give_the_relative_risk_of_the_normalised_values(hand_result):
    config = parse_gelegenheid_config(HAND, source="hand.yaml")
    betas = {"bewoning": 1.5, "geen_toegang": -0.5, "afrit": 0.25}
    learned = with_learned_weights(config, "parken", betas, intercept=-2.0)
    assert learned.themas["parken"].combinatie == "relatief_risico"
    assert config.themas["parken"].combinatie == "gewogen_som"  # the original is untouched
    grid = Grid.from_bounds((0, 0, 100, 100), 10)
    mask = np.ones(grid.shape, bool)
    mask[0, 0] = False
    result = compute_gelegenheid(learned, hand_layers(), grid, mask).themes["parken"]
    norm = np.nan_to_num(hand_result.themes["parken"].norm.astype(float))
    expected = np.exp(-2.0 + np.tensordot([1.5, -0.5, 0.25], norm, axes=1))
    assert_allclose(result.score[result.domain], expected[result.domain], rtol=1e-6)
    with pytest.raises(ConfigError, match=r"ontbrekend \['afrit'\]"):
        with_learned_weights(config, "parken", {"bewoning": 1, "geen_toegang": 1})
