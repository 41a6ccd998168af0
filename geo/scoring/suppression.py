"""Publishing incident counts so that no small count can be derived: controlled rounding.

Every number of (police) incidents that leaves kaart — per soort and the total in the
risico kaartverantwoording, the input count, the evaluation's training and test totals
and hit rates, the incidents near an object — goes through this module. One method, for all of them:

**Zero-restricted controlled rounding to base** ``b`` (``b`` = the smallest multiple of 5
that is at least *k*, so 5 for the default ``k_anonimiteit: 3``). Every published number,
totals included, is a multiple of ``b``; every cell is rounded to one of its two adjacent
multiples (a multiple of ``b``, 0 included, stays as it is); the published cells add up
exactly to the published total, and the total is its nearest multiple of ``b``.

Why rounding and not suppression with ``"<k"``: the old publication
``{"melding": 12, ..., "overig": 3, "drugslab": "<3", "totaal": 34}`` gave
drugslab = 34 - 33 = 1 by one subtraction. Complementary suppression (hiding a second
cell) protects one table, but a count of the same incidents is published in many places
(a gemeente and its regio, the risico and the evaluation, objects next to each other);
suppression patterns would have to be coordinated over all of them. With rounding every
published number, and so every sum or difference of published numbers, is a multiple of
``b >= k``: a count between 1 and *k* - 1 is never equal to any of them. Within one table
an attacker who knows this algorithm still finds several tables consistent with what
was published (tested exhaustively in ``tests/security/test_kleine_aantallen.py``).
Rounding to base 5 is how Statistics Netherlands publishes small police and social
security figures ("afgerond op vijftallen"); the method is controlled rounding as in
Hundepool et al., *Statistical Disclosure Control* (Wiley 2012), section 5.4 and the
ESSnet/Eurostat *Handbook on Statistical Disclosure Control*, chapter on rounding.

Zero: a true 0 is published as 0, but so are small counts rounded down (1 and 2 with base
5), so a published 0 means "0 tot en met 4" and never proves that nothing happened
(:func:`rounding_note` says so next to every table). Limits: the rounding is deterministic,
so publications of almost the same incidents (a peildatum one day later) differ only where
a count crosses a rounding boundary; only people allowed to see vertrouwelijke maps see
these counts at all.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

ROUNDING_STEP = 5
"""Counts are rounded to a multiple of this step (or of the smallest multiple >= k)."""

HIDDEN = "_rest"
"""Name of the unpublished remainder cell when a table's total exceeds its cells' sum."""


def rounding_base(k: int) -> int:
    """The rounding base for k-anonymity ``k``: the smallest multiple of 5 that is >= k.

    Examples
    --------
    >>> rounding_base(3), rounding_base(5), rounding_base(7)
    (5, 5, 10)
    """
    if k < 1:
        raise ValueError(f"k moet 1 of groter zijn, niet {k}")
    return ROUNDING_STEP * -(-int(k) // ROUNDING_STEP)


def round_count(value: int, base: int) -> int:
    """One count on its own, rounded to the nearest multiple of ``base`` (halves up).

    This is :func:`round_table` of a table with one cell.

    Examples
    --------
    >>> [round_count(v, 5) for v in (0, 1, 2, 3, 7, 8, 34)]
    [0, 0, 0, 5, 5, 10, 35]
    """
    return round_table({"n": value}, base)["n"]


def round_table(cells: Mapping[str, int], base: int) -> dict[str, int]:
    """Controlled rounding of the cells of a table to multiples of ``base``.

    Each cell goes to the multiple below or above it; multiples (0 too) stay. Of the
    cells with a remainder, the ``m`` with the largest remainders go up (ties: the first
    key), with ``m`` the sum of the remainders divided by ``base``, rounded half up, so the
    rounded cells add up to the nearest multiple of ``base`` of the true total.

    Examples
    --------
    >>> round_table({"a": 12, "b": 9, "c": 5, "d": 4, "e": 3, "f": 1}, 5)
    {'a': 10, 'b': 10, 'c': 5, 'd': 5, 'e': 5, 'f': 0}
    """
    values = {str(key): _count(key, value) for key, value in cells.items()}
    remainders = {key: value % base for key, value in values.items()}
    total = sum(remainders.values())
    ups = (2 * total + base) // (2 * base)
    order = sorted((key for key, r in remainders.items() if r), key=lambda key: -remainders[key])
    up = set(order[:ups])
    return {key: value - remainders[key] + (base if key in up else 0)
            for key, value in values.items()}


def publish_counts(counts: Mapping[str, int], k: int, *, total: str | None = "totaal",
                   ) -> dict[str, int]:
    """The publishable version of a table of counts (cells and optional total).

    Parameters
    ----------
    counts : mapping of str to int
        Cells and, under the key ``total``, their total. A total larger than the sum of
        the cells (categories not shown) gets an unpublished remainder cell that is rounded
        with the others, so the published total stays consistent.
    k : int
        k-anonymity; the base is :func:`rounding_base` ``(k)``.
    total : str or None
        Key of the total in ``counts`` (``None``: no total).

    Examples
    --------
    >>> publish_counts({"melding": 12, "hennepkwekerij": 9, "bevinding_controle": 5,
    ...                 "dumping": 4, "overig": 3, "drugslab": 1, "totaal": 34}, 3)["totaal"]
    35
    """
    base = rounding_base(k)
    cells = {str(key): _count(key, v) for key, v in counts.items() if key != total}
    if total is None or total not in counts:
        return round_table(cells, base)
    grand = _count(total, counts[total])
    rest = grand - sum(cells.values())
    if rest < 0:
        raise ValueError(f"totaal {grand} is kleiner dan de som van de cellen")
    rounded = round_table({**cells, HIDDEN: rest}, base)
    published = {key: rounded[key] for key in cells}
    published[total] = sum(rounded.values())
    return published


def publish_shares(shares: Sequence[float], total: int, k: int) -> list[float]:
    """Shares of ``total`` counts (hit rates) as published: rounded part / rounded total.

    Each share ``s`` stands for ``s · total`` counts (fractions from ties are rounded to
    whole counts first); that count and ``total`` are rounded with :func:`round_count`,
    so a published share times the published total is always a multiple of the base and
    no count below *k* follows from it. NaN stays NaN; a total rounded to 0 gives NaN.

    Examples
    --------
    >>> publish_shares([0.75, 0.1, float("nan")], 40, 3)
    [0.75, 0.125, nan]
    """
    base = rounding_base(k)
    published_total = round_count(_count("totaal", total), base)
    out = []
    for share in shares:
        share = float(share)
        if not math.isfinite(share) or published_total == 0:
            out.append(math.nan)
            continue
        part = min(max(round(share * total), 0), total)
        out.append(round_count(part, base) / published_total)
    return out


def rounding_note(k: int) -> str:
    """The Dutch sentence shown next to every published table of incident counts."""
    base = rounding_base(k)
    return (f"Aantallen incidenten zijn afgerond op veelvouden van {base} (gecontroleerde "
            f"afronding; de aantallen tellen op tot het totaal). 0 betekent 0 tot en met "
            f"{base - 1}; geen enkel aantal onder de {k} is uit de getallen af te leiden.")


def _count(key: object, value: object) -> int:
    number = int(value)  # type: ignore[call-overload]
    if number != value or number < 0:
        raise ValueError(f"aantal {key!r} moet een geheel getal >= 0 zijn, niet {value!r}")
    return number
