"""Scoring: final scores with hint penalties, the FSRS rating derivation, answers, calibration, misconceptions."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timezone

import pytest

from trainer.checks import CheckResult
from trainer.content.grading import ItemResult
from trainer.content.model import Hint, Item
from trainer.content.source import Origin
from trainer.study.scoring import (CALIBRATED, OVER, UNDER, answer_from, calibration, derive_rating, final_score,
                                   misconception_counts)
from trainer.study.store import Answer

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)


def drill(**fields) -> Item:
    return Item("d-1", "drill", "Fix the Service", ["ports", "traffic-path"], 2, 120, "Fix it.", "", Origin("f"),
                hints=[Hint("look at targetPort", 0.1), Hint("it is 8080", 0.3)], content_hash="abc123", **fields)


def check(id_: str, passed: bool, weight: float = 1.0, misconception: str = "") -> CheckResult:
    return CheckResult(id_, passed, weight, "expected", "observed", misconception=misconception)


def graded(*checks: CheckResult) -> ItemResult:
    total = sum(c.weight for c in checks)
    return ItemResult("d-1", "drill", sum(c.weight for c in checks if c.passed), total,
                      all(c.passed for c in checks), list(checks))


# The rating derivation (issue 7: fail -> Again, hints or slow -> Hard, clean -> Good, fast -> Easy)


@pytest.mark.parametrize(("passed", "hints", "duration", "expected", "rating"), [
    (False, 0, 10.0, 120.0, "again"),     # a fail, however fast
    (False, 2, 500.0, 120.0, "again"),    # a fail with hints, slow
    (True, 1, 30.0, 120.0, "hard"),       # a pass with a hint, even a fast one
    (True, 0, 121.0, 120.0, "hard"),      # a pass slower than expected
    (True, 0, 120.0, 120.0, "good"),      # a clean pass in exactly the expected time
    (True, 0, 61.0, 120.0, "good"),       # a clean pass, not quite twice as fast
    (True, 0, 60.0, 120.0, "easy"),       # a clean pass in half the time
    (True, 0, 5.0, 120.0, "easy"),        # a fast clean pass
    (True, 0, None, 120.0, "good"),       # no duration: cannot be fast or slow
    (True, 0, 5.0, 0.0, "good"),          # no estimate: cannot be fast or slow
])
def test_rating_derivation_table(passed: bool, hints: int, duration: float | None, expected: float,
                                 rating: str) -> None:
    assert derive_rating(passed, hints, duration, expected) == rating


def test_the_learner_can_override_the_derived_rating() -> None:
    result = graded(check("a", True))
    assert answer_from(drill(), "core", result, duration_s=10, now=T0).rating == "easy"
    assert answer_from(drill(), "core", result, duration_s=10, rating="hard", now=T0).rating == "hard"
    with pytest.raises(ValueError, match="rating must be one of"):
        answer_from(drill(), "core", result, rating="perfect", now=T0)


# final_score


def test_final_score_is_weighted_partial_credit() -> None:
    result = graded(check("a", True, 3.0), check("b", False, 1.0))
    assert final_score(result) == pytest.approx(0.75)


def test_final_score_takes_hint_penalties_off() -> None:
    result = graded(check("a", True, 3.0), check("b", False, 1.0))
    assert final_score(result, [0.1, 0.3]) == pytest.approx(0.75 * 0.6)
    assert final_score(graded(check("a", True)), [0.25]) == pytest.approx(0.75)


def test_final_score_is_floored_at_zero_and_capped_at_one() -> None:
    assert final_score(graded(check("a", True)), [0.5, 0.4, 0.3]) == 0.0
    assert final_score(ItemResult("q", "quiz", score=-1.0, max_score=1.0)) == 0.0
    assert final_score(ItemResult("q", "quiz", score=2.0, max_score=1.0)) == 1.0
    assert final_score(ItemResult("q", "quiz", score=0.0, max_score=0.0)) == 0.0


# answer_from


def test_answer_from_fills_every_field() -> None:
    result = graded(check("a", True, 2.0), check("b", False, 1.0, "targetport-is-nodeport"),
                    check("c", False, 1.0, "targetport-is-nodeport"), check("d", False, 1.0))
    answer = answer_from(drill(), "core", result, hints_used=1, duration_s=42.0, confidence=4, now=T0)
    assert (answer.pack_id, answer.item_id, answer.kind, answer.content_hash) == ("core", "d-1", "drill", "abc123")
    assert answer.answered_at == T0 and answer.confidence == 4 and answer.duration_s == 42.0
    assert answer.topics == ["ports", "traffic-path"]
    assert answer.misconceptions == ["targetport-is-nodeport"]  # each tag once per answer
    assert answer.max_score == 5.0
    assert answer.score == pytest.approx(2.0 * 0.9)  # the item's first hint costs 10%
    assert answer.hint_penalty == pytest.approx(0.2)
    assert answer.passed is False and answer.rating == "again"
    assert answer.detail["checks"][0] == {"id": "a", "passed": True, "weight": 2.0}
    assert answer.detail["checks"][1]["misconception"] == "targetport-is-nodeport"
    assert answer.detail["raw_score"] == 2.0


def test_answer_from_uses_given_penalties_and_checks_confidence() -> None:
    answer = answer_from(drill(), "core", graded(check("a", True)), hints_used=2, hint_penalties=[0.5], now=T0)
    assert answer.score == pytest.approx(0.5) and answer.rating == "hard"
    with pytest.raises(ValueError, match="confidence"):
        answer_from(drill(), "core", graded(check("a", True)), confidence=6, now=T0)


# Calibration and misconceptions


def history() -> list[Answer]:
    """kube-proxy: sure (5) but right 1 in 4; ports: unsure (2) but always right; snat: 4 and right 3 in 4."""
    answers = []
    for n in range(4):
        answers.append(Answer("core", f"kp-{n}", "quiz", 1.0 if n == 0 else 0.0, 1.0, n == 0, confidence=5,
                              topics=["kube-proxy"], misconceptions=[] if n == 0 else ["nodeport-hits-pod"]))
        answers.append(Answer("core", f"p-{n}", "quiz", 1.0, 1.0, True, confidence=2, topics=["ports"]))
        answers.append(Answer("core", f"s-{n}", "drill", 1.0, 1.0, n != 3, confidence=4, topics=["snat", "ports"],
                              misconceptions=["snat-keeps-ip"] if n == 3 else []))
    answers.append(Answer("core", "x", "quiz", 0.0, 1.0, False, topics=["kube-proxy"],
                          misconceptions=["nodeport-hits-pod"]))  # no confidence: not in calibration
    return answers


def test_calibration_labels_per_topic() -> None:
    rows = calibration(history())
    assert list(rows) == ["kube-proxy", "ports", "snat"]
    kube_proxy, ports, snat = rows["kube-proxy"], rows["ports"], rows["snat"]
    assert (kube_proxy.answers, kube_proxy.confidence, kube_proxy.expected) == (4, 5.0, 1.0)
    assert kube_proxy.accuracy == 0.25 and kube_proxy.gap == pytest.approx(0.75) and kube_proxy.label == OVER
    assert ports.answers == 8 and ports.confidence == 3.0 and ports.accuracy == pytest.approx(7 / 8)
    assert ports.gap == pytest.approx(0.5 - 7 / 8) and ports.label == UNDER
    assert snat.expected == 0.75 and snat.accuracy == 0.75 and snat.gap == 0 and snat.label == CALIBRATED


def test_calibration_tolerance_and_empty_history() -> None:
    answers = [Answer("core", "q", "quiz", 1.0, 1.0, n < 3, confidence=3, topics=["t"]) for n in range(5)]
    assert calibration(answers)["t"].gap == pytest.approx(0.5 - 0.6)
    assert calibration(answers, tolerance=0.05)["t"].label == UNDER
    assert calibration(answers, tolerance=0.2)["t"].label == CALIBRATED
    assert calibration([]) == {}


def test_misconception_counts() -> None:
    assert misconception_counts(history()) == Counter({"nodeport-hits-pod": 4, "snat-keeps-ip": 1})
    assert misconception_counts([]) == Counter()
