"""``python -m experiments.sensitivity``: see README.md in this folder."""

from experiments.sensitivity import main

raise SystemExit(main())
