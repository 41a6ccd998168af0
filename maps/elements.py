"""Our own folium element: the one call that wires ``maps/assets/kaart.js`` into a map.

It only emits JavaScript that calls ``window.Kaart.init``; the
behaviour (panels, legend toggling, offline fallback, search, gebied analyseren) lives
there so it can run in a browser with no network.
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template


class KaartControls(JSCSSMixin, MacroElement):
    """Info panel, legend, offline base-map fallback, object search and area analysis.

    Add it to the map last: its script refers to the layers and the Draw control.

    Parameters
    ----------
    info, legend : str
        HTML of the info panel and the legend (from :mod:`maps.style`).
    object_layers : dict
        Theme → folium GeoJson layer (searched and analysed).
    rasters : list of (str, Layer)
        Map kind and folium layer of each raster overlay (legend blocks follow visibility).
    osm, plain : Layer or None
        The OpenStreetMap base layer and the no-network base layer it falls back to.
    draw : folium.plugins.Draw or None
        The draw control whose shapes are analysed.
    config : dict
        Extra JSON-serialisable settings (``themes``, ``csvColumns``, ``csvName``,
        ``formulaTriggers``).
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        Kaart.init({{ this._parent.get_name() }}, {
            info: {{ this.info|tojson }},
            legend: {{ this.legend|tojson }},
            objectLayers: {
            {%- for thema, layer in this.object_layers.items() %}
                {{ thema|tojson }}: {{ layer.get_name() }},
            {%- endfor %}
            },
            rasters: [
            {%- for soort, layer in this.rasters %}
                {soort: {{ soort|tojson }}, layer: {{ layer.get_name() }}},
            {%- endfor %}
            ],
            osm: {{ this.osm.get_name() if this.osm else "null" }},
            plain: {{ this.plain.get_name() if this.plain else "null" }},
            drawnItems: {{ ("drawnItems_" ~ this.draw.get_name()) | tojson if this.draw
                           else "null" }},
            themes: {{ this.config.themes|tojson }},
            csvColumns: {{ this.config.csvColumns|tojson }},
            csvName: {{ this.config.csvName|tojson }},
            formulaTriggers: {{ this.config.formulaTriggers|tojson }}
        });
        {% endmacro %}
        """
    )

    def __init__(self, *, info: str, legend: str, object_layers: dict[str, Any],
                 rasters: list[tuple[str, Any]], osm: Any = None, plain: Any = None,
                 draw: Any = None, config: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._name = "KaartControls"
        self.info = info
        self.legend = legend
        self.object_layers = object_layers
        self.rasters = rasters
        self.osm = osm
        self.plain = plain
        self.draw = draw
        self.config = {"themes": {}, "csvColumns": [], "csvName": "gebied_analyse.csv",
                       "formulaTriggers": [],
                       **(config or {})}
