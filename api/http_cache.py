"""HTTP caching per map version: ETag, Last-Modified, Cache-Control and conditional 304s.

Responses depend on who asks, so they are ``private`` and vary on Cookie and Authorization.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request, Response

from geo.catalog import KaartEntry


def etag(entry: KaartEntry, suffix: str = "") -> str:
    """A strong ETag that changes with every new version of the map."""
    digest = hashlib.sha256(f"{entry.kaart_id}|{entry.versie}|{entry.datum}|{suffix}".encode())
    return f'"{digest.hexdigest()[:24]}"'


def last_modified(entry: KaartEntry) -> datetime | None:
    try:
        moment = datetime.fromisoformat(entry.datum)
    except (TypeError, ValueError):
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def cache_headers(entry: KaartEntry, max_age: int, suffix: str = "") -> dict[str, str]:
    headers = {
        "ETag": etag(entry, suffix),
        "Cache-Control": f"private, max-age={max_age}",
        "Vary": "Cookie, Authorization",
    }
    moment = last_modified(entry)
    if moment is not None:
        headers["Last-Modified"] = format_datetime(moment.replace(microsecond=0), usegmt=True)
    return headers


def not_modified(request: Request, headers: dict[str, str]) -> Response | None:
    """A 304 response when the client's copy is current, else ``None``."""
    match = request.headers.get("if-none-match")
    if match is not None:
        tags = {t.strip().removeprefix("W/") for t in match.split(",")}
        if headers["ETag"] in tags or "*" in tags:
            return Response(status_code=304, headers=headers)
        return None
    since = request.headers.get("if-modified-since")
    if since and "Last-Modified" in headers:
        try:
            client = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return None
        if client.tzinfo is not None and parsedate_to_datetime(headers["Last-Modified"]) <= client:
            return Response(status_code=304, headers=headers)
    return None
