"""Global sensitivity analysis (issue 14): the uncertain inputs and their ranges
(``docs/parameter_ranges.csv``, :mod:`sim.sensitivity.ranges`), SALib designs turned into runs
of the Hydra launchers (:mod:`sim.sensitivity.design`), the headline outputs of each run
(:mod:`sim.sensitivity.outputs`) and the Morris / Sobol indices with their tables and figures
(:mod:`sim.sensitivity.analysis`). ``python -m experiments.sensitivity`` runs it all."""
