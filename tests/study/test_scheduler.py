"""Spaced review with FSRS: reviews, what is due today, retrievability, mastery per topic and readiness."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import fsrs
import pytest

from trainer.content.grading import grade_quiz
from trainer.content.loader import load_pack
from trainer.content.model import Item
from trainer.content.scaffold import scaffold
from trainer.content.source import Origin
from trainer.study.scheduler import (default_scheduler, due_items, readiness, record, retrievability, review,
                                     topic_mastery)
from trainer.study.scoring import answer_from
from trainer.study.store import Answer, ProgressStore

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


@pytest.fixture
def store(tmp_path: Path):
    with ProgressStore.open(tmp_path) as opened:
        yield opened


@pytest.fixture
def scheduler() -> fsrs.Scheduler:
    return fsrs.Scheduler(enable_fuzzing=False)


def item(id_: str, topics: list[str], broken: bool = False) -> Item:
    return Item(id_, "quiz", id_, topics, 1, 60, "?", "", Origin("f"), content_hash=f"h-{id_}", broken=broken)


def answer(item_id: str, passed: bool = True, rating: str | None = "good", when: datetime = T0) -> Answer:
    return Answer("core", item_id, "quiz", float(passed), 1.0, passed, "h1", when, rating=rating)


# Reviews


def test_a_new_item_after_good_is_due_later_than_after_again(store: ProgressStore, scheduler) -> None:
    good = review(store, "core", "a", "good", T0, scheduler)
    again = review(store, "core", "b", "again", T0, scheduler)
    assert again.due_at < good.due_at
    assert review(store, "core", "c", "easy", T0, scheduler).due_at > good.due_at
    assert store.card("core", "a").due_at == good.due_at and store.card("core", "a").last_review_at == T0


def test_again_makes_an_item_due_soon(store: ProgressStore, scheduler) -> None:
    for _ in range(3):  # an item learnt well over a few weeks ...
        review(store, "core", "a", "easy", T0, scheduler)
    learnt = store.card("core", "a").due_at
    assert learnt - T0 > 7 * DAY
    card = review(store, "core", "a", "again", learnt, scheduler)  # ... then forgotten
    assert card.due_at - learnt <= timedelta(minutes=10)
    assert due_items(store, learnt) == [("core", "a")]


def test_the_fsrs_card_is_kept_in_the_store_with_fsrs_own_format(store: ProgressStore, scheduler) -> None:
    store.record_answer(answer("a"))  # the store's card, with the content hash of the answered version
    card = review(store, "core", "a", "hard", T0, scheduler)
    kept = fsrs.Card.from_dict(store.card("core", "a").fsrs_state)
    assert kept.due == card.due_at and kept.last_review == T0 and kept.stability and kept.difficulty
    assert store.card("core", "a").content_hash == "h1"
    with pytest.raises(ValueError, match="rating must be one of"):
        review(store, "core", "a", "ok", T0, scheduler)


def test_reviews_are_deterministic(tmp_path: Path) -> None:
    assert default_scheduler().enable_fuzzing is False
    dues = []
    for name in ("one", "two"):
        with ProgressStore.open(tmp_path / name) as opened:
            when = T0
            for rating in ("good", "good", "easy", "good", "hard", "good"):
                when = review(opened, "core", "a", rating, when).due_at
            dues.append(when)
    assert dues[0] == dues[1] and dues[0] - T0 > 30 * DAY


# record: the one entry point


def test_record_stores_the_answer_and_reviews_its_card(store: ProgressStore, scheduler) -> None:
    answer_id = record(store, answer("a", rating="again"), scheduler=scheduler)
    (kept,) = store.answers()
    assert kept.id == answer_id and kept.rating == "again"
    card = store.card("core", "a")
    assert card.content_hash == "h1" and card.last_review_at == T0
    assert card.due_at == T0 + timedelta(minutes=1)  # the first learning step


def test_record_without_a_rating_derives_one(store: ProgressStore, scheduler) -> None:
    record(store, answer("a", passed=False, rating=None), scheduler=scheduler)
    record(store, answer("b", passed=True, rating=None), scheduler=scheduler)
    assert store.card("core", "a").due_at < store.card("core", "b").due_at


# due_items


def test_due_items_picks_only_the_items_due_today(store: ProgressStore, scheduler) -> None:
    review(store, "core", "soon", "again", T0, scheduler)            # due in a minute
    review(store, "core", "later", "easy", T0, scheduler)            # due in days
    store.record_answer(answer("unscheduled"))                       # a card with no review yet
    evening = T0.replace(hour=23, minute=55)
    review(store, "core", "tomorrow", "good", evening, scheduler)    # due 00:05 the next day
    assert due_items(store, T0) == [("core", "soon")]
    assert due_items(store, T0.replace(hour=8)) == [("core", "soon")]  # due later today counts
    assert due_items(store, T0 + DAY) == [("core", "soon"), ("core", "tomorrow")]
    assert ("core", "later") in due_items(store, T0 + 30 * DAY)
    assert ("core", "unscheduled") not in due_items(store, T0 + 30 * DAY)


# Retrievability, mastery, readiness


def test_retrievability_falls_with_time(store: ProgressStore, scheduler) -> None:
    card = review(store, "core", "a", "easy", T0, scheduler)
    values = [retrievability(card, T0 + days * DAY, scheduler) for days in (0, 1, 10, 100)]
    assert values[0] == pytest.approx(1.0)
    assert values == sorted(values, reverse=True) and len(set(values)) == 4
    store.record_answer(answer("unseen"))
    assert retrievability(store.card("core", "unseen"), T0, scheduler) == 0.0


def test_topic_mastery_and_readiness_from_a_small_pack(store: ProgressStore, scheduler) -> None:
    items = [("core", item("q1", ["ports"])), ("core", item("q2", ["ports", "snat"])),
             ("core", item("q3", ["snat"])), ("core", item("q4", ["ports"])),
             ("core", item("q5", ["dns"], broken=True))]
    for item_id in ("q1", "q2"):
        review(store, "core", item_id, "easy", T0, scheduler)
    review(store, "other", "q3", "easy", T0, scheduler)  # another pack's q3 is not this q3
    now = T0 + 5 * DAY
    r = retrievability(store.card("core", "q1"), now, scheduler)
    assert 0.8 < r < 1.0
    mastery = topic_mastery(store, items, now, scheduler)
    assert list(mastery) == ["ports", "snat"]  # a broken item's topic is not offered
    assert mastery["ports"] == pytest.approx(2 * r / 3)  # q4 never seen: counts 0
    assert mastery["snat"] == pytest.approx(r / 2)
    seed = ["ports", "snat", "traffic-path"]
    assert readiness(mastery, seed) == pytest.approx(100 * (2 * r / 3 + r / 2 + 0) / 3)
    assert readiness({"ports": 1.0}, ["ports"]) == 100.0
    assert readiness(mastery, []) == 0.0
    assert topic_mastery(store, items, T0 + 400 * DAY, scheduler)["ports"] < mastery["ports"]


def test_the_scaffold_pack_from_answer_to_readiness(tmp_path: Path, store: ProgressStore) -> None:
    scaffold(tmp_path / "demo")
    pack = load_pack(tmp_path / "demo").pack
    quiz = pack.item("first-quiz")
    right = [n for n, choice in enumerate(quiz.choices) if choice.correct]
    result = grade_quiz(quiz, right)
    record(store, answer_from(quiz, pack.id, result, duration_s=10.0, confidence=5, now=T0))
    (kept,) = store.answers()
    assert kept.passed and kept.rating == "easy" and kept.topics == quiz.topics
    assert due_items(store, T0) == []
    mastery = topic_mastery(store, [(pack.id, i) for i in pack.items], T0 + DAY)
    assert 0 < mastery["basics"] < 1 / len(pack.items) + 1e-9  # one of the topic's items is known
    assert 0 < readiness(mastery, pack.topics) < 100


def test_importing_the_study_layer_does_not_load_fsrs() -> None:
    code = "import sys, trainer.study.scheduler, trainer.study.scoring; print('fsrs' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr
