"""Concentration measures: Gini, top-k share, HHI, smallest coalitions and the Lorenz curve, against definitions
computed here another way (pairwise differences, brute force over subsets)."""

from __future__ import annotations

import itertools
import random
from fractions import Fraction

import pytest

from furusato.transparency.concentration import gini, hhi, lorenz, rounded, smallest_coalition, top_share


def gini_pairs(xs: list[int]) -> Fraction:
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return Fraction(0)
    return Fraction(sum(abs(a - b) for a in xs for b in xs), 2 * n * total)


def fewest_brute(xs: list[int], need: int, against_all: bool) -> int | None:
    total = sum(xs)
    for k in range(1, len(xs) + 1):
        for combo in itertools.combinations(xs, k):
            got = sum(combo)
            if got >= need and got > 0 and (not against_all or got > total - got):
                return k
    return None


def test_gini_known_values() -> None:
    assert gini([]) == 0
    assert gini([0, 0]) == 0
    assert gini([5, 5, 5, 5]) == 0
    assert gini([0, 0, 0, 10]) == Fraction(3, 4)  # one of n holds all: (n - 1) / n
    assert gini([1, 2, 3]) == Fraction(2, 9)


def test_gini_refuses_negative_amounts() -> None:
    with pytest.raises(ValueError, match="negative"):
        gini([1, -1])


@pytest.mark.parametrize("seed", range(25))
def test_gini_equals_the_pairwise_definition(seed: int) -> None:
    rng = random.Random(seed)
    xs = [rng.choice([0, rng.randrange(1, 10**24)]) for _ in range(rng.randrange(1, 12))]
    assert gini(xs) == gini_pairs(xs)


def test_top_share_and_hhi() -> None:
    assert top_share([1] * 20, 10) == Fraction(1, 2)
    assert top_share([7, 3], 10) == 1
    assert top_share([], 10) == 0
    assert hhi([10]) == 10_000  # a monopoly
    assert hhi([1, 1, 1, 1]) == 2_500
    assert hhi([3, 1]) == Fraction(10_000 * (9 + 1), 16)
    assert hhi([]) == 0


@pytest.mark.parametrize("seed", range(25))
def test_smallest_coalition_equals_brute_force(seed: int) -> None:
    rng = random.Random(1000 + seed)
    xs = [rng.randrange(0, 1000) for _ in range(rng.randrange(1, 9))]
    quorum = rng.randrange(0, sum(xs) + 50)
    for against_all in (False, True):
        assert smallest_coalition(xs, quorum, against_all=against_all) == fewest_brute(xs, quorum, against_all)


def test_smallest_coalition_edges() -> None:
    assert smallest_coalition([], 1) is None
    assert smallest_coalition([5, 5], 11) is None
    assert smallest_coalition([5, 5], 5, against_all=True) == 2  # a tie never passes against all others
    assert smallest_coalition([6, 5], 1, against_all=True) == 1


def test_lorenz_points() -> None:
    assert lorenz([]) == [(0, 0), (1, 1)]
    pts = lorenz([3, 1])
    assert pts == [(0, 0), (Fraction(1, 2), Fraction(1, 4)), (1, 1)]


def test_rounded() -> None:
    assert rounded(Fraction(2, 3)) == 0.666667
    assert rounded(Fraction(1, 8), 2) == 0.12  # half to even on the exact value
