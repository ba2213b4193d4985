"""Solara web UI: watch a run quarter by quarter and compare interventions of a finished sweep.

Start it with ``python -m sim.ui`` (see :mod:`sim.ui.__main__`). The modules split what is
drawn from what is computed, so the logic is testable without a browser:

* :mod:`sim.ui.options`   the choices offered, read from ``conf/`` only;
* :mod:`sim.ui.live_run`  one live model, stepped under a lock, and snapshots of its tables;
* :mod:`sim.ui.charts`    matplotlib figures (map and plots) from tables, no UI code;
* :mod:`sim.ui.live`, :mod:`sim.ui.compare_view`, :mod:`sim.ui.app`  the Solara components.
"""
