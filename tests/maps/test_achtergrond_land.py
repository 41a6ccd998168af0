"""The offline background of a country map stays small (issue 16 item 5): coordinates on a
grid of a tenth of the simplification, no bounding box per feature. Before, the country
page carried 17 digits per coordinate and a bbox per feature (3.6 MB with the national
demo, 2.2 MB after)."""

from __future__ import annotations

import json
import re

import folium

from geo.layers.gemeenten import reference_gemeenten
from maps.achtergrond import offline_background, read_background_layers


def test_country_background_has_rounded_coordinates_and_no_bboxes():
    land = reference_gemeenten().to_crs("EPSG:4326")
    bounds = tuple(float(v) for v in land.total_bounds)
    layers = read_background_layers(None, bounds)
    gemeenten = layers["gemeenten"]
    assert len(gemeenten) == 342 and gemeenten.is_valid.all()
    m = folium.Map(tiles=None)
    offline_background(layers).add_to(m)
    html = m.get_root().render()
    assert '"bbox"' not in html
    numbers = re.findall(r"-?\d+\.\d+", html[html.index('"features"'):])
    assert numbers and max(len(n.split(".")[1]) for n in numbers) <= 5
    tolerance = (bounds[2] - bounds[0]) / 4000
    unrounded = json.dumps(land[["gemeentenaam", "geometry"]].assign(
        geometry=land.geometry.simplify(tolerance)).__geo_interface__)
    assert len(html) < 0.6 * len(unrounded)
