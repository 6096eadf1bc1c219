"""Ranking scores kept on rows so lists sort on an index."""

import math
from datetime import datetime

EPOCH = datetime(2025, 1, 1)
# Every 12.5 hours of age weighs as much as ten times the votes.
DECAY_SECONDS = 45_000


def hot_score(votes, created):
    """Votes with time decay (Reddit's formula, with the first vote counting): newer beats older
    at equal votes, and the score of a row changes only when its votes do, so it can be stored
    and indexed."""
    order = math.log10(votes + 1)
    return round(order + (created - EPOCH).total_seconds() / DECAY_SECONDS, 7)
