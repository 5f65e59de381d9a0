"""Interview helpers: recognising rubric points in free text, and choosing the follow-ups to ask."""

from __future__ import annotations

import re

from .model import FollowUp, Item, RubricPoint


def recognised(points: list[RubricPoint], text: str) -> set[str]:
    """The ids of the rubric points whose phrases appear in the text (any case)."""
    found = set()
    for point in points:
        if any(re.search(pattern, text, re.I) for pattern in point.recognise):
            found.add(point.id)
    return found


def follow_ups(item: Item, answered: bool, missed: set[str], failed: set[str]) -> list[FollowUp]:
    """The follow-ups to ask, in pack order.

    Args:
        item: the interview item.
        answered: the main question has an answer.
        missed: rubric points the learner rated as not covered.
        failed: follow-ups whose item the learner did not pass.
    """
    chosen = []
    for fu in item.follow_ups:
        when = fu.when
        if when == "always" or (when == "answered" and answered):
            chosen.append(fu)
        elif isinstance(when, dict):
            (key, ref), = when.items()
            if (key == "missed" and ref in missed) or (key == "failed" and ref in failed):
                chosen.append(fu)
    return chosen


def rubric_score(points: list[RubricPoint], covered: set[str]) -> tuple[float, float]:
    """(score, max) of a self-assessment: the weights of the points rated as covered."""
    return sum(p.weight for p in points if p.id in covered), sum(p.weight for p in points)
