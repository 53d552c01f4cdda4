"""Small statistics the journal, the console and the report share."""

import math


def percentile(values, percent):
    """The nearest-rank percentile of `values` (None for none)."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(1, math.ceil(percent / 100 * len(ordered)))
    return ordered[rank - 1]
