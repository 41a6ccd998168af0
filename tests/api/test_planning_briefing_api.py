"""Planning API on SQLite and PostgreSQL: a stored action-day plan reports team, day and
departure per stop, and each team's briefing downloads by plan id and team number (never a
path), only for planners of the region (SYNTHETIC objects)."""

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


def test_stored_plan_has_team_day_and_briefings(client, tokens):
    headers = auth(tokens["planner_mh"])
    body = {"regio": REGIO, "aantal": 8, "datum": "2026-11-23", "seed": 1, "teams": 2,
            "starttijd": "08:00", "eindtijd": "17:00"}
    created = client.post("/api/v1/planning/plannen", json=body, headers=headers)
    assert created.status_code == 201, created.text
    plan = created.json()
    detail = client.get(f"/api/v1/planning/plannen/{plan['plan_id']}", headers=headers).json()
    made = {k["object"]: (k["team"], k["dag"], k["vertrek"][:16]) for k in plan["keuzes"]}
    stored = {k["object"]: (k["team"], k["dag"], k["gepland_vertrek"][:16])
              for k in detail["keuzes"]}
    assert stored == made  # read back from the database, not from the run
    assert sorted(detail["briefings"]) == ["1", "2"]
    for team, url in detail["briefings"].items():
        pdf = client.get(url, headers=headers)
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        assert pdf.headers["content-type"] == "application/pdf"
        assert f"briefing-team-{team}.pdf" in pdf.headers["content-disposition"]
    base = f"/api/v1/planning/plannen/{plan['plan_id']}/briefings"
    assert client.get(f"{base}/3", headers=headers).status_code == 404  # no team 3
    assert client.get(f"{base}/1", headers=auth(tokens["analist_parkstad"])).status_code == 404
    assert client.get(f"{base}/1", headers=auth(tokens["gemeente_vaals"])).status_code == 403
    assert client.get(f"{base}/0", headers=headers).status_code in (400, 422)
