"""Bit-identical learned maps on any machine: single-threaded BLAS around the fits."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from threadpoolctl import threadpool_limits

P = ParamSpec("P")
R = TypeVar("R")


def reproducible(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` with single-threaded BLAS, so a learned map is bit-identical on any machine.

    OpenBLAS splits a matrix product over its threads and sums the parts in a different
    order for another number of threads; the fitted weights then differ in the last bits
    and the map's checksum with them. The fits are small (features × cells), so one thread
    costs little.
    """
    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with threadpool_limits(limits=1, user_api="blas"):
            return func(*args, **kwargs)
    return wrapper
