"""The one typer application every command module registers on."""

import re

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


# Usage errors come from typer's vendored click, which has no translations (no gettext):
# each English sentence is rewritten here, at the two places that print it (typer's rich
# error panel and click's plain ``show``), so a new message is one more line in this table.
_DUTCH_USAGE: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r) for p, r in [
        (r"No such option: (\S+)", r"Onbekende optie: \1"),
        (r"\(Possible options: ([^)]*)\)", r"(bedoelde je een van: \1?)"),
        (r"No such command '([^']*)'\.?", r"Onbekend commando '\1'."),
        (r"Did you mean (.*)\?", r"Bedoelde je \1?"),
        (r"Missing command\.", "Geef een commando."),
        (r"Missing argument '([^']*)'\.", r"Argument \1 ontbreekt."),
        (r"Missing option '([^']*)'\.", r"Optie \1 ontbreekt."),
        (r"Missing parameter: (\S+)", r"Waarde voor \1 ontbreekt."),
        (r"Missing (\w+)\.", r"\1 ontbreekt."),
        (r"Choose from:", "Kies uit:"),
        (r"Invalid value for ([^:]*):", r"Ongeldige waarde voor \1:"),
        (r"Invalid value:", "Ongeldige waarde:"),
        (r"Input should be a valid integer, unable to parse string as an integer",
         "verwacht een geheel getal"),
        (r"Input should be a valid number, unable to parse string as a number",
         "verwacht een getal (met punt als decimaalteken)"),
        (r"Input should be a valid integer(, got a number with a fractional part)?",
         "verwacht een geheel getal"),
        (r"Input should be a valid number", "verwacht een getal"),
        (r"Input should be a valid boolean.*", "verwacht ja/nee (true/false)"),
        (r"Input should be a valid date.*", "verwacht een datum (JJJJ-MM-DD)"),
        (r"Value (.*) is not a valid (\w+)\.", r"Waarde \1 is geen geldige \2."),
        (r"(.*) is not one of (.*)\.", r"\1 is geen van \2."),
        (r"(File|Directory|Path) ('.*') does not exist\.", r"\1 \2 bestaat niet."),
        (r"(File|Directory|Path) ('.*') is a file\.", r"\1 \2 is een bestand."),
        (r"(File|Directory|Path) ('.*') is a directory\.", r"\1 \2 is een map."),
        (r"(File|Directory|Path) ('.*') is not readable\.", r"\1 \2 is niet leesbaar."),
        (r"(File|Directory|Path) ('.*') is not writable\.", r"\1 \2 is niet schrijfbaar."),
        (r"^File ", "Bestand "), (r"^Directory ", "Map "), (r"^Path ", "Pad "),
        (r"Option ('[^']*') requires an argument\.", r"Optie \1 heeft een waarde nodig."),
        (r"Option ('[^']*') requires (\d+) arguments\.", r"Optie \1 heeft \2 waarden nodig."),
        (r"Option ('[^']*') does not take a value\.", r"Optie \1 neemt geen waarde."),
        (r"Argument ('[^']*') takes (\d+) values\.", r"Argument \1 neemt \2 waarden."),
        (r"Got unexpected extra arguments? ?\(?s?\)? \((.*)\)",
         r"Onverwachte extra argumenten: \1"),
        (r"Could not open file (.*?): (.*)", r"Kan bestand \1 niet openen: \2"),
        (r"The value you entered was invalid\.", "De ingevoerde waarde is ongeldig."),
    ]
]


def dutch_usage_message(text: str) -> str:
    """The Dutch version of one of typer/click's English usage-error messages."""
    for pattern, replacement in _DUTCH_USAGE:
        text = pattern.sub(replacement, text)
    return text


def _dutch_usage_errors() -> None:
    """Route every usage error typer/click prints through :func:`dutch_usage_message` and
    start usage lines with 'Gebruik:' instead of 'Usage:'."""
    from typer import rich_utils

    try:
        from typer._click import exceptions, formatting
    except ImportError:  # older typer uses click itself
        from click import exceptions, formatting

    if getattr(exceptions.ClickException.format_message, "_kaart_nl", False):
        return
    for cls in (exceptions.ClickException, exceptions.UsageError, exceptions.BadParameter,
                exceptions.MissingParameter, exceptions.NoSuchOption,
                exceptions.BadOptionUsage, exceptions.BadArgumentUsage,
                exceptions.FileError):
        original = cls.format_message

        def format_message(self, _original=original):  # noqa: ANN001, ANN202
            return dutch_usage_message(_original(self))

        format_message._kaart_nl = True  # type: ignore[attr-defined]
        cls.format_message = format_message  # type: ignore[method-assign]

    write_usage = formatting.HelpFormatter.write_usage

    def dutch_write_usage(self, prog, args="", prefix=None):  # noqa: ANN001, ANN202
        args = args.replace("COMMAND [ARGS]...", "COMMANDO [ARGUMENTEN]...")
        args = args.replace("[OPTIONS]", "[OPTIES]")
        return write_usage(self, prog, args, "Gebruik: " if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = dutch_write_usage  # type: ignore[method-assign]
    _plain_show(exceptions)
    rich_utils.highlighter.highlights = [  # colour the Dutch usage prefix as the English one
        h.replace("(?P<usage>Usage: )", "(?P<usage>Gebruik: )")
        for h in rich_utils.highlighter.highlights]


def _plain_show(exceptions) -> None:  # noqa: ANN001
    """click's plain-text ``show`` (without rich) prints 'Error:' and 'Try ... for help.'."""
    import io

    for cls in (exceptions.ClickException, exceptions.UsageError):
        original = cls.show

        def show(self, file=None, _original=original):  # noqa: ANN001, ANN202
            buffer = io.StringIO()
            _original(self, buffer)
            text = buffer.getvalue()
            text = re.sub(r"^Error: ", "Fout: ", text, flags=re.M)
            text = re.sub(r"Try '(.*)' for help\.", r"Probeer '\1' voor hulp.", text)
            typer.echo(text, file=file, err=file is None, nl=False)

        cls.show = show  # type: ignore[method-assign]


_dutch_usage_errors()
