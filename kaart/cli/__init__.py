"""The ``kaart`` command line (typer). Messages are Dutch; every command has ``--json``."""

from kaart.cli import (  # noqa: F401
    demo,
    gelegenheid,
    html,
    lagen,
    plan,
    profielen,
    rapport,
    risico,
    server,
    vergelijk,
    verrijk,
)
from kaart.cli._app import app
from kaart.cli._common import JsonOpt, command


@app.command("versie")
def versie(json_output: JsonOpt = False) -> None:
    """Toon de versie van kaart."""
    from geo import __version__

    with command("versie", json_output) as out:
        out.data(versie=__version__)
        out.summary(f"kaart {__version__}")


def main() -> None:
    app()


__all__ = ["app", "main"]
