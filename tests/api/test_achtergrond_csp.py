"""The page CSP allows the configured tile background's host only (issue 14 item 6)."""

import secrets

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from geo.errors import ConfigError
from maps.tile_background import PDOK_BRT_URL, TileBackground


def _img_src(tmp_path, **extra) -> str:
    (tmp_path / "werkmap").mkdir(exist_ok=True)
    settings = Settings(omgeving="test", werkmap=tmp_path / "werkmap",
                        database_url=f"sqlite:///{tmp_path / 'k.db'}",
                        geheime_sleutel=secrets.token_hex(32), **extra)
    with TestClient(create_app(settings)) as client:
        policy = client.get("/inloggen").headers["content-security-policy"]
    return next(p.strip() for p in policy.split(";") if p.strip().startswith("img-src"))


def test_default_is_pdok_and_no_openstreetmap(tmp_path):
    assert _img_src(tmp_path) == "img-src 'self' data: blob: https://service.pdok.nl"


def test_no_background_configured_allows_no_outside_host(tmp_path):
    assert _img_src(tmp_path, achtergrond_url="") == "img-src 'self' data: blob:"


def test_another_background_allows_only_its_host(tmp_path):
    url = "https://tegels.example.nl/brt/{z}/{x}/{y}.png"
    assert _img_src(tmp_path, achtergrond_url=url) == (
        "img-src 'self' data: blob: https://tegels.example.nl")


@pytest.mark.parametrize("url", [
    "http://service.pdok.nl/{z}/{x}/{y}.png",  # not https
    "https://service.pdok.nl/kaart.png",  # no {z}/{x}/{y}
    "https://evil.nl;script-src *;/{z}/{x}/{y}.png",  # would extend the CSP
    "https://a.nl/{z}/{x}/{y}.png' onerror='x",
])
def test_a_wrong_background_url_is_refused_in_dutch(url):
    with pytest.raises(ConfigError, match="Achtergrondkaart"):
        TileBackground(url, "x")


def test_pdok_is_the_settings_default():
    assert Settings.model_fields["achtergrond_url"].default == PDOK_BRT_URL
