"""Vendored JavaScript/CSS (Leaflet and plugins) so no map ever needs a CDN.

Folium points every element at CDNs; :func:`use_local_assets` repoints them at our copies
under ``maps/assets/`` (see ``maps/assets/vendor/LICENSES.txt``). In served mode the URLs
are ``/static/maps/<name>`` (served by ``api.routes.pages``); in standalone mode they are
placeholders that :func:`inline_assets` replaces by the file contents, with the images the
CSS refers to embedded as ``data:`` URIs.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from pathlib import Path

from branca.element import Element

from geo.errors import InputFileError
from maps.tile_background import PDOK_BRT, image_hosts

ASSET_DIR = Path(__file__).resolve().parent / "assets"
VENDOR_DIR = ASSET_DIR / "vendor"
STANDALONE_PREFIX = "kaart-asset:"
SERVED_PREFIX = "/static/maps/"

BASE_MAP_HOSTS = image_hosts(PDOK_BRT)
"""Outside hosts of the default tile background (PDOK), images only (never scripts). The
served pages allow the *configured* background's host (:mod:`maps.tile_background`);
a standalone file none unless asked."""

MAP_JS = [("leaflet", "leaflet.js"), ("kaart_nl_js", "nl.js"), ("kaart_api_js", "api.js")]
MAP_CSS = [("leaflet_css", "leaflet.css")]
PLUGIN_ASSETS: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {
    "Fullscreen": ([("Control.Fullscreen.js", "Control.FullScreen.js")],
                   [("Control.FullScreen.css", "Control.FullScreen.css")]),
    "MeasureControl": ([("leaflet_measure_js", "leaflet-measure.min.js")],
                       [("leaflet_measure_css", "leaflet-measure.css")]),
    "Draw": ([("leaflet_draw_js", "leaflet.draw.js")],
             [("leaflet_draw_css", "leaflet.draw.css")]),
    "KaartControls": ([("Leaflet.Search.js", "leaflet-search.min.js"),
                       ("kaart_indeling_js", "indeling.js"), ("kaart_js", "kaart.js")],
                      [("Leaflet.Search.css", "leaflet-search.min.css"),
                       ("kaart_css", "kaart.css")]),
    "ObjectLoader": ([("leaflet_vectorgrid_js", "leaflet.vectorgrid.bundled.min.js"),
                      ("kaart_objecten_js", "objecten.js"),
                      ("kaart_objecten_tabel_js", "objecten_tabel.js")],
                     [("kaart_objecten_css", "objecten.css")]),
    "VersionPicker": ([("kaart_versies_js", "versies.js")],
                      [("kaart_versies_css", "versies.css")]),
}

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.@-]+(/[A-Za-z0-9_.@-]+)?$")
_SCRIPT = re.compile(r'<script src="' + re.escape(STANDALONE_PREFIX) + r'([^"]+)"></script>')
_CSS = re.compile(r'<link rel="stylesheet" href="' + re.escape(STANDALONE_PREFIX)
                  + r'([^"]+)"/>')
_CSS_URL = re.compile(r"url\((['\"]?)(images/[^)'\"]+|icon-fullscreen\.svg)\1\)")


def asset_file(name: str) -> Path:
    """The file of a vendored asset (``leaflet.js``, ``images/layers.png``, ``kaart.css``).

    Raises
    ------
    InputFileError
        Unknown or unsafe name (never a path outside ``maps/assets``).
    """
    if not _SAFE_NAME.match(name) or ".." in name:
        raise InputFileError(f"Onbekend kaartbestand '{name}'.", naam=name)
    for folder in (ASSET_DIR, VENDOR_DIR):
        path = folder / name
        if path.is_file() and path.resolve().is_relative_to(ASSET_DIR):
            return path
    raise InputFileError(f"Onbekend kaartbestand '{name}'.", naam=name)


def use_local_assets(element: Element, prefix: str, plugin: str | None = None) -> None:
    """Point a folium Map or plugin at our vendored JS/CSS (instead of a CDN).

    ``plugin`` names the entry of :data:`PLUGIN_ASSETS`; ``None`` means the Map itself
    (Leaflet only: jQuery, Bootstrap and the icon fonts folium adds are not needed).
    """
    js, css = (MAP_JS, MAP_CSS) if plugin is None else PLUGIN_ASSETS[plugin]
    element.default_js = [(key, prefix + name) for key, name in js]
    element.default_css = [(key, prefix + name) for key, name in css]


def _data_uri(path: Path) -> str:
    mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def inline_css(name: str) -> str:
    """A stylesheet's text with every ``url(images/...)`` replaced by a ``data:`` URI."""
    text = asset_file(name).read_text(encoding="utf-8")
    return _CSS_URL.sub(lambda m: f'url("{_data_uri(asset_file(m.group(2)))}")', text)


def inline_js(name: str) -> str:
    """A script's text, safe to put inside ``<script>...</script>``."""
    return asset_file(name).read_text(encoding="utf-8").replace("</script", "<\\/script")


def inline_assets(html: str) -> str:
    """Replace every placeholder ``<script src>``/``<link>`` by the asset's inline content."""
    html = _SCRIPT.sub(lambda m: f"<script>{inline_js(m.group(1))}</script>", html)
    return _CSS.sub(lambda m: f"<style>{inline_css(m.group(1))}</style>", html)


def total_vendor_size() -> int:
    """Bytes of all files under ``maps/assets`` (kept below 1.5 MB)."""
    return sum(p.stat().st_size for p in ASSET_DIR.rglob("*") if p.is_file())
