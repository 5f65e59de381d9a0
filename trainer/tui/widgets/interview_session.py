"""A mock interview's state and scorecard, kept free of Textual so it can be tested and recorded headless."""

from __future__ import annotations

from dataclasses import dataclass, field

from ...content.interview import follow_ups, recognised, rubric_score
from ...content.model import FollowUp, Item, Pack, RubricPoint

#: The id of the main question among the interview's questions.
MAIN = "main"
#: How much one press of + or - changes the time limit, and the limit's bounds (seconds).
LIMIT_STEP, LIMIT_MIN, LIMIT_MAX = 60.0, 60.0, 3600.0
#: The limit used when an interview item names none.
DEFAULT_LIMIT = 900.0


@dataclass
class Proof:
    """What the engine said when the learner proved a follow-up in its practice item.

    Attributes:
        item_id: the practice item.
        status: "passed", "failed", "unavailable" (no practice panel could open it) or
            "timed out" (the interview's time ran out first).
        score, max_score: the engine's grade of the best answer checked.
        hints_used: hints taken in the practice item.
    """

    item_id: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    hints_used: int = 0

    @property
    def tried(self) -> bool:
        """True when the engine checked an answer (passed or failed)."""
        return self.status in ("passed", "failed")

    def better_than(self, other: Proof | None) -> bool:
        """True when this proof should replace the other: a check beats none, a pass a miss, more points fewer."""
        def rank(p: Proof) -> tuple:
            return p.tried, p.status == "passed", p.score

        return other is None or rank(self) >= rank(other)


@dataclass
class Question:
    """One question of the interview (the main one or a follow-up) and what the learner did with it.

    Attributes:
        topics: the topics its score counts toward.
        item_id: the practice item that proves it, if any.
        recognised: rubric points the app found in the answer.
        covered: rubric points the learner rated as covered.
        locked: time ran out while the learner was answering it.
    """

    id: str
    ask: str
    points: list[RubricPoint]
    topics: list[str]
    item_id: str = ""
    answer: str = ""
    recognised: set[str] = field(default_factory=set)
    covered: set[str] = field(default_factory=set)
    rated: bool = False
    locked: bool = False
    proof: Proof | None = None

    @property
    def missed(self) -> set[str]:
        """Rubric points rated as not covered."""
        return {p.id for p in self.points} - self.covered


@dataclass(frozen=True)
class TopicScore:
    """One topic's line of the scorecard: the self-rated rubric score and the engine's checks."""

    topic: str
    score: float
    max_score: float
    engine_passed: int
    engine_tried: int


@dataclass(frozen=True)
class QuestionScore:
    """One question's line of the scorecard."""

    id: str
    ask: str
    score: float
    max_score: float
    answered: bool
    item_id: str = ""
    proof: Proof | None = None


@dataclass(frozen=True)
class Scorecard:
    """The end of an interview, as plain data (for the screen, and for recording progress).

    Attributes:
        time_limit: seconds, 0 when the learner switched the limit off.
        timed_out: the time ran out before the learner finished.
    """

    pack_id: str
    item_id: str
    title: str
    time_used: float
    time_limit: float
    timed_out: bool
    questions: list[QuestionScore]
    topics: list[TopicScore]

    @property
    def score(self) -> tuple[float, float]:
        """(score, max) of the self-rating over every question asked."""
        return sum(q.score for q in self.questions), sum(q.max_score for q in self.questions)

    def to_json(self) -> dict:
        """The scorecard as JSON-ready data."""
        def proof(p: Proof | None) -> dict | None:
            return None if p is None else {"item": p.item_id, "status": p.status, "score": p.score,
                                           "max_score": p.max_score, "hints_used": p.hints_used}
        return {"pack": self.pack_id, "item": self.item_id, "time_used": round(self.time_used, 1),
                "time_limit": self.time_limit, "timed_out": self.timed_out,
                "questions": [{"id": q.id, "score": q.score, "max_score": q.max_score, "answered": q.answered,
                               "item": q.item_id, "proof": proof(q.proof)} for q in self.questions],
                "topics": [{"topic": t.topic, "score": t.score, "max_score": t.max_score,
                            "engine_passed": t.engine_passed, "engine_tried": t.engine_tried} for t in self.topics]}


class InterviewSession:
    """The interview in progress: the questions asked so far, the clock and the follow-up choice."""

    def __init__(self, item: Item, pack: Pack, time_limit: float) -> None:
        """Start on the main question.

        Args:
            item: the interview item.
            pack: its pack (follow-ups' items are looked up there).
            time_limit: seconds, 0 for no limit.
        """
        self.item, self.pack, self.time_limit = item, pack, time_limit
        self.elapsed = 0.0
        self.questions = [Question(MAIN, item.prompt, item.rubric, list(item.topics))]

    @property
    def current(self) -> Question:
        """The question being answered or rated."""
        return self.questions[-1]

    @property
    def timed_out(self) -> bool:
        """True once the time limit (if any) is used up."""
        return self.time_limit > 0 and self.elapsed >= self.time_limit

    @property
    def remaining(self) -> float | None:
        """Seconds left, or None without a limit."""
        return None if self.time_limit <= 0 else max(0.0, self.time_limit - self.elapsed)

    def advance(self, seconds: float) -> bool:
        """Move the clock on; True when this step used up the time limit."""
        before = self.timed_out
        self.elapsed += max(0.0, seconds)
        if self.time_limit > 0:
            self.elapsed = min(self.elapsed, self.time_limit)  # the time used never passes the limit
        return self.timed_out and not before

    def submit(self, text: str) -> set[str]:
        """Keep the current question's answer; return the rubric points recognised in it."""
        question = self.current
        question.answer = text
        question.recognised = recognised(question.points, text)
        return question.recognised

    def rate(self, covered: set[str]) -> None:
        """Keep the learner's rating of the current question."""
        question = self.current
        question.covered = covered & {p.id for p in question.points}
        question.rated = True

    def prove(self, proof: Proof) -> None:
        """Keep the engine's verdict on the current question (a pass is never replaced by a later miss)."""
        if proof.better_than(self.current.proof):
            self.current.proof = proof

    def next_follow_up(self) -> Question | None:
        """Ask the next follow-up the answers so far call for, or None when the interview is over."""
        if self.timed_out:
            return None
        main = self.questions[0]
        asked = {q.id for q in self.questions}
        failed = {q.id for q in self.questions if q.proof is not None and q.proof.status == "failed"}
        for fu in follow_ups(self.item, bool(main.answer.strip()), main.missed, failed):
            if fu.id not in asked:
                question = Question(fu.id, fu.ask, fu.rubric, self._topics(fu), fu.item)
                self.questions.append(question)
                return question
        return None

    def _topics(self, fu: FollowUp) -> list[str]:
        """A follow-up counts toward its practice item's topics, or the interview's when it has none."""
        item = self.pack.item(fu.item) if fu.item else None
        return list(item.topics) if item is not None and item.topics else list(self.item.topics)

    def scorecard(self) -> Scorecard:
        """Score every question asked so far, per question and per topic."""
        questions = []
        topics: dict[str, list[float]] = {}
        for q in self.questions:
            score, top = rubric_score(q.points, q.covered)
            questions.append(QuestionScore(q.id, q.ask, score, top, bool(q.answer.strip()), q.item_id, q.proof))
            for topic in q.topics:
                line = topics.setdefault(topic, [0.0, 0.0, 0, 0])
                line[0] += score
                line[1] += top
                if q.proof is not None and q.proof.tried:
                    line[2] += q.proof.status == "passed"
                    line[3] += 1
        return Scorecard(self.pack.id, self.item.id, self.item.title, self.elapsed, self.time_limit, self.timed_out,
                         questions, [TopicScore(t, s, m, int(p), int(n)) for t, (s, m, p, n) in topics.items()])
