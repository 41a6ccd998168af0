"""Build runs: gelegenheid, risico, gecombineerd and the offline HTML map.

The workflows behind ``kaart gelegenheid|risico|gecombineerd|html`` and the demo. Each takes
an :class:`geo.layers.gemeenten.Area` (and ``per_gemeente`` to split it), writes versioned
runs through :mod:`geo.export` and returns what :mod:`geo.export` returned
(:class:`geo.runs.Run`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

from geo.layers.gemeenten import Area, find_area, select_area, split_per_gemeente
from geo.paths import Werkmap
from geo.runs import Run
from geo.scoring.buurtincidenten import BuurtInput
from geo.scoring.grid import DEFAULT_CELLSIZE
from maps.outputs import ALL_KINDS, PUBLIC_KINDS
from maps.standalone import StandaloneResult
from services import Progress, written_file

AreaProgress = Callable[[Area, int, int, str], None]
"""``progress(area, done, total, text)`` for work that runs per area."""


def areas_of(area: Area, per_gemeente: bool) -> list[Area]:
    """``area`` itself, or one area per gemeente of it."""
    return split_per_gemeente(area) if per_gemeente else [area]


def build_gelegenheid(
    werkmap: Werkmap,
    area: Area,
    *,
    per_gemeente: bool = False,
    layers_path: str | Path | None = None,
    config_path: str | Path | None = None,
    cellsize: float = DEFAULT_CELLSIZE,
    dask: str | None = None,
    progress: AreaProgress | None = None,
) -> list[Run]:
    """Gelegenheidskaarten (per theme and total) for ``area`` or each of its gemeenten.

    ``dask``: scheduler address, ``"local"`` or ``None`` (compute in this process).
    """
    from geo.export.run import build_gelegenheid_many, dask_client

    with dask_client(dask) as client:
        return build_gelegenheid_many(
            werkmap, areas_of(area, per_gemeente), layers_path=layers_path,
            config_path=config_path, cellsize=cellsize, client=client, progress=progress)


def build_risico(
    werkmap: Werkmap,
    area: Area,
    *,
    per_gemeente: bool = False,
    layers_path: str | Path | None = None,
    config_path: str | Path | None = None,
    cellsize: float = DEFAULT_CELLSIZE,
    peildatum: date | None = None,
    progress: Progress | None = None,
    buurten: BuurtInput | None = None,
) -> list[Run]:
    """Risicokaarten (vertrouwelijk) for ``area`` or each of its gemeenten.

    ``buurten``: police open data per buurt instead of the incidenten layer."""
    from geo.export.risico import build_risico as build_one

    areas = areas_of(area, per_gemeente)
    runs = []
    for done, item in enumerate(areas):
        if progress is not None:
            progress(done, len(areas), f"Risicokaart {item.naam}")
        runs.append(build_one(werkmap, item, layers_path=layers_path, config_path=config_path,
                              cellsize=cellsize, peildatum=peildatum, buurten=buurten))
    if progress is not None:
        progress(len(areas), len(areas), "Risicokaarten klaar")
    return runs


def build_gecombineerd(werkmap: Werkmap, area: Area, *,
                       layers_path: str | Path | None = None) -> Run:
    """The 3 × 3 combined map of the newest gelegenheid and risico runs of ``area``."""
    from geo.export.risico import build_gecombineerd as build_one

    return build_one(werkmap, area, layers_path=layers_path)


def build_html(werkmap: Werkmap, target: str | Path, *, gemeente: str | None = None,
               gebied: str | None = None, vertrouwelijk: bool = False,
               online: bool = False) -> StandaloneResult:
    """The offline HTML map of a gemeente (name or code) or another area (gemeente, regio,
    veiligheidsregio or provincie by name, code or id; or a catalog area id/name).

    Without ``vertrouwelijk`` only the public (not police-derived) map kinds are included.
    Without ``online`` the file contacts nothing; with it, it may load PDOK's BRT tiles.
    """
    from geo.errors import InvalidRequestError, KaartNotFoundError
    from maps.standalone import write_standalone_html
    from maps.tile_background import PDOK_BRT

    if bool(gemeente) == bool(gebied):
        raise InvalidRequestError("Geef precies één van --gemeente of --gebied.")
    name = select_area(gemeente=gemeente).id if gemeente else area_key(werkmap, str(gebied))
    kinds = ALL_KINDS if vertrouwelijk else PUBLIC_KINDS
    try:
        return write_standalone_html(werkmap, name, target, allowed_kinds=kinds,
                                     background=PDOK_BRT if online else None)
    except KaartNotFoundError:
        if gebied is None or (hint := _group_without_maps(werkmap, str(gebied))) is None:
            raise
        raise KaartNotFoundError(hint, gebied=str(gebied)) from None


def area_key(werkmap: Werkmap, gebied: str) -> str:
    """The catalog key of ``gebied``: the area a gemeente, regio, veiligheidsregio or
    provincie name/code/id names (:func:`geo.layers.gemeenten.find_area`), or the text
    itself when only the catalog knows it (a selection such as ``selectie-GM0981-GM0986``)."""
    from geo.catalog import Catalog
    from geo.errors import AreaNotFoundError

    try:
        return find_area(gebied).id
    except AreaNotFoundError:
        wanted = gebied.strip().lower()
        if any(wanted in (e.gebied_id.lower(), e.gebied_naam.lower())
               for e in Catalog(werkmap).entries()):
            return gebied
        raise


def _group_without_maps(werkmap: Werkmap, gebied: str) -> str | None:
    """For a regio/veiligheidsregio/provincie without maps of its own: a Dutch message
    naming the command that makes them and the gemeenten of it that have maps."""
    from geo.catalog import Catalog
    from geo.errors import AreaNotFoundError

    try:
        area = find_area(gebied)
    except AreaNotFoundError:
        return None
    if area.soort == "gemeente":
        return None
    ids = {e.gebied_id for e in Catalog(werkmap).entries()}
    have = [f"{naam} (--gebied {code})" for code, naam in
            zip(area.gemeenten["gemeentecode"], area.gemeenten["gemeentenaam"], strict=True)
            if code in ids]
    option = "--land" if area.soort == "land" else f'--{area.soort} "{area.naam}"'
    text = (f"Geen kaarten voor {area.soort} '{area.naam}' als geheel: maak ze met "
            f"'kaart gelegenheid {option}'")
    return text + (f", of kies een gemeente: {', '.join(have)}." if have else ".")


def run_files(runs: Iterable[Run]) -> list[dict[str, object]]:
    """Every file of ``runs`` as reported to users (``pad``, ``soort``, ``aantal``,
    ``kaart_id`` where the run gave one)."""
    return [written_file(item.pad, soort=item.soort, aantal=item.aantal,
                         **({"kaart_id": item.kaart_id} if item.kaart_id else {}))
            for run in runs for item in run.files]


def html_files(result: StandaloneResult) -> list[dict[str, object]]:
    """The offline map as reported to users."""
    return [written_file(result.path, soort="html", aantal=result.objecten)]

