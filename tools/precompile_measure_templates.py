"""Precompile the underscore templates inside the vendored ``leaflet-measure.min.js``.

The bundle compiled five HTML templates with ``_.template`` (``new Function``) when it
loaded, which a strict Content-Security-Policy (no ``'unsafe-eval'``) refuses, so the whole
map script stopped. This rewrites each ``c.template('...')`` call into the function that
underscore 1.x would have generated (same escaping rules), once, offline:

    python tools/precompile_measure_templates.py maps/assets/vendor/leaflet-measure.min.js

Idempotent: a file without ``c.template('`` calls is left unchanged.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

CALL = "c.template('"
_MATCHER = re.compile(r"<%-([\s\S]+?)%>|<%=([\s\S]+?)%>|<%([\s\S]+?)%>")
_JS_ESCAPES = {"\\": "\\\\", "'": "\\'", "\r": "\\r", "\n": "\\n", "\u2028": "\\u2028",
               "\u2029": "\\u2029"}
_UNESCAPE = {"n": "\n", "r": "\r", "t": "\t", "'": "'", '"': '"', "\\": "\\"}


def _read_literal(text: str, start: int) -> tuple[str, int]:
    """Decode the single-quoted JS string literal starting after its quote at ``start``."""
    out, i = [], start
    while text[i] != "'":
        if text[i] == "\\":
            out.append(_UNESCAPE[text[i + 1]])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out), i + 1


def _literal(text: str) -> str:
    return re.sub(r"[\\'\r\n\u2028\u2029]", lambda m: _JS_ESCAPES[m.group(0)], text)


def compile_template(template: str) -> str:
    """JS source of the render function underscore's ``_.template`` builds."""
    source, index = "__p+='", 0
    for match in _MATCHER.finditer(template):
        source += _literal(template[index:match.start()])
        index = match.end()
        escape, interpolate, evaluate = match.groups()
        if escape:
            source += f"'+\n((__t=({escape}))==null?'':_.escape(__t))+\n'"
        elif interpolate:
            source += f"'+\n((__t=({interpolate}))==null?'':__t)+\n'"
        else:
            source += f"';\n{evaluate}\n__p+='"
    source += _literal(template[index:]) + "';\n"
    body = ("var __t,__p='',__j=Array.prototype.join,print=function(){__p+=__j.call(arguments,"
            "'');};\nwith(obj||{}){\n" + source + "}\nreturn __p;\n")
    return ("(function(r){return function(d){return r.call(this,d,c)}})"
            f"(function(obj,_){{{body}}})")


def precompile(text: str) -> str:
    parts, index = [], 0
    while (start := text.find(CALL, index)) >= 0:
        template, end = _read_literal(text, start + len(CALL))
        if text[end] != ")":
            raise ValueError(f"onverwachte template-aanroep op positie {start}")
        parts.append(text[index:start] + compile_template(template))
        index = end + 1
    return "".join(parts) + text[index:]


if __name__ == "__main__":
    path = Path(sys.argv[1])
    path.write_text(precompile(path.read_text(encoding="utf-8")), encoding="utf-8")
