"""The step Δ of a relative risk exp(β·Δ), stated per indicator (issue 13 item 4).

A relative risk only means something with its step: "how many times more incidents when
the indicator rises by Δ, all else equal". Per feature column:

- a 0/1 feature (such as ``<thema>:domein``): 0 → 1;
- a continuous feature: its interquartile range over the training cells (``iqr``, the
  default: from the 25th to the 75th percentile, the values written in the table); when
  that is 0 (a proximity that is 0 in most cells) the whole range, and the table says so;
  or, on request, the whole range (``bereik``) or one standard deviation (``sd``);
- a feature without variation in the area: Δ = 0 (relative risk 1, "geen variatie").
"""

from __future__ import annotations

import numpy as np

STEPS = ("iqr", "bereik", "sd")
RANGE_TEXT = "laagste → hoogste waarde"


def _nl(value: float) -> str:
    return (f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}").replace(
        ".", ",")


def relative_risk_steps(X: np.ndarray, how: str = "iqr") -> tuple[np.ndarray, list[str]]:
    """Δ per column of ``X`` and its Dutch description (the ``stap`` column).

    Examples
    --------
    >>> X = np.c_[[0, 1, 1, 0, 1], [0.0, 0.2, 0.6, 1.0, 0.4], [0, 0, 0, 0, 0.5], [3] * 5]
    >>> delta, stap = relative_risk_steps(X)
    >>> delta.round(2).tolist()
    [1.0, 0.4, 0.5, 0.0]
    >>> for text in stap:
    ...     print(text)
    0 → 1
    interkwartielafstand: 0,20 → 0,60
    laagste → hoogste waarde (interkwartielafstand 0)
    geen variatie
    """
    X = np.asarray(X, float)
    low, high = X.min(axis=0), X.max(axis=0)
    q25, q75 = np.percentile(X, [25, 75], axis=0)
    sd = X.std(axis=0)
    delta, stap = np.zeros(X.shape[1]), []
    for j in range(X.shape[1]):
        column = X[:, j]
        if high[j] == low[j]:
            stap.append("geen variatie")
        elif np.all((column == 0) | (column == 1)):
            delta[j] = 1.0
            stap.append("0 → 1")
        elif how == "sd":
            delta[j] = sd[j]
            stap.append("één standaardafwijking")
        elif how == "iqr" and q75[j] > q25[j]:
            delta[j] = q75[j] - q25[j]
            stap.append(f"interkwartielafstand: {_nl(q25[j])} → {_nl(q75[j])}")
        else:
            delta[j] = high[j] - low[j]
            stap.append(RANGE_TEXT + (" (interkwartielafstand 0)" if how == "iqr" else ""))
    return delta, stap
