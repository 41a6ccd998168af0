"""The served viewer's version picker and *veranderingen* layer.

:class:`VersionPicker` is a folium element that calls ``KaartVersies.init``
(``maps/assets/versies.js``) with the URLs of ``/kaarten/{kaart_id}/versies`` and
``.../veranderingen`` (made by the web layer, so ``maps`` never knows routes). The control
lists the versions of the area's gelegenheidskaart (number and date) in two lists, *van* and
*naar* (default: the one before the newest, and the newest), and draws per changed object a
marker: higher class, lower class, new, gone — each with its own colour AND symbol
(▲ ▼ + ×), so the change does not depend on colour alone. Object names reach the page only as
text (``textContent``), never as HTML.
"""

from __future__ import annotations

from typing import Any

from branca.element import MacroElement
from folium.elements import JSCSSMixin
from folium.template import Template

CHANGE_STYLES: dict[str, dict[str, str]] = {
    "omhoog": {"label": "Hogere klasse", "symbool": "▲", "kleur": "#b2182b"},
    "omlaag": {"label": "Lagere klasse", "symbool": "▼", "kleur": "#2166ac"},
    "nieuw": {"label": "Nieuw object", "symbool": "+", "kleur": "#1b7837"},
    "verdwenen": {"label": "Verdwenen object", "symbool": "×", "kleur": "#4d4d4d"},
}
"""Label, symbol and colour of each class change shown on the map (``gelijk`` is not)."""


def version_picker_config(kaart_id: str, versies_url: str, veranderingen_url: str,
                          gebied_naam: str) -> dict[str, Any]:
    """The JSON settings of ``KaartVersies.init``."""
    return {"kaartId": kaart_id, "versiesUrl": versies_url,
            "veranderingenUrl": veranderingen_url, "gebied": gebied_naam,
            "stijlen": CHANGE_STYLES}


class VersionPicker(JSCSSMixin, MacroElement):
    """Version lists and the veranderingen layer (served viewer only)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        KaartVersies.init({{ this._parent.get_name() }}, {{ this.config|tojson }});
        {% endmacro %}
        """
    )

    def __init__(self, config: dict[str, Any]) -> None:
        super().__init__()
        self._name = "VersionPicker"
        self.config = config
