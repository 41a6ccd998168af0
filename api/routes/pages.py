"""Dutch web pages after login: choose a gemeente and kaart, view the map, read the
kaartverantwoording, download what you may have. Also serves the page CSS and the vendored
map scripts under ``/static`` (the browser never needs a CDN).

Authorisation is the API's: :func:`api.deps.visible_entries` / ``may_see`` decide which
catalog entries a user sees; a map page shows only those, and anything else is a 404 that
does not reveal whether the area or map exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from api import audit
from api.auth import Principal
from api.authz import may_see, may_see_confidential
from api.deps import (
    CatalogDep,
    OptionalUser,
    SessionDep,
    SettingsDep,
    csrf_token,
    visible_entries,
)
from api.security_headers import add_nonce, csp_nonce
from api.urls import api_path
from geo import __version__
from geo.catalog import KaartEntry
from geo.errors import InputFileError, KaartError, KaartNotFoundError
from geo.legend import SYNTHETIC_LABEL
from maps.style import format_date, kaart_title
from maps.unreadable import unreadable_output_errors
from maps.verantwoording import describe_verantwoording, load_evaluation, public_paths

if TYPE_CHECKING:
    from maps.objecten import ObjectApi

router = APIRouter(tags=["pagina's"], include_in_schema=False)

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
TEMPLATES.env.globals["api"] = api_path  # templates build JSON-API links with api(...)
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
TILES_URL = "/tiles/{kaart_id}/{z}/{x}/{y}.png"
ROLE_NAMES = {"gemeente": "gemeente", "analist": "RIEC-analist", "planner": "ACT!-planner",
              "beheerder": "beheerder"}
DOWNLOAD_LABELS = {"cog": "GeoTIFF", "objecten": "Objecten (GPKG)",
                   "verantwoording": "JSON"}
_LOGIN_MESSAGES = {"1": "Onjuiste gebruikersnaam of wachtwoord.",
                   "te_veel": "Te veel mislukte pogingen; probeer het later opnieuw."}


def _safe_next(value: str | None) -> str:
    if value and value.startswith("/") and not value.startswith(("//", "/\\")) and len(value) < 500:
        return value
    return "/"


def _page(request: Request, name: str, user: Principal | None, status_code: int = 200,
          **context) -> HTMLResponse:
    context.update(gebruiker=user, versie=__version__, csrf=csrf_token(request),
                   csp_nonce=csp_nonce(request),
                   rol_naam=ROLE_NAMES.get(user.rol, user.rol) if user else "")
    response = TEMPLATES.TemplateResponse(request, name, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


def _to_login(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/inloggen?volgende={quote(target, safe='')}", status_code=303)


def refuse_page(request: Request, user: Principal | None, roles: tuple[str, ...],
                melding: str) -> Response | None:
    """For a page only ``roles`` may use: the login page for guests, a Dutch 403 page with
    ``melding`` for any other role, ``None`` when the user may go on."""
    if user is None:
        return _to_login(request)
    if user.rol not in roles:
        return _page(request, "fout.html", user, status_code=403, kop="Geen toegang",
                     melding=melding)
    return None


def _not_found(request: Request, user: Principal) -> HTMLResponse:
    return _page(request, "fout.html", user, status_code=404, kop="Niet gevonden",
                 melding="Deze kaart of dit gebied bestaat niet of is niet voor jou zichtbaar.")


def _downloads(entry: KaartEntry) -> list[dict[str, str]]:
    return [{"bestand": b, "label": label} for b, label in DOWNLOAD_LABELS.items()
            if getattr(entry, b, None)]


def _kaart_row(entry: KaartEntry) -> dict:
    return {"kaart_id": entry.kaart_id, "titel": kaart_title(entry.soort, entry.thema),
            "datum": format_date(entry.datum), "versie": entry.versie,
            "synthetisch": entry.synthetisch, "vertrouwelijk": entry.vertrouwelijk,
            "downloads": _downloads(entry)}


def object_api(request: Request, entries: list[KaartEntry]) -> ObjectApi | None:
    """The object endpoints of the area's map with objects (gelegenheid totaal first),
    as paths of the mounted routes (so a moved API prefix moves them too)."""
    from maps.objecten import ObjectApi  # with the map page, not at start-up (issue 11 item 2)

    with_objects = [e for e in entries if e.objecten]
    if not with_objects:
        return None
    entry = min(with_objects, key=lambda e: (e.thema != "totaal", _order(e)))
    # risico and gecombineerd object classes: from the gecombineerd run (entries are the
    # ones this user may see, so a gemeente user never gets its URL)
    classes = next((e for e in with_objects if e.soort == "gecombineerd"), None)

    def path(name: str, kaart_id: str = entry.kaart_id, **params: str) -> str:
        return str(request.app.url_path_for(name, kaart_id=kaart_id, **params))

    def tiles(kaart_id: str) -> str:
        return path("objecten_mvt", kaart_id, z="0", x="0", y="0").replace(
            "/0/0/0.mvt", "/{z}/{x}/{y}.mvt")

    return ObjectApi(kaart_id=entry.kaart_id, tiles=tiles(entry.kaart_id),
                     table=path("objecten_tabel"), download=path("objecten_download"),
                     popup=path("objecten_popup"),
                     class_tiles=tiles(classes.kaart_id) if classes else None)


def _order(entry: KaartEntry) -> tuple:
    from maps.outputs import KIND_ORDER, THEME_ORDER

    return (KIND_ORDER.get(entry.soort, 99), THEME_ORDER.get(entry.thema, 99), entry.kaart_id)


REGIONS_GROUP = "Regio's en land"
AREA_KIND_ORDER = {"land": 0, "provincie": 1, "veiligheidsregio": 2, "regio": 3, "gemeente": 5}
"""Start page order: the country, then provinces, veiligheidsregio's, regions, gemeenten."""


def group_areas(areas: list[dict]) -> list[dict]:
    """Areas grouped for the start page: regions and the country first, then the gemeenten
    per veiligheidsregio (from the CBS reference; unknown codes under "Overige gemeenten")."""
    from geo.layers.gemeenten import reference_gemeenten  # geopandas: only for this page

    reference = reference_gemeenten()
    regio_of = dict(zip(reference["gemeentecode"], reference["veiligheidsregio"], strict=True))
    groups: dict[str, list[dict]] = {}
    for area in areas:
        if area["soort"] != "gemeente":
            name = REGIONS_GROUP
        else:
            name = regio_of.get(area["id"]) or "Overige gemeenten"
        groups.setdefault(name, []).append(area)
    order = sorted(groups, key=lambda g: (g != REGIONS_GROUP, g == "Overige gemeenten", g))
    return [{"naam": g, "gebieden": groups[g]} for g in order]


@router.get("/inloggen", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, fout: str | None = None,
               volgende: str | None = None) -> Response:
    """Inlogpagina (het formulier post naar ``POST /inloggen`` van de API)."""
    if user is not None and not fout:
        return RedirectResponse(_safe_next(volgende), status_code=303)
    return _page(request, "inloggen.html", None, melding=_LOGIN_MESSAGES.get(fout or "", ""),
                 volgende=_safe_next(volgende))


@router.get("/", response_class=HTMLResponse)
def start_page(request: Request, user: OptionalUser, catalog: CatalogDep) -> Response:
    """Kies een gemeente of regio en een kaart."""
    if user is None:
        return _to_login(request)
    areas: dict[str, dict] = {}
    for entry in sorted(visible_entries(user, catalog), key=_order):
        area = areas.setdefault(entry.gebied_id, {"id": entry.gebied_id,
                                                  "naam": entry.gebied_naam,
                                                  "soort": entry.gebied_soort, "kaarten": []})
        area["kaarten"].append(_kaart_row(entry))
    gebieden = sorted(areas.values(), key=lambda a: (AREA_KIND_ORDER.get(a["soort"], 4),
                                                     a["naam"]))
    return _page(request, "start.html", user, gebieden=gebieden,
                 groepen=group_areas(gebieden), vertrouwelijk=may_see_confidential(user))


@router.get("/gebied/{gebied_id}", response_class=HTMLResponse)
def map_page(request: Request, user: OptionalUser, catalog: CatalogDep, session: SessionDep,
             settings: SettingsDep, gebied_id: Annotated[str, PathParam(max_length=200)],
             kaart: Annotated[str | None, Query(max_length=200)] = None) -> Response:
    """De interactieve kaart van een gebied (alleen de kaarten die je mag zien)."""
    if user is None:
        return _to_login(request)
    entries = sorted((e for e in visible_entries(user, catalog) if e.gebied_id == gebied_id),
                     key=_order)
    if not entries:
        return _not_found(request, user)
    with_cog = [e for e in entries if e.cog]
    chosen = next((e for e in with_cog if e.kaart_id == kaart), with_cog[0] if with_cog else
                  entries[0])
    from maps.available import available_outputs  # geopandas, folium: only when a map is shown
    from maps.builder import build_gemeente_map
    from maps.outputs import ALL_KINDS

    available = available_outputs(catalog.werkmap, entries)
    outputs = available.outputs
    if outputs is None:
        return _page(request, "fout.html", user, status_code=409, kop="Kaart niet beschikbaar",
                     melding="De bestanden van de kaarten van dit gebied ontbreken of zijn "
                             "beschadigd. Vraag de beheerder de kaarten opnieuw te maken.")
    m = build_gemeente_map(outputs, tiles_url=TILES_URL, allowed_kinds=ALL_KINDS,
                           show_kaart=chosen.kaart_id,
                           object_api=object_api(request, entries),
                           background=settings.background())
    from api.viewer_versions import add_version_picker  # folium: only for a map page

    add_version_picker(m, request, entries, outputs.gebied_naam)  # versies.js (planner)
    root = m.get_root()
    root.render()
    audit.record(session, user, "kaart", chosen.kaart_id, versie=chosen.versie, pagina="kaart",
                 objecten=sum(len(f) for f in outputs.objects.values()))
    return _page(
        request, "kaart.html", user, titel=f"Kaarten {outputs.gebied_naam}",
        gebied_id=gebied_id, problemen=available.problems,
        kaarten=[_kaart_row(e) | {"kapot": e.kaart_id in available.broken} for e in with_cog],
        gekozen=chosen.kaart_id, datum=format_date(chosen.datum),
        synthetisch=outputs.synthetisch, vertrouwelijk=outputs.vertrouwelijk,
        downloads=_downloads(chosen),
        kaart_kop=add_nonce(root.header.render(), csp_nonce(request)),
        kaart_html=root.html.render(), kaart_script=root.script.render(),
    )


@router.get("/verantwoording/{kaart_id}", response_class=HTMLResponse)
def verantwoording_page(request: Request, user: OptionalUser, session: SessionDep,
                        catalog: CatalogDep,
                        kaart_id: Annotated[str, PathParam(max_length=200)]) -> Response:
    """De kaartverantwoording in leesbaar Nederlands."""
    if user is None:
        return _to_login(request)
    try:
        entry = catalog.get(kaart_id)
    except KaartNotFoundError:
        return _not_found(request, user)
    if not may_see(user, entry):
        return _not_found(request, user)
    from maps.outputs import load_verantwoording

    try:
        document = load_verantwoording(catalog.werkmap, entry)
    except (KaartError, *unreadable_output_errors()):
        return _page(request, "fout.html", user, status_code=409,
                     kop="Kaartverantwoording niet beschikbaar",
                     melding="De kaartverantwoording van deze kaart is beschadigd of "
                             "onleesbaar. Vraag de beheerder de kaart opnieuw te maken.")
    audit.record(session, user, "verantwoording", entry.kaart_id, versie=entry.versie,
                 pagina="verantwoording")
    show_evaluation = may_see_confidential(user)
    if not show_evaluation:
        document = {k: v for k, v in document.items() if k != "evaluatie"}
    elif "evaluatie" not in document and (
            evaluation := load_evaluation(catalog.werkmap, entry.gebied_id)):
        document = {**document, "evaluatie": evaluation}
    return _page(request, "verantwoording.html", user, entry=entry,
                 titel=f"{kaart_title(entry.soort, entry.thema)}, {entry.gebied_naam}",
                 secties=describe_verantwoording(  # never an absolute server path
                     public_paths(document, str(catalog.werkmap.root))),
                 downloads=_downloads(entry),
                 toon_evaluatie=show_evaluation, synthetisch_label=SYNTHETIC_LABEL)


@router.get("/static/maps/{naam:path}")
def map_asset(naam: Annotated[str, PathParam(max_length=200)]) -> FileResponse:
    """Leaflet en plug-ins (meegeleverd, geen CDN)."""
    from maps.assets import asset_file

    try:
        path = asset_file(naam)
    except InputFileError as error:
        raise KaartNotFoundError(error.message, naam=naam) from error
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


@router.get("/static/{naam}")
def page_asset(naam: Annotated[str, PathParam(max_length=100)]) -> FileResponse:
    """Stijlblad van de pagina's."""
    path = STATIC_DIR / naam
    if "/" in naam or naam.startswith(".") or not path.is_file():
        raise KaartNotFoundError(f"Bestand '{naam}' bestaat niet.", naam=naam)
    return FileResponse(path, headers={"Cache-Control": "public, max-age=3600"})
