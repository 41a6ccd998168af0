"""The viewer's object table on the server: filter, sort, page, counts in a drawn area,
popups and CSV/XLSX downloads, with authorisation and audit like every map route."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from api_testdata import ORIGIN, auth
from pyproj import Transformer

from api import object_table
from geo.errors import InvalidRequestError

KAART = "GM0981-gelegenheid-totaal"
TABEL = f"/api/v1/objecten/{KAART}/tabel"
TO_WGS = Transformer.from_crs("EPSG:28992", "EPSG:4326", always_xy=True)


@pytest.fixture
def database_url(sqlite_url):
    return sqlite_url


def _polygon(*corners_rd) -> str:
    return ";".join("{:.7f},{:.7f}".format(*TO_WGS.transform(x, y)) for x, y in corners_rd)


def _area(x0: float, y0: float, x1: float, y1: float) -> str:
    """A rectangle in metres from the test origin (x right, y down)."""
    ox, oy = ORIGIN
    return _polygon((ox + x0, oy - y0), (ox + x1, oy - y0), (ox + x1, oy - y1),
                    (ox + x0, oy - y1))


def test_table_pages_sorts_and_counts(client, tokens):
    headers = auth(tokens["gemeente_vaals"])
    body = client.get(TABEL, params={"limit": 2}, headers=headers).json()
    assert body["aantal_gevonden"] == 5 and len(body["rijen"]) == 2
    assert [r["id"] for r in body["rijen"]] == ["bt2", "vp1"]  # best score first
    assert body["telling"] == {"bedrijventerreinen": {"2": 1, "3": 1, "5": 1, "totaal": 3},
                               "vakantieparken": {"1": 1, "4": 1, "totaal": 2}}
    row = body["rijen"][0]
    assert row["naam"] == "Midden" and row["thema_naam"] == "Bedrijventerreinen"
    assert row["klasse"] == 5 and row["gemeentenaam"] == "Vaals"
    assert row["grenzen"][0] < row["lat"] < row["grenzen"][2]
    page2 = client.get(TABEL, params={"limit": 2, "offset": 2}, headers=headers).json()
    assert [r["id"] for r in page2["rijen"]] == ["bt3", "bt1"]
    by_name = client.get(TABEL, params={"sorteer": "naam", "aflopend": False},
                         headers=headers).json()
    assert [r["naam"] for r in by_name["rijen"]] == ["Bos", "Heide", "Midden", "Noord", "Zuid"]


@pytest.mark.parametrize(("params", "ids"), [
    ({"thema": "vakantieparken"}, {"vp1", "vp2"}),
    ({"klasse": 5}, {"bt2"}),
    ({"zoek": "MIDD"}, {"bt2"}),
    ({"zoek": "vp"}, {"vp1", "vp2"}),
    ({"gemeente": "GM0981", "thema": "bedrijventerreinen"}, {"bt1", "bt2", "bt3"}),
    ({"gemeente": "vaals", "klasse": 1}, {"vp2"}),
    ({"gemeente": "GM0917"}, set()),
    ({"volledigheid": "onbekend"}, {"bt1", "bt2", "bt3", "vp1", "vp2"}),  # not recorded
    ({"volledigheid": "volledig"}, set()),  # unknown is not complete ...
    ({"volledigheid": "onvolledig"}, set()),  # ... nor incomplete
])
def test_filters(client, tokens, params, ids):
    body = client.get(TABEL, params=params, headers=auth(tokens["gemeente_vaals"])).json()
    assert {r["id"] for r in body["rijen"]} == ids
    assert body["aantal_gevonden"] == len(ids)


def test_drawn_area_counts_objects_by_their_inside_point(client, tokens):
    # bt2 (300..400, 200..300) and vp1 (circle r=30 at 200,200) lie in this area; bt1 not
    area = _area(150, 150, 450, 350)
    body = client.get(TABEL, params={"veelhoek": area, "limit": 1},
                      headers=auth(tokens["gemeente_vaals"])).json()
    assert body["aantal_gevonden"] == 2
    assert body["telling"] == {"bedrijventerreinen": {"5": 1, "totaal": 1},
                               "vakantieparken": {"4": 1, "totaal": 1}}


@pytest.mark.parametrize("bad", ["1,2;3,4", "a,b;c,d;e,f", "200,50;5,50;5,51",
                                 "5,50;5,50;5,50"])
def test_bad_polygon_is_a_dutch_400(client, tokens, bad):
    response = client.get(TABEL, params={"veelhoek": bad},
                          headers=auth(tokens["gemeente_vaals"]))
    assert response.status_code == 400
    assert "veelhoek" in response.text


def test_bad_sort_key_is_refused():
    with pytest.raises(InvalidRequestError, match="sorteer"):
        object_table.sort(object_table.ObjectFilter(), "geometry; drop", True)  # type: ignore[arg-type]


def test_popup_is_the_maps_popup_escaped(client, tokens):
    headers = auth(tokens["gemeente_vaals"])
    body = client.get(f"/api/v1/objecten/{KAART}/popup", params={"thema": "bedrijventerreinen",
                                                          "id": "bt2"}, headers=headers).json()
    assert "<h4>Midden</h4>" in body["html"] and "5 – zeer hoog" in body["html"]
    missing = client.get(f"/api/v1/objecten/{KAART}/popup",
                         params={"thema": "bedrijventerreinen", "id": "<script>"},
                         headers=headers)
    assert missing.status_code == 404  # JSON data, never served as HTML
    assert missing.headers["content-type"].startswith(("application/json",
                                                       "application/problem+json"))


def test_popup_escapes_hostile_names():
    import geopandas as gpd
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"id": ["x1"], "naam": ['<img src=x onerror="alert(1)">'],
                              "thema": ["havens"], "klasse": [3], "score": [0.5]},
                             geometry=[Point(5.9, 50.8)], crs="EPSG:4326")
    html = object_table.popup(frame, "havens", "x1")
    assert "<img" not in html and "&lt;img src=x" in html


def test_csv_and_xlsx_downloads_neutralise_formulas(client, tokens, outputs):
    headers = auth(tokens["gemeente_vaals"])
    response = client.get(f"/api/v1/objecten/{KAART}/download",
                          params={"formaat": "csv", "thema": "bedrijventerreinen"},
                          headers=headers)
    assert response.status_code == 200
    assert 'filename="objecten_GM0981.csv"' in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")),
                               delimiter=";"))
    assert [r["id"] for r in rows] == ["bt2", "bt3", "bt1"]
    assert rows[0]["score"] == "0,9" and rows[0]["gemeente"] == "Vaals"
    assert rows[0]["opbouw_score"]  # the breakdown as text
    area = client.get(f"/api/v1/objecten/{KAART}/download",
                      params={"formaat": "xlsx", "veelhoek": _area(150, 150, 450, 350)},
                      headers=headers)
    assert 'filename="gebied_analyse_GM0981.xlsx"' in area.headers["content-disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(area.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("id", "naam", "thema") and len(values) == 3
    table = object_table.download_table(
        __import__("geopandas").GeoDataFrame({"id": ["=1+1"], "naam": ["@SUM(A1)"],
                                              "score": [-0.5]}))
    data = openpyxl.load_workbook(io.BytesIO(object_table.to_xlsx(table))).active
    cell = data["A2"]
    assert cell.data_type == "s" and cell.value == "=1+1" and cell.quotePrefix
    assert data["F2"].value == -0.5  # numbers stay numbers (column score)
    assert b"'=1+1" in object_table.to_csv(table)


def test_table_is_audited_and_hidden_maps_are_404(client, tokens):
    response = client.get(TABEL, headers=auth(tokens["gemeente_heerlen"]))
    assert response.status_code == 404
    assert client.get(TABEL).status_code == 401
    client.get(TABEL, params={"zoek": "Midden"}, headers=auth(tokens["gemeente_vaals"]))
    log = client.get("/audit", headers=auth(tokens["beheerder_vaals"]))
    if log.status_code == 200:
        acties = [json.dumps(r) for r in log.json().get("records", [])]
        assert any("objecten_tabel" in a for a in acties)
