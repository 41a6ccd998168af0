"""Issue 14 item 5: typer/click usage errors in Dutch. Every command (and subcommand) is run
with an unknown option; a few other usage mistakes (missing argument, missing value, a
word instead of a number, a typo in a command) are run through the real entry point. The
output may not contain click's English sentences."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import typer.main
from typer.testing import CliRunner

from kaart.cli import app
from kaart.cli._app import dutch_usage_message

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = re.compile(
    r"No such|Did you mean|Possible options|Missing|Usage:|Try '|for help|\bError\b|"
    r"Invalid value|Input should|unexpected extra|requires an argument|does not exist|"
    r"is not one of|\[OPTIONS\]|COMMAND \[ARGS\]|Choose from|Aborted")


def _commands(command, path=()):
    found = []
    for name, sub in getattr(command, "commands", {}).items():
        found.append((*path, name))
        found += _commands(sub, (*path, name))
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_every_command_is_listed():
    assert ("gelegenheid",) in COMMANDS and ("gebruiker", "toevoegen") in COMMANDS
    assert len(COMMANDS) >= 20


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_unknown_option_is_dutch(command):
    result = CliRunner().invoke(app, [*command, "--bestaatniet"])
    assert result.exit_code == 2, result.output
    assert "Onbekende optie: --bestaatniet" in result.output
    assert "Gebruik:" in result.output and "voor hulp" in result.output
    assert not ENGLISH.search(result.output), result.output


def _kaart(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", "from kaart.cli import main; main()", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "COLUMNS": "200", "KAART_GEEN_VOORTGANG": "1"})
    assert done.returncode == 2, done.stdout + done.stderr
    return done.stdout + done.stderr


@pytest.mark.parametrize(("args", "dutch"), [
    (["gelegenheid", "--gemeent", "Vaals"],
     "Onbekende optie: --gemeent (bedoelde je een van: --gemeente"),
    (["gelegenhied"], "Onbekend commando 'gelegenhied'. Bedoelde je 'gelegenheid'"),
    (["importeer"], "Argument SOORT ontbreekt."),
    (["html"], "Optie --uit ontbreekt."),
    (["plan", "--aantal"], "Optie '--aantal' heeft een waarde nodig."),
    (["plan", "--aantal", "veel"], "Ongeldige waarde voor '--aantal': verwacht een geheel getal"),
    (["gelegenheid", "extra"], "Onverwachte extra argumenten: extra"),
])
def test_usage_mistakes_are_dutch(args, dutch):
    output = _kaart(*args)
    assert dutch in output
    assert not ENGLISH.search(output), output


def test_plain_click_show_is_dutch(capsys):
    """Without typer's rich panel click prints 'Error:' and 'Try ... for help.' itself."""
    from typer._click import Context, exceptions

    command = typer.main.get_command(app)
    ctx = Context(command, info_name="kaart")
    exceptions.NoSuchOption("--x", ctx=ctx).show()
    err = capsys.readouterr().err
    assert "Fout: Onbekende optie: --x" in err
    assert "Probeer 'kaart --help' voor hulp." in err and "Gebruik: kaart" in err
    assert not ENGLISH.search(err), err


def test_message_table_leaves_dutch_alone():
    text = "Kies precies één gebied: --gemeente of --regio."
    assert dutch_usage_message(text) == text
