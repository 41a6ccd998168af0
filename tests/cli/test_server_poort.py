"""kaart server on a busy port: a Dutch error, and no "luistert op" first (issue 14 item 10)."""

import socket

from typer.testing import CliRunner

from kaart.cli import app


def test_busy_port_gives_a_dutch_error_before_listening(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(app, ["server", "--port", str(port),
                                          "--werkmap", str(tmp_path / "wm")])
    assert result.exit_code != 0
    assert f"Kan niet luisteren op 127.0.0.1:{port}" in result.output
    assert "al in gebruik" in result.output and "luistert op" not in result.output
    assert "address already in use" not in result.output.lower()
