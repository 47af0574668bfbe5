"""Statistics the bench scripts share: the one-sided Mann-Whitney U test that WAVE2's rule asks
for beside medians and quartiles (normal approximation, mid-ranks, tie and continuity
corrections)."""

import math


def mann_whitney_less(a, b):
    """One-sided p for H1: a tends to be smaller than b."""
    pooled = sorted((x, i) for i, x in enumerate(list(a) + list(b)))
    ranks = [0.0] * len(pooled)
    i, ties = 0, 0.0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[pooled[k][1]] = (i + j) / 2 + 1
        t = j - i + 1
        ties += t ** 3 - t
        i = j + 1
    n1, n2 = len(a), len(b)
    u = sum(ranks[:n1]) - n1 * (n1 + 1) / 2
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    if sigma == 0:
        return 1.0
    z = (u - n1 * n2 / 2 + 0.5) / sigma
    return 0.5 * math.erfc(-z / math.sqrt(2))


def mann_whitney_greater(a, b):
    """One-sided p for H1: a tends to be larger than b."""
    return mann_whitney_less(b, a)
