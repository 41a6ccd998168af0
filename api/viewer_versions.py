"""The served viewer's version picker: which map it compares and the URLs it asks.

The picker (:class:`maps.versies.VersionPicker`) compares versions of the area's
gelegenheidskaart (the kind with objects); its URLs are the mounted routes of
:mod:`api.routes.rapport` (``app.url_path_for``, so a moved API prefix moves them too).
Those routes authorise and audit every request themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

import folium
from starlette.requests import Request

from geo.catalog import KaartEntry
from geo.runs import GELEGENHEID, TOTAL
from maps.assets import SERVED_PREFIX, use_local_assets
from maps.versies import VersionPicker, version_picker_config


def add_version_picker(m: folium.Map, request: Request, entries: Iterable[KaartEntry],
                       gebied_naam: str) -> None:
    """Add the version picker for the area's overall gelegenheidskaart, if the user sees
    one (``entries`` are the visible entries of the area)."""
    entry = next((e for e in entries if e.soort == GELEGENHEID.soort and e.thema == TOTAL),
                 None)
    if entry is None:
        return
    config = version_picker_config(
        entry.kaart_id, str(request.app.url_path_for("versies", kaart_id=entry.kaart_id)),
        str(request.app.url_path_for("veranderingen", kaart_id=entry.kaart_id)), gebied_naam)
    picker = VersionPicker(config)
    use_local_assets(picker, SERVED_PREFIX, "VersionPicker")
    picker.add_to(m)
