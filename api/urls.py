"""Where the API lives, where a request comes from and where the service lives (never
taken from client headers).

* :data:`API_BASE` and :func:`api_path` — the one place that knows the versioned base path
  of the JSON API (``/api/v1``, NL API Design Rules ``/core/uri-version``). Every Python
  caller builds API URLs with :func:`api_path`; the viewer's JavaScript reads the same base
  from ``maps/assets/api.js`` (written from :data:`API_BASE`, see :mod:`maps.assets`).
  Tiles (``/tiles/...``) and HTML pages keep their own paths.
* :func:`public_url` — an absolute URL on the configured ``KAART_PUBLIEKE_URL``; without
  that setting the URL the request reached (development, tests). Use it for every absolute
  URL the service hands out (TileJSON ``tiles``, links in e-mails, ...).
* :func:`client_address` — the client's IP address; ``X-Forwarded-For`` is believed only
  when the direct peer is one of ``KAART_VERTROUWDE_PROXIES``.
"""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network
from urllib.parse import urlsplit

from starlette.requests import Request

from geo.errors import ConfigError

Network = IPv4Network | IPv6Network

API_MAJOR = 1
API_BASE = f"/api/v{API_MAJOR}"
"""Base path of the JSON API: only the major version is in the URI (``/core/uri-version``)."""
OPENAPI_PATH = f"{API_BASE}/openapi.json"
"""Where the OpenAPI document is published (``/core/publish-openapi``)."""


def api_path(path: str) -> str:
    """``path`` of the JSON API under :data:`API_BASE`: ``api_path("/kaarten")`` is
    ``/api/v1/kaarten``. No trailing slash (``/core/no-trailing-slash``)."""
    tail = "/" + path.strip("/")
    return API_BASE if tail == "/" else API_BASE + tail


def check_public_url(value: str) -> str:
    """``value`` without a trailing slash, if it is a plain http(s) base URL."""
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ConfigError(
            f"KAART_PUBLIEKE_URL '{value}' is geen basis-URL; verwacht bijvoorbeeld "
            "https://kaart.gemeente.nl (zonder ?, # of gebruikersnaam).",
            sleutel="KAART_PUBLIEKE_URL", waarde=value)
    return value.strip().rstrip("/")


def parse_networks(value: str) -> tuple[Network, ...]:
    """The comma-separated addresses/networks of ``KAART_VERTROUWDE_PROXIES``."""
    networks = []
    for item in (part.strip() for part in value.split(",")):
        if not item:
            continue
        try:
            networks.append(ip_network(item, strict=False))
        except ValueError:
            raise ConfigError(
                f"KAART_VERTROUWDE_PROXIES: '{item}' is geen IP-adres of netwerk "
                "(bijvoorbeeld 10.0.0.5 of 10.0.0.0/24).",
                sleutel="KAART_VERTROUWDE_PROXIES", waarde=item) from None
    return tuple(networks)


def public_url(request: Request, path: str = "/") -> str:
    """Absolute URL of ``path`` on the configured public base (never the Host header when set)."""
    base = request.app.state.settings.publieke_url
    if base is None:
        base = str(request.base_url).rstrip("/")
    return base + "/" + path.lstrip("/")


def _address(value: str) -> IPv4Address | IPv6Address | None:
    try:
        return ip_address(value.strip())
    except ValueError:
        return None


def _trusted(value: str, networks: tuple[Network, ...]) -> bool:
    address = _address(value)
    return address is not None and any(address in network for network in networks)


def client_address(request: Request) -> str:
    """The client's address: the peer, or (behind a trusted proxy) the right-most
    ``X-Forwarded-For`` entry that is not itself a trusted proxy."""
    peer = request.client.host if request.client else "onbekend"
    networks = request.app.state.settings.trusted_proxies
    if not networks or not _trusted(peer, networks):
        return peer
    forwarded = [part.strip() for header in request.headers.getlist("x-forwarded-for")
                 for part in header.split(",") if part.strip()]
    for hop in reversed(forwarded):
        if not _trusted(hop, networks):
            return hop if _address(hop) is not None else peer
    return peer
