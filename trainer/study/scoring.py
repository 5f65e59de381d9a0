"""Scoring one answer (partial credit, hint penalties, FSRS rating) and summing answers into calibration."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING

from .store import RATINGS, Answer

if TYPE_CHECKING:  # Only for annotations: importing grading pulls in the checks and the engine.
    from ..content.grading import ItemResult
    from ..content.model import Item

#: A calibration gap (expected minus actual) within this much either way counts as well calibrated.
CALIBRATION_TOLERANCE = 0.1
OVER, UNDER, CALIBRATED = "over-confident", "under-confident", "well calibrated"


def final_score(result: ItemResult, hint_penalties: Iterable[float] = ()) -> float:
    """The fraction of the item earned, after hint penalties.

    Formula: clamp(score / max_score, 0, 1) * max(0, 1 - sum(hint_penalties)).

    Args:
        result: the graded answer (weighted partial credit in score / max_score).
        hint_penalties: the penalty (a fraction of the score) of each hint the learner opened.

    Returns:
        A number in 0..1; 0 when the item has no credit available.
    """
    if result.max_score <= 0:
        return 0.0
    credit = min(1.0, max(0.0, result.score / result.max_score))
    return credit * max(0.0, 1.0 - sum(hint_penalties))


def derive_rating(passed: bool, hints_used: int, duration_s: float | None, expected_s: float | None) -> str:
    """The FSRS rating an outcome earns; the learner may override it (the caller passes their choice).

    Args:
        passed: whether the answer was a full pass.
        hints_used: how many hints the learner opened.
        duration_s: seconds spent on the item, or None if unknown.
        expected_s: the item's estimated time in seconds, or None/0 if it has none.

    Returns:
        "again" for a fail; "hard" for a pass with hints or slower than expected; "easy" for a
        clean pass in at most half the expected time; "good" for any other clean pass (also when
        either time is unknown).
    """
    if not passed:
        return "again"
    timed = duration_s is not None and (expected_s or 0) > 0
    if hints_used > 0 or (timed and duration_s > expected_s):
        return "hard"
    if timed and duration_s <= expected_s / 2:
        return "easy"
    return "good"


def _check_detail(result: ItemResult) -> dict:
    """The compact record of a result kept in Answer.detail: each check's id, pass and weight."""
    checks = []
    for check in result.checks:
        entry = {"id": check.id, "passed": check.passed, "weight": check.weight}
        if not check.passed and check.misconception:
            entry["misconception"] = check.misconception
        checks.append(entry)
    detail: dict = {"raw_score": result.score, "checks": checks}
    if result.error:
        detail["error"] = result.error
    return detail


def answer_from(item: Item, pack_id: str, result: ItemResult, *, hints_used: int = 0,
                hint_penalties: Sequence[float] | None = None, duration_s: float | None = None,
                confidence: int | None = None, rating: str | None = None,
                now: datetime | None = None) -> Answer:
    """The store's Answer for a graded attempt, ready for scheduler.record.

    Args:
        item: the item answered.
        pack_id: the id of the item's pack.
        result: its grade.
        hints_used: how many hints the learner opened.
        hint_penalties: the penalties of those hints; None takes the first hints_used of item.hints.
        duration_s: seconds spent, or None.
        confidence: the learner's confidence before the check (1-5), or None if not asked.
        rating: the learner's own rating (overrides the derived one), or None.
        now: when it was answered; the current UTC time if None.

    Returns:
        The answer: score in points after penalties, the penalty in points, the failed checks'
        misconception tags (each once, in check order) and the check results as its detail.

    Raises:
        ValueError: the rating is not one of again/hard/good/easy, or confidence is not 1-5.
    """
    if rating is not None and rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    if confidence is not None and not 1 <= confidence <= 5:
        raise ValueError(f"confidence must be 1-5, not {confidence!r}")
    if hint_penalties is None:
        hint_penalties = [hint.penalty for hint in item.hints[:hints_used]]
    score = final_score(result, hint_penalties) * result.max_score
    tags = [c.misconception for c in result.checks if not c.passed and c.misconception]
    return Answer(
        pack_id, item.id, item.kind, score, result.max_score, result.passed, item.content_hash,
        now or datetime.now(timezone.utc), hints_used=hints_used,
        hint_penalty=max(0.0, min(result.score, result.max_score) - score), confidence=confidence,
        duration_s=duration_s,
        rating=rating or derive_rating(result.passed, hints_used, duration_s, item.time),
        topics=list(item.topics), misconceptions=list(dict.fromkeys(tags)),
        detail=_check_detail(result))


@dataclass
class CalibrationRow:
    """How sure a learner was against how often they were right, for one topic.

    Attributes:
        topic: the topic.
        answers: how many answers with a confidence rating it is based on.
        confidence: the mean confidence (1-5).
        expected: the mean probability of a pass that confidence stands for ((c - 1) / 4).
        accuracy: the fraction of those answers that passed.
        gap: expected - accuracy; positive is over-confident.
        label: "over-confident", "under-confident" or "well calibrated".
    """

    topic: str
    answers: int
    confidence: float
    expected: float
    accuracy: float
    gap: float
    label: str


def confidence_probability(confidence: int) -> float:
    """The pass probability a confidence stands for: 1 -> 0.0, 2 -> 0.25, 3 -> 0.5, 4 -> 0.75, 5 -> 1.0."""
    return (confidence - 1) / 4


def calibration(answers: Iterable[Answer], tolerance: float = CALIBRATION_TOLERANCE) -> dict[str, CalibrationRow]:
    """Calibration per topic, from the answers that carry a confidence rating.

    An answer counts towards each of its topics. The label is over-confident when the gap is
    above the tolerance, under-confident when below minus the tolerance, else well calibrated.

    Args:
        answers: recorded answers; those without a confidence are skipped.
        tolerance: the largest gap, either way, that still counts as well calibrated.

    Returns:
        A row per topic that has at least one rated answer, in topic order.
    """
    sums: dict[str, list] = {}  # topic -> [count, confidence total, passes]
    for answer in answers:
        if answer.confidence is None:
            continue
        for topic in answer.topics:
            row = sums.setdefault(topic, [0, 0, 0])
            row[0] += 1
            row[1] += answer.confidence
            row[2] += bool(answer.passed)
    rows = {}
    for topic in sorted(sums):
        count, total, passes = sums[topic]
        mean = total / count
        expected, accuracy = confidence_probability(mean), passes / count
        gap = expected - accuracy
        label = OVER if gap > tolerance else UNDER if gap < -tolerance else CALIBRATED
        rows[topic] = CalibrationRow(topic, count, mean, expected, accuracy, gap, label)
    return rows


def misconception_counts(answers: Iterable[Answer]) -> Counter[str]:
    """How many answers showed each misconception tag."""
    counts: Counter[str] = Counter()
    for answer in answers:
        counts.update(answer.misconceptions)
    return counts
