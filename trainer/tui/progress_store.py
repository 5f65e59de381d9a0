"""The app's handle on the learner's progress store: opened on first use, and never fatal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # The study modules are imported on first use: none of them is needed to paint Home.
    from ..content.grading import ItemResult
    from ..content.model import Item, Pack
    from ..study.reports import Summary
    from ..study.store import Answer, Card, ProgressStore
    from .widgets.interview_session import Scorecard

#: An interview question counts as passed when the learner rated at least this share of its points covered.
INTERVIEW_PASS = 0.8


@dataclass
class Recorded:
    """A practice answer just recorded, kept so that the learner can change its review rating.

    Attributes:
        answer: the answer as stored (with its id).
        before: the item's card before this answer's review, or None if it had none.
        card: the card after the review now in force.
        derived: the rating the outcome earned.
        rating: the rating in force (the derived one, or the learner's override).
    """

    answer: Answer
    before: Card | None
    card: Card
    derived: str
    rating: str

    @property
    def overridden(self) -> bool:
        """True when the learner chose another rating than the derived one."""
        return self.rating != self.derived


def _now() -> datetime:
    return datetime.now(timezone.utc)


def until(when: datetime | None, now: datetime | None = None) -> str:
    """How long until a time, in words: "within a minute", "in 10 min", "in 3 hours", "in 4 days"."""
    if when is None:
        return "not scheduled"
    seconds = (when - (now or _now())).total_seconds()
    if seconds < 45:  # FSRS's shortest step is a minute: an "again" just now reads "in 1 min"
        return "within a minute"
    if seconds < 3570:
        return f"in {max(1, round(seconds / 60))} min"
    if seconds < 86400:
        hours = round(seconds / 3600)
        return f"in {hours} hour{'s' * (hours != 1)}"
    days = round(seconds / 86400)
    return f"in {days} day{'s' * (days != 1)}"


class Progress:
    """The progress store of one data directory, opened on first use.

    A store that cannot be opened or written leaves `problem` set and every call a no-op, so
    the app keeps working without recording.

    Attributes:
        data_dir: where progress.sqlite3 lives.
        problem: why nothing is being recorded, or None.
        recovered: the store's message when a damaged file was moved aside, or None.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.problem: str | None = None
        self.recovered: str | None = None
        self._store: ProgressStore | None = None
        self._tried = False

    @property
    def is_open(self) -> bool:
        """True once the store is open (opening is never triggered by asking)."""
        return self._store is not None

    def open(self, packs: Iterable[Pack] = ()) -> ProgressStore | None:
        """Open the store once (later calls return it), flagging the items edited since they were answered.

        Args:
            packs: the loaded packs, whose items' content hashes are compared with the cards'.

        Returns:
            The store, or None when it cannot be used (see `problem`).
        """
        if self._tried:
            return self._store
        self._tried = True
        from ..study.store import ProgressStore, StoreError

        try:
            self._store = ProgressStore.open(self.data_dir)
        except StoreError as exc:
            self.problem = str(exc)
            return None
        self.recovered = self._store.recovered
        self._guard(lambda store: store.sync_items((p.id, i.id, i.content_hash) for p in packs for i in p.items
                                                   if not i.broken))
        return self._store

    def close(self) -> None:
        """Close the store (committed answers are already on disk)."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def _guard(self, job):
        """Run job(store); a database error stops recording (with `problem` set) instead of crashing."""
        if self._store is None:
            return None
        import sqlite3

        try:
            return job(self._store)
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"Progress could not be saved to {self._store.path}: {exc}. Answers are no longer recorded."
            self.close()
            return None

    # ----------------------------------------------------------------- recording

    def record_practice(self, item: Item, pack_id: str, result: ItemResult, *, hints_used: int = 0,
                        duration_s: float | None = None, confidence: int | None = None) -> Recorded | None:
        """Record a graded practice answer and review its item's card with the derived rating.

        Returns:
            What was recorded, for an override; None when nothing could be recorded.
        """
        from ..study import scheduler
        from ..study.scoring import answer_from

        answer = answer_from(item, pack_id, result, hints_used=hints_used, duration_s=duration_s,
                             confidence=confidence)

        def job(store: ProgressStore) -> Recorded:
            before = store.card(pack_id, item.id)
            answer.id = scheduler.record(store, answer)
            card = store.card(pack_id, item.id)
            return Recorded(answer, before, card, answer.rating, answer.rating)

        return self._guard(job)

    def override(self, recorded: Recorded, rating: str) -> Recorded | None:
        """Replace the review an answer made with one at another rating (the card as if rated so at first).

        The answer keeps the rating derived from its outcome; the card carries the learner's choice.

        Returns:
            The updated record, or None when the store cannot be written.
        """
        from ..study import scheduler
        from ..study.store import Card

        answer = recorded.answer

        def job(store: ProgressStore) -> Recorded:
            before = recorded.before or Card(answer.pack_id, answer.item_id)
            store.save_card(replace(before, content_hash=answer.content_hash, changed=False))
            card = scheduler.review(store, answer.pack_id, answer.item_id, rating, answer.answered_at)
            return replace(recorded, card=card, rating=rating)

        return self._guard(job)

    def record_interview(self, card: Scorecard, pack: Pack) -> int:
        """Record one answer per question of a finished interview, with the learner's own rating as score.

        The main question reviews the interview item's card. A follow-up is kept as an answer
        ("ITEM/FOLLOW-UP", kind interview) for the history and its topics, with no card of its
        own: it cannot be reviewed apart from its interview.

        Returns:
            How many answers were recorded.
        """
        from ..content.grading import ItemResult
        from ..study import scheduler
        from ..study.store import Answer
        from ..study.scoring import answer_from

        item = pack.item(card.item_id)
        if item is None:
            return 0
        follow_ups = {fu.id: fu for fu in item.follow_ups}
        now = _now()
        answers = []
        for n, q in enumerate(card.questions):
            passed = q.answered and q.max_score > 0 and q.score >= INTERVIEW_PASS * q.max_score
            if q.proof is not None and q.proof.status == "failed":
                passed = False  # the engine said otherwise
            detail = {"question": q.id, "self_rated": True, "answered": q.answered, "timed_out": card.timed_out}
            if q.proof is not None:
                detail["proof"] = {"item": q.proof.item_id, "status": q.proof.status, "score": q.proof.score,
                                   "max_score": q.proof.max_score}
            if n == 0:
                result = ItemResult(item.id, item.kind, q.score, q.max_score, passed)
                answer = answer_from(item, pack.id, result, duration_s=card.time_used or None, now=now)
                answer.detail = detail
            else:
                fu = follow_ups.get(q.id)
                proving = pack.item(fu.item) if fu is not None and fu.item else None
                topics = list(proving.topics) if proving is not None and proving.topics else list(item.topics)
                answer = Answer(pack.id, f"{item.id}/{q.id}", "interview", q.score, q.max_score, passed,
                                item.content_hash, now, topics=topics, detail=detail)
            answers.append(answer)

        def job(store: ProgressStore) -> int:
            scheduler.record(store, answers[0])
            for answer in answers[1:]:
                store.record_answer(answer)
            return len(answers)

        return self._guard(job) or 0

    # ----------------------------------------------------------------- reading

    def due(self, packs: Iterable[Pack], now: datetime | None = None) -> tuple[list[tuple[str, Item, bool]], int]:
        """The loaded items due today, and how many due items no loaded pack has.

        Returns:
            ([(pack id, item, changed)], count of the others); ([], 0) without a store.
        """
        from ..study.scheduler import end_of_day

        by_id = {p.id: p for p in packs}

        def job(store: ProgressStore):
            found, elsewhere = [], 0
            for card in store.due(end_of_day(now or _now())):
                pack = by_id.get(card.pack_id)
                item = pack.item(card.item_id) if pack is not None else None
                if item is None or item.broken:
                    elsewhere += 1
                else:
                    found.append((pack.id, item, card.changed))
            return found, elsewhere

        return self._guard(job) or ([], 0)

    def summary(self, packs: list[Pack], now: datetime | None = None) -> Summary | None:
        """Everything the Progress screen shows: the same summary as `nodeport-trainer progress`.

        Returns:
            The summary, or None without a store.
        """
        from ..study.reports import summary

        return self._guard(lambda store: summary(store, packs, now))
