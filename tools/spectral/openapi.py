"""Write the published OpenAPI document of the kaart API to a file (for Spectral).

    python tools/spectral/openapi.py /tmp/openapi.json

The document is what ``GET /api/v1/openapi.json`` serves (:func:`api.openapi.api_document`),
made from an app on an empty, temporary werkmap (no data is read or needed).
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def write_document(target: Path) -> dict:
    """Build the app on a temporary werkmap and write its API document to ``target``."""
    sys.path.insert(0, str(ROOT))
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.settings import Settings
    from api.urls import OPENAPI_PATH

    with tempfile.TemporaryDirectory(prefix="kaart-openapi-") as werkmap:
        app = create_app(Settings(werkmap=Path(werkmap), omgeving="test"))
        with TestClient(app) as client:
            response = client.get(OPENAPI_PATH)
        response.raise_for_status()
        document = response.json()
    target.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                      encoding="utf-8")
    return document


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("Gebruik: python tools/spectral/openapi.py <uitvoerbestand.json>")
    written = write_document(Path(sys.argv[1]))
    print(f"{sys.argv[1]}: {len(written['paths'])} paden, API-versie {written['info']['version']}")
