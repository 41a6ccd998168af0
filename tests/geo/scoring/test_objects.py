"""Object scores, classes, ranks and explanations, hand-checked on a 4×4 grid."""

import json

import geopandas as gpd
import numpy as np
import pytest
from affine import Affine
from numpy.testing import assert_allclose
from shapely.geometry import Point, box

from geo.errors import SchemaError
from geo.legend import GEEN_KENMERKEN
from geo.scoring.engine import IndicatorInfo, ThemeResult
from geo.scoring.grid import Grid
from geo.scoring.objects import classify_scores, object_cells, score_objects

NAN = np.nan
N1 = np.array([[0.2, 0.6, 0.0, 0.4], [0.4, 0.8, 1.0, 0.0], [1.0, 0.2, 0.0, 0.8], [NAN] * 4])
N2 = np.array([[0.6, 0.2, 0.4, 0.4], [0.2, 0.4, 0.2, 0.6], [0.4, 1.0, 0.0, 0.0], [NAN] * 4])


@pytest.fixture
def grid():
    return Grid(Affine(10, 0, 0, 0, -10, 40), (4, 4))


@pytest.fixture
def theme():
    norm = np.stack([N1, N2]).astype("float32")
    score = ((N1 + 3 * N2) / 4).astype("float32")  # weighted sum, weights 1 and 3
    infos = [IndicatorInfo("a", "Leegstand", "r", "attribuut", 1.0),
             IndicatorInfo("b", "Nabijheid snelweg", "r", "nabijheid", 3.0)]
    return ThemeResult(thema="bedrijventerreinen", label="Bedrijventerreinen", score=score,
                       klasse=np.zeros((4, 4), "uint8"), breaks=[0.2, 0.4, 0.6, 0.8],
                       indicators=infos, raw=norm * 10, norm=norm, domain=np.isfinite(score))


@pytest.fixture
def gemeenten():
    return gpd.GeoDataFrame({"gemeentecode": ["GM0001", "GM0002"],
                             "gemeentenaam": ["Links", "Rechts"]},
                            geometry=[box(0, 0, 20, 40), box(20, 0, 40, 40)], crs="EPSG:28992")


@pytest.fixture
def objects():
    return gpd.GeoDataFrame(
        {"id": ["A", "B", "C", "E", "D"], "naam": ["a", "b", "c", "e", "d"],
         "leegstand_pct": [1.0, 2.0, 3.0, 4.0, 5.0]},
        geometry=[box(0, 30, 20, 40), Point(35, 15), box(21, 21, 24, 24), box(0, 0, 20, 20),
                  Point(100, 100)],
        crs="EPSG:28992")


def test_object_cells(grid, objects):
    cells = object_cells(objects.geometry, grid)
    assert [c.tolist() for c in cells] == [[0, 1], [11], [6], [8, 9, 12, 13], []]


def test_scores_classes_ranks_hand_checked(grid, theme, gemeenten, objects):
    table = score_objects(objects, theme, grid, gemeenten).set_index("id")
    assert sorted(table.index) == ["A", "B", "C", "E"]  # D lies outside the area
    assert_allclose(table.loc[["A", "B", "C", "E"], "score"], [0.4, 0.2, 0.4, 0.675], atol=1e-6)
    assert table.loc[["A", "B", "C", "E"], "klasse"].tolist() == [2, 1, 2, 4]
    assert table.loc["E", "klasse_naam"] == "hoog"
    assert table.loc[["E", "A", "C", "B"], "rang_gebied"].tolist() == [1, 2, 2, 4]
    assert table.loc[["E", "A", "C", "B"], "rang_gemeente"].tolist() == [1, 2, 1, 2]
    assert table.loc[["A", "E", "B", "C"], "gemeentenaam"].tolist() == [
        "Links", "Links", "Rechts", "Rechts"]
    assert table.loc["A", "leegstand_pct"] == 1.0  # the layer's own attributes stay
    assert (table["thema"] == "bedrijventerreinen").all()
    assert list(table.reset_index().columns[:13]) == [
        "id", "naam", "gemeentecode", "gemeentenaam", "thema", "score", "klasse", "klasse_naam",
        "rang_gemeente", "rang_gebied", "volledigheid", "top_indicatoren", "uitleg"]
    assert (table["volledigheid"] == 1.0).all()  # a theme without status: all known


def test_explanation_shares_add_up(grid, theme, gemeenten, objects):
    table = score_objects(objects, theme, grid, gemeenten).set_index("id")
    expected = {"A": [0.1, 0.3], "B": [0.2, 0.0], "C": [0.25, 0.15], "E": [0.15, 0.525]}
    for object_id, shares in expected.items():
        uitleg = json.loads(table.loc[object_id, "uitleg"])
        assert [u["indicator"] for u in uitleg] == ["a", "b"]
        assert_allclose([u["aandeel"] for u in uitleg], shares, atol=1e-6)
        assert_allclose(sum(u["aandeel"] for u in uitleg), table.loc[object_id, "score"],
                        atol=1e-6)
        assert [u["gewicht"] for u in uitleg] == [1.0, 3.0]
    e = json.loads(table.loc["E", "uitleg"])
    assert_allclose([e[0]["genormaliseerd"], e[1]["genormaliseerd"]], [0.6, 0.7], atol=1e-6)
    assert_allclose([e[0]["ruw"], e[1]["ruw"]], [6.0, 7.0], atol=1e-5)
    assert table.loc["E", "top_indicatoren"] == (
        "Nabijheid snelweg (78% van de score), Leegstand (22%)")


def test_missing_id_column(grid, theme, gemeenten, objects):
    with pytest.raises(SchemaError, match="'id'"):
        score_objects(objects.drop(columns="id"), theme, grid, gemeenten)


def test_classify_scores():
    got = classify_scores(np.array([0.0, 0.2, 0.21, 0.5, 0.81, 1.0, NAN]), [0.2, 0.4, 0.6, 0.8])
    assert got.tolist() == [GEEN_KENMERKEN, 1, 2, 3, 5, 5, 0]  # score 0: geen kenmerken


@pytest.mark.parametrize("combination", ["gewogen_som", "relatief_risico"])
def test_shares_match_explain_cell_and_add_up(grid, gemeenten, objects, combination):
    from geo.scoring.combine import combine
    from geo.scoring.explain import explain_cell

    infos = [IndicatorInfo("a", "A", "r", "attribuut", 0.5),
             IndicatorInfo("b", "B", "r", "nabijheid", 1.5, direction="negatief")]
    norm = np.stack([N1, N2])
    score = combine(norm, [0.5, 1.5], ["positief", "negatief"], combination, intercept=-0.5)
    score = score.astype("float32")
    score[3] = np.nan
    theme = ThemeResult(thema="havens", label="Havens", score=score,
                        klasse=np.zeros((4, 4), "uint8"), breaks=[0.2, 0.4, 0.6, 0.8],
                        indicators=infos, raw=norm, norm=norm, domain=np.isfinite(score),
                        combination=combination, intercept=-0.5)
    table = score_objects(objects, theme, grid, gemeenten).set_index("id")
    # B is a point: its explanation is the explanation of cell (2, 3)
    expected = explain_cell(norm[:, 2, 3], norm[:, 2, 3], infos, combination, -0.5)
    got = json.loads(table.loc["B", "uitleg"])
    assert [g["indicator"] for g in got] == [e["indicator"] for e in expected]
    assert_allclose([g["aandeel"] for g in got], [e["aandeel"] for e in expected], rtol=1e-6)
    for object_id in ["A", "B", "C", "E"]:
        shares = [u["aandeel"] for u in json.loads(table.loc[object_id, "uitleg"])]
        assert_allclose(sum(shares), table.loc[object_id, "score"], rtol=1e-6)
    if combination == "relatief_risico":
        assert got[-1]["indicator"] == "basis"
        assert_allclose(got[-1]["aandeel"], np.exp(-0.5))
