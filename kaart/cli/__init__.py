"""The ``kaart`` command line (typer). Messages are Dutch; every command has ``--json``."""

from kaart.cli import demo, gelegenheid, html, lagen, plan, risico, server  # noqa: F401
from kaart.cli._app import app


def main() -> None:
    app()


__all__ = ["app", "main"]
