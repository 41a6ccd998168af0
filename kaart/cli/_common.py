"""What every command shares: options, progress, Dutch summaries, ``--json`` output, errors.

Usage in a command module::

    @app.command("demo")
    def demo(werkmap: WerkmapOpt = None, json_output: JsonOpt = False) -> None:
        \"\"\"Genereer synthetische demodata.\"\"\"
        with command("demo", json_output) as out:
            wm = open_werkmap(werkmap)
            for item in out.track(items, "Lagen genereren"):
                ...
            out.wrote(path, soort="geopackage", aantal=12)
            out.summary("Demodata geschreven naar ...")
            out.data(seed=seed)

``--json`` prints exactly one JSON object on stdout:
``{"ok": true, "commando": ..., "geschreven": [{"pad", "soort", "aantal"}], ...}``;
on failure ``{"ok": false, "fout": {"code", "melding", ...}}`` and a non-zero exit code.
Progress bars go to stderr so stdout stays parseable.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from geo.atomic import write_failure
from geo.errors import DiskFullError, KaartError, WriteDeniedError
from geo.paths import Werkmap
from services import written_file

T = TypeVar("T")

WerkmapOpt = Annotated[
    Path | None,
    typer.Option(
        "--werkmap",
        envvar="KAART_WERKMAP",
        help="Werkmap met invoer en uitvoer (standaard: je gebruikersdatamap).",
        show_default=False,
    ),
]
JsonOpt = Annotated[
    bool, typer.Option("--json", help="Schrijf één JSON-object met alles wat geschreven is.")
]

GemeenteOpt = Annotated[list[str] | None, typer.Option(
    "--gemeente", help="Gemeentenaam of CBS-code (Vaals, GM0981); mag vaker.", show_default=False)]
RegioOpt = Annotated[str | None, typer.Option(
    "--regio", help="Handhavingsregio (bijv. Parkstad).", show_default=False)]
VrOpt = Annotated[str | None, typer.Option(
    "--veiligheidsregio", help="Veiligheidsregio (bijv. Limburg-Zuid).", show_default=False)]
ProvincieOpt = Annotated[str | None, typer.Option(
    "--provincie", help="Provincie (bijv. Limburg).", show_default=False)]
LandOpt = Annotated[bool, typer.Option(
    "--land", help="Heel Nederland: alle 342 gemeenten als één gebied (land-nederland).")]
LagenOpt = Annotated[Path | None, typer.Option(
    "--lagen", help="Lagenbestand (GeoPackage); standaard invoer/lagen.gpkg van de werkmap.",
    show_default=False)]
CelOpt = Annotated[float, typer.Option("--celgrootte", help="Celgrootte in meter (10-500).")]
"""Area and input options shared by the map-building commands."""


def area_from_options(gemeente: list[str] | str | None = None, regio: str | None = None,
                      veiligheidsregio: str | None = None, provincie: str | None = None,
                      land: bool = False) -> Any:
    """The Area the shared options choose (exactly one; Dutch error otherwise)."""
    from geo.layers.gemeenten import select_area

    return select_area(gemeente=gemeente or None, regio=regio, veiligheidsregio=veiligheidsregio,
                       provincie=provincie, land=land)

INTERNAL_EXIT = 70
"""Exit code of an unexpected error (sysexits EX_SOFTWARE); others: ``KaartError.exit_code``."""

_WERKMAP: ContextVar[Path | None] = ContextVar("kaart_werkmap", default=None)


_NEW_WERKMAP: ContextVar[Path | None] = ContextVar("kaart_nieuwe_werkmap", default=None)


def open_werkmap(path: Path | None) -> Werkmap:
    """Open (and if needed create) the werkmap; a folder this creates is removed again
    when the command fails and left it empty (``--werkmap /bestaat/niet``, issue 14)."""
    missing = None
    if path is not None:
        for folder in (Path(path).expanduser().absolute(), *Path(path).expanduser()
                       .absolute().parents):
            if folder.exists():
                break
            missing = folder
    werkmap = Werkmap.open(path)
    _WERKMAP.set(werkmap.root)  # error messages name files relative to it
    _NEW_WERKMAP.set(missing)
    return werkmap


def _drop_new_werkmap() -> None:
    """Remove the folders :func:`open_werkmap` created, if they hold no file."""
    top = _NEW_WERKMAP.get()
    _NEW_WERKMAP.set(None)
    if top is None or not top.is_dir() or any(p.is_file() for p in top.rglob("*")):
        return
    for folder in sorted((p for p in top.rglob("*") if p.is_dir()),
                         key=lambda p: len(p.parts), reverse=True):
        folder.rmdir()
    top.rmdir()


class Output:
    """Collects what a command wrote and prints it (Dutch text or one JSON object)."""

    def __init__(self, name: str, json_output: bool) -> None:
        self.name = name
        self.json_output = json_output
        self.console = Console(stderr=json_output, highlight=False)
        self.err = Console(stderr=True, highlight=False)
        self.written: list[dict[str, Any]] = []
        self.extra: dict[str, Any] = {}
        self.lines: list[str] = []

    def wrote(self, path: str | os.PathLike[str], soort: str, aantal: int | None = None,
              **info: Any) -> None:
        """Record an output file (absolute path), its kind and feature/cell count."""
        self.written.append(written_file(path, soort, aantal, **info))

    def data(self, **values: Any) -> None:
        """Extra fields for the JSON object (counts, ids, figures)."""
        self.extra.update(values)

    def summary(self, text: str) -> None:
        """A line of the Dutch summary (printed on stdout without ``--json``)."""
        self.lines.append(text)

    def table(self, renderable: Any) -> None:
        """A rich table for the human summary (skipped with ``--json``)."""
        if not self.json_output:
            self.console.print(renderable)

    def track(self, items: Iterable[T], description: str, total: int | None = None) -> Iterator[T]:
        """Iterate with a progress bar on stderr."""
        with self.progress() as progress:
            yield from progress.track(items, description=description, total=total)

    def progress(self) -> Progress:
        """A rich Progress on stderr, for custom tasks (``with out.progress() as p``)."""
        return Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.err,
            transient=not self.err.is_terminal,
            disable=os.environ.get("KAART_GEEN_VOORTGANG") == "1",
        )

    def finish(self) -> None:
        if self.json_output:
            payload = {"ok": True, "commando": self.name, "geschreven": self.written, **self.extra}
            sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
            return
        for line in self.lines:
            self.console.print(line)


@contextmanager
def command(name: str, json_output: bool) -> Iterator[Output]:
    """Run a command body: map KaartError to a Dutch message and exit code."""
    out = Output(name, json_output)
    try:
        yield out
    except (DiskFullError, WriteDeniedError) as error:
        error = error.shown_from(_WERKMAP.get())
        _fail(out, error.to_dict(), error.exit_code)
    except KaartError as error:
        _fail(out, error.to_dict(), error.exit_code)
    except KeyboardInterrupt:
        _fail(out, {"code": "afgebroken", "melding": "Afgebroken door de gebruiker."}, 130)
    except typer.Exit:
        raise
    except Exception as error:  # noqa: BLE001 - last line of defence, never a raw traceback
        failure = _refused_write(error)
        if failure is not None:
            _fail(out, failure.to_dict(), failure.exit_code)
        if os.environ.get("KAART_DEBUG") == "1":
            traceback.print_exc()
        detail = f"{type(error).__name__}: {error}"
        _fail(out, {"code": "interne_fout",
                    "melding": f"Interne fout ({detail}). Zet KAART_DEBUG=1 voor details."},
              INTERNAL_EXIT)
    else:
        _NEW_WERKMAP.set(None)
        out.finish()


def _refused_write(error: Exception) -> KaartError | None:
    """A disk-full or read-only error for an error that escaped ``geo.atomic``.

    An ``OSError`` names its file; others (the database, through SQLAlchemy) are named
    after the werkmap, and only when their text says writing failed.
    """
    filename = getattr(error, "filename", None) if isinstance(error, OSError) else None
    place = filename or _WERKMAP.get()
    if place is None:
        return None
    failure = write_failure(error, place, writing=bool(filename))
    if isinstance(failure, DiskFullError | WriteDeniedError):
        return failure.shown_from(_WERKMAP.get())
    return failure


def _fail(out: Output, error: dict[str, Any], exit_code: int) -> None:
    try:
        _drop_new_werkmap()
    except OSError:
        pass  # a folder that cannot be removed is no reason to hide the error
    if out.json_output:
        payload = {"ok": False, "commando": out.name, "fout": error}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, default=str) + "\n")
    else:
        out.err.print(f"[bold red]Fout:[/] {error['melding']}", highlight=False)
    raise typer.Exit(exit_code)


def nl_number(value: float, decimals: int = 2) -> str:
    """A decimal number as Dutch text: ``0,58`` (decimal comma)."""
    return f"{value:.{decimals}f}".replace(".", ",")


def nl_count(value: int) -> str:
    """A whole number as Dutch text: ``41.096`` (thousands point)."""
    return f"{int(value):,}".replace(",", ".")
