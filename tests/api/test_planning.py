"""Planning API: plans and outcomes for planners, only within their own region."""

from __future__ import annotations

import pytest
from api_testdata import auth

from geo.layers.gemeenten import select_area
from geo.paths import Werkmap
from geo.planning.synthetic import synthetic_objects, write_synthetic_run

REGIO = "Maastricht-Heuvelland"


@pytest.fixture
def outputs(tmp_path) -> Werkmap:
    """A werkmap with SYNTHETIC scored objects for the region (overrides the shared one)."""
    werkmap = Werkmap.open(tmp_path / "planwerkmap")
    area = select_area(regio=REGIO)
    write_synthetic_run(werkmap, area.id, synthetic_objects(area.gemeenten, 200, seed=2))
    return werkmap


def _plan(client, token, **extra):
    body = {"regio": REGIO, "aantal": 6, "datum": "2026-11-23", "seed": 1, **extra}
    return client.post("/api/v1/planning/plannen", json=body, headers=auth(token))


def test_planner_makes_lists_and_downloads_a_plan(client, tokens):
    response = _plan(client, tokens["planner_mh"])
    assert response.status_code == 201, response.text
    plan = response.json()
    assert len(plan["keuzes"]) == 6 and plan["synthetisch"] is True
    assert sum(k["soort_keuze"] == "exploratie" for k in plan["keuzes"]) >= 1
    assert all(0 < k["selectiekans"] <= 1 and k["reden"] for k in plan["keuzes"])
    listed = client.get("/api/v1/planning/plannen", headers=auth(tokens["analist_mh"])).json()
    assert [p["plan_id"] for p in listed["plannen"]] == [plan["plan_id"]]
    detail = client.get(f"/api/v1/planning/plannen/{plan['plan_id']}",
                        headers=auth(tokens["planner_mh"])).json()
    assert [k["object"] for k in detail["keuzes"]] == [k["object"] for k in plan["keuzes"]]
    csv = client.get(plan["bestanden"]["csv"], headers=auth(tokens["planner_mh"]))
    assert csv.status_code == 200
    assert csv.content.decode("utf-8-sig").startswith("volgorde;plan;object;naam;thema")
    html = client.get(plan["bestanden"]["html"], headers=auth(tokens["planner_mh"]))
    assert html.status_code == 200 and b"Controleplan" in html.content


def test_action_day_through_the_api(client, tokens):
    response = _plan(client, tokens["planner_mh"], aantal=10, teams=2, starttijd="08:00",
                     eindtijd="12:00")
    assert response.status_code == 201, response.text
    stops = response.json()["keuzes"]
    assert {k["team"] for k in stops} <= {1, 2} and {k["dag"] for k in stops} == {1}
    assert all("2026-11-23T08:00" <= k["aankomst"] <= k["vertrek"] <= "2026-11-23T12:00"
               for k in stops)
    assert all(k["navigatie"].startswith("geo:") for k in stops)
    bad = _plan(client, tokens["planner_mh"], teams=2, starttijd="17:00", eindtijd="08:00")
    assert bad.status_code == 400 and "eindtijd" in bad.text


def test_other_regions_and_roles_see_nothing(client, tokens):
    plan = _plan(client, tokens["planner_mh"]).json()
    url = f"/api/v1/planning/plannen/{plan['plan_id']}"
    parkstad = auth(tokens["analist_parkstad"])
    assert client.get(url, headers=parkstad).status_code == 404
    assert client.get(url + "/bestanden/csv", headers=parkstad).status_code == 404
    assert client.get("/api/v1/planning/plannen", headers=parkstad).json()["aantal"] == 0
    assert _plan(client, tokens["analist_parkstad"]).status_code == 404
    assert client.get(url, headers=auth(tokens["gemeente_vaals"])).status_code == 403
    assert client.get(url).status_code == 401
    assert client.get("/api/v1/planning/plannen/..%2F..%2Fetc/bestanden/csv",
                      headers=auth(tokens["planner_mh"])).status_code in (400, 404)


def test_outcomes_are_all_or_nothing_and_reported(client, tokens):
    plan = _plan(client, tokens["planner_mh"]).json()
    first, second = plan["keuzes"][:2]
    headers = auth(tokens["planner_mh"])
    good = [{"datum": "2026-11-24", "thema": k["thema"], "object": k["object"],
             "uitgevoerd": True, "bevindingen": found, "vervolg": vervolg,
             "plan": plan["plan_id"]}
            for k, found, vervolg in ((first, ["hennep"], "bestuurlijke_maatregel"),
                                      (second, "geen", "geen"))]
    bad = [{**good[0], "datum": "2026-11-25"}, {**good[1], "vervolg": "boete"}]
    response = client.post("/api/v1/planning/uitkomsten", json=bad, headers=headers)
    assert response.status_code == 400
    assert "rij 2, kolom 'vervolg', waarde 'boete'" in response.json()["detail"]
    response = client.post("/api/v1/planning/uitkomsten", json=good, headers=headers)
    assert response.status_code == 201
    assert response.json() == {"aantal": 2, "gekoppeld_aan_plan": 2}
    assert client.post("/api/v1/planning/uitkomsten", json=good, headers=headers).status_code == 400
    rows = client.get("/api/v1/planning/uitkomsten/rapport?periode=maand", headers=headers).json()
    assert sum(r["uitgevoerd"] for r in rows["rijen"]) == 2  # the failed posts stored nothing
    assert sum(r["treffers"] for r in rows["rijen"]) == 1
    # a Parkstad analyst cannot register controls of this region
    response = client.post("/api/v1/planning/uitkomsten",
                           json=[{**good[0], "datum": "2026-12-01"}],
                           headers=auth(tokens["analist_parkstad"]))
    assert response.status_code == 400
    # the next plan excludes the objects controlled yesterday
    nxt = _plan(client, tokens["planner_mh"], datum="2026-11-25").json()
    assert not {first["object"], second["object"]} & {k["object"] for k in nxt["keuzes"]}


def test_outcomes_upload_of_the_filled_in_draaiboek(client, tokens):
    plan = _plan(client, tokens["planner_mh"]).json()
    headers = auth(tokens["planner_mh"])
    text = client.get(plan["bestanden"]["csv"], headers=headers).content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    filled = [lines[0]] + [line.rstrip(";") + ";2026-11-24;ja;geen;geen" if i == 1 else line
                           for i, line in enumerate(lines[1:], start=1)]
    files = {"bestand": ("plan.csv", "\n".join(filled).encode("utf-8"), "text/csv")}
    response = client.post("/api/v1/planning/uitkomsten/bestand", files=files, headers=headers)
    assert response.status_code == 201, response.text
    assert response.json() == {"aantal": 1, "gekoppeld_aan_plan": 1}
    files = {"bestand": ("plan.txt", b"x", "text/plain")}
    response = client.post("/api/v1/planning/uitkomsten/bestand", files=files, headers=headers)
    assert response.status_code == 400


def test_outcome_rows_without_any_outcome_store_nothing(client, tokens):
    """Rows of planned controls without an outcome yet (or an empty list) are skipped, not a
    500 (found by schemathesis: an empty table lost its columns)."""
    headers = auth(tokens["planner_mh"])
    blank = {"datum": "", "thema": "", "object": "", "uitgevoerd": "", "bevindingen": "",
             "vervolg": ""}
    for body in ([], [blank]):
        response = client.post("/api/v1/planning/uitkomsten", json=body, headers=headers)
        assert response.status_code == 201, response.text
        assert response.json()["aantal"] == 0
