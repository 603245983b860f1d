"""The opinion map's computation (R3.1d: the minority's view beside the majority's): it
recovers planted groups, finds the consensus and each group's representative statements,
is deterministic, and says why when the votes cannot be grouped."""

from __future__ import annotations

from math import comb
from typing import Any

import numpy as np
import pytest

from gongzhi.opinions import clustering
from gongzhi.opinions.clustering import Params, compute_map
from gongzhi.opinions.synthetic import planted_votes


def adjusted_rand_index(truth: Any, found: Any) -> float:
    """Hubert & Arabie's adjusted Rand index of two labelings of the same items."""
    _t, ti = np.unique(truth, return_inverse=True)
    _f, fi = np.unique(found, return_inverse=True)
    table = np.zeros((ti.max() + 1, fi.max() + 1), dtype=np.int64)
    np.add.at(table, (ti, fi), 1)
    pairs = sum(comb(int(x), 2) for x in table.ravel())
    rows = sum(comb(int(x), 2) for x in table.sum(axis=1))
    cols = sum(comb(int(x), 2) for x in table.sum(axis=0))
    expected = rows * cols / comb(len(truth), 2)
    maximum = (rows + cols) / 2
    return 1.0 if maximum == expected else (pairs - expected) / (maximum - expected)


def labels_of(result: clustering.OpinionMap, n: int) -> list[int]:
    by_id = {pid: g for pid, _x, _y, g in result.points}
    return [by_id[i] for i in range(1, n + 1)]


def test_adjusted_rand_index_is_one_for_a_relabelling_and_near_zero_for_chance() -> None:
    assert adjusted_rand_index([0, 0, 1, 1, 2], [5, 5, 3, 3, 9]) == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    assert abs(adjusted_rand_index(rng.integers(3, size=900), rng.integers(3, size=900))) < 0.05


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_it_recovers_three_planted_groups_including_a_small_minority(seed: int) -> None:
    data = planted_votes(sizes=(120, 60, 20), n_statements=40, votes_each=20, seed=seed)
    result = compute_map(data.participants, data.statements, data.values)
    assert result.problem is None
    assert result.k == 3
    assert adjusted_rand_index(list(data.truth), labels_of(result, 200)) > 0.9
    assert [g.size for g in result.groups] == [120, 60, 20]


def test_it_recovers_groups_from_sparse_votes_at_scale() -> None:
    data = planted_votes(sizes=(600, 300, 100), n_statements=300, votes_each=30, seed=5)
    result = compute_map(data.participants, data.statements, data.values)
    assert result.k == 3
    assert adjusted_rand_index(list(data.truth), labels_of(result, 1000)) > 0.9


def test_statements_every_group_agrees_on_are_consensus() -> None:
    data = planted_votes(sizes=(80, 50, 30), n_statements=30, votes_each=30, shared=3, seed=4)
    result = compute_map(data.participants, data.statements, data.values)
    agreed = {c.statement for c in result.consensus if c.direction == "agree"}
    assert set(data.shared) <= agreed
    for item in result.consensus:
        assert all(share >= Params().consensus_min_share for share in item.shares)
        # A consensus statement is planted the same way in every group.
        column = data.stances[:, item.statement - 1]
        assert len(set(column.tolist())) == 1


def test_representative_statements_point_the_way_the_group_differs() -> None:
    data = planted_votes(sizes=(80, 50, 30), n_statements=30, votes_each=30, noise=0.05, seed=6)
    result = compute_map(data.participants, data.statements, data.values)
    truth_of = {}
    for group in result.groups:
        members = [pid for pid, _x, _y, g in result.points if g == group.index]
        planted = np.bincount(data.truth[np.array(members) - 1]).argmax()
        truth_of[group.index] = planted
    for group in result.groups:
        assert group.representative, "every group, the smallest too, has statements"
        for rep in group.representative:
            stance = data.stances[truth_of[group.index], rep.statement - 1]
            assert rep.direction == ("agree" if stance == 1 else "disagree")
            if rep.direction == "agree":
                assert rep.agree_share > 0.5 and rep.agree_share > rep.rest_agree_share
            else:
                assert rep.disagree_share > 0.5 and rep.disagree_share > rep.rest_disagree_share
            assert rep.z >= Params().repness_z


def test_the_same_votes_and_seed_give_the_same_map() -> None:
    data = planted_votes(seed=7)
    one = compute_map(data.participants, data.statements, data.values, params=Params(seed=3))
    two = compute_map(data.participants, data.statements, data.values, params=Params(seed=3))
    assert one.as_dict() == two.as_dict()


def test_vote_order_does_not_change_the_map() -> None:
    data = planted_votes(seed=8)
    order = np.random.default_rng(1).permutation(len(data.values))
    one = compute_map(data.participants, data.statements, data.values)
    two = compute_map(data.participants[order], data.statements[order], data.values[order])
    assert one.as_dict() == two.as_dict()


def test_no_votes_is_a_problem_not_a_crash() -> None:
    result = compute_map([], [], [], statement_ids=[1, 2, 3])
    assert result.problem == clustering.NO_VOTES
    assert result.groups == [] and result.points == []


def test_one_participant_cannot_be_grouped() -> None:
    result = compute_map([1, 1, 1], [1, 2, 3], [1, -1, 0])
    assert result.problem == clustering.TOO_FEW_PARTICIPANTS
    assert result.participants_total == 1
    assert result.totals == {1: [1, 0, 0], 2: [0, 1, 0], 3: [0, 0, 1]}


def test_everyone_passing_has_no_variation() -> None:
    pids = np.repeat(np.arange(1, 11), 5)
    sids = np.tile(np.arange(1, 6), 10)
    result = compute_map(pids, sids, np.zeros(50))
    assert result.problem == clustering.NO_VARIATION
    assert result.groups == []


def test_participants_with_too_few_votes_are_left_out() -> None:
    data = planted_votes(sizes=(40, 40), n_statements=20, votes_each=10, seed=2)
    extra_p = [999, 999]
    extra_s = [1, 2]
    result = compute_map(
        np.concatenate([data.participants, extra_p]),
        np.concatenate([data.statements, extra_s]),
        np.concatenate([data.values, [1, 1]]),
        params=Params(min_votes=7),
    )
    assert result.participants_total == 81
    assert result.participants_counted == 80
    assert 999 not in {pid for pid, *_rest in result.points}


def test_fewer_statements_than_the_minimum_counts_those_who_voted_on_all() -> None:
    pids = np.repeat(np.arange(1, 21), 3)
    sids = np.tile(np.arange(1, 4), 20)
    values = np.where(pids.reshape(-1) <= 10, 1, -1)
    result = compute_map(pids, sids, values, params=Params(min_votes=7))
    assert result.min_votes == 3
    assert result.participants_counted == 20
    assert result.problem is None and result.k == 2


def test_bad_vote_values_are_refused() -> None:
    with pytest.raises(ValueError):
        compute_map([1], [1], [2])


def test_sampled_silhouette_agrees_with_the_exact_one() -> None:
    data = planted_votes(sizes=(900, 600, 300), n_statements=60, votes_each=20, seed=9)
    sampled = compute_map(
        data.participants, data.statements, data.values, params=Params(silhouette_sample=500)
    )
    exact = compute_map(
        data.participants, data.statements, data.values, params=Params(silhouette_sample=5000)
    )
    assert sampled.silhouette_sampled and not exact.silhouette_sampled
    assert sampled.k == exact.k == 3
    for k, value in exact.silhouettes.items():
        assert sampled.silhouettes[k] == pytest.approx(value, abs=0.05)


def test_silhouette_matches_its_definition_on_a_small_example() -> None:
    points = np.array([[0.0, 0.0], [0.0, 1.0], [5.0, 0.0], [5.0, 1.0], [5.0, 2.0]])
    labels = [0, 0, 1, 1, 1]
    expected = []
    for i, p in enumerate(points):
        same = [
            np.linalg.norm(p - q) for j, q in enumerate(points) if labels[j] == labels[i] and j != i
        ]
        other = [np.linalg.norm(p - q) for j, q in enumerate(points) if labels[j] != labels[i]]
        a, b = np.mean(same), np.mean(other)
        expected.append((b - a) / max(a, b))
    assert clustering.silhouette(points, labels) == pytest.approx(np.mean(expected))
