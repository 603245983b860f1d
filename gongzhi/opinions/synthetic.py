"""Synthetic votes with a planted group structure, for the tests and ``bench/bench_opinion_map.py``.

Each planted group has a stance on every statement (agree or disagree, drawn at random,
with ``shared`` statements on which every group agrees). A participant votes on
``votes_each`` statements chosen at random; each vote follows the group's stance with
probability ``1 - noise`` and is otherwise agree, disagree or pass at random.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass
class SyntheticVotes:
    participants: npt.NDArray[np.int64]
    statements: npt.NDArray[np.int64]
    values: npt.NDArray[np.int64]
    # participant id → planted group (ids are 1..n, so index id - 1).
    truth: npt.NDArray[np.int64]
    # statement id → planted stance per group, shape (groups, statements), values ±1.
    stances: npt.NDArray[np.int64]
    shared: list[int]


def planted_votes(
    *,
    sizes: tuple[int, ...] = (60, 30, 10),
    n_statements: int = 40,
    votes_each: int = 20,
    noise: float = 0.1,
    shared: int = 2,
    seed: int = 1,
) -> SyntheticVotes:
    """Votes of ``sum(sizes)`` participants in ``len(sizes)`` planted groups.

    Participant ids are ``1..n``, statement ids ``1..n_statements``; the first ``shared``
    statements are agreed on by every group.
    """
    rng = np.random.default_rng(seed)
    n_groups = len(sizes)
    stances = rng.choice(np.array([1, -1]), size=(n_groups, n_statements))
    # Make every pair of groups differ on at least a third of the statements.
    for g in range(1, n_groups):
        for h in range(g):
            same = np.flatnonzero(stances[g] == stances[h])
            excess = len(same) - (2 * n_statements) // 3
            if excess > 0:
                flip = rng.choice(same, size=excess, replace=False)
                stances[g, flip] = -stances[g, flip]
    stances[:, :shared] = 1
    truth = np.repeat(np.arange(n_groups), sizes)
    n = len(truth)
    per = min(votes_each, n_statements)
    chosen = np.argsort(rng.random((n, n_statements)), axis=1)[:, :per]
    participants = np.repeat(np.arange(1, n + 1), per)
    statement_idx = chosen.ravel()
    planted = stances[np.repeat(truth, per), statement_idx]
    noisy = rng.random(n * per) < noise
    values = np.where(noisy, rng.choice(np.array([1, -1, 0]), size=n * per), planted)
    return SyntheticVotes(
        participants=participants.astype(np.int64),
        statements=(statement_idx + 1).astype(np.int64),
        values=values.astype(np.int64),
        truth=truth.astype(np.int64),
        stances=stances.astype(np.int64),
        shared=list(range(1, shared + 1)),
    )
