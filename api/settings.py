"""Server configuration from the environment (``KAART_...``), validated by pydantic-settings.

Nothing is read at import time: call :func:`Settings` (or pass one to ``create_app``).

Environment variables
---------------------
``KAART_OMGEVING``          ``ontwikkeling`` (default), ``test`` or ``productie``.
``KAART_WERKMAP``           the werkmap whose catalog and ``kaart.db`` are served.
``KAART_DATABASE_URL``      SQLAlchemy URL (``postgresql+psycopg://...``); default the
                            werkmap's ``kaart.db`` (SQLite).
``KAART_GEHEIME_SLEUTEL``   signs session cookies; refused when weak or public in every mode
                            (see :mod:`api.secret`). Not set: a random secret is generated
                            once and kept in ``<werkmap>/.geheime_sleutel`` (mode 0600).
``KAART_PUBLIEKE_URL``      the public base URL (``https://kaart.example.nl``) used for every
                            absolute URL (TileJSON); without it the request's own URL is used.
``KAART_VERTROUWDE_PROXIES`` comma-separated addresses/networks of reverse proxies whose
                            ``X-Forwarded-For`` is believed (default: none).
``KAART_COOKIE_SECURE``     send the session cookie over HTTPS only (default: on in productie).
``KAART_API_CONTACT_NAAM``, ``..._EMAIL``, ``..._URL`` who answers questions about the API
                            (``info.contact`` of the OpenAPI document, NL API Design Rules);
                            the defaults are placeholders (``.invalid``): set them in productie.
``KAART_TEGEL_SCHIJFCACHE`` directory for rendered tiles shared by worker processes
                            (none by default: a tile from the serving copy costs about what
                            reading a cached file costs, and the cache has no eviction).
"""

from __future__ import annotations

from ipaddress import IPv4Network, IPv6Network
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.secret import check_secret, stored_secret
from api.urls import check_public_url, parse_networks
from geo.paths import Werkmap
from maps.tile_background import PDOK_BRT_ATTRIBUTION, PDOK_BRT_URL, TileBackground


class Settings(BaseSettings):
    """Typed server settings; every field can be set as ``KAART_<NAAM>``."""

    model_config = SettingsConfigDict(env_prefix="KAART_", extra="ignore")

    omgeving: Literal["ontwikkeling", "test", "productie"] = "ontwikkeling"
    werkmap: Path | None = None
    database_url: str | None = None
    geheime_sleutel: SecretStr | None = None
    publieke_url: str | None = Field(
        None, description="Publieke basis-URL (https://...) voor absolute URL's.")
    vertrouwde_proxies: str = Field(
        "", description="Adressen/netwerken van reverse proxies, komma-gescheiden.")
    cookie_secure: bool | None = None
    sessie_duur_s: int = Field(8 * 3600, ge=60)
    tegel_cache: int = Field(4096, ge=0, description="Aantal gerenderde tegels in het geheugen.")
    tegel_schijfcache: Path | None = Field(
        None, description="Map voor gerenderde tegels, gedeeld door alle werkprocessen.")
    tegel_max_age_s: int = Field(3600, ge=0)
    max_inlogpogingen: int = Field(5, ge=1, description="Mislukte pogingen per account.")
    max_inlogpogingen_adres: int = Field(20, ge=1, description="Mislukte pogingen per adres.")
    inlog_venster_s: int = Field(900, ge=1)
    audit_tegels_flush_s: float = Field(10.0, gt=0, le=10)
    audit_tegels_max: int = Field(1000, ge=1)
    auth_cache_s: float = Field(5.0, ge=0, description="Gebruiker per token/sessie onthouden.")
    migreer: bool = True
    api_contact_naam: str = Field("Beheer van deze kaartdienst", max_length=200)
    api_contact_email: str = Field("beheer@kaart.invalid", max_length=200)
    api_contact_url: str | None = Field(
        None, max_length=500, description="Standaard de publieke URL (of https://kaart.invalid).")
    achtergrond_url: str = Field(
        PDOK_BRT_URL, description="XYZ/WMTS-achtergrondkaart (https, {z}/{x}/{y}, EPSG:3857) "
        "in de kaartviewer; leeg = geen (alleen de eigen offline achtergrond).")
    achtergrond_naamsvermelding: str = Field(PDOK_BRT_ATTRIBUTION, max_length=200)

    def background(self) -> TileBackground | None:
        """The configured tile background, or ``None`` when ``achtergrond_url`` is empty."""
        if not self.achtergrond_url.strip():
            return None
        name = ("BRT-Achtergrondkaart (PDOK)" if self.achtergrond_url == PDOK_BRT_URL
                else "Achtergrondkaart")
        return TileBackground(self.achtergrond_url.strip(),
                              self.achtergrond_naamsvermelding, name=name)

    @model_validator(mode="after")
    def _refuse_weak_secret(self) -> Settings:
        if self.geheime_sleutel is not None:
            check_secret(self.geheime_sleutel.get_secret_value())
        if self.publieke_url is not None:
            self.publieke_url = check_public_url(self.publieke_url)
        self.trusted_proxies  # noqa: B018 - refuse a wrong network at startup
        self.background()  # refuse a wrong background URL at startup
        return self

    def session_secret(self) -> str:
        """``KAART_GEHEIME_SLEUTEL`` or the werkmap's generated secret (never a default)."""
        if self.geheime_sleutel is not None:
            return self.geheime_sleutel.get_secret_value()
        return stored_secret(self.open_werkmap().root)

    @property
    def trusted_proxies(self) -> tuple[IPv4Network | IPv6Network, ...]:
        """The networks of ``KAART_VERTROUWDE_PROXIES``."""
        return parse_networks(self.vertrouwde_proxies)

    @property
    def secure_cookie(self) -> bool:
        """Whether the session cookie is HTTPS-only."""
        return self.omgeving == "productie" if self.cookie_secure is None else self.cookie_secure

    def api_contact(self) -> dict[str, str]:
        """``info.contact`` of the API document (``/core/doc-openapi-contact``)."""
        url = self.api_contact_url or self.publieke_url or "https://kaart.invalid"
        return {"name": self.api_contact_naam, "email": self.api_contact_email, "url": url}

    def open_werkmap(self) -> Werkmap:
        """The served werkmap (``KAART_WERKMAP`` or the user's data directory)."""
        return Werkmap.open(self.werkmap)

    def resolved_database_url(self) -> str:
        """``KAART_DATABASE_URL`` or the werkmap's SQLite ``kaart.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.open_werkmap().database}"
