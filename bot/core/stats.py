"""Figures computed the same way wherever they are reported."""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank `q` quantile (0..1) of `values`; 0.0 when there are none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def bucket_quantile(counts: Mapping[int, int], q: float, *, width: float) -> float | None:
    """The nearest-rank `q` quantile (as `percentile`) of bucketed values: its bucket's upper edge."""
    total = sum(counts.values())
    if not total:
        return None
    rank = min(total - 1, max(0, round(q * (total - 1))))
    seen = 0
    for bucket in sorted(counts):
        seen += counts[bucket]
        if seen > rank:
            return float((bucket + 1) * width)
    return float((max(counts) + 1) * width)
