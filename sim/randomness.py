"""Named random streams derived from the run's seed (common random numbers).

Each process of the model (household demography, firm succession, hiring, ...) draws from its
own stream, derived from the model's seed and the stream's name. Two runs with the same seed
that differ only in an intervention therefore use the same random numbers for the same process,
so their difference is paired (common random numbers) instead of drowned in sampling noise.
"""

from __future__ import annotations

import zlib

import numpy as np


class RandomStreams:
    """Lazily created ``numpy.random.Generator`` per process name, all from one seed."""

    def __init__(self, seed: int) -> None:
        self.seed = int(seed)
        self._streams: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        if name not in self._streams:
            key = zlib.crc32(name.encode())  # stable across processes, unlike hash()
            self._streams[name] = np.random.default_rng(np.random.SeedSequence([self.seed, key]))
        return self._streams[name]

    def for_quarter(self, name: str, quarter: int) -> np.random.Generator:
        """A fresh generator for one process in one quarter.

        Draw one full-length array per agent table from it (dead rows included): row i then
        gets the same number in every arm of a comparison, even when the arms' agent counts
        have drifted apart.
        """
        key = zlib.crc32(name.encode())
        return np.random.default_rng(np.random.SeedSequence([self.seed, key, int(quarter)]))


class UseNamedStreams:
    """Stands in for Mesa's ``model.rng`` / ``model.random``: every use is an error.

    A draw from a generator shared by all processes would shift every later draw when one arm
    of a comparison draws more, breaking common random numbers. Processes draw from their own
    named stream instead: ``model.streams["name"]`` or ``streams.for_quarter("name", q)``.
    """

    def __init__(self, attribute: str) -> None:
        self._attribute = attribute

    def __getattr__(self, name: str):
        raise RuntimeError(
            f"model.{self._attribute}.{name}: this model draws all random numbers from named "
            "streams (sim/randomness.py) so that paired runs share them; use "
            "model.streams['<process>'] or model.streams.for_quarter('<process>', quarter)"
        )
