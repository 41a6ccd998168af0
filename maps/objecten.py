"""Objects in the served viewer: loaded per viewport as vector tiles, not embedded.

:class:`ObjectApi` holds the server URLs of one map's objects (made by the web layer, so
``maps`` never knows routes); :class:`ObjectLoader` is the folium element that calls
``KaartObjecten.init`` (``maps/assets/objecten.js`` and ``objecten_tabel.js``) with them:
one vector tile layer per theme, popups, search, *gebied analyseren* and the object table
all ask the server. The page therefore has the same size for 10 objects or 100,000.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

from geo.legend import OBJECT_CLASS_PROPERTY, class_codes, class_labels
from maps.style import THEME_LABELS, object_style

MVT_LAYER = "objecten"
"""Layer name inside every object vector tile (:mod:`api.vector_tiles`)."""
OBJECT_MIN_ZOOM = 9
"""A map with more than :data:`FEW_OBJECTS` objects (a province, the country) draws its
objects from this zoom on (one pixel about 300 m at 52° N); further out the viewer says
"Zoom in om objecten te zien". At the country's z7 one tile would hold tens of thousands of
dots: they say nothing a raster pixel does not, and cost the browser seconds."""
FEW_OBJECTS = 2000
"""Objects of a map with at most this many objects are drawn at every zoom."""


def object_min_zoom(count: int) -> int:
    """The lowest zoom at which a map with ``count`` objects draws them.

    >>> object_min_zoom(57), object_min_zoom(30_000)
    (0, 9)
    """
    return 0 if count <= FEW_OBJECTS else OBJECT_MIN_ZOOM


@dataclass(frozen=True)
class ObjectApi:
    """Where the served viewer gets one map's objects.

    ``tiles`` is a vector tile URL template with ``{z}``, ``{x}``, ``{y}``; ``table``,
    ``download`` and ``popup`` are the endpoints of :mod:`api.routes.objecten` for the
    same map (``kaart_id``). ``class_tiles`` is the vector tile template of the area's
    gecombineerd run (its objects carry ``risico_klasse`` and ``gecombineerde_klasse``),
    when the user may see it: the viewer draws from it while a risico or gecombineerde kaart
    is shown, so objects take the class of the map that is shown.
    """

    kaart_id: str
    tiles: str
    table: str
    download: str
    popup: str
    class_tiles: str | None = None


def loader_config(api: ObjectApi, themes: list[str], gemeenten: list[tuple[str, str]],
                  csv_name: str, count: int = 0) -> dict[str, Any]:
    """The JSON settings of ``KaartObjecten.init`` (URLs, theme layers, styles, names);
    ``count`` objects in all (it sets the zoom from which they are drawn)."""
    classes = class_labels("gelegenheid")
    return {
        "kaartId": api.kaart_id, "mvtLayer": MVT_LAYER, "tabelUrl": api.table,
        "downloadUrl": api.download, "popupUrl": api.popup, "csvName": csv_name,
        "layers": [{"thema": t, "name": f"{THEME_LABELS.get(t, t)} (objecten)",
                    "url": f"{api.tiles}?thema={t}",
                    "classUrl": f"{api.class_tiles}?thema={t}" if api.class_tiles else None}
                   for t in themes],
        "themes": THEME_LABELS,
        # per shown map kind: the class column and the embedded map's style per class code
        # (maps/style.py's object_style: one source for both maps)
        "columns": dict(OBJECT_CLASS_PROPERTY),
        "styles": {kind: _kind_styles(kind) for kind in OBJECT_CLASS_PROPERTY},
        "classOrder": [str(k) for k in classes],
        "classNames": {str(k): v for k, v in classes.items()},
        "gemeenten": [list(g) for g in gemeenten],
        "minZoom": object_min_zoom(count),
    }


def _kind_styles(kind: str) -> dict[str, dict[str, Any]]:
    column = OBJECT_CLASS_PROPERTY[kind]
    styles = {str(k): object_style({"properties": {column: k}}, kind) for k in class_codes(kind)}
    styles["onbekend"] = object_style({"properties": {column: None}}, kind)
    return styles


class ObjectLoader(JSCSSMixin, MacroElement):
    """Vector tile object layers, search, analysis and table (served viewer only).

    Add it after the layer control (its layers join that control) and the Draw control.
    """

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        KaartObjecten.init({{ this._parent.get_name() }},
            Object.assign({{ this.config|tojson }}, {drawnItems: {{ this.drawn|tojson }}}),
            {{ this.control.get_name() if this.control else "null" }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any], *, control: Any = None,
                 draw: Any = None) -> None:
        super().__init__()
        self._name = "ObjectLoader"
        self.config = config
        self.control = control
        self.drawn = f"drawnItems_{draw.get_name()}" if draw is not None else None
