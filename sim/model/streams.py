"""Named random streams: one numpy generator per purpose, derived from the root seed and replication.

A stream's name, not the order in which the model asks for it, decides its numbers, so two
scenarios run with the same seed draw the same calls wherever their demand is the same (common
random numbers), and adding a station or a call type leaves every other stream untouched.
"""

from __future__ import annotations

import hashlib

import numpy as np


def name_key(name: str) -> tuple[int, ...]:
    """A stable 128-bit key for a stream name, as four 32-bit words."""
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=16).digest()
    return tuple(int.from_bytes(digest[i : i + 4], "little") for i in range(0, 16, 4))


class Streams:
    """Generators for one replication, created on first use and keyed by name."""

    def __init__(self, root_seed: int, replication: int) -> None:
        self.root_seed = int(root_seed)
        self.replication = int(replication)

    def seed_sequence(self, name: str) -> np.random.SeedSequence:
        return np.random.SeedSequence(self.root_seed, spawn_key=(self.replication, *name_key(name)))

    def get(self, name: str) -> np.random.Generator:
        return np.random.Generator(np.random.PCG64(self.seed_sequence(name)))
