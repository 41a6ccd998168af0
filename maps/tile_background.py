"""A configurable XYZ/WMTS tile background (no folium here: the API settings import it).

The served viewer defaults to :data:`PDOK_BRT`, PDOK's BRT-Achtergrondkaart (a Dutch
government service) instead of OpenStreetMap; a standalone file uses one only when asked.
The Content-Security-Policy allows exactly :func:`image_hosts` of the configured background.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from geo.errors import ConfigError

PDOK_BRT_URL = ("https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/"
                "{z}/{x}/{y}.png")
PDOK_BRT_ATTRIBUTION = "Kadaster / PDOK, CC BY 4.0"
_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?")
"""A plain host name (and port): nothing that could end or extend a CSP directive."""


@dataclass(frozen=True)
class TileBackground:
    """An XYZ/WMTS (Web Mercator) tile background: ``url`` with ``{z}``, ``{x}``, ``{y}``."""

    url: str
    attribution: str
    name: str = "Achtergrondkaart"
    max_zoom: int = 19

    def __post_init__(self) -> None:
        parts = urlsplit(self.url)
        if parts.scheme != "https" or not _HOST.fullmatch(parts.netloc) or not all(
                key in self.url for key in ("{z}", "{x}", "{y}")) or any(
                c in self.url for c in " ;,'\"<>\\"):
            raise ConfigError(
                f"Achtergrondkaart '{self.url}': gebruik een https-adres met {{z}}, {{x}} en "
                "{y} (XYZ/WMTS in EPSG:3857).", achtergrond=self.url)

    @property
    def host(self) -> str:
        """``https://service.pdok.nl``: the one origin the CSP must allow for it."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc}"


PDOK_BRT = TileBackground(url=PDOK_BRT_URL, attribution=PDOK_BRT_ATTRIBUTION,
                          name="BRT-Achtergrondkaart (PDOK)")
"""Default tile background of the served viewer."""


def image_hosts(background: TileBackground | None) -> tuple[str, ...]:
    """Outside image hosts a page with ``background`` may load: its host, or none."""
    return (background.host,) if background is not None else ()
