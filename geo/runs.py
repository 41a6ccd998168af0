"""Map kinds, confidentiality, themes and the run-folder layout: the one place these rules live.

Every writer (``geo.export``), reader (``geo.scoring.explain``, ``geo.catalog``) and server or
map module (``api.authz``, ``maps.outputs``, the CLI) imports them from here. Adding a map
kind is one edit: one :class:`MapKind` in :data:`KINDS` (see ``docs/ARCHITECTURE.md``,
"Nieuwe naden").

Confidentiality rule
--------------------
A run is *vertrouwelijk* (only for ``analist``/``planner`` or a ``gemeente`` user with the
explicit grant, see :mod:`api.authz`) when

1. its kind is confidential by default (:attr:`MapKind.vertrouwelijk`): risico,
   gecombineerd, gelegenheid_geleerd and evaluatie, each with its Dutch reason
   (:attr:`MapKind.reden`); or
2. its kind is built from incidents (:attr:`MapKind.uit_incidenten`) and any incident it
   used has ``vertrouwelijk = ja`` or ``bron = politie``, or an unknown ``vertrouwelijk``
   (unknown is not "not confidential").

Rule 2 makes a future incident-based kind that is public by default (say a map of a
gemeente's own meldingen) confidential as soon as one police or confidential incident
enters it. :func:`confidentiality` applies both rules and gives the reason; the catalog
entry, the COG tag ``VERTROUWELIJK`` and the kaartverantwoording carry its outcome.
Authorisation also checks the kind itself (:func:`is_confidential_kind`), so an old catalog
entry written before a kind became confidential is still protected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

# geo.runs sits below every other geo module (they import it), so it imports none of them,
# not even for typing (the import contract "Geen importkringen binnen geo" counts those):
# Run.area, .grid and .verantwoording are typed in the docstring.

THEMES: tuple[str, ...] = ("bedrijventerreinen", "buitengebied", "havens", "vakantieparken")
"""The four themes (object layers) of a gelegenheidskaart, in display order."""
TOTAL = "totaal"
"""Name of the overall map (all themes together) in results, file names and the catalog."""

# --- run-folder file names (``kaarten/<gebied_id>/<soort>/vNNNN/``) ---
VERANTWOORDING_FILE = "kaartverantwoording.json"
OBJECTS_FILE = "objecten.gpkg"
GELEGENHEID_FILE = "gelegenheidskaart.tif"
RISICO_FILE = "risicokaart.tif"
GECOMBINEERD_FILE = "gecombineerde_kaart.tif"
GEWICHTEN_FILE = "gewichten.csv"
OBJECT_RATES_FILE = "objecttrefkansen.csv"
"""Learned hit rate per object (``kaart leer --uitkomsten``), read by ``kaart plan``."""
EVALUATIE_FILE = "evaluatie.csv"
TREFKANS_FILE = "trefkans.png"
VOLLEDIGHEID_FILE = "volledigheid.tif"
"""Completeness of every gelegenheid map per cell (:mod:`geo.export.volledigheid`)."""


def map_file(thema: str) -> str:
    """File name of a gelegenheid map COG: the overall map or one theme.

    Examples
    --------
    >>> map_file("totaal"), map_file("havens")
    ('gelegenheidskaart.tif', 'thema_havens.tif')
    """
    return GELEGENHEID_FILE if thema == TOTAL else f"thema_{thema}.tif"


def web_file(cog: str) -> str:
    """File name of the Web Mercator serving copy of a map COG (:mod:`geo.export.webcog`).

    Examples
    --------
    >>> web_file("gelegenheidskaart.tif")
    'gelegenheidskaart.web.tif'
    """
    return cog.removesuffix(".tif") + ".web.tif"


def klasse_file(cog: str) -> str:
    """File name of the uint8 class COG with colour table beside a map COG (for QGIS).

    Examples
    --------
    >>> klasse_file("gelegenheidskaart.tif")
    'gelegenheidskaart.klasse.tif'
    """
    return cog.removesuffix(".tif") + ".klasse.tif"


def style_file(raster: str) -> str:
    """File name of the QGIS style (``.qml``) QGIS applies when it opens ``raster``.

    QGIS looks for ``<name without the last extension>.qml`` beside the file.

    Examples
    --------
    >>> style_file("gelegenheidskaart.tif"), style_file("gelegenheidskaart.klasse.tif")
    ('gelegenheidskaart.qml', 'gelegenheidskaart.klasse.qml')
    """
    return raster.removesuffix(".tif") + ".qml"


def uitleg_file(thema: str) -> str:
    """File name of a theme's explanation COG (raw and normalised indicator bands).

    Examples
    --------
    >>> uitleg_file("havens")
    'uitleg_havens.tif'
    """
    return f"uitleg_{thema}.tif"


def status_file(thema: str) -> str:
    """File name of a theme's unknown-status COG: per indicator 0 known, 1 left out, 2 imputed.

    Examples
    --------
    >>> status_file("havens")
    'onbekend_havens.tif'
    """
    return f"onbekend_{thema}.tif"


@dataclass(frozen=True)
class MapKind:
    """One kind of run: what it is called, where its map is, and whether it is confidential.

    Attributes
    ----------
    soort : str
        The kind's name: folder name under ``kaarten/<gebied_id>/``, ``KAART_SOORT`` tag and
        catalog ``soort``.
    kaart : str
        Dutch name of the map in texts and the kaartverantwoording.
    cog : str or None
        File name of its (overall) map COG; None for a kind without a map.
    vertrouwelijk : bool
        Confidential by default, whatever its inputs.
    reden : str
        Dutch reason for :attr:`vertrouwelijk` (shown in the kaartverantwoording).
    uit_incidenten : bool
        Built from the ``incidenten`` layer (rule 2 of the module docstring applies).
    in_catalog : bool
        Registered in the catalog (served as tiles); an evaluation is not a map.
    legenda : str
        Class scheme of :mod:`geo.legend` for tiles and legends: ``gelegenheid`` (5 classes),
        ``risico`` (5 classes, other colours) or ``gecombineerd`` (3 × 3).
    titel : str
        Dutch display title of the map (layer names, page titles).
    per_thema : bool
        One map per theme plus the total (:data:`TOTAL`), with a per-cell explanation
        (:func:`uitleg_file`).
    """

    soort: str
    kaart: str
    cog: str | None
    vertrouwelijk: bool
    reden: str
    uit_incidenten: bool
    in_catalog: bool = True
    legenda: str = "gelegenheid"
    titel: str = ""
    per_thema: bool = False


GELEGENHEID = MapKind(
    "gelegenheid", "gelegenheidskaart", GELEGENHEID_FILE, vertrouwelijk=False,
    reden="alleen kenmerken van objecten en gebieden; geen incidenten", uit_incidenten=False,
    titel="Gelegenheidskaart", per_thema=True)
GELEGENHEID_GELEERD = MapKind(
    "gelegenheid_geleerd", "geleerde gelegenheidskaart", GELEGENHEID_FILE, vertrouwelijk=True,
    reden="gewichten geleerd uit (politie-)incidenten: de kaart verraadt waar incidenten waren",
    uit_incidenten=True, titel="Gelegenheidskaart (geleerde gewichten)", per_thema=True)
RISICO = MapKind(
    "risico", "risicokaart", RISICO_FILE, vertrouwelijk=True,
    reden="afgeleid uit politie-incidenten (dichtheid en hotspots)", uit_incidenten=True,
    legenda="risico", titel="Risicokaart")
GECOMBINEERD = MapKind(
    "gecombineerd", "gecombineerde kaart", GECOMBINEERD_FILE, vertrouwelijk=True,
    reden="bevat de risicokaart, afgeleid uit politie-incidenten", uit_incidenten=True,
    legenda="gecombineerd", titel="Gecombineerde kaart")
EVALUATIE = MapKind(
    "evaluatie", "evaluatie", None, vertrouwelijk=True,
    reden="getoetst op politie-incidenten (aantallen per periode)", uit_incidenten=True,
    in_catalog=False, titel="Evaluatie")

KINDS: dict[str, MapKind] = {k.soort: k for k in (
    GELEGENHEID, GELEGENHEID_GELEERD, RISICO, GECOMBINEERD, EVALUATIE)}
"""Every run kind, in display order. Add a kind here and nowhere else."""
MAP_KINDS: tuple[str, ...] = tuple(k.soort for k in KINDS.values() if k.in_catalog)
"""Kinds that are maps in the catalog, in display order."""
CONFIDENTIAL_KINDS: frozenset[str] = frozenset(k.soort for k in KINDS.values() if k.vertrouwelijk)
PUBLIC_KINDS: frozenset[str] = frozenset(m for m in MAP_KINDS if m not in CONFIDENTIAL_KINDS)
"""Map kinds every user of a gemeente may see (no police-derived information)."""


def map_kind(soort: str) -> MapKind:
    """The :class:`MapKind` called ``soort`` (``KeyError`` names the known kinds)."""
    try:
        return KINDS[soort]
    except KeyError:
        raise KeyError(f"onbekende kaartsoort {soort!r}; bekend: {', '.join(KINDS)}") from None


def is_confidential_kind(soort: str) -> bool:
    """Whether maps of ``soort`` are confidential by default (unknown kinds: yes)."""
    kind = KINDS.get(soort)
    return kind is None or kind.vertrouwelijk


def has_themes(soort: str) -> bool:
    """Whether runs of ``soort`` have a map per theme and per-cell explanations.

    Examples
    --------
    >>> has_themes("gelegenheid_geleerd"), has_themes("risico"), has_themes("onbekend")
    (True, False, False)
    """
    kind = KINDS.get(soort)
    return kind is not None and kind.per_thema


def legend_scheme(soort: str) -> str:
    """The :mod:`geo.legend` class scheme of a map kind (a scheme name passes through).

    Examples
    --------
    >>> legend_scheme("gelegenheid_geleerd"), legend_scheme("risico")
    ('gelegenheid', 'risico')
    """
    kind = KINDS.get(soort)
    return kind.legenda if kind is not None else soort


@dataclass(frozen=True)
class Vertrouwelijkheid:
    """Whether one run is confidential, and the Dutch reason."""

    vertrouwelijk: bool
    reden: str


def confidential_incidents(incidents: pd.DataFrame) -> int:
    """Number of incidents that are ``vertrouwelijk``, from ``bron = politie`` or unknown."""
    import pandas as pd

    if "vertrouwelijk" not in incidents.columns:
        return len(incidents)  # unknown is not "not confidential"
    flag = incidents["vertrouwelijk"]
    marked = flag.isna() | flag.astype("boolean").fillna(True).astype(bool)
    if "bron" in incidents.columns:
        marked |= incidents["bron"].astype("string").eq("politie").fillna(False)
    return int(pd.Series(marked).sum())


def confidentiality(soort: str, incidents: pd.DataFrame | None = None) -> Vertrouwelijkheid:
    """Apply the confidentiality rule of this module to a run of ``soort``.

    Parameters
    ----------
    soort : str
        The run's kind.
    incidents : DataFrame, optional
        The incidents the run used (columns ``vertrouwelijk``, ``bron``); only read for
        kinds built from incidents.

    Examples
    --------
    >>> confidentiality("gelegenheid").vertrouwelijk
    False
    >>> confidentiality("risico").reden
    'afgeleid uit politie-incidenten (dichtheid en hotspots)'
    """
    kind = map_kind(soort)
    if kind.uit_incidenten and incidents is not None:
        if confidential_incidents(incidents):  # no count in the reason: it is published
            return Vertrouwelijkheid(True, f"{kind.reden}; gemaakt met vertrouwelijke of "
                                           "politie-incidenten")
    return Vertrouwelijkheid(kind.vertrouwelijk, kind.reden)


@dataclass(frozen=True)
class WrittenFile:
    """One file a run wrote.

    Attributes
    ----------
    pad : Path
        Where it is (absolute once the run is complete).
    soort : str
        ``cog``, ``uitleg-cog``, ``geopackage``, ``kaartverantwoording``, ``csv``, ``png``.
    aantal : int, optional
        Cells, bands, objects or rows, as fits the file.
    kaart_id : str, optional
        The catalog id of a map COG.
    """

    pad: Path
    soort: str
    aantal: int | None = None
    kaart_id: str | None = None

    def uitvoer(self) -> dict[str, Any]:
        """The file as the kaartverantwoording lists it (name, kind, kaart_id)."""
        item: dict[str, Any] = {"bestand": Path(self.pad).name, "soort": self.soort}
        if self.kaart_id is not None:
            item["kaart_id"] = self.kaart_id
        return item


@dataclass
class Run:
    """What one run wrote: the single return type of every ``build_*`` run function.

    Attributes
    ----------
    kind : MapKind
        The run's kind.
    area : geo.layers.gemeenten.Area
        The gemeente or region.
    run_dir : Path
        The new version directory ``kaarten/<gebied_id>/<soort>/vNNNN``.
    versie : int
        Its version number.
    files : list of WrittenFile
        Every file written, absolute paths, the kaartverantwoording last.
    kaart_ids : list of str
        Catalog ids registered (none for an evaluation).
    synthetisch : bool
        Built from synthetic demo data.
    vertrouwelijkheid : Vertrouwelijkheid
        Whether the run is confidential and why.
    verantwoording : geo.export.verantwoording.Kaartverantwoording
        The document written as ``kaartverantwoording.json``.
    grid : geo.scoring.grid.Grid
        The grid of the run's rasters.
    summary : dict
        JSON-able facts of the run for the CLI's ``--json`` (cells, counts, scores).
    tables : dict of str to DataFrame
        Tables of the run: scored objects per theme (gelegenheid), ``gewichten`` (learned),
        ``evaluatie``.
    model : object, optional
        The fitted model of a learned run.
    """

    kind: MapKind
    area: Any
    run_dir: Path
    versie: int
    files: list[WrittenFile]
    kaart_ids: list[str]
    synthetisch: bool
    vertrouwelijkheid: Vertrouwelijkheid
    verantwoording: Any
    grid: Any = None
    summary: dict[str, Any] = field(default_factory=dict)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    model: Any = None

    @property
    def soort(self) -> str:
        return self.kind.soort

    @property
    def vertrouwelijk(self) -> bool:
        return self.vertrouwelijkheid.vertrouwelijk


__all__ = [
    "CONFIDENTIAL_KINDS", "EVALUATIE", "EVALUATIE_FILE", "GECOMBINEERD", "GECOMBINEERD_FILE",
    "GELEGENHEID", "GELEGENHEID_FILE", "GELEGENHEID_GELEERD", "GEWICHTEN_FILE", "KINDS",
    "MAP_KINDS", "OBJECT_RATES_FILE", "OBJECTS_FILE", "PUBLIC_KINDS", "RISICO", "RISICO_FILE",
    "THEMES", "TOTAL",
    "TREFKANS_FILE", "VERANTWOORDING_FILE", "VOLLEDIGHEID_FILE", "MapKind", "Run",
    "Vertrouwelijkheid",
    "WrittenFile", "confidential_incidents", "confidentiality", "is_confidential_kind",
    "klasse_file", "legend_scheme", "status_file", "style_file",
    "map_file", "map_kind", "uitleg_file",
]
