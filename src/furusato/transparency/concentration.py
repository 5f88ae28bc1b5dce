"""Concentration measures over non-negative integer amounts (voting power, rewards), computed exactly.

Every function takes plain integers and returns a :class:`fractions.Fraction` (or an int), so a figure can be
recomputed by anyone; the report stores them rounded to 6 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction


def gini(amounts: Sequence[int]) -> Fraction:
    """Gini coefficient of ``amounts`` (0 = equal, → 1 = one holds all): ``Σ_i Σ_j |x_i - x_j| / (2 n² mean)``,
    computed as ``(2 Σ_k k·x_(k)) / (n Σx) - (n + 1) / n`` over the sorted values (k from 1). Empty or all-zero: 0."""
    xs = sorted(int(a) for a in amounts)
    if any(x < 0 for x in xs):
        raise ValueError("amounts must not be negative")
    n, total = len(xs), sum(xs)
    if n == 0 or total == 0:
        return Fraction(0)
    weighted = sum(k * x for k, x in enumerate(xs, start=1))
    return Fraction(2 * weighted, n * total) - Fraction(n + 1, n)


def top_share(amounts: Sequence[int], k: int = 10) -> Fraction:
    """Share of the total held by the ``k`` largest amounts."""
    xs = sorted((int(a) for a in amounts), reverse=True)
    total = sum(xs)
    return Fraction(sum(xs[:k]), total) if total else Fraction(0)


def hhi(amounts: Sequence[int]) -> Fraction:
    """Herfindahl–Hirschman index on the 0–10,000 scale: ``10,000 · Σ sᵢ²`` with shares ``sᵢ``."""
    total = sum(int(a) for a in amounts)
    if total == 0:
        return Fraction(0)
    return Fraction(10_000 * sum(int(a) ** 2 for a in amounts), total * total)


def smallest_coalition(amounts: Sequence[int], quorum: int, *, against_all: bool = False) -> int | None:
    """The fewest holders whose votes together could pass a proposal: their sum reaches ``quorum`` (and, with
    ``against_all``, also exceeds everyone else's votes cast against). None if all together cannot."""
    xs = sorted((int(a) for a in amounts if a > 0), reverse=True)
    total = sum(xs)
    running = 0
    for k, x in enumerate(xs, start=1):
        running += x
        if running >= quorum and running > 0 and (not against_all or running > total - running):
            return k
    return None


def lorenz(amounts: Sequence[int]) -> list[tuple[Fraction, Fraction]]:
    """Points of the Lorenz curve: (share of holders, share of the total), from (0, 0) to (1, 1), poorest first."""
    xs = sorted(int(a) for a in amounts)
    n, total = len(xs), sum(xs)
    points = [(Fraction(0), Fraction(0))]
    if n == 0 or total == 0:
        return [*points, (Fraction(1), Fraction(1))]
    running = 0
    for k, x in enumerate(xs, start=1):
        running += x
        points.append((Fraction(k, n), Fraction(running, total)))
    return points


def rounded(value: Fraction, places: int = 6) -> float:
    """A fraction as a float rounded to ``places`` decimals (exact rounding of the fraction, half to even)."""
    return float(round(value, places))
