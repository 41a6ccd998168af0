"""`kaart leer` and `kaart evalueer` name the split date the same: --tot (issue 13 item 6).

The old `evalueer --splitsing` still works (tests/cli/test_acceptatie_limburg.py uses it)
but is hidden from the help.
"""

import re

from typer.testing import CliRunner

from kaart.cli import app


def _help(command: str) -> str:
    result = CliRunner().invoke(app, [command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    return re.sub(r"\x1b\[[0-9;]*m", "", result.output)


def test_leer_and_evalueer_share_the_option_name_and_hide_the_old_one():
    assert "--tot" in _help("leer")
    evalueer = _help("evalueer")
    assert "--tot" in evalueer
    assert "--splitsing" not in evalueer
