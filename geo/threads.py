"""Independent work on a few threads, results in order (numpy and GDAL release the GIL).

Used by the engine's passes 3 and 4 (:mod:`geo.scoring.passes`) and by the writers of a
large run (:mod:`geo.export.run`, :mod:`geo.export.writer`, :mod:`geo.export.webcog`);
the number of threads comes from :func:`geo.scoring.parallel.local_workers`. A light
module: the tile server imports the writers' modules without the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def in_threads(work: Callable[[T], R], items: Iterable[T], threads: int) -> Iterator[R]:
    """``work(item)`` for every item, in order, on ``threads`` threads (1: in this thread).

    For work that releases the GIL on independent items; the results come in the order
    of ``items`` whatever the number of threads.

    Examples
    --------
    >>> list(in_threads(lambda x: x * x, [1, 2, 3], threads=2))
    [1, 4, 9]
    """
    if threads < 2:
        yield from map(work, items)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(threads) as pool:
        yield from pool.map(work, items)
