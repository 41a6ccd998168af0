"""ACT! controle-planning and outcome feedback (pure: DataFrames in, DataFrames out).

* :mod:`~geo.planning.config` — parameters (``data/planning.yaml``)
* :mod:`~geo.planning.candidates` — scored objects → candidates
* :mod:`~geo.planning.optimise` — choose, order and explain picks (:func:`plan_controls`)
* :mod:`~geo.planning.sampling` — exploration draws with exact inclusion probabilities
* :mod:`~geo.planning.tour` — nearest neighbour + 2-opt, arrival times
* :mod:`~geo.planning.feedback` — selection-corrected labels, relearned hit rates, reports
* :mod:`~geo.planning.outcomes` — validated outcome import (CSV/XLSX)
* :mod:`~geo.planning.run` — one planning run from a werkmap to plan files
"""

from geo.planning.config import PlanningConfig, load_planning_config
from geo.planning.feedback import (
    expected_yield,
    fit_hit_rates,
    hit_rate_report,
    outcome_training_table,
)
from geo.planning.optimise import PlanResult, plan_controls

__all__ = [
    "PlanResult",
    "PlanningConfig",
    "expected_yield",
    "fit_hit_rates",
    "hit_rate_report",
    "load_planning_config",
    "outcome_training_table",
    "plan_controls",
]
