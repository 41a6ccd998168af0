#!/usr/bin/python3
"""QGIS-rondgang (issue 14 item 9): open kaart's outputs in real QGIS and check them.

Draait met Debian's QGIS (``apt-get install qgis python3-qgis``; QGIS 3.22 op bookworm)
zonder scherm::

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 tools/qgis_rondgang.py \\
        --kaart-python /work/venv/bin/python --uit artifacts/qgis

Wat het doet, met synthetische demodata (``kaart demo``, gelegenheidskaart Vaals):

1. maakt een werkmap, een gebruiker ``qgis`` (rol gemeente, Vaals) en een API-token;
2. start ``kaart server`` op 127.0.0.1 (willekeurige poort);
3. opent in QGIS de klasse-COG, de kaart-COG en elke laag van ``objecten.gpkg`` en
   controleert dat QGIS de meegeleverde stijl toepast (renderer, klassen, kleuren en labels
   gelijk aan ``geo.legend.legend_classes``, gelezen via de kaart-Python);
4. laadt de kaarttegels als XYZ-laag met een QGIS-authenticatieconfiguratie van het type
   Basic (gebruikersnaam + token als wachtwoord) en, ter controle, zonder;
5. rendert alles naar PNG en schrijft ``rondgang.txt`` (JSON) met de bevindingen.

De uitkomst staat in ``artifacts/qgis/``. Exit-code 0 alleen als elke controle slaagt.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEMEENTE = "Vaals"
KAART = "GM0981-gelegenheid-totaal"
RUN = Path("kaarten/GM0981/gelegenheid/v0001")


def kaart(python: str, werkmap: Path, *args: str, env: dict | None = None) -> dict:
    """Run a kaart CLI command with ``--json`` in the kaart Python; its JSON answer."""
    done = subprocess.run(
        [python, "-c", "from kaart.cli import main; main()", *args, "--werkmap", str(werkmap),
         "--json"], cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "KAART_GEEN_VOORTGANG": "1", **(env or {})})
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"kaart {' '.join(args)} mislukte: {done.stdout}{done.stderr}")
    return json.loads(lines[-1])


def legend(python: str) -> dict:
    """``{soort: [[code, label, colour], ...]}`` from geo.legend, via the kaart Python."""
    code = ("import json; from geo.legend import legend_classes; print(json.dumps("
            "{s: legend_classes(s) for s in ('gelegenheid', 'risico', 'gecombineerd')}))")
    done = subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True,
                          check=True, timeout=120)
    return json.loads(done.stdout)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(python: str, werkmap: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "KAART_WERKMAP": str(werkmap), "KAART_GEEN_VOORTGANG": "1",
           "KAART_AUDIT_TEGELS_FLUSH_S": "1"}
    process = subprocess.Popen(
        [python, "-c", "from kaart.cli import main; main()", "server", "--host", "127.0.0.1",
         "--port", str(port), "--workers", "1"], cwd=ROOT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + "/gezond", timeout=2).read()
            return process, base
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit("kaart server start niet: "
                                 + process.stderr.read().decode()) from None
            time.sleep(0.5)


def prepare(python: str, werkmap: Path) -> str:
    """Demo data, the Vaals gelegenheid map, user ``qgis`` and its token (returned)."""
    kaart(python, werkmap, "demo")
    kaart(python, werkmap, "gelegenheid", "--gemeente", GEMEENTE)
    env = {"KAART_WACHTWOORD": "rondgang-met-een-lang-wachtwoord-7319"}
    kaart(python, werkmap, "gebruiker", "toevoegen", "qgis", "--rol", "gemeente",
          "--organisatie", "Gemeente Vaals", "--gemeente", GEMEENTE, env=env)
    return kaart(python, werkmap, "token", "maak", "qgis", "--naam", "qgis")["token"]


# ---------------------------------------------------------------- QGIS part


def qgis_app(profile: Path):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["QGIS_AUTH_DB_DIR_PATH"] = str(profile)
    from qgis.core import QgsApplication

    app = QgsApplication([], False, str(profile))
    app.initQgis()
    return app


def hexes(classes: list) -> list[tuple[str, str, str]]:
    return [(str(code), label, colour.lower()) for code, label, colour in classes]


def check_raster(path: Path, expected: list, findings: dict) -> object:
    from qgis.core import QgsRasterLayer

    layer = QgsRasterLayer(str(path), path.name)
    renderer = layer.renderer()
    item = {"geldig": layer.isValid(), "crs": layer.crs().authid(),
            "renderer": renderer.type(), "stijlbestand": Path(layer.styleURI()).name}
    if renderer.type() == "paletted":
        item["klassen"] = [(str(int(c.value)), c.label, c.color.name())
                           for c in renderer.classes()]
        item["gelijk_aan_legenda"] = item["klassen"] == hexes(expected)
    else:
        ramp = renderer.shader().rasterShaderFunction()
        item["klassen"] = [(i.value, i.label, i.color.name()) for i in ramp.colorRampItemList()]
        item["ramp"] = int(ramp.colorRampType())
        item["gelijk_aan_legenda"] = [c[2] for c in item["klassen"]] == [
            c[2] for c in hexes(expected)]
    item["ok"] = (item["geldig"] and item["crs"] == "EPSG:28992" and item["gelijk_aan_legenda"])
    findings[path.name] = item
    return layer


def check_objects(gpkg: Path, expected: list, findings: dict) -> list:
    from qgis.core import QgsVectorLayer

    layers = []
    for name in ("bedrijventerreinen", "buitengebied", "havens", "vakantieparken"):
        layer = QgsVectorLayer(f"{gpkg}|layername={name}", name, "ogr")
        renderer = layer.renderer()
        cats = [(str(c.value()), c.label(), c.symbol().color().name())
                for c in getattr(renderer, "categories", list)()]
        item = {"geldig": layer.isValid(), "crs": layer.crs().authid(),
                "geometrie": layer.geometryType(), "objecten": layer.featureCount(),
                "renderer": renderer.type(),
                "attribuut": getattr(renderer, "classAttribute", str)(), "klassen": cats}
        item["ok"] = (item["geldig"] and item["crs"] == "EPSG:28992"
                      and item["renderer"] == "categorizedSymbol"
                      and item["attribuut"] == "klasse" and cats == hexes(expected))
        findings[f"objecten.gpkg|{name}"] = item
        layers.append(layer)
    return layers


def render(layers: list, extent, crs, target: Path, size: int = 800) -> dict:
    """Render ``layers`` (top first) to a PNG; returns counts of non-transparent pixels."""
    from qgis.core import QgsMapRendererSequentialJob, QgsMapSettings
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    settings = QgsMapSettings()
    settings.setLayers(layers)
    settings.setDestinationCrs(crs)
    settings.setExtent(extent)
    settings.setOutputSize(QSize(size, size))
    settings.setBackgroundColor(QColor(255, 255, 255, 0))
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    image = job.renderedImage()
    image.save(str(target), "PNG")
    colours: dict[str, int] = {}
    for y in range(0, image.height(), 4):
        for x in range(0, image.width(), 4):
            pixel = image.pixelColor(x, y)
            if pixel.alpha() > 0:
                colours[pixel.name()] = colours.get(pixel.name(), 0) + 1
    return {"png": target.name, "gekleurde_pixels": sum(colours.values()),
            "kleuren": dict(sorted(colours.items(), key=lambda kv: -kv[1])[:8]),
            "fouten": [e.message for e in job.errors()]}


def basic_auth_config(username: str, token: str) -> str:
    from qgis.core import QgsApplication, QgsAuthMethodConfig

    manager = QgsApplication.authManager()
    manager.setMasterPassword("qgis-rondgang", True)
    config = QgsAuthMethodConfig()
    config.setName("kaart")
    config.setMethod("Basic")
    config.setConfig("username", username)
    config.setConfig("password", token)
    if not manager.storeAuthenticationConfig(config):
        raise SystemExit("QGIS bewaart de Basic-authenticatie niet")
    return config.id()


def xyz_layer(base: str, authcfg: str | None, name: str, query: str = ""):
    """An XYZ layer of kaart's tiles (``query`` makes the URLs differ from another layer's,
    so QGIS's tile cache cannot answer for it)."""
    from qgis.core import QgsDataSourceUri, QgsRasterLayer

    uri = QgsDataSourceUri()
    uri.setParam("type", "xyz")
    uri.setParam("url", f"{base}/tiles/{KAART}/{{z}}/{{x}}/{{y}}.png{query}")
    uri.setParam("zmin", "0")
    uri.setParam("zmax", "19")
    if authcfg:
        uri.setAuthConfigId(authcfg)
    return QgsRasterLayer(bytes(uri.encodedUri()).decode(), name, "wms")


def run_qgis(run_dir: Path, base: str, token: str, classes: dict, out: Path,
             profile: Path) -> dict:
    from qgis.core import (
        QgsCoordinateReferenceSystem,
        QgsCoordinateTransform,
        QgsProject,
    )

    findings: dict = {}
    rd = QgsCoordinateReferenceSystem("EPSG:28992")
    web = QgsCoordinateReferenceSystem("EPSG:3857")
    klasse = check_raster(run_dir / "gelegenheidskaart.klasse.tif", classes["gelegenheid"],
                          findings)
    score = check_raster(run_dir / "gelegenheidskaart.tif", classes["gelegenheid"], findings)
    objects = check_objects(run_dir / "objecten.gpkg", classes["gelegenheid"], findings)
    extent = klasse.extent()
    renders = {
        "klasse_cog": render([klasse], extent, rd, out / "klasse_cog.png"),
        "score_cog": render([score], extent, rd, out / "score_cog.png"),
        "objecten_op_klasse_cog": render([*objects, klasse], extent, rd,
                                         out / "objecten_op_klasse_cog.png"),
    }
    to_web = QgsCoordinateTransform(rd, web, QgsProject.instance())
    web_extent = to_web.transformBoundingBox(extent)
    authcfg = basic_auth_config("qgis", token)
    without = xyz_layer(base, None, "kaarttegels (zonder authenticatie)", "?controle=1")
    with_auth = xyz_layer(base, authcfg, "kaarttegels (Basic)")
    # the control first, with its own URLs: nothing cached can stand in for kaart's answer
    renders["tegels_zonder_authenticatie"] = render([without], web_extent, web,
                                                    out / "tegels_zonder_authenticatie.png")
    renders["tegels_basic"] = render([with_auth], web_extent, web, out / "tegels_basic.png")
    legend_colours = {c[2] for c in hexes(classes["gelegenheid"])}
    tiles = renders["tegels_basic"]
    findings["tegels"] = {
        "geldig": with_auth.isValid(), "provider": with_auth.providerType(),
        "gekleurde_pixels_met_basic": tiles["gekleurde_pixels"],
        "gekleurde_pixels_zonder": renders["tegels_zonder_authenticatie"]["gekleurde_pixels"],
        "legendakleuren_in_tegels": sorted(legend_colours & set(tiles["kleuren"])),
    }
    findings["tegels"]["ok"] = (tiles["gekleurde_pixels"] > 0
                                and findings["tegels"]["gekleurde_pixels_zonder"] == 0
                                and bool(findings["tegels"]["legendakleuren_in_tegels"]))
    return {"bevindingen": findings, "renders": renders}


def tile_audit(python: str, werkmap: Path) -> dict:
    """Tile views of user qgis and the refused tile requests, from kaart's audit log."""
    keys = ("gebruiker", "actie", "kaart_id", "aantal", "sessie")
    shown = kaart(python, werkmap, "audit", "--actie", "tegels", "--gebruiker", "qgis")
    refused = kaart(python, werkmap, "audit", "--actie", "geweigerd", "--limiet", "1000")
    return {"tegels_qgis": [{k: r.get(k) for k in keys} for r in shown.get("regels", [])],
            "geweigerd_zonder_authenticatie": sum(
                1 for r in refused.get("regels", [])
                if "controle=1" in str((r.get("details") or {}).get("pad", "")))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="QGIS-rondgang met kaart's uitvoer en tegels.")
    parser.add_argument("--kaart-python", default=os.environ.get("KAART_PYTHON", sys.executable),
                        help="Python met kaart en zijn afhankelijkheden (bijv. de venv).")
    parser.add_argument("--uit", type=Path, default=ROOT / "artifacts" / "qgis",
                        help="Map voor rondgang.txt en de PNG's.")
    args = parser.parse_args(argv)
    args.uit.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qgis-rondgang-") as tmp:
        werkmap, profile = Path(tmp) / "werkmap", Path(tmp) / "qgis-profiel"
        profile.mkdir()
        token = prepare(args.kaart_python, werkmap)
        classes = legend(args.kaart_python)
        server, base = start_server(args.kaart_python, werkmap)
        app = qgis_app(profile)
        try:
            from qgis.core import Qgis

            report = {"qgis": Qgis.version(), "synthetisch": True,
                      **run_qgis(werkmap / RUN, base, token, classes, args.uit, profile)}
        finally:
            server.terminate()
            server.wait(timeout=30)
        report["audit_tegels"] = tile_audit(args.kaart_python, werkmap)
        app.exitQgis()
    checks = {k: v.get("ok") for k, v in report["bevindingen"].items()}
    checks["audit"] = (sum(r["aantal"] for r in report["audit_tegels"]["tegels_qgis"]) > 0
                       and report["audit_tegels"]["geweigerd_zonder_authenticatie"] > 0)
    report["controles"] = checks
    report["geslaagd"] = all(checks.values())
    text = json.dumps(report, indent=2, ensure_ascii=False, default=str)
    (args.uit / "rondgang.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if report["geslaagd"] else 1


if __name__ == "__main__":
    sys.exit(main())
