"""One family of errors and warnings for the whole project.

Every message is Dutch (users read it); ``code`` is a stable English-free token for scripts
and the API; ``details`` holds structured context (file, layer, column, rows, values).
``api/errors.py`` only maps these to HTTP and the CLI only maps them to an exit code.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any


class KaartError(Exception):
    """Base of every error kaart raises on purpose."""

    code = "kaart_fout"
    exit_code = 1

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = {k: v for k, v in details.items() if v is not None}

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "melding": self.message, **_jsonable(self.details)}


class InputError(KaartError):
    """Bad user input: a file, layer, parameter or value that cannot be used."""

    code = "ongeldige_invoer"
    exit_code = 2


class InputFileError(InputError):
    """A file is missing, unreadable or of an unknown format."""

    code = "bestand_onleesbaar"


class UnknownLayerError(InputError):
    """A layer name that is not in the file or not a known layer kind."""

    code = "laag_onbekend"


class SchemaError(InputError):
    """A layer does not satisfy its schema (column, type, range, allowed values, ids)."""

    code = "schema_fout"


class CrsError(InputError):
    """Missing or unusable coordinate reference system."""

    code = "crs_fout"


class GeometryError(InputError):
    """Wrong geometry type, empty layer, features outside the Netherlands."""

    code = "geometrie_fout"


class AreaNotFoundError(InputError):
    """A gemeente, regio, veiligheidsregio or provincie that does not exist."""

    code = "gebied_onbekend"


class ConfigError(InputError):
    """An invalid configuration file (YAML): names file, line and key."""

    code = "configuratie_fout"


class InvalidRequestError(InputError):
    """An invalid parameter in an API request or CLI call."""

    code = "ongeldig_verzoek"


class KaartNotFoundError(KaartError):
    """A kaart_id, object or output that does not exist (or that the user may not see)."""

    code = "niet_gevonden"
    exit_code = 4


class PermissionDeniedError(KaartError):
    """The user is not entitled to this resource."""

    code = "geen_toegang"
    exit_code = 5


class AuthenticationError(KaartError):
    """Not logged in, bad credentials or an expired token."""

    code = "niet_ingelogd"
    exit_code = 5


class NotFittedError(KaartError):
    """A model or transformer used before ``fit``."""

    code = "niet_getraind"


class OutputError(KaartError):
    """Writing an output failed; the previous version stays intact."""

    code = "uitvoer_fout"
    exit_code = 6


class _WriteFailure(OutputError):
    """A write refused by the operating system; the message names the file.

    ``path`` is the file or folder being written. The CLI shows it relative to the
    werkmap (:meth:`shown_from`); ``details["bestand"]`` keeps the full path for logs.
    """

    template = "{bestand}"

    def __init__(self, path: str | os.PathLike[str], *, shown: str | None = None,
                 reden: str | None = None) -> None:
        self.path = Path(path)
        self.reason = reden
        text = self.template.format(bestand=shown or str(self.path))
        super().__init__(text + (f" ({reden})" if reden else "") + self.advice,
                         bestand=str(self.path), reden=reden)

    advice = ""

    def shown_from(self, root: str | os.PathLike[str] | None) -> _WriteFailure:
        """The same error with the path shown relative to ``root`` (when inside it)."""
        if root is None:
            return self
        try:
            shown = self.path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            return self
        shown = "de werkmap" if shown in ("", ".") else shown
        copy = type(self)(self.path, shown=shown, reden=self.reason)
        copy.__cause__ = self.__cause__
        return copy


class DiskFullError(_WriteFailure):
    """No room on the disk (also: over a quota or a file-size limit) while writing."""

    code = "schijf_vol"
    exit_code = 74  # sysexits EX_IOERR
    template = "Schijf vol bij schrijven van {bestand}"
    advice = (". Maak ruimte vrij of kies een andere --werkmap; eerdere versies zijn "
              "ongewijzigd.")


class WriteDeniedError(_WriteFailure):
    """The werkmap (or a file in it) is read-only or not writable for this user."""

    code = "geen_schrijfrechten"
    exit_code = 73  # sysexits EX_CANTCREAT
    template = "Geen schrijfrechten op {bestand}"
    advice = (". Geef de gebruiker schrijfrechten, koppel de schijf schrijfbaar of kies een "
              "andere --werkmap; eerdere versies zijn ongewijzigd.")


class KaartWarning(UserWarning):
    """Base of every warning kaart issues."""


class GeometryRepairedWarning(KaartWarning):
    """Invalid geometries were repaired with ``make_valid``."""


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return str(value)
