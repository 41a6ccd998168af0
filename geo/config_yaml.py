"""One loader for every YAML configuration, with one Dutch error format.

Every configuration file (indicators, risico, planning, import profiles) is read with
:func:`load_yaml_config` into a frozen pydantic model. The YAML is composed into nodes
first, so every key keeps its line number; a YAML syntax error or a pydantic
:class:`~pydantic.ValidationError` becomes one :class:`geo.errors.ConfigError` whose
message names the file, the line, the key (dotted path), what was expected and what was
found::

    data/risico.yaml, regel 7, sleutel 'bandbreedte_m': verwacht een getal > 0, gevonden 'abc'.

The error's ``details`` carry the same parts: ``bestand``, ``regel``, ``sleutel``,
``verwacht``, ``gevonden``.

Examples
--------
>>> from pydantic import BaseModel, ConfigDict, Field
>>> class Voorbeeld(BaseModel):
...     model_config = ConfigDict(extra="forbid", frozen=True)
...     straal_m: float = Field(100.0, gt=0)
>>> parse_yaml_config("straal_m: 250\\n", Voorbeeld, source="v.yaml")[0].straal_m
250.0
>>> try:
...     parse_yaml_config("# uitleg\\nstraal_m: abc\\n", Voorbeeld, source="v.yaml")
... except ConfigError as error:
...     print(error.message)
v.yaml, regel 2, sleutel 'straal_m': verwacht een getal, gevonden 'abc'.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from geo.config_messages import describe_error, found_text
from geo.errors import ConfigError

__all__ = ["Lines", "line_for", "load_yaml_config", "parse_yaml_config", "read_yaml_config"]

M = TypeVar("M", bound=BaseModel)
Lines = dict[tuple[Any, ...], int]
"""Line (1-based) of every key path in a YAML file: ``{("themas", "havens"): 12, ...}``."""


def load_yaml_config(path: str | os.PathLike[str], model: type[M], *,
                     tags: Sequence[str] = (), tag_key: str = "soort") -> M:
    """Read a YAML file and validate it as ``model``.

    Parameters
    ----------
    path : path
        The YAML file. An empty file validates as ``{}`` (every default).
    model : pydantic model class
        The configuration's model (use ``extra="forbid"`` so unknown keys are reported).
    tags, tag_key : optional
        Discriminator values of tagged unions in the model and the key holding them
        (``soort``), so errors inside a tagged union name the YAML key, not the tag.

    Returns
    -------
    model instance

    Raises
    ------
    ConfigError
        Unreadable file, YAML syntax error or invalid content; the message names the
        file, the line, the key, what was expected and what was found.
    """
    return read_yaml_config(path, model, tags=tags, tag_key=tag_key)[0]


def read_yaml_config(path: str | os.PathLike[str], model: type[M], *,
                     tags: Sequence[str] = (), tag_key: str = "soort") -> tuple[M, Lines]:
    """Like :func:`load_yaml_config`, also returning the line of every key."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        found = f"byte 0x{error.object[error.start]:02x} op positie {error.start}"
        raise ConfigError(f"{path}: verwacht UTF-8-tekst, gevonden {found}.",
                          bestand=str(path), verwacht="UTF-8-tekst", gevonden=found) from error
    except OSError as error:
        raise ConfigError(f"Configuratie {path} is niet te lezen: {error.strerror}.",
                          bestand=str(path)) from error
    return parse_yaml_config(text, model, source=str(path), tags=tags, tag_key=tag_key)


def parse_yaml_config(text: str, model: type[M], *, source: str = "<configuratie>",
                      tags: Sequence[str] = (), tag_key: str = "soort") -> tuple[M, Lines]:
    """Validate YAML ``text`` as ``model``; return the model and the line of every key.

    ``source`` names the file in messages; see :func:`load_yaml_config`.
    """
    try:
        _refuse_aliases(text, source)
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise _syntax_error(error, source) from error
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise _error(source, 1, None, "een mapping (sleutel: waarde) op het hoofdniveau",
                     found_text(data))
    lines: Lines = {}
    if node is not None:
        _collect_lines(node, (), lines, source)
    try:
        return model.model_validate(data), lines
    except ValidationError as error:
        first = error.errors()[0]
        loc = _data_path(data, first["loc"], tags)
        if first["type"].startswith("union_tag"):
            loc = (*loc, tag_key)
        expected, found = describe_error(first, model=model, tags=tags, tag_key=tag_key)
        more = error.error_count() - 1
        raise _error(source, line_for(lines, loc), _dotted(loc), expected, found,
                     more=more) from error


def line_for(lines: Lines, path: Sequence[Any]) -> int | None:
    """Line (1-based) of the deepest key along ``path`` that the YAML has."""
    path = tuple(path)
    for end in range(len(path), -1, -1):
        key = tuple(str(p) if not isinstance(p, int) else p for p in path[:end])
        if key in lines:
            return lines[key]
    return None


def _error(source: str, line: int | None, key: str | None, expected: str, found: str, *,
           more: int = 0) -> ConfigError:
    where = source + (f", regel {line}" if line else "") + (f", sleutel '{key}'" if key else "")
    extra = f" (en nog {more} fout(en))" if more > 0 else ""
    return ConfigError(f"{where}: verwacht {expected}, gevonden {found}{extra}.",
                       bestand=source, regel=line, sleutel=key, verwacht=expected,
                       gevonden=found)


_YAML_PROBLEMS = (  # (fragment of PyYAML's problem, what the reader found)
    ("mapping values are not allowed", "een ':' waar geen nieuwe sleutel mag beginnen"),
    ("could not find expected ':'", "een sleutel zonder ':'"),
    ("<block end>", "een regel die niet bij de inspringing past"),
    ("did not find expected key", "een regel die niet bij de inspringing past"),
    ("cannot start any token", "een teken waarmee geen waarde mag beginnen (een tab?)"),
    ("undefined alias", "een verwijzing (*) naar een onbekend anker"),
    ("duplicate anchor", "een dubbel anker (&)"),
    ("expected ',' or ']'", "een lijst '[' zonder afsluitende ']'"),
    ("expected ',' or '}'", "een mapping '{' zonder afsluitende '}'"),
    ("end of stream", "het einde van het bestand midden in een waarde"),
)


def _syntax_error(error: yaml.YAMLError, source: str) -> ConfigError:
    mark = getattr(error, "problem_mark", None)
    line = mark.line + 1 if mark is not None else None
    problem = str(getattr(error, "problem", None) or error)
    found = next((text for fragment, text in _YAML_PROBLEMS if fragment in problem),
                 f"{problem!r} (melding van de YAML-lezer)")
    return _error(source, line, None, "geldige YAML", found)


def _dotted(loc: Sequence[Any]) -> str:
    return ".".join(str(p) for p in loc) or "(hoofdniveau)"


def _refuse_aliases(text: str, source: str) -> None:
    """Anchors and aliases (``&a`` / ``*a``) are refused: a configuration does not need them
    and nested aliases make a small file expand into an enormous one ("billion laughs")."""
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, yaml.AliasEvent):
            raise _error(source, event.start_mark.line + 1, None,
                         "gewone waarden zonder YAML-verwijzingen",
                         f"de verwijzing *{event.anchor}")


def _collect_lines(node: yaml.Node, path: tuple[Any, ...], out: Lines, source: str) -> None:
    """Record the line of every key path; refuse a key that occurs twice in one mapping."""
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key, value in node.value:
            child, line = path + (key.value,), key.start_mark.line + 1
            if key.value in seen:
                raise _error(source, line, _dotted(child), "elke sleutel één keer",
                             f"'{key.value}' opnieuw (eerder op regel {seen[key.value]})")
            seen[key.value] = line
            _collect_lines(value, child, out, source)
            out[child] = line
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _collect_lines(value, path + (index,), out, source)


def _data_path(data: Any, loc: tuple[Any, ...], tags: Sequence[str]) -> tuple[Any, ...]:
    """Keep the parts of a pydantic ``loc`` that exist in the data (drop union tags)."""
    path: list[Any] = []
    current = data
    for i, part in enumerate(loc):
        tag = part in tags and i > 0 and isinstance(loc[i - 1], int)
        if isinstance(current, dict) and part in current and not tag:
            current = current[part]
            path.append(part)
        elif isinstance(current, list) and isinstance(part, int) and part < len(current):
            current = current[part]
            path.append(part)
        elif isinstance(current, dict) and isinstance(part, str) and not tag:
            path.append(part)  # a missing key: report it under its parent's line
            current = None
    return tuple(path)
