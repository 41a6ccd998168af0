"""Hostile finished outputs for the web security tests (SYNTHETIC, built in tmp_path).

``build_hostile_werkmap(root)`` is the tiny werkmap of ``tests/maps/kaart_testdata.py``
with script-carrying object names, gemeente/area names and kaartverantwoording texts.
"""

from __future__ import annotations

import json
import re
import secrets
import sys
from pathlib import Path

import geopandas as gpd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "maps"))

from kaart_testdata import build_test_werkmap  # noqa: E402

PAYLOADS = [
    '<img src=x onerror="window.__xss=1">',
    '"><img src=x onerror=window.__xss=2>',
    "</script><script>window.__xss=3</script>",
    "javascript:window.__xss=4",
    "<svg onload=window.__xss=5>",
]
PASSWORD = "Vz8!kq-tegel-paard-91-beveiliging"
USERS = {
    "vaals": ("gemeente", "Gemeente Vaals", ["GM0981"]),
    "analist": ("analist", "RIEC Limburg", ["GM0981", "GM1729"]),
}


def hostile_name(i: int) -> str:
    return f"Park {i} {PAYLOADS[i % len(PAYLOADS)]}"


def build_hostile_werkmap(root: Path):
    built = build_test_werkmap(root)
    wm = built.werkmap
    run = wm.run_parent("GM0981", "gelegenheid") / "v0001"
    objects = run / "objecten.gpkg"
    count = 0
    for layer in ("bedrijventerreinen", "vakantieparken", "buitengebied"):
        frame = gpd.read_file(objects, layer=layer)
        frame["naam"] = [hostile_name(count + i) for i in range(len(frame))]
        frame["gemeentenaam"] = "Vaals " + PAYLOADS[0]
        frame["top_indicatoren"] = PAYLOADS[4]
        count += len(frame)
        frame.to_file(objects, layer=layer, driver="GPKG", engine="pyogrio", mode="w")
    doc_path = run / "kaartverantwoording.json"
    doc = json.loads(doc_path.read_text(encoding="utf-8"))
    doc["opmerking"] = PAYLOADS[0]
    doc["invoer"][0]["laag"] = PAYLOADS[1]
    doc["gebied"]["naam"] = PAYLOADS[2]
    doc["extra_" + "sleutel"] = {"veld": PAYLOADS[3]}
    doc_path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    catalog_path = wm.root / "kaarten" / "catalogus.json"
    catalog = json.loads(catalog_path.read_text(encoding="utf-8"))
    for entry in catalog["kaarten"]:
        if entry["gebied_id"] == "GM0981":
            entry["gebied_naam"] = "Vaals " + PAYLOADS[1]
    catalog_path.write_text(json.dumps(catalog, ensure_ascii=False), encoding="utf-8")
    return built


def make_app(werkmap_root: Path, database: Path, omgeving: str = "test"):
    from api.app import create_app
    from api.settings import Settings
    from api.users import add_user, ensure_organisation

    settings = Settings(omgeving=omgeving, werkmap=werkmap_root,
                        database_url=f"sqlite:///{database}",
                        geheime_sleutel=secrets.token_hex(32))
    app = create_app(settings)
    with app.state.sessionmaker() as session:
        for name, (rol, org, codes) in USERS.items():
            add_user(session, name, PASSWORD, rol, ensure_organisation(session, org, codes))
        session.commit()
    return app


def login(client, name: str) -> None:
    form = client.get("/inloggen").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    response = client.post("/inloggen", data={"gebruikersnaam": name, "wachtwoord": PASSWORD,
                                              "csrf_token": token, "volgende": "/"})
    assert response.status_code in (200, 303), response.text
