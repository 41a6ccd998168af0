"""Which themes and indicators can be computed with the input layers at hand: one rule.

A missing layer is not a failure (issue 13 item 6) and never a 0 (unknown is not zero):

- an indicator whose ``laag`` is missing is *switched off* with a Dutch notice; its theme is
  scored on the indicators that remain (their weights as configured) and the theme's
  kaartverantwoording says it was computed without it;
- a theme whose domain layer is missing (``domein.laag``, modes ``binnen``/``nabij``/
  ``buiten``) cannot know where it applies, so it is *skipped* with a notice; so is a theme
  that keeps no indicator; the overall map is then combined from the remaining themes;
- only when no theme remains is there nothing to compute (:class:`~geo.errors.ConfigError`).

The engine (:func:`geo.scoring.windows.build_plan`), ``kaart lagen`` (which indicators each
missing layer switches off) and the learned map (which indicators its gelegenheid run had
to do without) all use :func:`check_availability`. The ``optioneel`` flag of an indicator
in the configuration is kept for old files; every indicator now behaves as optional.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from geo.errors import ConfigError


@dataclass
class Availability:
    """Outcome of :func:`check_availability`.

    Attributes
    ----------
    disabled : dict
        thema → list of ``{"naam", "label", "laag", "melding"}``: indicators switched off.
    skipped : dict
        thema → ``{"thema", "label", "lagen", "melding"}``: themes not computed.
    """

    disabled: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    skipped: dict[str, dict[str, Any]] = field(default_factory=dict)

    def indicator_available(self, thema: str, naam: str) -> bool:
        """True when the theme is computed and this indicator of it is not switched off."""
        return thema not in self.skipped and not any(
            d["naam"] == naam for d in self.disabled.get(thema, []))

    def notices(self) -> list[str]:
        """Every Dutch notice: skipped themes first, then switched-off indicators."""
        return ([s["melding"] for s in self.skipped.values()]
                + [d["melding"] for items in self.disabled.values() for d in items])


def check_availability(config: Any, layers: Collection[str]) -> Availability:
    """Apply the availability rule of this module to a gelegenheid configuration.

    Parameters
    ----------
    config : GelegenheidConfig
        The indicator configuration (:func:`geo.scoring.config.load_gelegenheid_config`).
    layers : collection of str
        Names of the input layers that are present.

    Raises
    ------
    ConfigError
        No theme can be computed (names the missing layers).

    Examples
    --------
    >>> from geo.scoring.config import load_gelegenheid_config
    >>> config = load_gelegenheid_config()
    >>> present = {"gemeenten", "bedrijventerreinen", "wegen", "buitengebied",
    ...            "vakantieparken", "landsgrens", "kernen"}
    >>> found = check_availability(config, present)
    >>> list(found.skipped)
    ['havens']
    """
    found = Availability()
    for thema, theme in config.themas.items():
        dom = theme.domein
        if dom.modus != "gebied" and dom.laag not in layers:
            found.skipped[thema] = _skipped(thema, theme.label, [dom.laag], "domeinlaag")
            continue
        off = [_disabled(thema, theme.label, spec) for spec in theme.indicatoren
               if spec.laag not in layers]
        if len(off) == len(theme.indicatoren):
            lagen = list(dict.fromkeys(d["laag"] for d in off))
            found.skipped[thema] = _skipped(thema, theme.label, lagen, "indicatorlagen")
        elif off:
            found.disabled[thema] = off
    if len(found.skipped) == len(config.themas):
        missing = sorted({laag for s in found.skipped.values() for laag in s["lagen"]})
        raise ConfigError(
            f"{config.source}: geen enkel thema kan worden berekend; de lagen "
            f"{', '.join(missing)} ontbreken in de invoer (aanwezig: "
            f"{', '.join(sorted(layers)) or 'geen'}).", lagen=missing)
    return found


def _disabled(thema: str, theme_label: str, spec: Any) -> dict[str, str]:
    return {"naam": spec.naam, "label": spec.label, "laag": spec.laag,
            "melding": f"Indicator '{spec.label}' (thema {theme_label.lower()}) staat uit: "
                       f"de laag '{spec.laag}' ontbreekt in de invoer. De themascore is "
                       "zonder deze indicator berekend (onbekend, niet 0)."}


def _skipped(thema: str, label: str, lagen: list[str], wat: str) -> dict[str, Any]:
    names = ", ".join(f"'{laag}'" for laag in lagen)
    return {"thema": thema, "label": label, "lagen": lagen,
            "melding": f"Thema {label.lower()} is overgeslagen: de {wat} {names} "
                       f"{'ontbreekt' if len(lagen) == 1 else 'ontbreken'} in de invoer. "
                       "De totale gelegenheidskaart is zonder dit thema berekend; daar "
                       "is het onbekend, niet 0."}


def disabled_by_layer(config: Any, missing: Collection[str]) -> dict[str, list[dict[str, str]]]:
    """Per missing layer what it switches off: ``{"thema", "indicator", "gevolg"}`` rows.

    ``gevolg`` is ``indicator uit`` or ``thema overgeslagen`` (the layer is the theme's
    domain, or the theme keeps no indicator), as :func:`check_availability` decides.
    """
    present = {spec.laag for theme in config.themas.values() for spec in theme.indicatoren}
    present |= {t.domein.laag for t in config.themas.values() if t.domein.laag}
    found: dict[str, list[dict[str, str]]] = {}
    for laag in sorted(set(missing) & present):
        try:
            result = check_availability(config, present - {laag})
        except ConfigError:
            result = Availability(skipped={t: {} for t in config.themas})
        for thema, theme in config.themas.items():
            gevolg = "thema overgeslagen" if thema in result.skipped else "indicator uit"
            for spec in theme.indicatoren:
                if spec.laag == laag or (thema in result.skipped
                                         and theme.domein.laag == laag):
                    found.setdefault(laag, []).append(
                        {"thema": thema, "indicator": spec.naam, "gevolg": gevolg})
    return found


__all__ = ["Availability", "check_availability", "disabled_by_layer"]
