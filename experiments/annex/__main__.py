"""``python -m experiments.annex``: see this package's docstring."""

from experiments.annex import main

raise SystemExit(main())
