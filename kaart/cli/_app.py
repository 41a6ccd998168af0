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


def _dutch_help_option() -> None:
    """Give every command's ``--help`` option a Dutch description (typer's text is English)."""
    try:
        from typer._click.core import Command
    except ImportError:  # older typer uses click itself
        from click import Command

    original = Command.get_help_option
    if getattr(original, "_kaart_nl", False):
        return

    def get_help_option(self, ctx):  # noqa: ANN001, ANN202 - mirrors the library signature
        option = original(self, ctx)
        if option is not None:
            option.help = "Toon deze hulp en stop."
        return option

    get_help_option._kaart_nl = True  # type: ignore[attr-defined]
    Command.get_help_option = get_help_option  # type: ignore[method-assign]


_dutch_help_option()


def _dutch_help_panels() -> None:
    """Dutch titles for typer's help panels."""
    from typer import rich_utils

    for name, text in {
        "ARGUMENTS_PANEL_TITLE": "Argumenten",
        "OPTIONS_PANEL_TITLE": "Opties",
        "COMMANDS_PANEL_TITLE": "Commando's",
        "ERRORS_PANEL_TITLE": "Fout",
        "DEFAULT_STRING": "[standaard: {}]",
        "ENVVAR_STRING": "[omgevingsvariabele: {}]",
        "REQUIRED_LONG_STRING": "[verplicht]",
        "ABORTED_TEXT": "Afgebroken.",
        "RICH_HELP": "Probeer [blue]'{command_path} {help_option}'[/] voor hulp.",
    }.items():
        if hasattr(rich_utils, name):
            setattr(rich_utils, name, text)


_dutch_help_panels()
