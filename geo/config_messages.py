"""Pydantic validation errors in Dutch: what was expected and what was found.

Used by the YAML loader (:mod:`geo.config_yaml`) and by parameter overrides (CLI options,
API requests) so every configuration error reads the same way::

    >>> describe_error({"type": "greater_than", "loc": ("bandbreedte_m",), "msg": "",
    ...                 "input": "abc", "ctx": {"gt": 0}})
    ('een getal > 0', "'abc'")
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

__all__ = ["describe_error", "found_text", "validation_message"]

_NAME = r"^[a-z][a-z0-9_]*$"
_PATTERNS = {
    _NAME: "een naam van kleine letters, cijfers en _ (beginnend met een letter)",
    r"^\d{2}:\d{2}$": "een tijd als UU:MM",
    r"^GM\d{4}$": "een gemeentecode als GM0123",
}

# pydantic error type → what was expected (formatted with the error's ``ctx``)
_EXPECTED = {
    "float_parsing": "een getal", "float_type": "een getal", "finite_number": "een eindig getal",
    "int_parsing": "een geheel getal", "int_type": "een geheel getal",
    "int_from_float": "een geheel getal", "bool_parsing": "ja of nee (true/false)",
    "bool_type": "ja of nee (true/false)", "string_type": "tekst",
    "string_too_short": "tekst van minstens {min_length} teken(s)",
    "string_too_long": "tekst van hoogstens {max_length} tekens",
    "greater_than": "een getal > {gt}", "greater_than_equal": "een getal >= {ge}",
    "less_than": "een getal < {lt}", "less_than_equal": "een getal <= {le}",
    "too_short": "minstens {min_length} element(en)",
    "too_long": "hoogstens {max_length} element(en)",
    "dict_type": "een mapping (sleutel: waarde)", "model_type": "een mapping (sleutel: waarde)",
    "model_attributes_type": "een mapping (sleutel: waarde)",
    "list_type": "een lijst", "tuple_type": "een lijst", "set_type": "een lijst",
    "date_parsing": "een datum (JJJJ-MM-DD)", "date_type": "een datum (JJJJ-MM-DD)",
    "date_from_datetime_parsing": "een datum (JJJJ-MM-DD)",
    "datetime_parsing": "een tijdstip (JJJJ-MM-DDTUU:MM)",
    "url_parsing": "een URL", "url_type": "een URL",
    "url_scheme": "een URL met schema {expected_schemes}",
}


def describe_error(error: dict[str, Any], *, model: type[BaseModel] | None = None,
                   tags: Sequence[str] = (), tag_key: str = "soort") -> tuple[str, str]:
    """``(expected, found)`` in Dutch for one item of ``ValidationError.errors()``.

    Parameters
    ----------
    error : dict
        One pydantic error (``type``, ``loc``, ``msg``, ``input``, ``ctx``).
    model : pydantic model class, optional
        The validated model; lets an unknown key list the keys that are allowed.
    tags, tag_key : optional
        Discriminator values of tagged unions and the key holding them.
    """
    kind = error["type"]
    ctx = {k: _number(v) for k, v in (error.get("ctx") or {}).items()}
    value = error.get("input")
    loc = tuple(error.get("loc") or ())
    if kind == "missing":
        name = f"de verplichte sleutel '{loc[-1]}'" if loc else "een waarde"
        return name, "niets (de sleutel ontbreekt)"
    if kind == "extra_forbidden":
        allowed = _allowed_keys(model, loc[:-1], tags, tag_key) if model else None
        expected = (f"een van de sleutels {', '.join(allowed)}" if allowed
                    else "alleen bekende sleutels")
        return expected, f"de onbekende sleutel '{loc[-1]}'" if loc else found_text(value)
    if kind in ("literal_error", "enum"):
        return f"een van {_or(ctx.get('expected', ''))}", found_text(value)
    if kind == "union_tag_invalid":
        return (f"een {tag_key} uit {_or(ctx.get('expected_tags', ''))}",
                found_text(ctx.get("tag", value)))
    if kind == "union_tag_not_found":
        return f"de sleutel '{tag_key}' ({', '.join(tags)})", "niets (de sleutel ontbreekt)"
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return _PATTERNS.get(pattern, f"tekst van de vorm {pattern}"), found_text(value)
    if kind in ("value_error", "assertion_error"):
        return str(ctx.get("error", error["msg"])), found_text(value)
    template = _EXPECTED.get(kind)
    if template is None:
        return f"een geldige waarde ({error['msg']})", found_text(value)
    try:
        return template.format(**ctx), found_text(value)
    except (KeyError, IndexError):
        return f"een geldige waarde ({error['msg']})", found_text(value)


def validation_message(error: ValidationError, *, word: str = "sleutel",
                       model: type[BaseModel] | None = None) -> str:
    """One Dutch line per error: ``parameter 'x': verwacht ..., gevonden ...`` joined by ``;``.

    For values that do not come from a file (CLI options, API parameters); a file's
    errors go through :func:`geo.config_yaml.load_yaml_config`, which adds file and line.
    """
    parts = []
    for item in error.errors():
        key = ".".join(str(p) for p in item["loc"]) or "(hoofdniveau)"
        expected, found = describe_error(item, model=model)
        parts.append(f"{word} '{key}': verwacht {expected}, gevonden {found}")
    return "; ".join(parts)


def found_text(value: Any) -> str:
    """Short Dutch rendering of a value read from YAML or a request."""
    if value is None:
        return "niets (leeg)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 60 else value[:57] + "...")
    if isinstance(value, dict):
        keys = ", ".join(str(k) for k in list(value)[:6]) + (", ..." if len(value) > 6 else "")
        return f"een mapping met sleutels {keys}" if value else "een lege mapping"
    if isinstance(value, (list, tuple)):
        text = repr(list(value))
        return text if len(text) <= 60 else f"een lijst van {len(value)} elementen"
    return f"een {type(value).__name__}"


def _number(value: Any) -> Any:
    """``0.0`` → ``0`` in messages (pydantic reports float bounds as floats)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _or(expected: str) -> str:
    return str(expected).replace(" or ", " of ")


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...], tags: Sequence[str],
                  tag_key: str) -> list[str] | None:
    """Field names of the model at ``loc`` (a pydantic location), if it is one model."""
    candidates: list[Any] = [model]
    for part in loc:
        following: list[Any] = []
        for option in (leaf for tp in candidates for leaf in _leaves(tp)):
            following.extend(_step(option, part, tag_key))
        candidates = following
    models = {leaf for tp in candidates for leaf in _leaves(tp) if _is_model(leaf)}
    if len(models) != 1:
        return None
    return list(models.pop().model_fields)


def _step(option: Any, part: Any, tag_key: str) -> list[Any]:
    if _is_model(option):
        if part in option.model_fields:
            return [option.model_fields[part].annotation]
        tag_field = option.model_fields.get(tag_key)
        if tag_field is not None and part in typing.get_args(tag_field.annotation):
            return [option]  # the variant of a tagged union
        return []
    origin, args = typing.get_origin(option), typing.get_args(option)
    if origin in (list, tuple, set, frozenset) and isinstance(part, int) and args:
        return [args[0]]
    if origin is dict and len(args) == 2:
        return [args[1]]
    return []


def _leaves(tp: Any) -> list[Any]:
    origin = typing.get_origin(tp)
    if origin is typing.Annotated:
        return _leaves(typing.get_args(tp)[0])
    if origin is typing.Union or isinstance(tp, types.UnionType):
        return [leaf for arg in typing.get_args(tp) for leaf in _leaves(arg)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)
