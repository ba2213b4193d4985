"""Where the coal exit's multiplier jobs are: supply-chain jobs around the site, induced jobs
around the homes of the site's own workers.

The multiplier ``scenario.coal_exit.indirect_jobs_per_direct_job`` counts the regional indirect
and induced jobs per direct lignite job (central 1.0; range 0.6, IAB 2019 for the Revier, to
1.4, Prognos 2005 for MIBRAG). It is split by ``scenario.coal_exit.induced_share``:

* **indirect (supply-chain) jobs**, ``1 - induced_share`` of it, at the site's regional
  suppliers; their workers are drawn with the same commuting gravity around the site as the
  site's own staff (the suppliers' location is not published, [E]);
* **induced jobs**, ``induced_share`` of it, in the shops and services where the direct workers
  spend their wages; their workers are drawn with the commuting gravity around the direct
  workers' homes, so the induced loss follows where the coal workers live.

All of them depend on the site and are lost when it closes (``Households.lose_coal_jobs``).
"""

from __future__ import annotations

import numpy as np


def commute_pull(minutes: np.ndarray, half_time_min: float) -> np.ndarray:
    """Commuting gravity: 1 at zero minutes, halving every ``half_time_min`` minutes."""
    return np.exp(-np.log(2) * minutes / half_time_min)


def multiplier_jobs(
    direct_jobs: float, jobs_per_direct_job: float, induced_share: float
) -> tuple[float, float]:
    """(indirect, induced) jobs that depend on ``direct_jobs`` direct lignite jobs."""
    total = direct_jobs * jobs_per_direct_job
    return total * (1.0 - induced_share), total * induced_share


def induced_pull(homes: np.ndarray, minutes: np.ndarray, half_time_min: float) -> np.ndarray:
    """Per place: how strongly its households are drawn into the induced jobs, the direct
    workers' homes (``homes``: households per place) weighted by commuting gravity.

    ``minutes``: ``(P, P)`` travel minutes between places.
    """
    return homes @ commute_pull(minutes, half_time_min)
