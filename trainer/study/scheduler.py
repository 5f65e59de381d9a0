"""Spaced review with FSRS: one card per item, what is due today, mastery per topic and readiness."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .scoring import derive_rating
from .store import RATINGS, Answer, Card, ProgressStore

if TYPE_CHECKING:  # fsrs is imported inside the functions that use it, so importing this module stays cheap.
    import fsrs

    from ..content.model import Item

#: Later than any due date: store.due(END_OF_TIME) lists every scheduled card in one query.
END_OF_TIME = datetime.max.replace(tzinfo=timezone.utc)


@lru_cache(maxsize=1)
def default_scheduler() -> fsrs.Scheduler:
    """The FSRS scheduler with its default parameters and no fuzzing.

    fsrs fuzzes intervals with the unseeded global random module; the project keeps every
    outcome deterministic, so the same history always gives the same due dates.
    """
    import fsrs

    return fsrs.Scheduler(enable_fuzzing=False)


def _utc(when: datetime) -> datetime:
    """when in UTC (fsrs insists on timezone.utc); a naive time is taken as UTC, as the store does."""
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _card_id(pack_id: str, item_id: str) -> int:
    """A stable FSRS card id per item (fsrs's own default reads the clock and sleeps 1 ms)."""
    return int.from_bytes(hashlib.blake2b(f"{pack_id}\0{item_id}".encode(), digest_size=6).digest(), "big")


def fsrs_card(card: Card, when: datetime | None = None) -> fsrs.Card:
    """The FSRS card kept in a store card, or a new one (due at when) if it was never reviewed."""
    import fsrs

    if card.fsrs_state is not None:
        return fsrs.Card.from_dict(card.fsrs_state)
    return fsrs.Card(card_id=_card_id(card.pack_id, card.item_id), due=_utc(when or datetime.now(timezone.utc)))


def review(store: ProgressStore, pack_id: str, item_id: str, rating: str, when: datetime,
           scheduler: fsrs.Scheduler | None = None) -> Card:
    """Apply one review to the item's card and save it.

    Args:
        store: the progress store.
        pack_id: the item's pack id.
        item_id: the item's id.
        rating: "again", "hard", "good" or "easy".
        when: the time of the review.
        scheduler: the FSRS scheduler; default_scheduler() if None.

    Returns:
        The saved card: its FSRS state, due_at and last_review_at updated; its content hash and
        changed flag as they were.

    Raises:
        ValueError: the rating is not one of the four.
    """
    import fsrs

    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
    when = _utc(when)
    card = store.card(pack_id, item_id) or Card(pack_id, item_id)
    updated, _log = (scheduler or default_scheduler()).review_card(
        fsrs_card(card, when), fsrs.Rating(RATINGS.index(rating) + 1), when)
    card.fsrs_state, card.due_at, card.last_review_at = updated.to_dict(), updated.due, when
    store.save_card(card)
    return card


def record(store: ProgressStore, answer: Answer, when: datetime | None = None,
           scheduler: fsrs.Scheduler | None = None) -> int:
    """Record an answer and review its item's card with the answer's rating: the one entry point for results.

    The answer is committed first, in its own transaction, then the card: a crash in between
    keeps the answer (the history) and only misses that one review.

    Args:
        store: the progress store.
        answer: the answer, e.g. from scoring.answer_from; without a rating it is derived from
            passed and hints_used alone.
        when: the time of the review; the answer's answered_at if None.
        scheduler: the FSRS scheduler; default_scheduler() if None.

    Returns:
        The new answer's id.
    """
    answer_id = store.record_answer(answer)
    rating = answer.rating or derive_rating(answer.passed, answer.hints_used, None, None)
    review(store, answer.pack_id, answer.item_id, rating, when or answer.answered_at, scheduler)
    return answer_id


def end_of_day(now: datetime) -> datetime:
    """The last microsecond of now's day, in UTC."""
    now = _utc(now)
    midnight = datetime(now.year, now.month, now.day, tzinfo=timezone.utc)
    return midnight + timedelta(days=1, microseconds=-1)


def due_items(store: ProgressStore, now: datetime) -> list[tuple[str, str]]:
    """The items due today (due_at up to the end of now's UTC day), the most overdue first.

    Returns:
        (pack_id, item_id) of each due item; the caller skips items its packs no longer have.
    """
    return [(card.pack_id, card.item_id) for card in store.due(end_of_day(now))]


def retrievability(card: Card, now: datetime, scheduler: fsrs.Scheduler | None = None) -> float:
    """FSRS's probability that the learner recalls the item at now; 0.0 for a card never reviewed."""
    if card.fsrs_state is None:
        return 0.0
    return float((scheduler or default_scheduler()).get_card_retrievability(fsrs_card(card), _utc(now)))


def topic_mastery(store: ProgressStore, items: Iterable[tuple[str, Item]], now: datetime,
                  scheduler: fsrs.Scheduler | None = None) -> dict[str, float]:
    """Mastery per topic: the mean retrievability of the topic's items, unseen items counting 0.

    Args:
        store: the progress store.
        items: (pack_id, item) of every item on offer; broken items are skipped.
        now: the time to compute retrievability at.
        scheduler: the FSRS scheduler; default_scheduler() if None.

    Returns:
        A value in 0..1 for each topic that has an item, in topic order.
    """
    cards = {(c.pack_id, c.item_id): c for c in store.due(END_OF_TIME)}
    totals: dict[str, list[Any]] = {}  # topic -> [sum of retrievability, item count]
    for pack_id, item in items:
        if item.broken:
            continue
        card = cards.get((pack_id, item.id))
        value = 0.0 if card is None else retrievability(card, now, scheduler)
        for topic in item.topics:
            total = totals.setdefault(topic, [0.0, 0])
            total[0] += value
            total[1] += 1
    return {topic: totals[topic][0] / totals[topic][1] for topic in sorted(totals)}


def readiness(mastery: dict[str, float], seed_topics: Iterable[str]) -> float:
    """Interview readiness, 0..100: 100 times the mean mastery over the seed's topics.

    A topic without items or mastery counts 0, so readiness reaches 100 only when every topic
    an interviewer may ask about is mastered.

    Args:
        mastery: topic_mastery's result.
        seed_topics: the topics the interview covers (the pack's topic ids).

    Returns:
        The score; 0.0 when there are no topics.
    """
    topics = list(dict.fromkeys(seed_topics))
    if not topics:
        return 0.0
    return 100.0 * sum(min(1.0, max(0.0, mastery.get(t, 0.0))) for t in topics) / len(topics)
