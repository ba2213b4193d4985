"""Solara web UI: watch a run quarter by quarter and compare interventions of a finished sweep.

Start it with ``python -m sim.ui`` (see :mod:`sim.ui.__main__`). The modules split what is
drawn from what is computed, so the logic is testable without a browser:

* :mod:`sim.ui.options`   the choices offered, read from ``conf/`` only;
* :mod:`sim.ui.live_run`  one live model, stepped under a lock, and snapshots of its tables;
* :mod:`sim.ui.plots`, :mod:`sim.ui.map_figure`, :mod:`sim.ui.compare_plots`  Plotly figures
  (the live view's plots and map, the compare view's charts) from tables, no UI code;
* :mod:`sim.ui.plotly_chart`  the one component that shows a Plotly figure as wide as its column;
* :mod:`sim.ui.live`, :mod:`sim.ui.compare_view`, :mod:`sim.ui.app`  the Solara components.
"""
