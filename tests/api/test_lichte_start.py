"""A server worker starts without the scoring engine, SciPy, pandas, geopandas and folium
(issue 11 item 2: small workers). They are imported by the routes that need them (the map
page, /punt, objects, planning; :mod:`api.lazy`), not at app import.
Run in a fresh interpreter: the test session itself has imported everything."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import json, secrets, sys
from fastapi.testclient import TestClient
from api.app import create_app
from api.settings import Settings
settings = Settings(omgeving="test", werkmap=sys.argv[1] + "/werkmap",
                    database_url="sqlite:///" + sys.argv[1] + "/kaart.db",
                    geheime_sleutel=secrets.token_hex(32))
with TestClient(create_app(settings)) as client:
    status = client.get("/api/v1/gezond").status_code
    client.get("/inloggen")
heavy = ["scipy", "geo.scoring.engine", "geo.scoring.indicators", "maps.available",
         "pandas", "geopandas", "pyogrio", "folium", "weasyprint", "openpyxl"]
print(json.dumps({"status": status, "loaded": [m for m in heavy if m in sys.modules]}))
"""


def test_app_starts_without_engine_and_scipy(tmp_path):
    out = subprocess.run([sys.executable, "-c", SCRIPT, str(tmp_path)], cwd=ROOT,
                         capture_output=True, text=True, timeout=300, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    assert result["loaded"] == []


def test_lazy_reexports_of_geo_scoring_still_work():
    import geo.scoring as scoring
    from geo.scoring import Grid, compute_gelegenheid

    assert callable(compute_gelegenheid) and Grid is scoring.Grid
    assert "explain_point" in dir(scoring)
