"""A small HTTP/1.1 keep-alive load client on plain asyncio streams (benchmarks only).

Why not httpx: under 64 concurrent connections in one process, httpx's connection pool scans
every connection for every request (``_assign_requests_to_connections``) and its per-request
overhead kept the load generator itself at 100 % of a core (profiled with py-spy: 93 % of
its samples were in httpx/httpcore). Latencies then measured mostly the client's own queue,
not the server. This client costs a few tens of microseconds per request: one connection per
virtual client, a GET with fixed headers, the response read by ``Content-Length``.

Only what the tile benchmarks need: GET, ``Content-Length`` bodies (no chunked encoding; a
chunked or unparseable response counts as an error and the connection is reopened).
"""

from __future__ import annotations

import asyncio
import statistics
import time
from urllib.parse import urlsplit


def _request(host: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def _one(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
               request: bytes) -> tuple[int, bytes]:
    writer.write(request)
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = None
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name = name.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            raise ValueError("chunked")
    body = await reader.readexactly(length) if length else b""
    return status, body


async def run_load(urls: list[str], headers: dict[str, str], clients: int, limit_s: float,
                   ok=lambda status, body: status == 200) -> dict:
    """Request every url once with ``clients`` keep-alive connections; latency figures."""
    latencies: list[float] = []
    errors = 0
    queue = list(reversed(urls))
    deadline = time.monotonic() + limit_s
    first = urlsplit(urls[0])

    async def worker() -> None:
        nonlocal errors
        reader = writer = None
        while queue and time.monotonic() < deadline:
            parts = urlsplit(queue.pop())
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            request = _request(parts.netloc, path, headers)
            t0 = time.perf_counter()
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(first.hostname, first.port)
                status, body = await asyncio.wait_for(_one(reader, writer, request), 60)
                good = ok(status, body)
            except (OSError, ValueError, asyncio.IncompleteReadError,
                    asyncio.LimitOverrunError):
                good = False
                if writer is not None:
                    writer.close()
                reader = writer = None
            latencies.append(time.perf_counter() - t0)
            errors += not good
        if writer is not None:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(clients)))
    return summarise(latencies, errors, time.perf_counter() - start)


def summarise(latencies: list[float], errors: int, wall: float) -> dict:
    """Count, errors, tiles/s and p50/p99/max latency (ms) of one load run (both clients)."""
    ordered = sorted(latencies)
    return {"n": len(ordered), "fouten": errors, "tegels_s": len(ordered) / wall,
            "p50_ms": 1000 * statistics.median(ordered),
            "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
            "max_ms": 1000 * ordered[-1]}
