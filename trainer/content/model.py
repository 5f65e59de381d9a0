"""The pack model: a pack, its lessons and its items, as loaded (every part knows its origin)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..checks.model import Check, Probe
from ..checks.scenario import Scenario
from .source import Origin, Problem

ITEM_KINDS = ("quiz", "predict", "drill", "troubleshoot", "command", "interview")
SUPPORTED_FORMATS = (1,)


@dataclass
class Hint:
    """One hint, shown on request, and the fraction of the score it costs."""

    text: str
    penalty: float = 0.1


@dataclass
class Choice:
    """A quiz choice: its text, whether it is right, its credit and its feedback."""

    text: str
    correct: bool = False
    credit: float = 0.0
    feedback: str = ""


@dataclass
class ShortAnswer:
    """What a typed quiz answer may be: accepted texts, a pattern, or a number with tolerance."""

    accept: list[str] = field(default_factory=list)
    pattern: str = ""
    number: float | None = None
    tolerance: float = 0.0


@dataclass
class Ask:
    """What a predict item asks the engine: a probe, a command's output, or an apply's fate."""

    kind: str  # "probe" | "command" | "apply"
    probe: Probe | None = None
    observe: str = "verdict"
    command: str = ""
    stream: str = "stdout"
    manifest: str = ""


@dataclass
class Answer:
    """A learner's (or a reference) answer: files to apply and/or console commands."""

    files: dict[str, str] = field(default_factory=dict)
    commands: str = ""
    note: str = ""
    origin: Origin | None = None


@dataclass
class RubricPoint:
    """A key point of an open answer, and the phrases that suggest it was covered."""

    id: str
    point: str
    weight: float = 1.0
    recognise: list[str] = field(default_factory=list)


@dataclass
class FollowUp:
    """An interview follow-up: a question, its rubric, an item that proves it, and when it fires."""

    id: str
    ask: str
    rubric: list[RubricPoint] = field(default_factory=list)
    item: str = ""
    when: object = "always"  # "always" | "answered" | {"missed": id} | {"failed": id}


@dataclass
class Item:
    """One practice item of any kind; the fields a kind does not use stay empty."""

    id: str
    kind: str
    title: str
    topics: list[str]
    difficulty: int
    time: float
    prompt: str
    explanation: str
    origin: Origin
    lesson: str = ""
    hints: list[Hint] = field(default_factory=list)
    content_hash: str = ""
    #: True when loading found a problem in this item: it is neither linted further nor offered.
    broken: bool = False
    # quiz
    choices: list[Choice] = field(default_factory=list)
    multiple: bool = False
    answer: ShortAnswer | None = None
    # predict, drill, troubleshoot, command
    scenario: Scenario | None = None
    #: Command items: more scenarios the answer is replayed on (e.g. the ports in another order).
    variants: list[Scenario] = field(default_factory=list)
    ask: Ask | None = None
    options: list[str] = field(default_factory=list)
    starter: dict[str, str] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    solutions: list[Answer] = field(default_factory=list)
    counterexamples: list[Answer] = field(default_factory=list)
    # interview
    time_limit: float = 0.0
    rubric: list[RubricPoint] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


@dataclass
class Snippet:
    """A lesson's "try it" command and whether it is meant to succeed."""

    label: str
    run: str
    expect: str = "ok"  # "ok" | "error"


@dataclass
class Lesson:
    """A Markdown lesson with its sandbox scenario and snippets."""

    id: str
    title: str
    topics: list[str]
    body: str
    origin: Origin
    scenario: Scenario = field(default_factory=Scenario)
    snippets: list[Snippet] = field(default_factory=list)
    links: list[tuple[str, int, int]] = field(default_factory=list)  # (target, line, column)
    #: True when loading found a problem in this lesson.
    broken: bool = False


@dataclass
class Pack:
    """A content pack as loaded.

    Attributes:
        problems: everything wrong with it; the pack is sound (offered to learners) only
            when none is an error.
    """

    id: str
    title: str
    version: str
    format_version: int
    kubernetes: str
    path: Path
    authors: list[str] = field(default_factory=list)
    license: str = ""
    topics: dict[str, str] = field(default_factory=dict)
    misconceptions: dict[str, str] = field(default_factory=dict)
    lessons: list[Lesson] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    origin: Origin | None = None

    def item(self, item_id: str) -> Item | None:
        """The item with this id, if any."""
        return next((i for i in self.items if i.id == item_id), None)

    def lesson(self, lesson_id: str) -> Lesson | None:
        """The lesson with this id, if any."""
        return next((x for x in self.lessons if x.id == lesson_id), None)
