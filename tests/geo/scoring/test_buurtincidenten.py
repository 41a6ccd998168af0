"""Risicokaart from police open data per buurt: fixture in the real CBS/politie table layout
(47022NED "Geregistreerde misdrijven; soort misdrijf, wijk en buurt", CSV TypedDataSet).
Synthetic numbers, real layout."""

import geopandas as gpd
import numpy as np
import pytest
import shapely

from geo.errors import SchemaError
from geo.scoring.buurtincidenten import (
    buurt_cell_counts,
    compute_buurt_risico,
    counts_per_buurt,
    read_buurt_counts,
)
from geo.scoring.grid import Grid
from geo.scoring.risico import RisicoConfig

HEADER = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"GeregistreerdeMisdrijven_1"\n'
ROWS = [  # synthetic counts
    ("0.0.0   ", "NL01      ", "2024MM01", "70000"),
    ("0.0.0   ", "GM0983    ", "2024MM01", "310"),
    ("0.0.0   ", "WK098300  ", "2024MM01", "40"),
    ("0.0.0   ", "BU09830000", "2024MM01", "12"),
    ("0.0.0   ", "BU09830000", "2024MM02", "8"),
    ("0.0.0   ", "BU09830001", "2024MM01", "1"),
    ("0.0.0   ", "BU09830001", "2024MM02", "1"),
    ("0.0.0   ", "BU09830002", "2024MM01", "."),
    ("1.1.1   ", "BU09830000", "2024MM01", "4"),
]
X0, Y0 = 200_000.0, 360_000.0


def _table(tmp_path, rows=ROWS, header=HEADER):
    path = tmp_path / "47022NED_TypedDataSet.csv"
    lines = [";".join(f'"{v}"' for v in (str(i), *row)) for i, row in enumerate(rows)]
    path.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def _buurten():
    return gpd.GeoDataFrame(
        {"buurtcode": ["BU09830000", "BU09830001", "BU09830002"],
         "buurtnaam": ["Centrum", "Klein", "Leeg"]},
        geometry=[shapely.box(X0, Y0, X0 + 1000, Y0 + 1000),
                  shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000),
                  shapely.box(X0, Y0 + 1000, X0 + 1000, Y0 + 2000)],
        crs="EPSG:28992")


def test_reads_buurt_rows_only_and_unknown_is_not_zero(tmp_path):
    table = read_buurt_counts(_table(tmp_path))
    assert set(table["buurtcode"]) == {"BU09830000", "BU09830001", "BU09830002"}
    assert "geometry" not in table.columns  # counts per buurt, never points
    counts = counts_per_buurt(table)
    assert counts.to_dict() == {"BU09830000": 20, "BU09830001": 2}  # '.' stays unknown
    assert counts_per_buurt(table, van="2024MM02").to_dict() == {"BU09830000": 8,
                                                                 "BU09830001": 1}
    assert counts_per_buurt(table, soort="1.1.1").to_dict() == {"BU09830000": 4}


def test_count_is_spread_evenly_and_small_buurten_publish_nothing(tmp_path):
    counts = counts_per_buurt(read_buurt_counts(_table(tmp_path)))
    grid = Grid.from_bounds((X0 - 1000, Y0 - 1000, X0 + 3000, Y0 + 3000), 100)
    cells, spread = buurt_cell_counts(counts, _buurten(), grid, k=3)
    inside_a = grid.mask(shapely.box(X0, Y0, X0 + 1000, Y0 + 1000))
    inside_b = grid.mask(shapely.box(X0 + 1000, Y0, X0 + 2000, Y0 + 1000))
    assert spread == {"BU09830000": 20}
    np.testing.assert_allclose(cells[inside_a], 20 / inside_a.sum())  # even, no point
    assert cells.sum() == pytest.approx(20)
    assert (cells[inside_b] == 0).all()  # 2 < k: contributes nothing


def test_buurt_risico_publishes_only_rounded_counts(tmp_path):
    counts = counts_per_buurt(read_buurt_counts(_table(tmp_path)))
    grid = Grid.from_bounds((X0 - 1000, Y0 - 1000, X0 + 3000, Y0 + 3000), 100)
    mask = np.ones(grid.shape, bool)
    config = RisicoConfig(bandbreedte_m=300, k_anonimiteit=3)
    result = compute_buurt_risico(counts, _buurten(), grid, mask, config, periode="2024")
    assert result.used == {"BU09830000": 20, "totaal": 20}  # 22 → 20, the 2 is not shown
    assert all(v % 5 == 0 for v in result.used.values())
    assert "BU09830001" not in result.used
    centre = grid.rowcol(np.array([X0 + 500]), np.array([Y0 + 500]))
    assert result.klasse[centre[0][0], centre[1][0]] == 5
    # the whole mass of the buurt (20 crimes) is in the density, in crimes per km²
    assert float(np.nansum(result.density)) * (0.1 * 0.1) == pytest.approx(20, rel=0.02)
    assert result.extra["buurten_onder_k"] == 1


def test_missing_count_column_names_file_and_column(tmp_path):
    header = '"ID";"SoortMisdrijf";"WijkenEnBuurten";"Perioden";"Misdrijven"\n'
    with pytest.raises(SchemaError) as caught:
        read_buurt_counts(_table(tmp_path, header=header))
    text = str(caught.value)
    assert "GeregistreerdeMisdrijven_1" in text and "47022NED_TypedDataSet.csv" in text


def test_buurt_layer_without_code_column_is_refused(tmp_path):
    counts = counts_per_buurt(read_buurt_counts(_table(tmp_path)))
    grid = Grid.from_bounds((X0, Y0, X0 + 2000, Y0 + 2000), 100)
    with pytest.raises(SchemaError, match="buurtcode"):
        buurt_cell_counts(counts, _buurten().rename(columns={"buurtcode": "BU_CODE"}), grid, 3)
