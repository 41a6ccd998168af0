"""Synthetic road network: A2/A73/A67/A76/A79/A77-like motorways, exits and main roads.

The motorways follow hand-picked WGS84 waypoints close to the real routes, clipped to
Limburg. An exit (``afrit``, a 350 m line from the motorway towards the kern) is placed
where a kern lies within 5 km of a motorway, at least 2.5 km from the previous exit.
``hoofdweg`` lines join every exit to its kern and every main kern to its two nearest
main kernen.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString

from geo import RD_CRS
from geo.layers.demo._common import DemoArea, lonlat_to_rd

MOTORWAYS: dict[str, list[tuple[float, float]]] = {
    "A2": [(5.745, 50.770), (5.720, 50.820), (5.707, 50.850), (5.725, 50.875),
           (5.770, 50.925), (5.785, 50.975), (5.810, 51.020), (5.855, 51.100),
           (5.860, 51.165), (5.800, 51.200), (5.720, 51.245), (5.670, 51.270),
           (5.600, 51.310)],
    "A73": [(5.860, 51.165), (5.930, 51.180), (6.000, 51.190), (6.040, 51.240),
            (6.100, 51.300), (6.130, 51.340), (6.130, 51.390), (6.090, 51.430),
            (6.020, 51.470), (5.980, 51.520), (5.940, 51.600), (5.900, 51.680),
            (5.860, 51.760)],
    "A67": [(5.750, 51.400), (5.900, 51.380), (6.000, 51.370), (6.100, 51.375),
            (6.130, 51.390), (6.210, 51.400)],
    "A76": [(5.720, 50.980), (5.760, 50.975), (5.785, 50.975), (5.840, 50.940),
            (5.880, 50.915), (5.950, 50.895), (5.990, 50.860), (6.020, 50.830),
            (6.050, 50.815)],
    "A79": [(5.725, 50.875), (5.760, 50.880), (5.820, 50.885), (5.880, 50.885),
            (5.950, 50.895)],
    "A77": [(5.880, 51.660), (5.960, 51.670), (6.030, 51.665)],
}
EXIT_REACH_M = 5_000.0
EXIT_SPACING_M = 2_500.0
EXIT_LENGTH_M = 350.0


def generate_wegen(area: DemoArea, kernen: gpd.GeoDataFrame,
                   motorway_routes: dict[str, list[tuple[float, float]]] | None = None
                   ) -> gpd.GeoDataFrame:
    """Road lines with ``soort`` (snelweg, afrit, hoofdweg) and ``naam``.

    Parameters
    ----------
    area : DemoArea
        The Limburg gemeenten; roads are clipped to their union.
    kernen : GeoDataFrame
        Kernen with ``naam``, ``inwoners`` and ``hoofdkern`` (exits serve them).
    motorway_routes : dict, optional
        Motorway name → WGS84 waypoints; default the Limburg :data:`MOTORWAYS`.
    """
    outline = area.geometry
    names, soorten, lines = [], [], []
    motorways = []
    for name, waypoints in (MOTORWAYS if motorway_routes is None else motorway_routes).items():
        clipped = LineString(lonlat_to_rd(waypoints)).intersection(outline)
        if clipped.is_empty:
            continue
        for part in getattr(clipped, "geoms", [clipped]):
            if part.length > 200:
                motorways.append((name, part))
                names.append(name)
                soorten.append("snelweg")
                lines.append(part)
    order = kernen.sort_values(["inwoners", "naam"], ascending=[False, True])
    centres = {row.naam: row.geometry.centroid for row in order.itertuples()}
    exits: list[shapely.Point] = []
    for row in order.itertuples():
        centre = centres[row.naam]
        distances = [line.distance(centre) for _, line in motorways]
        best = int(np.argmin(distances))
        if distances[best] > EXIT_REACH_M:
            continue
        road = motorways[best][1]
        at = road.interpolate(road.project(centre))
        if any(at.distance(e) < EXIT_SPACING_M for e in exits):
            continue
        exits.append(at)
        end = _towards(at, centre, min(EXIT_LENGTH_M, max(distances[best], 150.0)))
        names.append(f"Afrit {row.naam}")
        soorten.append("afrit")
        lines.append(LineString([at, end]))
        if end.distance(centre) > 300:
            names.append(f"Toegangsweg {row.naam}")
            soorten.append("hoofdweg")
            lines.append(LineString([end, centre]))
    main = order.loc[order["hoofdkern"]].sort_values("naam")
    xy = np.array([[centres[n].x, centres[n].y] for n in main["naam"]])
    pairs = set()
    for i in range(len(xy)):
        dist = np.hypot(*(xy - xy[i]).T)
        for j in np.argsort(dist, kind="stable")[1:3]:
            pairs.add((min(i, int(j)), max(i, int(j))))
    kernnamen = main["naam"].tolist()
    for number, (i, j) in enumerate(sorted(pairs)):
        link = LineString([xy[i], xy[j]]).intersection(outline)
        for part in getattr(link, "geoms", [link]):
            if part.geom_type == "LineString" and part.length > 200:
                names.append(f"N{270 + number} {kernnamen[i]}-{kernnamen[j]}")
                soorten.append("hoofdweg")
                lines.append(part)
    lines = [_clip(line, outline) for line in lines]
    keep = [i for i, line in enumerate(lines) if line is not None]
    return gpd.GeoDataFrame({"soort": [soorten[i] for i in keep], "naam": [names[i] for i in keep]},
                            geometry=[lines[i] for i in keep], crs=RD_CRS)


def _clip(line: LineString, outline) -> LineString | None:
    """The part of ``line`` inside Limburg that contains its start (exits stay attached)."""
    if outline.covers(line):
        return line
    parts = [g for g in getattr(line.intersection(outline), "geoms", [line.intersection(outline)])
             if g.geom_type == "LineString" and g.length > 50]
    if not parts:
        return None
    start = shapely.Point(line.coords[0])
    return min(parts, key=lambda g: (g.distance(start), -g.length))


def _towards(start: shapely.Point, target: shapely.Point, length: float) -> shapely.Point:
    dx, dy = target.x - start.x, target.y - start.y
    norm = np.hypot(dx, dy)
    if norm == 0:
        return shapely.Point(start.x + length, start.y)
    return shapely.Point(start.x + dx / norm * length, start.y + dy / norm * length)


def exit_points(wegen: gpd.GeoDataFrame) -> np.ndarray:
    """Where the exits leave the motorway: an ``(n, 2)`` array (first vertex of each afrit)."""
    afritten = wegen.loc[wegen["soort"] == "afrit"].geometry.values
    if len(afritten) == 0:
        return np.empty((0, 2))
    return shapely.get_coordinates(shapely.get_point(afritten, 0))
