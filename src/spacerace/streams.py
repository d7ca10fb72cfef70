"""The random stream of each run of a study, many at a time.

Run ``i`` of a study with seed ``s`` draws from ``numpy.random.default_rng(
numpy.random.SeedSequence(s, spawn_key=(i,)))``: the same numbers whether it is flown alone,
in a batch or on another worker. Building those generators one by one costs about 60 us a
run (the seed sequence's hashing and the PCG64 seeding, in Python objects), more than
flying a V-2. Here the hashing is done for a whole batch of runs at once on arrays of
32-bit words, and each run's PCG64 state is set on one reused generator: the same states,
so the same numbers (checked against numpy in the tests), at a few microseconds a run.

The algorithms are those numpy documents and implements: M. E. O'Neill's seed-sequence
hashing (``numpy.random.SeedSequence``, after the C++ ``std::seed_seq`` proposal, with the
constants of her ``randutils``) and the PCG64 (XSL-RR 128/64) seeding ``srandom_r`` of
O'Neill (2014), "PCG: A family of simple fast space-efficient statistically good algorithms
for random number generation", HMC-CS-2014-0905.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

POOL_SIZE = 4  # words of entropy pool (numpy's DEFAULT_POOL_SIZE) [-]
INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875  # hashing of the entropy into the pool
INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED  # hashing of the pool into the output
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
XSHIFT = 16  # half a 32-bit word [bits]
PCG_MULT = 0x2360ED051FC65DA44385DF649FCCF645  # PCG's default 128-bit multiplier
MASK128 = (1 << 128) - 1
_U32 = np.uint32


def _words(value: int) -> list[int]:
    """A non-negative integer as little-endian 32-bit words (at least one), as numpy does."""
    if value < 0:
        raise ValueError("a seed must be a non-negative integer")
    words = []
    while True:
        words.append(value & 0xFFFFFFFF)
        value >>= 32
        if value == 0:
            return words


class _Hash:
    """The running hash constant of one pass, for a batch (a scalar shared by all runs)."""

    def __init__(self, init: int, mult: int) -> None:
        self.value = _U32(init)
        self.mult = _U32(mult)

    def mix(self, value: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            value = value ^ self.value
            self.value = _U32(self.value * self.mult)
            value = value * self.value
        return value ^ (value >> _U32(XSHIFT))


def _mix(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):
        result: np.ndarray = (_U32(MIX_MULT_L) * x - _U32(MIX_MULT_R) * y).astype(_U32)
    return result ^ (result >> _U32(XSHIFT))


def pcg64_states(seed: int, indices: Sequence[int]) -> list[tuple[int, int]]:
    """PCG64 ``(state, inc)`` of ``PCG64(SeedSequence(seed, spawn_key=(i,)))`` for each i.

    Parameters
    ----------
    seed : int
        The study's seed (a non-negative integer).
    indices : sequence of int
        Run numbers (non-negative, below 2**32).
    """
    run = _words(seed)
    run += [0] * max(0, POOL_SIZE - len(run))  # padded when a spawn key follows
    keys = np.asarray(indices, dtype=np.int64)
    if keys.size and (keys.min() < 0 or keys.max() >= 1 << 32):
        raise ValueError("run numbers must be in [0, 2**32)")
    n = keys.size
    entropy = [np.full(n, w, dtype=_U32) for w in run] + [keys.astype(_U32)]
    h = _Hash(INIT_A, MULT_A)
    pool = [h.mix(entropy[i] if i < len(entropy) else np.zeros(n, _U32))
            for i in range(POOL_SIZE)]
    for src in range(POOL_SIZE):
        for dst in range(POOL_SIZE):
            if src != dst:
                pool[dst] = _mix(pool[dst], h.mix(pool[src]))
    for src in range(POOL_SIZE, len(entropy)):
        for dst in range(POOL_SIZE):
            pool[dst] = _mix(pool[dst], h.mix(entropy[src]))
    # four 64-bit words out: eight 32-bit ones, cycling through the pool
    g = _Hash(INIT_B, MULT_B)
    out = [g.mix(pool[i % POOL_SIZE]) for i in range(8)]
    lo_hi = np.stack(out, axis=1).astype(np.uint64)
    words64 = lo_hi[:, 0::2] | (lo_hi[:, 1::2] << np.uint64(32))
    states = []
    for w in words64.tolist():
        initstate = (w[0] << 64) | w[1]
        inc = (((w[2] << 64) | w[3]) << 1 | 1) & MASK128
        state = (inc + initstate) & MASK128  # a step from 0 (0 * mult + inc), then the seed
        state = (state * PCG_MULT + inc) & MASK128
        states.append((state, inc))
    return states


def run_generators(seed: int, indices: Sequence[int]) -> Iterator[np.random.Generator]:
    """The generator of each run in turn: one object, re-seeded for each (use it before
    asking for the next)."""
    bit = np.random.PCG64(0)
    rng = np.random.Generator(bit)
    for state, inc in pcg64_states(seed, indices):
        bit.state = {"bit_generator": "PCG64", "state": {"state": state, "inc": inc},
                     "has_uint32": 0, "uinteger": 0}
        yield rng
