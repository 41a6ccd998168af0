"""CLI commands: html (filled in by its owner)."""

from kaart.cli._app import app  # noqa: F401
