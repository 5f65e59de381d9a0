"""Progress reports, headless: a learner's summary, its export (Markdown, JSON, CSV) and a class merge.

The JSON export (format "nodeport-trainer-progress", version 1) is the one an instructor
collects and merges. Every time is ISO 8601 in UTC; every fraction is 0..1 and readiness is 0..100.

    {
      "format": "nodeport-trainer-progress",   # identifies the file; merge refuses anything else
      "version": 1,                             # bumped only for changes old readers cannot ignore
      "generator": "nodeport-trainer 0.1.0",
      "exported_at": "2025-03-01T12:00:00+00:00",
      "learner": "alice",                       # store meta "learner", else $USER
      "answers_count": 12, "passed_count": 9,
      "readiness": 41.67,                       # interview readiness over all the packs' topics
      "packs": [{"id", "title", "version", "readiness"}],
      "topics": [{"id", "title", "packs", "items", "mastery", "answers", "passed", "mean_score"}],
      "due_today": [{"pack", "item", "title", "due_at", "changed"}],
      "calibration": [{"topic", "answers", "confidence", "expected", "accuracy", "gap", "label"}],
      "misconceptions": [{"tag", "count", "description"}],
      "history": [{"date", "answers", "mean_score"}],          # per UTC day
      "items": [{"pack", "item", "title", "kind", "attempts", "last_answered_at", "last_score",
                 "last_passed", "last_rating", "due_at", "changed", "in_packs"}],   # latest result per item
      "changed": [{"pack", "item", "title"}],   # edited since the learner last answered them
      "answers": [{"id", "pack", "item", "kind", "content_hash", "answered_at", "score", "max_score",
                   "final_score", "passed", "hints_used", "hint_penalty", "confidence", "duration_s",
                   "rating", "topics", "misconceptions"}]
    }

`progress --json` prints the same document without "answers". Readers must ignore keys they
do not know; a new key does not change the version. mastery is FSRS's recall probability
averaged over a topic's items (unseen items count 0); final_score and mean_score are the
fraction of an item earned after hint penalties.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .scheduler import END_OF_TIME, due_items, readiness, topic_mastery
from .scoring import CalibrationRow, calibration, misconception_counts
from .store import Answer, ProgressStore

if TYPE_CHECKING:
    from ..content.loader import LoadedPack
    from ..content.model import Item, Pack

EXPORT_FORMAT = "nodeport-trainer-progress"
EXPORT_VERSION = 1
FORMATS = ("md", "json", "csv")
MERGE_FORMATS = ("md", "csv")
#: The largest export merge reads; anything bigger is not one of ours.
MAX_EXPORT_BYTES = 64 * 1024 * 1024
CLASS_AVERAGE = "(class average)"
ANSWER_CSV_COLUMNS = ("learner", "id", "pack", "item", "kind", "answered_at", "score", "max_score", "final_score",
                      "passed", "hints_used", "hint_penalty", "confidence", "duration_s", "rating", "topics",
                      "misconceptions", "content_hash")
MERGE_CSV_COLUMNS = ("learner", "file", "readiness", "answers", "topic", "title", "mastery", "topic_answers",
                     "topic_passed")


class ReportError(Exception):
    """A report cannot be made (an unknown format, a bad export to merge); the message is for the user."""


@dataclass
class TopicSummary:
    """One topic: mastery from the review cards, and what the answers say.

    Attributes:
        id: the topic id.
        title: its title in the first pack that declares it.
        packs: the ids of the packs that declare it.
        items: how many (sound) items cover it.
        mastery: the mean FSRS recall probability of those items, 0..1; unseen items count 0.
        answers: answers to items of this topic.
        passed: how many of them passed.
        mean_score: the mean final score of those answers, or None without answers.
    """

    id: str
    title: str
    packs: list[str]
    items: int
    mastery: float
    answers: int = 0
    passed: int = 0
    mean_score: float | None = None


@dataclass
class ItemRef:
    """An item by pack and id, with its title ("" when the packs no longer have it)."""

    pack_id: str
    item_id: str
    title: str = ""


@dataclass
class DueItem(ItemRef):
    """An item due for review today."""

    due_at: datetime | None = None
    changed: bool = False


@dataclass
class ItemSummary:
    """The latest result of one answered item.

    Attributes:
        last_score: the final score of the latest answer, 0..1.
        due_at: when the item is next due, or None if it is not scheduled.
        changed: the item was edited after the learner last answered it.
        in_packs: the loaded packs still have the item.
    """

    pack_id: str
    item_id: str
    title: str
    kind: str
    attempts: int
    last_answered_at: datetime
    last_score: float
    last_passed: bool
    last_rating: str | None
    due_at: datetime | None
    changed: bool
    in_packs: bool


@dataclass
class DayScore:
    """The answers of one UTC day and their mean final score."""

    day: date
    answers: int
    mean_score: float


@dataclass
class MisconceptionCount:
    """How many answers showed a misconception, and what it means (from the packs)."""

    tag: str
    count: int
    description: str = ""


@dataclass
class PackReadiness:
    """A pack and the learner's interview readiness over its topics (0..100)."""

    id: str
    title: str
    version: str
    readiness: float


@dataclass
class Summary:
    """Everything the Progress screen, `progress` and the exports show.

    Attributes:
        generated_at: the time the summary is for (mastery and due dates depend on it).
        learner: the learner's name.
        answers: every recorded answer, oldest first (without detail).
        topics: every topic of the packs, in the packs' order.
        readiness: interview readiness over all the packs' topics, 0..100.
        packs: readiness per pack.
        due: the items of the packs due today, the most overdue first.
        calibration: confidence against results, per topic with rated answers.
        misconceptions: the misconceptions seen, the most frequent first.
        history: per UTC day with answers, the mean final score, oldest first.
        items: the latest result of every answered item, in pack and item order.
        changed: the items edited since the learner last answered them.
        recovered: the store's message if a damaged file was replaced on opening, else None.
        data_file: the progress file.
    """

    generated_at: datetime
    learner: str
    answers: list[Answer]
    topics: list[TopicSummary]
    readiness: float
    packs: list[PackReadiness]
    due: list[DueItem]
    calibration: list[CalibrationRow]
    misconceptions: list[MisconceptionCount]
    history: list[DayScore]
    items: list[ItemSummary]
    changed: list[ItemRef]
    recovered: str | None = None
    data_file: Path | None = None
    #: Due items whose packs are no longer loaded (not in `due`).
    due_elsewhere: int = 0

    @property
    def answer_count(self) -> int:
        """How many answers are recorded."""
        return len(self.answers)

    @property
    def passed_count(self) -> int:
        """How many of them passed."""
        return sum(1 for a in self.answers if a.passed)

    @property
    def due_count(self) -> int:
        """How many items of the packs are due today."""
        return len(self.due)

    @property
    def empty(self) -> bool:
        """No answer is recorded yet."""
        return not self.answers

    def to_json(self, answers: bool = True) -> dict[str, Any]:
        """The export document (see the module's docstring); without the answers list if answers is False."""
        doc: dict[str, Any] = {
            "format": EXPORT_FORMAT,
            "version": EXPORT_VERSION,
            "generator": f"nodeport-trainer {_version()}",
            "exported_at": _iso(self.generated_at),
            "learner": self.learner,
            "answers_count": self.answer_count,
            "passed_count": self.passed_count,
            "readiness": round(self.readiness, 2),
            "packs": [{"id": p.id, "title": p.title, "version": p.version, "readiness": round(p.readiness, 2)}
                      for p in self.packs],
            "topics": [{"id": t.id, "title": t.title, "packs": t.packs, "items": t.items,
                        "mastery": _round(t.mastery), "answers": t.answers, "passed": t.passed,
                        "mean_score": _round(t.mean_score)} for t in self.topics],
            "due_today": [{"pack": d.pack_id, "item": d.item_id, "title": d.title, "due_at": _iso(d.due_at),
                           "changed": d.changed} for d in self.due],
            "calibration": [{"topic": r.topic, "answers": r.answers, "confidence": _round(r.confidence),
                             "expected": _round(r.expected), "accuracy": _round(r.accuracy), "gap": _round(r.gap),
                             "label": r.label} for r in self.calibration],
            "misconceptions": [{"tag": m.tag, "count": m.count, "description": m.description}
                               for m in self.misconceptions],
            "history": [{"date": d.day.isoformat(), "answers": d.answers, "mean_score": _round(d.mean_score)}
                        for d in self.history],
            "items": [{"pack": i.pack_id, "item": i.item_id, "title": i.title, "kind": i.kind,
                       "attempts": i.attempts, "last_answered_at": _iso(i.last_answered_at),
                       "last_score": _round(i.last_score), "last_passed": i.last_passed,
                       "last_rating": i.last_rating, "due_at": _iso(i.due_at), "changed": i.changed,
                       "in_packs": i.in_packs} for i in self.items],
            "changed": [{"pack": c.pack_id, "item": c.item_id, "title": c.title} for c in self.changed],
        }
        if answers:
            doc["answers"] = [_answer_json(a) for a in self.answers]
        return doc


# ------------------------------------------------------------------ helpers


def _version() -> str:
    from .. import __version__

    return __version__


def _utc(when: datetime) -> datetime:
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def _iso(when: datetime | None) -> str | None:
    return None if when is None else _utc(when).isoformat(timespec="seconds")


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(float(value), places)


def final_fraction(answer: Answer) -> float:
    """The fraction of the item an answer earned after hint penalties (its score is already net of them)."""
    if answer.max_score <= 0:
        return 0.0
    return min(1.0, max(0.0, answer.score / answer.max_score))


def _answer_json(a: Answer) -> dict[str, Any]:
    return {"id": a.id, "pack": a.pack_id, "item": a.item_id, "kind": a.kind, "content_hash": a.content_hash,
            "answered_at": _iso(a.answered_at), "score": _round(a.score), "max_score": _round(a.max_score),
            "final_score": _round(final_fraction(a)), "passed": a.passed, "hints_used": a.hints_used,
            "hint_penalty": _round(a.hint_penalty), "confidence": a.confidence,
            "duration_s": _round(a.duration_s, 2), "rating": a.rating, "topics": list(a.topics),
            "misconceptions": list(a.misconceptions)}


def learner_name(store: ProgressStore) -> str:
    """The learner's name: the store's meta "learner", else $USER (or $USERNAME), else "learner"."""
    return (store.get_meta("learner") or os.environ.get("USER") or os.environ.get("USERNAME") or "learner").strip() \
        or "learner"


def usable_packs(packs: Iterable[Pack | LoadedPack]) -> list[Pack]:
    """The packs a learner can use: Packs as given; LoadedPacks only when sound."""
    out = []
    for entry in packs:
        if hasattr(entry, "sound"):  # a LoadedPack
            if entry.sound and entry.pack is not None:
                out.append(entry.pack)
        elif entry is not None:
            out.append(entry)
    return out


def _offered(packs: Sequence[Pack]) -> list[tuple[str, Item]]:
    return [(pack.id, item) for pack in packs for item in pack.items if not item.broken]


# ------------------------------------------------------------------ summary


def summary(store: ProgressStore, packs: Iterable[Pack | LoadedPack], now: datetime | None = None) -> Summary:
    """Everything about the learner's progress against the packs as they are now.

    Flags, through store.sync_items, the answered items whose content changed since (history
    is kept); that is this function's only write.

    Args:
        store: the progress store.
        packs: the packs on offer (Pack, or LoadedPack of which only sound ones count).
        now: the time mastery and "due today" are computed for; the current time if None.

    Returns:
        The summary.
    """
    now = _utc(now or datetime.now(timezone.utc))
    packs = usable_packs(packs)
    offered = _offered(packs)
    by_key = {(pack_id, item.id): item for pack_id, item in offered}
    changed_keys = set(store.sync_items((p, i.id, i.content_hash) for p, i in offered))
    answers = store.answers(detail=False)
    cards = {(c.pack_id, c.item_id): c for c in store.due(END_OF_TIME)}

    mastery = topic_mastery(store, offered, now)
    topic_items: Counter[str] = Counter(t for _, item in offered for t in item.topics)
    topics: dict[str, TopicSummary] = {}
    for pack in packs:
        for topic_id, title in pack.topics.items():
            if topic_id in topics:
                topics[topic_id].packs.append(pack.id)
            else:
                topics[topic_id] = TopicSummary(topic_id, title, [pack.id], topic_items[topic_id],
                                                mastery.get(topic_id, 0.0))
    scores: dict[str, list[float]] = {}
    for answer in answers:
        for topic_id in answer.topics:
            if topic_id in topics:
                topics[topic_id].answers += 1
                topics[topic_id].passed += bool(answer.passed)
                scores.setdefault(topic_id, []).append(final_fraction(answer))
    for topic_id, values in scores.items():
        topics[topic_id].mean_score = sum(values) / len(values)

    pack_readiness = [PackReadiness(p.id, p.title, p.version, readiness(mastery, p.topics)) for p in packs]
    overall = readiness(mastery, [t for p in packs for t in p.topics])

    due, elsewhere = [], 0
    for key in due_items(store, now):
        item = by_key.get(key)
        if item is None:
            elsewhere += 1
            continue
        card = cards.get(key)
        due.append(DueItem(key[0], key[1], item.title, card.due_at if card else None, key in changed_keys))

    descriptions: dict[str, str] = {}
    for pack in packs:
        for tag, text in pack.misconceptions.items():
            descriptions.setdefault(tag, text)
    misconceptions = [MisconceptionCount(tag, count, descriptions.get(tag, ""))
                      for tag, count in sorted(misconception_counts(answers).items(), key=lambda kv: (-kv[1], kv[0]))]

    days: dict[date, list[float]] = {}
    for answer in answers:
        days.setdefault(_utc(answer.answered_at).date(), []).append(final_fraction(answer))
    history = [DayScore(day, len(values), sum(values) / len(values)) for day, values in sorted(days.items())]

    latest: dict[tuple[str, str], list] = {}  # key -> [attempts, latest answer]
    for answer in answers:  # oldest first, so the last one seen is the latest
        entry = latest.setdefault((answer.pack_id, answer.item_id), [0, answer])
        entry[0] += 1
        entry[1] = answer
    order = {key: n for n, key in enumerate(by_key)}
    items = []
    for key in sorted(latest, key=lambda k: (order.get(k, len(order)), k)):
        attempts, last = latest[key]
        item, card = by_key.get(key), cards.get(key)
        items.append(ItemSummary(key[0], key[1], item.title if item else "", last.kind, attempts,
                                 _utc(last.answered_at), final_fraction(last), last.passed, last.rating,
                                 card.due_at if card else None, key in changed_keys, item is not None))
    changed = [ItemRef(p, i, by_key[p, i].title) for p, i in by_key if (p, i) in changed_keys]

    return Summary(now, learner_name(store), answers, list(topics.values()), overall, pack_readiness, due,
                   list(calibration(answers).values()), misconceptions, history, items, changed,
                   store.recovered, store.path, elsewhere)


# ------------------------------------------------------------------ export


def export(summary: Summary, fmt: str = "json", answers: Sequence[Answer] | None = None) -> str:
    """The learner's report as text.

    Args:
        summary: from summary().
        fmt: "json" (the document in this module's docstring), "csv" (one row per answer) or
            "md" (a readable report with tables).
        answers: the answers to list; the summary's own if None.

    Returns:
        The report, ending with a newline.

    Raises:
        ReportError: fmt is not one of FORMATS.
    """
    answers = summary.answers if answers is None else list(answers)
    if fmt == "json":
        doc = summary.to_json(answers=False)
        doc["answers"] = [_answer_json(a) for a in answers]
        return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if fmt == "csv":
        return _answers_csv(summary.learner, answers)
    if fmt == "md":
        return _markdown(summary)
    raise ReportError(f"unknown report format {fmt!r} (use one of: {', '.join(FORMATS)})")


def _csv_text(value: Any) -> Any:
    """A cell that a spreadsheet will not run as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _write_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _csv_text(v) for v in row])
    return out.getvalue()


def _answers_csv(learner: str, answers: Iterable[Answer]) -> str:
    def row(a: Answer) -> tuple:
        return (learner, a.id, a.pack_id, a.item_id, a.kind, _iso(a.answered_at), _round(a.score),
                _round(a.max_score), _round(final_fraction(a)), int(a.passed), a.hints_used, _round(a.hint_penalty),
                a.confidence, _round(a.duration_s, 2), a.rating, " ".join(a.topics), " ".join(a.misconceptions),
                a.content_hash)

    return _write_csv(ANSWER_CSV_COLUMNS, map(row, answers))


def _cell(value: Any) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(str(value).split()).replace("\\", "\\\\").replace("|", "\\|")


def _table(header: Sequence[str], rows: Iterable[Sequence[Any]], align: str = "") -> list[str]:
    """A Markdown table; align has one letter per column, l or r (default l)."""
    marks = ["---:" if (align[i:i + 1] == "r") else "---" for i in range(len(header))]
    lines = ["| " + " | ".join(_cell(h) for h in header) + " |", "| " + " | ".join(marks) + " |"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return lines


def percent(value: float | None) -> str:
    """0.4567 -> "46%"; None -> "–"."""
    return "–" if value is None else f"{100 * value:.0f}%"


def bar(value: float, width: int = 20, full: str = "█", empty: str = "░") -> str:
    """A text bar for a fraction 0..1."""
    value = min(1.0, max(0.0, value if math.isfinite(value) else 0.0))
    filled = round(value * width)
    return full * filled + empty * (width - filled)


def _when(when: datetime | None) -> str:
    return "–" if when is None else _utc(when).strftime("%Y-%m-%d %H:%M UTC")


def _markdown(s: Summary) -> str:
    lines = [f"# Progress report: {_cell(s.learner)}", "",
             f"Exported {_when(s.generated_at)} by nodeport-trainer {_version()}. "
             f"{s.answer_count} answers, {s.passed_count} passed. "
             f"**Interview readiness: {s.readiness:.0f}%**"
             + (" (" + ", ".join(f"{p.id} {p.readiness:.0f}%" for p in s.packs) + ")" if len(s.packs) > 1 else "")
             + ".", ""]
    if s.empty:
        lines += ["No answers are recorded yet.", ""]
    lines += ["## Mastery by topic", "",
              "Mastery is the chance of recalling the topic's items today (FSRS); unseen items count 0.", ""]
    lines += _table(["Topic", "Mastery", "", "Answers", "Passed", "Mean score"],
                    [(f"{t.title} (`{t.id}`)", percent(t.mastery), bar(t.mastery, 10), t.answers, t.passed,
                      percent(t.mean_score)) for t in s.topics], "lrlrrr")
    lines += ["", f"## Due today ({s.due_count})", ""]
    if s.due:
        lines += _table(["Item", "Title", "Due at", "Note"],
                        [(f"{d.pack_id}/{d.item_id}", d.title, _when(d.due_at), "changed" if d.changed else "")
                         for d in s.due])
    else:
        lines.append("Nothing is due today.")
    lines += ["", "## Calibration", ""]
    if s.calibration:
        lines += ["Confidence asked before the check, against how often the answer passed.", ""]
        lines += _table(["Topic", "Answers", "Mean confidence", "Expected", "Passed", "Verdict"],
                        [(r.topic, r.answers, f"{r.confidence:.1f}/5", percent(r.expected), percent(r.accuracy),
                          r.label) for r in s.calibration], "lrrrrl")
    else:
        lines.append("No answer with a confidence rating yet.")
    lines += ["", "## Misconceptions", ""]
    if s.misconceptions:
        lines += _table(["Misconception", "Answers", "Meaning"],
                        [(f"`{m.tag}`", m.count, m.description) for m in s.misconceptions], "lrl")
    else:
        lines.append("None seen.")
    lines += ["", "## Score history", ""]
    if s.history:
        lines += _table(["Day (UTC)", "Answers", "Mean score"],
                        [(d.day.isoformat(), d.answers, percent(d.mean_score)) for d in s.history], "lrr")
    else:
        lines.append("No answers yet.")
    if s.items:
        lines += ["", "## Items", ""]
        lines += _table(["Item", "Title", "Kind", "Attempts", "Last answered", "Last score", "Result", "Next due"],
                        [(f"{i.pack_id}/{i.item_id}", i.title or "(no longer in the packs)", i.kind, i.attempts,
                          _when(i.last_answered_at), percent(i.last_score),
                          ("passed" if i.last_passed else "not passed") + (", changed since" if i.changed else ""),
                          _when(i.due_at)) for i in s.items], "lllrlrll")
    if s.changed:
        lines += ["", "## Changed since last answered", "",
                  "These items were edited after they were answered; their history is kept. Answer them again.", ""]
        lines += [f"- `{c.pack_id}/{c.item_id}` {_cell(c.title)}" for c in s.changed]
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ merge


@dataclass
class LearnerExport:
    """What merge reads from one export.

    Attributes:
        name: the learner's name, made unique among the merged files.
        file: the file it came from.
        topics: topic id -> (title, mastery, answers, passed).
        misconceptions: tag -> (count, description).
    """

    name: str
    file: str
    exported_at: str
    readiness: float
    answers: int
    passed: int
    due_today: int
    topics: dict[str, tuple[str, float, int, int]]
    misconceptions: dict[str, tuple[int, str]]


class _Bad(Exception):
    """A problem in one export, without the file's name."""


def _get(doc: Mapping, key: str, kind: type | tuple[type, ...], where: str = "", optional: bool = False) -> Any:
    path = f"{where}.{key}" if where else key
    if key not in doc:
        if optional:
            return None
        raise _Bad(f'"{path}" is missing')
    value = doc[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds or not isinstance(value, kinds):
        names = {str: "text", int: "a whole number", float: "a number", list: "a list", dict: "an object",
                 bool: "true or false"}
        wanted = " or ".join(dict.fromkeys(names.get(k, k.__name__) for k in kinds))
        raise _Bad(f'"{path}" must be {wanted}')
    if isinstance(value, float) and not math.isfinite(value):
        raise _Bad(f'"{path}" must be a finite number')
    return value


def _fraction(doc: Mapping, key: str, where: str, top: float = 1.0) -> float:
    value = float(_get(doc, key, (int, float), where))
    if not 0.0 <= value <= top:
        path = f"{where}.{key}" if where else key
        raise _Bad(f'"{path}" must be between 0 and {top:g}, not {value:g}')
    return value


def _count(doc: Mapping, key: str, where: str = "", optional: bool = False) -> int:
    value = _get(doc, key, int, where, optional)
    if value is None:
        return 0
    if value < 0:
        path = f"{where}.{key}" if where else key
        raise _Bad(f'"{path}" must not be negative')
    return value


def read_export(text: str | bytes, file: str) -> LearnerExport:
    """Read and check one JSON export.

    Raises:
        ReportError: the text is not a nodeport-trainer progress export this version can read;
            the message names the file.
    """
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8-sig")
        doc = json.loads(text)
    except UnicodeDecodeError:
        raise ReportError(f"{file}: not a text file (expected a JSON export from "
                          f"`nodeport-trainer progress export --format json`)") from None
    except json.JSONDecodeError as exc:
        raise ReportError(f"{file}: not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); expected an "
                          f"export from `nodeport-trainer progress export --format json`") from None
    except RecursionError:
        raise ReportError(f"{file}: not valid JSON (nested too deeply)") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
        raise ReportError(f"{file}: not a nodeport-trainer progress export (no \"format\": \"{EXPORT_FORMAT}\"); "
                          f"make one with `nodeport-trainer progress export --format json`")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ReportError(f'{file}: "version" must be a whole number from 1 up')
    if version > EXPORT_VERSION:
        raise ReportError(f"{file}: written by a newer nodeport-trainer (export version {version}; this one reads "
                          f"up to {EXPORT_VERSION}); upgrade nodeport-trainer to merge it")
    try:
        learner = _get(doc, "learner", str).strip()
        if not learner:
            raise _Bad('"learner" must not be empty')
        topics = {}
        for n, raw in enumerate(_get(doc, "topics", list)):
            where = f"topics[{n}]"
            if not isinstance(raw, dict):
                raise _Bad(f'"{where}" must be an object')
            topic_id = _get(raw, "id", str, where)
            topics[topic_id] = (_get(raw, "title", str, where), _fraction(raw, "mastery", where),
                                _count(raw, "answers", where, optional=True),
                                _count(raw, "passed", where, optional=True))
        misconceptions = {}
        for n, raw in enumerate(_get(doc, "misconceptions", list, optional=True) or []):
            where = f"misconceptions[{n}]"
            if not isinstance(raw, dict):
                raise _Bad(f'"{where}" must be an object')
            misconceptions[_get(raw, "tag", str, where)] = (_count(raw, "count", where),
                                                            _get(raw, "description", str, where, optional=True) or "")
        due = _get(doc, "due_today", list, optional=True) or []
        return LearnerExport(learner, file, _get(doc, "exported_at", str), _fraction(doc, "readiness", "", 100.0),
                             _count(doc, "answers_count"),
                             _count(doc, "passed_count", optional=True), len(due), topics, misconceptions)
    except _Bad as exc:
        raise ReportError(f"{file}: {exc}") from None


def merge(exports: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]], fmt: str = "md") -> str:
    """Combine several learners' JSON exports into one class report.

    Args:
        exports: (file name, JSON text) of each export, or a mapping of them; the names are
            used in error messages and to tell apart two learners with the same name.
        fmt: "md" (a table per learner and per topic, then a section per learner) or "csv"
            (a row per learner and topic, and a class-average row per topic).

    Returns:
        The report, ending with a newline.

    Raises:
        ReportError: no exports, an unknown format, or an export that cannot be read (the
            message names its file).
    """
    if fmt not in MERGE_FORMATS:
        raise ReportError(f"unknown merge format {fmt!r} (use one of: {', '.join(MERGE_FORMATS)})")
    pairs = list(exports.items() if isinstance(exports, Mapping) else exports)
    if not pairs:
        raise ReportError("no exports to merge")
    learners = [read_export(text, name) for name, text in pairs]
    counts = Counter(x.name for x in learners)
    for learner in learners:
        if counts[learner.name] > 1:
            learner.name = f"{learner.name} ({Path(learner.file).name})"
    topics = _class_topics(learners)
    return _merged_csv(learners, topics) if fmt == "csv" else _merged_markdown(learners, topics)


def _class_topics(learners: Sequence[LearnerExport]) -> dict[str, tuple[str, float, int]]:
    """topic id -> (title, class average mastery, learners with the topic), in first-seen order."""
    seen: dict[str, list] = {}
    for learner in learners:
        for topic_id, (title, mastery, _answers, _passed) in learner.topics.items():
            entry = seen.setdefault(topic_id, [title, 0.0, 0])
            entry[1] += mastery
            entry[2] += 1
    return {t: (title, total / n, n) for t, (title, total, n) in seen.items()}


def _merged_csv(learners: Sequence[LearnerExport], topics: Mapping[str, tuple[str, float, int]]) -> str:
    rows = []
    for x in learners:
        for topic_id, (title, mastery, answers, passed) in x.topics.items():
            rows.append((x.name, x.file, round(x.readiness, 2), x.answers, topic_id, title, _round(mastery),
                         answers, passed))
    mean_readiness = sum(x.readiness for x in learners) / len(learners)
    mean_answers = sum(x.answers for x in learners) / len(learners)
    for topic_id, (title, average, _n) in topics.items():
        answers = sum(x.topics[topic_id][2] for x in learners if topic_id in x.topics)
        passed = sum(x.topics[topic_id][3] for x in learners if topic_id in x.topics)
        rows.append((CLASS_AVERAGE, "", round(mean_readiness, 2), round(mean_answers, 2), topic_id, title,
                     _round(average), answers, passed))
    return _write_csv(MERGE_CSV_COLUMNS, rows)


def _merged_markdown(learners: Sequence[LearnerExport], topics: Mapping[str, tuple[str, float, int]]) -> str:
    n = len(learners)
    mean_readiness = sum(x.readiness for x in learners) / n
    lines = ["# Class progress", "",
             f"{n} learner{'s' if n != 1 else ''}, merged from their exports. "
             f"Mean interview readiness: {mean_readiness:.0f}%.", "", "## Learners", ""]
    lines += _table(["Learner", "Readiness", "Answers", "Pass rate", "Due today", "Exported", "File"],
                    [(x.name, f"{x.readiness:.0f}%", x.answers, percent(x.passed / x.answers) if x.answers else "–",
                      x.due_today, x.exported_at, Path(x.file).name) for x in sorted(learners, key=lambda x: x.name)],
                    "lrrrrll")
    lines += ["", "## Topics", "", "Class average mastery per topic, lowest first, with its weakest learners.", ""]
    rows = []
    for topic_id, (title, average, count) in sorted(topics.items(), key=lambda kv: (kv[1][1], kv[0])):
        values = [(x.topics[topic_id][1], x.name) for x in learners if topic_id in x.topics]
        weakest = ", ".join(f"{name} {percent(v)}" for v, name in sorted(values)[:3])
        rows.append((f"{title} (`{topic_id}`)", percent(average), bar(average, 10), percent(min(values)[0]),
                     percent(max(values)[0]), count, weakest))
    lines += _table(["Topic", "Class average", "", "Lowest", "Highest", "Learners", "Weakest"], rows, "lrlrrrl")
    tags: dict[str, list] = {}
    for x in learners:
        for tag, (count, description) in x.misconceptions.items():
            entry = tags.setdefault(tag, [0, 0, description])
            entry[0] += 1
            entry[1] += count
            entry[2] = entry[2] or description
    if tags:
        lines += ["", "## Misconceptions", ""]
        lines += _table(["Misconception", "Learners", "Answers", "Meaning"],
                        [(f"`{tag}`", k, c, d) for tag, (k, c, d) in sorted(tags.items(), key=lambda kv: (-kv[1][0],
                                                                                                        -kv[1][1],
                                                                                                        kv[0]))],
                        "lrrl")
    for x in sorted(learners, key=lambda x: x.name):
        lines += ["", f"## {_cell(x.name)}", "",
                  f"Readiness {x.readiness:.0f}% (class {mean_readiness:.0f}%), {x.answers} answers, "
                  f"{x.due_today} due today. Exported {x.exported_at} ({_cell(Path(x.file).name)}).", ""]
        lines += _table(["Topic", "Mastery", "", "Class average", "Answers", "Passed"],
                        [(topic_id, percent(mastery), bar(mastery, 10), percent(topics[topic_id][1]), answers, passed)
                         for topic_id, (_title, mastery, answers, passed) in x.topics.items()], "lrlrrr")
        if x.misconceptions:
            seen = ", ".join(f"`{tag}` ×{count}" for tag, (count, _d) in
                             sorted(x.misconceptions.items(), key=lambda kv: (-kv[1][0], kv[0])))
            lines += ["", f"Misconceptions: {seen}."]
    return "\n".join(lines) + "\n"
