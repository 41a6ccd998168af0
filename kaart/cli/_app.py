"""The one typer application every command module registers on."""

import typer

app = typer.Typer(
    name="kaart",
    help=(
        "kaart: gelegenheids- en risicokaarten tegen ondermijning voor gemeenten, "
        "RIEC en ACT!-teams."
    ),
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """kaart: gelegenheids- en risicokaarten tegen ondermijning."""
