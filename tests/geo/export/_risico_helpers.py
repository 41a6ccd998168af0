"""Shared tiny fixtures for the risico/geleerd/algoritmeregister export tests (synthetic).

Loaded by path (``load_helpers()``) so it works in any pytest import mode.
"""

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry import Point

from geo.export.cog import write_map_cog, write_uitleg_cog
from geo.export.objects import write_objects_gpkg
from geo.export.risico import area_grid


def make_gelegenheid_run(wm, area, cellsize, *, noise_seed=0):
    """A gelegenheid run in the real output format: two indicators 'oost' and 'ruis'.

    The expert score is the mean of both; objects: one in the east, one in the west.
    """
    grid, mask = area_grid(area, cellsize)
    xs, _ = grid.cell_centers()
    east = (xs - xs.min()) / (xs.max() - xs.min())
    noise = np.random.default_rng(noise_seed).uniform(size=grid.shape)
    score = np.where(mask, 0.5 * east + 0.5 * noise, np.nan)
    breaks = list(np.nanpercentile(score, [20, 40, 60, 80]))
    klasse = np.where(mask, 1 + np.searchsorted(breaks, np.nan_to_num(score)), 0)
    run = wm.run_parent(area.id, "gelegenheid") / "v0001"
    run.mkdir(parents=True)
    write_map_cog(run / "gelegenheidskaart.tif", score, klasse, grid, soort="gelegenheid",
                  thema="totaal", gebied_id=area.id, synthetisch=True, breaks=breaks)
    norm = np.stack([np.where(mask, east, np.nan), np.where(mask, noise, np.nan)])
    write_uitleg_cog(run / "uitleg_bedrijventerreinen.tif", norm * 10, norm, ["oost", "ruis"],
                     grid, thema="bedrijventerreinen", gebied_id=area.id, synthetisch=True)
    rows, cols = np.nonzero(mask)
    east_cell = np.argmax(cols)
    west_cell = np.argmin(cols)
    points = [Point(grid.transform.c + (cols[i] + 0.5) * cellsize,
                    grid.transform.f - (rows[i] + 0.5) * cellsize) for i in (east_cell, west_cell)]
    objects = gpd.GeoDataFrame(
        {"id": ["BT1", "BT2"], "naam": ["Oost", "West"], "thema": "bedrijventerreinen",
         "score": [0.9, 0.2], "klasse": [5, 1]},
        geometry=[p.buffer(cellsize) for p in points], crs="EPSG:28992")
    write_objects_gpkg(run / "objecten.gpkg", {"bedrijventerreinen": objects}, synthetisch=True)
    return grid, mask, east


def incidents_from_intensity(grid, mask, east, *, beta=3.0, per_year=150, years=(2022, 2023,
                             2024, 2025), seed=1):
    """Incidents per cell ~ Poisson(exp(b0 + beta · east)) per year, placed in their cell."""
    rng = np.random.default_rng(seed)
    rate = np.where(mask, np.exp(beta * east), 0.0)
    rate = rate / rate.sum() * per_year
    parts = []
    for year in years:
        counts = rng.poisson(rate)
        rows, cols = np.nonzero(counts)
        n = counts[rows, cols]
        rr = np.repeat(rows, n) + rng.uniform(size=n.sum())
        cc = np.repeat(cols, n) + rng.uniform(size=n.sum())
        x = grid.transform.c + cc * grid.cellsize
        y = grid.transform.f - rr * grid.cellsize
        day = rng.integers(0, 365, size=n.sum())
        dates = pd.Timestamp(f"{year}-01-01") + pd.to_timedelta(day, unit="D")
        parts.append(pd.DataFrame({"x": x, "y": y, "datum": dates}))
    frame = pd.concat(parts, ignore_index=True)
    n = len(frame)
    return gpd.GeoDataFrame({
        "id": [f"INC{i:05d}" for i in range(n)], "datum": frame["datum"],
        "soort": np.where(np.arange(n) % 2 == 0, "drugslab", "melding"),
        "bron": np.where(np.arange(n) % 3 == 0, "politie", "gemeente"),
        "vertrouwelijk": np.arange(n) % 3 == 0,
    }, geometry=gpd.points_from_xy(frame["x"], frame["y"]), crs="EPSG:28992")
