"""Server configuration from the environment (``KAART_...``), validated by pydantic-settings.

Nothing is read at import time: call :func:`Settings` (or pass one to ``create_app``).

Environment variables
---------------------
``KAART_OMGEVING``          ``ontwikkeling`` (default), ``test`` or ``productie``.
``KAART_WERKMAP``           the werkmap whose catalog and ``kaart.db`` are served.
``KAART_DATABASE_URL``      SQLAlchemy URL (``postgresql+psycopg://...``); default the
                            werkmap's ``kaart.db`` (SQLite).
``KAART_GEHEIME_SLEUTEL``   signs session cookies; must be a real secret (>= 32 characters)
                            in ``productie``.
``KAART_COOKIE_SECURE``     send the session cookie over HTTPS only (default: on in productie).
``KAART_TEGEL_SCHIJFCACHE`` directory for rendered tiles shared by worker processes
                            (``kaart server --workers N>1`` sets ``<werkmap>/kaarten/.tegelcache``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from geo.errors import ConfigError
from geo.paths import Werkmap

PLACEHOLDER_SECRETS = frozenset(
    {"", "verander-mij", "verandermij", "changeme", "change-me", "secret", "geheim",
     "ontwikkeling", "test", "kaart"}
)
"""Secrets that are refused outside development."""

DEFAULT_SECRET = "verander-mij"


class Settings(BaseSettings):
    """Typed server settings; every field can be set as ``KAART_<NAAM>``."""

    model_config = SettingsConfigDict(env_prefix="KAART_", extra="ignore")

    omgeving: Literal["ontwikkeling", "test", "productie"] = "ontwikkeling"
    werkmap: Path | None = None
    database_url: str | None = None
    geheime_sleutel: SecretStr = SecretStr(DEFAULT_SECRET)
    cookie_secure: bool | None = None
    sessie_duur_s: int = Field(8 * 3600, ge=60)
    tegel_cache: int = Field(4096, ge=0, description="Aantal gerenderde tegels in het geheugen.")
    tegel_schijfcache: Path | None = Field(
        None, description="Map voor gerenderde tegels, gedeeld door alle werkprocessen.")
    tegel_max_age_s: int = Field(3600, ge=0)
    max_inlogpogingen: int = Field(5, ge=1)
    inlog_venster_s: int = Field(900, ge=1)
    audit_tegels_flush_s: float = Field(60.0, gt=0)
    audit_tegels_max: int = Field(1000, ge=1)
    auth_cache_s: float = Field(5.0, ge=0, description="Gebruiker per token/sessie onthouden.")
    migreer: bool = True

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        secret = self.geheime_sleutel.get_secret_value()
        if self.omgeving == "productie" and (
            secret.strip().lower() in PLACEHOLDER_SECRETS or len(secret) < 32
        ):
            raise ConfigError(
                "KAART_GEHEIME_SLEUTEL is een voorbeeldwaarde of korter dan 32 tekens; "
                "dat mag niet in productie. Maak er een met: "
                "python -c 'import secrets; print(secrets.token_urlsafe(48))'",
                sleutel="KAART_GEHEIME_SLEUTEL",
            )
        return self

    @property
    def secure_cookie(self) -> bool:
        """Whether the session cookie is HTTPS-only."""
        return self.omgeving == "productie" if self.cookie_secure is None else self.cookie_secure

    def open_werkmap(self) -> Werkmap:
        """The served werkmap (``KAART_WERKMAP`` or the user's data directory)."""
        return Werkmap.open(self.werkmap)

    def resolved_database_url(self) -> str:
        """``KAART_DATABASE_URL`` or the werkmap's SQLite ``kaart.db``."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.open_werkmap().database}"
