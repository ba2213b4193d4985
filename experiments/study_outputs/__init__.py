"""The study outputs, one module each; ``experiments.study`` assembles them into its registry.

- ``common``: ``Sweep`` (the finished runs of a sweep folder, loaded once), ``yearly``,
  ``milestone_years`` and ``StudyOutput`` (one registry entry), shared by all outputs;
- ``development_paths``, ``rural_value_creation``, ``demand_focal_points``,
  ``transfer_structures``, ``succession_gap``, ``coal_exposure``: outputs 1 to 6, each with its
  compute and draw functions and its ``OUTPUT`` (a ``StudyOutput``).
"""
