"""Benchmark: our KDE and Gi* against scikit-learn and esda, side by side in one run.

1. Kernel density: :func:`geo.scoring.kde.kernel_density` (binning + FFT) against
   :class:`sklearn.neighbors.KernelDensity` (gaussian kernel, same bandwidth, evaluated at
   every cell centre of the same grid). Reports the correlation of the two surfaces,
   the largest relative difference at the peak and the speed ratio.
2. Getis-Ord Gi*: :func:`geo.scoring.gistar.getis_ord_gistar` (FFT convolution) against
   ``esda.G_Local(y, w, transform="B", star=True, permutations=0)`` with a
   ``libpysal.weights.DistanceBand`` on the cell centres. Reports the largest absolute
   difference of the z-scores and the speed ratio (esda timed with and without building
   the weights).

Synthetic points (clustered, seeded). Run::

    .venv/bin/python benchmarks/bench_risico.py [--snel]
"""

from __future__ import annotations

import argparse
import platform
import time
import warnings

import numpy as np


def _time(func, repeat=3):
    best = float("inf")
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = func()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_kde(n_points: int, size: int, cellsize: float, bandwidth: float) -> dict:
    from sklearn.neighbors import KernelDensity

    from geo.scoring.grid import Grid
    from geo.scoring.kde import kernel_density

    rng = np.random.default_rng(42)
    extent = size * cellsize
    centres = rng.uniform(0.1 * extent, 0.9 * extent, (12, 2))
    pts = centres[rng.integers(0, 12, n_points)] + rng.normal(0, 4 * bandwidth, (n_points, 2))
    grid = Grid.from_bounds((0, 0, extent, extent), cellsize)
    ours_s, ours = _time(lambda: kernel_density(pts[:, 0], pts[:, 1], grid, bandwidth))
    xs, ys = grid.cell_centers()
    cells = np.column_stack([xs.ravel(), ys.ravel()])

    def sklearn_kde():
        kde = KernelDensity(kernel="gaussian", bandwidth=bandwidth).fit(pts)
        return np.exp(kde.score_samples(cells)).reshape(grid.shape) * n_points * 1e6

    ref_s, ref = _time(sklearn_kde, repeat=1)
    return {"punten": n_points, "cellen": size * size, "celgrootte": cellsize,
            "bandbreedte": bandwidth, "ons_s": ours_s, "sklearn_s": ref_s,
            "correlatie": float(np.corrcoef(ours.ravel(), ref.ravel())[0, 1]),
            "max_rel_verschil": float(np.abs(ours - ref).max() / ref.max()),
            "versnelling": ref_s / ours_s}


def bench_gistar(size: int, cellsize: float, distance: float) -> dict:
    import esda
    import libpysal

    from geo.scoring.gistar import getis_ord_gistar

    rng = np.random.default_rng(7)
    values = rng.poisson(0.3, (size, size)).astype(float)
    values[size // 3: size // 3 + 5, size // 2: size // 2 + 5] += 3
    ours_s, ours = _time(lambda: getis_ord_gistar(values, cellsize, distance))
    rr, cc = np.indices(values.shape)
    coords = np.column_stack([cc.ravel() * cellsize, -rr.ravel() * cellsize])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        small = libpysal.weights.lat2W(4, 4)  # warm-up: imports and JIT outside the timing
        esda.G_Local(np.arange(16.0), small, transform="B", star=True, permutations=0)
        start = time.perf_counter()
        w = libpysal.weights.DistanceBand(coords, threshold=distance + 1e-6,
                                          silence_warnings=True)
        weights_s = time.perf_counter() - start
        stat_s, ref = _time(lambda: esda.G_Local(values.ravel(), w, transform="B", star=True,
                                                 permutations=0), repeat=1)
    return {"cellen": size * size, "afstand": distance, "ons_s": ours_s,
            "esda_s": stat_s, "esda_met_gewichten_s": stat_s + weights_s,
            "max_abs_verschil_z": float(np.abs(ours.ravel() - ref.Zs).max()),
            "versnelling": stat_s / ours_s, "versnelling_met_gewichten": (stat_s + weights_s)
            / ours_s}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--snel", action="store_true", help="kleinere invoer (rooktest)")
    args = parser.parse_args()
    kde_cases = [(500, 200, 25.0, 150.0)] if args.snel else [
        (2000, 400, 25.0, 200.0), (500, 600, 25.0, 400.0)]
    gi_cases = [(60, 25.0, 75.0)] if args.snel else [(150, 25.0, 75.0), (300, 25.0, 125.0)]
    print(f"# bench_risico — {platform.processor() or platform.machine()}, "
          f"{platform.python_version()}")
    print("\n## KDE: kaart (binning + FFT) vs sklearn KernelDensity (gaussian)\n")
    print("| punten | cellen | bandbreedte m | kaart s | sklearn s | versnelling | correlatie "
          "| max rel. verschil |")
    print("|---|---|---|---|---|---|---|---|")
    for case in kde_cases:
        r = bench_kde(*case)
        print(f"| {r['punten']} | {r['cellen']} | {r['bandbreedte']:g} | {r['ons_s']:.3f} | "
              f"{r['sklearn_s']:.2f} | {r['versnelling']:.0f}× | {r['correlatie']:.6f} | "
              f"{r['max_rel_verschil']:.4f} |")
    print("\n## Gi*: kaart (FFT) vs esda G_Local(star=True, transform='B')\n")
    print("| cellen | afstand m | kaart s | esda s | esda + gewichten s | versnelling "
          "| incl. gewichten | max |Δz| |")
    print("|---|---|---|---|---|---|---|---|")
    for case in gi_cases:
        r = bench_gistar(*case)
        print(f"| {r['cellen']} | {r['afstand']:g} | {r['ons_s']:.4f} | {r['esda_s']:.3f} | "
              f"{r['esda_met_gewichten_s']:.2f} | {r['versnelling']:.0f}× | "
              f"{r['versnelling_met_gewichten']:.0f}× | {r['max_abs_verschil_z']:.2e} |")


if __name__ == "__main__":
    main()
