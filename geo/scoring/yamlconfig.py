"""YAML configuration files validated by pydantic, with errors naming file, line and key.

The YAML is composed into nodes first, so every key keeps its line number; a pydantic
:class:`ValidationError` is turned into one :class:`geo.errors.ConfigError` with a Dutch
message such as ``indicatoren.yaml, regel 13, sleutel 'themas.havens.indicatoren.0.gewicht':
moet een getal zijn, niet 'veel'.``
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from geo.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
Lines = dict[tuple[Any, ...], int]


def validate_yaml(text: str, model: type[M], *, source: str, tags: Sequence[str] = (),
                  tag_key: str = "soort") -> tuple[M, Lines]:
    """Parse ``text`` and validate it as ``model``; return the model and the line map.

    Parameters
    ----------
    text : str
        YAML text.
    model : pydantic model class
    source : str
        File name for messages.
    tags, tag_key : optional
        Discriminator values of tagged unions (dropped from error locations) and the
        key holding them (reported for an unknown or missing tag).

    Raises
    ------
    ConfigError
        YAML syntax error or invalid content (names ``source``, line and key).
    """
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f", regel {line}" if line else ""
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigError(f"{source}{where}: geen geldige YAML ({problem}).",
                          bestand=source, regel=line) from error
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: de configuratie moet een YAML-mapping zijn.",
                          bestand=source, regel=1)
    lines: dict[tuple[Any, ...], int] = {}
    _collect_lines(node, (), lines)
    try:
        config = model.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = _data_path(data, first["loc"], tags)
        if first["type"].startswith("union_tag"):
            loc = (*loc, tag_key)
        key = ".".join(str(p) for p in loc) or "(hoofdniveau)"
        line = line_for(lines, loc)
        where = f", regel {line}" if line else ""
        message = _dutch(first, tags, tag_key)
        extra = f" (en nog {error.error_count() - 1} fout(en))" if error.error_count() > 1 else ""
        raise ConfigError(f"{source}{where}, sleutel '{key}': {message}{extra}.",
                          bestand=source, regel=line, sleutel=key) from error
    return config, lines


def _collect_lines(node: yaml.Node, path: tuple[Any, ...], out: dict[tuple[Any, ...], int]) -> None:
    out[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = path + (key.value,)
            out[child] = key.start_mark.line + 1
            _collect_lines(value, child, out)
            out[child] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _collect_lines(value, path + (index,), out)


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


def line_for(lines: Lines, path: tuple[Any, ...]) -> int | None:
    """Line (1-based) of the deepest key along ``path`` that the YAML has."""
    for end in range(len(path), -1, -1):
        key = tuple(str(p) if not isinstance(p, int) else p for p in path[:end])
        if key in lines:
            return lines[key]
    return None


_MESSAGES = {
    "missing": "ontbreekt",
    "extra_forbidden": "onbekende sleutel",
    "literal_error": "ongeldige waarde {input!r}, kies uit {expected}",
    "float_parsing": "moet een getal zijn, niet {input!r}",
    "int_parsing": "moet een geheel getal zijn, niet {input!r}",
    "string_type": "moet tekst zijn",
    "string_pattern_mismatch": "ongeldige naam {input!r} (kleine letters, cijfers en _)",
    "string_too_short": "mag niet leeg zijn",
    "greater_than": "moet groter zijn dan {gt}",
    "greater_than_equal": "moet minstens {ge} zijn",
    "less_than_equal": "mag hoogstens {le} zijn",
    "too_short": "moet minstens {min_length} element(en) bevatten",
    "union_tag_invalid": "onbekende soort {tag!r}, kies uit {expected_tags}",
    "union_tag_not_found": "'{tag_key}' ontbreekt (kies uit {tags})",
    "dict_type": "moet een mapping (sleutel: waarde) zijn",
    "list_type": "moet een lijst zijn",
}


def _dutch(error: dict[str, Any], tags: Sequence[str], tag_key: str) -> str:
    kind = error["type"]
    if kind == "value_error":
        return str(error.get("ctx", {}).get("error", error["msg"]))
    template = _MESSAGES.get(kind)
    if template is None:
        return error["msg"]
    values = {"input": error.get("input"), "tags": ", ".join(tags), "tag_key": tag_key,
              **(error.get("ctx") or {})}
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return error["msg"]
