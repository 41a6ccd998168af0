"""The real-data demo (``kaart demo --echt``): real Limburg layers, synthetic only where needed.

Real, shipped in ``data/echt/`` (provenance: ``data/referentie/HERKOMST.md``) and read
with the same import profiles a user would use:

- ``vakantieparken``: OpenStreetMap campings and caravan sites (profile ``osm-camping``);
- ``verzorgingsplaatsen``: OpenStreetMap truck parkings and rest/service areas
  (profile ``osm-verzorgingsplaats``);
- ``gemeenten``: CBS Wijk- en buurtkaart 2023 with key figures (profile ``cbs-gemeenten``);
- ``landsgrens``: derived from the CBS/Kadaster provincial boundaries (as in the demo).

Synthetic (the generator of ``kaart demo``, labelled per layer): ``kernen``, ``wegen``,
``bedrijventerreinen``, ``buitengebied``, ``havens`` and ``incidenten``.

The real vakantieparken know nothing of vitaliteit, permanente bewoning or the other
attributes of the theme: those stay unknown. So that the theme still says something, the
demo's indicator file (:func:`real_demo_config_text`, written to the werkmap) adds
geographic indicators to the vakantieparken theme: remoteness from a kern, proximity
of a motorway exit, of the border and of a truck parking.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd

from geo.atomic import write_text_atomic
from geo.layers import write_layers
from geo.layers.demo import REAL_SOURCES, _generate, _validated
from geo.layers.profiles import load_profile, load_with_profile
from geo.paths import DATA_DIR, INDICATOR_DIR, Werkmap

REAL_DIR = DATA_DIR / "echt"
REAL_LAYERS: dict[str, tuple[str, str, str]] = {
    "vakantieparken": ("osm_campings_limburg.geojson", "osm-camping", "OSM-stand 2026-08-01"),
    "verzorgingsplaatsen": ("osm_verzorgingsplaatsen_limburg.geojson", "osm-verzorgingsplaats",
                            "2025-10-30"),
    "gemeenten": ("cbs_gemeenten_2023_limburg.geojson", "cbs-gemeenten", "2023"),
}
"""Layer kind → (file in ``data/echt``, import profile, date of the data)."""

DESCRIPTION = (
    "Demo met echte data (kaart demo --echt): vakantieparken en verzorgingsplaatsen uit "
    "OpenStreetMap (© OpenStreetMap-bijdragers, ODbL), gemeenten uit de CBS Wijk- en "
    "buurtkaart 2023 (CBS / Kadaster, CC BY 4.0); kernen, wegen, bedrijventerreinen, "
    "buitengebied, havens en incidenten zijn SYNTHETISCH (verzonnen)."
)
CONFIG_NAME = "indicatoren_echt.yaml"

_EXTRA_VAKANTIEPARKEN = """\
      # --- kaart demo --echt: OSM kent geen vitaliteit, bewoning of eigendom (onbekend);
      # --- deze ligging-indicatoren laten het thema toch iets zeggen.
      - naam: afgelegen_ligging
        label: Afgelegen ligging (afstand tot kern)
        toelichting: Een park ver van een kern heeft weinig sociale controle.
        soort: afstand
        laag: kernen
        max_afstand: 3000
        gewicht: 2
        normalisatie: minmax
      - naam: nabijheid_snelwegafrit
        label: Nabijheid snelwegafrit
        toelichting: Dicht bij een afrit kun je snel en onopvallend aan- en afvoeren.
        soort: nabijheid
        laag: wegen
        filter: {soort: afrit}
        afstand: 3000
        verval: lineair
        gewicht: 1
        normalisatie: geen
      - naam: nabijheid_landsgrens
        label: Nabijheid landsgrens
        toelichting: Dicht bij de grens zijn grondstoffen en afzetmarkten snel bereikbaar.
        soort: nabijheid
        laag: landsgrens
        afstand: 5000
        verval: lineair
        gewicht: 1
        normalisatie: geen
      - naam: nabijheid_truckparking
        label: Nabijheid truckparking/verzorgingsplaats
        toelichting: Bij truckparkings wordt ongezien overgeladen en vervoerd.
        optioneel: true
        soort: nabijheid
        laag: verzorgingsplaatsen
        afstand: 3000
        verval: lineair
        gewicht: 1
        normalisatie: geen
"""


def real_demo_config_text() -> str:
    """The default indicator YAML plus geographic indicators for vakantieparken."""
    text = (INDICATOR_DIR / "gelegenheid.yaml").read_text(encoding="utf-8")
    anchor = "    domein: {modus: binnen, laag: vakantieparken}\n    combinatie: gewogen_som\n" \
             "    indicatoren:\n"
    if anchor not in text:  # the default file changed shape: fail loudly, not silently
        raise ValueError("gelegenheid.yaml: thema vakantieparken niet gevonden")
    return text.replace(anchor, anchor + _EXTRA_VAKANTIEPARKEN, 1)


def real_layers() -> tuple[dict[str, gpd.GeoDataFrame], dict[str, dict[str, str]]]:
    """The shipped real layers read with their profiles, and their layer metadata."""
    layers, info = {}, {}
    for kind, (name, profile_name, date) in REAL_LAYERS.items():
        profile = load_profile(profile_name)
        if kind == "gemeenten":  # the CBS layer has no provincie: all 31 are in Limburg
            profile = profile.with_overrides({}, {"provincie": "Limburg"}, "demo --echt")
        layers[kind], report = load_with_profile(kind, REAL_DIR / name, profile)
        source = profile.bron
        info[kind] = {"synthetisch": "nee", "bron": name, "bron_naam": source.naam,
                      "profiel": profile_name, "licentie": source.licentie,
                      "attributie": source.attributie or "", "datum_bron": date,
                      "documentatie": " ".join(source.documentatie.split())}
        if report.straal_m:
            info[kind]["punten_straal_m"] = f"{report.straal_m:g}"
    return layers, info


def write_real_demo(werkmap: Werkmap, seed: int = 1) -> tuple[Path, Path, dict[str, dict]]:
    """Write the real-data demo layers and its indicator file into ``werkmap``.

    Returns
    -------
    (Path, Path, dict)
        ``invoer/lagen.gpkg``, the indicator YAML and the layer metadata per kind.
    """
    synthetic, _ = _generate(seed, None)
    checked = _validated(synthetic, seed)
    info = {kind: {"synthetisch": "ja", "bron": f"kaart demo (seed {seed})"}
            for kind in checked}
    info["landsgrens"] = {"synthetisch": "nee", "bron": REAL_SOURCES["landsgrens"],
                          "licentie": "CC BY 4.0", "attributie": "CBS / Kadaster, CC BY 4.0"}
    real, real_info = real_layers()
    checked.update(real)
    info.update(real_info)
    path = write_layers(werkmap.lagen, checked, synthetic=True, description=DESCRIPTION,
                        layer_info=info)
    config = werkmap.lagen.parent / CONFIG_NAME
    write_text_atomic(config, real_demo_config_text())
    return path, config, info
