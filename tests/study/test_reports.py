"""Progress reports: the summary, the changed-item flag, exports in md/json/csv, and merging a class's exports."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from trainer.content.grading import grade_quiz
from trainer.content.loader import load_pack, load_packs
from trainer.content.model import Item, Pack
from trainer.content.scaffold import scaffold
from trainer.study import reports
from trainer.study.reports import (ANSWER_CSV_COLUMNS, CLASS_AVERAGE, EXPORT_FORMAT, EXPORT_VERSION, ReportError,
                                   export, merge, read_export, summary)
from trainer.study.scheduler import due_items, readiness, record, topic_mastery
from trainer.study.scoring import answer_from, calibration
from trainer.study.store import Answer, ProgressStore

T0 = datetime(2025, 3, 10, 12, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def builtin() -> Pack:
    (loaded,) = [lp for lp in load_packs() if lp.pack is not None and lp.pack.id == "nodeport"]
    assert loaded.sound
    return loaded.pack


@pytest.fixture
def store(tmp_path: Path):
    with ProgressStore.open(tmp_path / "data") as opened:
        yield opened


def quizzes(pack: Pack, n: int) -> list[Item]:
    items = [i for i in pack.items if i.kind == "quiz" and i.choices and not i.broken]
    assert len(items) >= n
    return items[:n]


def right(item: Item) -> list[int]:
    return [i for i, c in enumerate(item.choices) if c.correct]


def wrong(item: Item) -> list[int]:
    return [next(i for i, c in enumerate(item.choices) if not c.correct)]


def answer_quiz(store: ProgressStore, pack: Pack, item: Item, correct: bool, when: datetime,
                confidence: int | None = None, misconceptions: list[str] | None = None) -> Answer:
    """Grade a real response to a built-in quiz item and record it through the scheduler."""
    result = grade_quiz(item, right(item) if correct else wrong(item))
    assert result.passed is correct
    answer = answer_from(item, pack.id, result, confidence=confidence, now=when)
    if misconceptions:
        answer.misconceptions = misconceptions
    record(store, answer)
    return answer


def fill(store: ProgressStore, pack: Pack, skill: float = 0.75, start: datetime = T0 - 4 * DAY) -> list[Answer]:
    """Six answers over four days; the first `skill` share of them right."""
    items = quizzes(pack, 5)
    plan = [(items[0], True, 5), (items[1], False, 4), (items[2], True, 2), (items[3], True, None),
            (items[0], True, 4), (items[4], False, 1)]
    answers = []
    for n, (item, correct, confidence) in enumerate(plan):
        correct = correct if skill >= 0.5 else not correct
        tags = ["targetport-is-nodeport"] if not correct else None
        answers.append(answer_quiz(store, pack, item, correct, start + n * DAY * 0.6, confidence, tags))
    return answers


# Summary


def test_summary_of_graded_answers(store: ProgressStore, builtin: Pack) -> None:
    answers = fill(store, builtin)
    s = summary(store, [builtin], T0)
    assert s.answer_count == 6 and s.passed_count == sum(a.passed for a in answers) == 4
    assert [t.id for t in s.topics] == list(builtin.topics)  # every topic, in the pack's order
    offered = [(builtin.id, i) for i in builtin.items if not i.broken]
    mastery = topic_mastery(store, offered, T0)
    assert {t.id: t.mastery for t in s.topics} == {t: mastery.get(t, 0.0) for t in builtin.topics}
    assert s.readiness == pytest.approx(readiness(mastery, builtin.topics)) and 0 < s.readiness < 100
    assert [(p.id, round(p.readiness, 6)) for p in s.packs] == [(builtin.id, round(s.readiness, 6))]
    assert [(d.pack_id, d.item_id) for d in s.due] == due_items(store, T0)
    assert s.due_count == len(s.due) > 0 and all(d.title for d in s.due)
    basics = next(t for t in s.topics if t.id == answers[0].topics[0])
    counted = [a for a in answers if basics.id in a.topics]
    assert (basics.answers, basics.passed) == (len(counted), sum(a.passed for a in counted))
    assert basics.mean_score == pytest.approx(sum(a.score / a.max_score for a in counted) / len(counted))
    assert s.calibration == list(calibration(answers).values())
    assert [(m.tag, m.count) for m in s.misconceptions] == [("targetport-is-nodeport", 2)]
    assert s.misconceptions[0].description == builtin.misconceptions["targetport-is-nodeport"]
    # Score history: per UTC day, the mean final score of that day's answers.
    by_day: dict = {}
    for a in answers:
        by_day.setdefault(a.answered_at.date(), []).append(a.score / a.max_score)
    assert [(d.day, d.answers, d.mean_score) for d in s.history] == [
        (day, len(v), pytest.approx(sum(v) / len(v))) for day, v in sorted(by_day.items())]
    # The latest result per item, with its number of attempts.
    first = next(i for i in s.items if i.item_id == answers[0].item_id)
    assert (first.attempts, first.last_passed, first.last_answered_at) == (2, True, answers[4].answered_at)
    assert len(s.items) == 5 and all(i.in_packs and i.title for i in s.items)
    assert s.changed == [] and s.recovered is None and s.data_file == store.path


def test_summary_of_an_empty_store(store: ProgressStore, builtin: Pack) -> None:
    s = summary(store, [builtin], T0)
    assert s.empty and s.answer_count == 0 and s.readiness == 0.0 and s.due == []
    assert all(t.mastery == 0.0 and t.answers == 0 and t.mean_score is None for t in s.topics)
    assert (s.calibration, s.misconceptions, s.history, s.items, s.changed) == ([], [], [], [], [])


def test_answers_to_items_the_packs_no_longer_have_are_kept(store: ProgressStore, builtin: Pack) -> None:
    record(store, Answer("gone", "old-item", "quiz", 0.0, 1.0, False, "h", T0 - 2 * DAY, rating="again",
                         topics=["retired-topic"]))
    s = summary(store, [builtin], T0)
    assert s.answer_count == 1 and s.due == [] and s.due_elsewhere == 1
    assert [(i.pack_id, i.item_id, i.in_packs, i.title) for i in s.items] == [("gone", "old-item", False, "")]
    assert "retired-topic" not in {t.id for t in s.topics}


def test_the_learner_name_comes_from_the_store_else_user(store: ProgressStore, builtin: Pack,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USER", "student7")
    assert summary(store, [builtin], T0).learner == "student7"
    store.set_meta("learner", "Ada Lovelace")
    assert summary(store, [builtin], T0).learner == "Ada Lovelace"


# Packs change without losing history


def test_an_edited_item_is_flagged_changed_not_reset(tmp_path: Path, store: ProgressStore) -> None:
    root = tmp_path / "starter"
    assert scaffold(root) is None
    pack = load_pack(root).pack
    item = pack.item("first-quiz")
    answer_quiz(store, pack, item, True, T0 - DAY, confidence=4)
    assert summary(store, [pack], T0).changed == []

    items = root / "items" / "basics.yaml"
    original = items.read_text(encoding="utf-8")
    items.write_text(original.replace("title: Where the port opens", "title: Where the nodePort opens"),
                     encoding="utf-8")
    edited = load_pack(root).pack
    assert edited.item("first-quiz").content_hash != item.content_hash
    s = summary(store, [edited], T0)
    assert [(c.pack_id, c.item_id, c.title) for c in s.changed] == [("starter", "first-quiz",
                                                                       "Where the nodePort opens")]
    assert s.answer_count == 1 and s.items[0].changed and s.items[0].attempts == 1  # history kept
    assert store.card("starter", "first-quiz").fsrs_state is not None  # and so is the schedule
    assert "## Changed since last answered" in export(s, "md")
    assert json.loads(export(s, "json"))["changed"] == [{"pack": "starter", "item": "first-quiz",
                                                         "title": "Where the nodePort opens"}]

    # Answering the new version clears the flag; so does editing the item back.
    answer_quiz(store, edited, edited.item("first-quiz"), True, T0)
    assert summary(store, [edited], T0).changed == []
    assert summary(store, [pack], T0).changed != []
    answer_quiz(store, pack, item, True, T0)
    assert summary(store, [pack], T0).changed == []


# Export


def test_json_export_is_a_versioned_document(store: ProgressStore, builtin: Pack) -> None:
    answers = fill(store, builtin)
    store.set_meta("learner", "alice")
    doc = json.loads(export(summary(store, [builtin], T0), "json"))
    assert (doc["format"], doc["version"], doc["learner"]) == (EXPORT_FORMAT, EXPORT_VERSION, "alice")
    assert doc["exported_at"] == "2025-03-10T12:00:00+00:00" and doc["generator"].startswith("nodeport-trainer ")
    assert doc["answers_count"] == len(doc["answers"]) == 6 and doc["passed_count"] == 4
    assert [t["id"] for t in doc["topics"]] == list(builtin.topics)
    assert all(0 <= t["mastery"] <= 1 for t in doc["topics"]) and 0 < doc["readiness"] < 100
    first = doc["answers"][0]
    assert (first["pack"], first["item"], first["passed"], first["confidence"]) == (
        "nodeport", answers[0].item_id, True, 5)
    assert first["answered_at"] == (T0 - 4 * DAY).isoformat() and first["topics"] == answers[0].topics
    latest = {(i["pack"], i["item"]): i for i in doc["items"]}
    assert latest["nodeport", answers[0].item_id]["attempts"] == 2
    assert latest["nodeport", answers[1].item_id]["last_passed"] is False
    assert doc["misconceptions"] == [{"tag": "targetport-is-nodeport", "count": 2,
                                      "description": builtin.misconceptions["targetport-is-nodeport"]}]
    assert len(doc["history"]) == len({a.answered_at.date() for a in answers})
    assert "answers" not in summary(store, [builtin], T0).to_json(answers=False)


def test_csv_export_has_one_row_per_answer(store: ProgressStore, builtin: Pack) -> None:
    answers = fill(store, builtin)
    store.set_meta("learner", "=HYPERLINK(1)")  # a spreadsheet must not run it
    rows = list(csv.DictReader(io.StringIO(export(summary(store, [builtin], T0), "csv"))))
    assert len(rows) == len(answers) and tuple(rows[0]) == ANSWER_CSV_COLUMNS
    assert [(r["item"], r["passed"]) for r in rows] == [(a.item_id, str(int(a.passed))) for a in answers]
    assert rows[0]["learner"] == "'=HYPERLINK(1)" and rows[0]["topics"] == " ".join(answers[0].topics)
    assert rows[1]["misconceptions"] == "targetport-is-nodeport" and float(rows[1]["final_score"]) == 0.0


def test_markdown_export_is_a_readable_report(store: ProgressStore, builtin: Pack) -> None:
    fill(store, builtin)
    store.set_meta("learner", "al|ice")
    text = export(summary(store, [builtin], T0), "md")
    assert text.startswith("# Progress report: al\\|ice\n")
    for heading in ("## Mastery by topic", "## Due today", "## Calibration", "## Misconceptions",
                    "## Score history", "## Items"):
        assert f"\n{heading}" in text
    assert "| Topic | Mastery |" in text and f"(`{next(iter(builtin.topics))}`)" in text
    assert "| `targetport-is-nodeport` | 2 |" in text and "Interview readiness:" in text


def test_an_empty_export_still_reads(store: ProgressStore, builtin: Pack) -> None:
    s = summary(store, [builtin], T0)
    assert "No answers are recorded yet." in export(s, "md")
    assert export(s, "csv").strip() == ",".join(ANSWER_CSV_COLUMNS)
    assert read_export(export(s, "json"), "empty.json").answers == 0


def test_an_unknown_export_format_is_refused(store: ProgressStore, builtin: Pack) -> None:
    with pytest.raises(ReportError, match="unknown report format 'pdf'"):
        export(summary(store, [builtin], T0), "pdf")
    with pytest.raises(ReportError, match="unknown merge format 'json'"):
        merge([("a.json", "{}")], "json")


# Merge


def class_of(tmp_path: Path, pack: Pack, learners: dict[str, float]) -> dict[str, str]:
    """The JSON export of each learner, each from a store of their own."""
    exports = {}
    for n, (name, skill) in enumerate(learners.items()):
        with ProgressStore.open(tmp_path / name) as own:
            own.set_meta("learner", name)
            fill(own, pack, skill, T0 - (4 + n) * DAY)
            exports[f"{name}.json"] = export(summary(own, [pack], T0), "json")
    return exports


def test_json_round_trips_through_merge(store: ProgressStore, builtin: Pack) -> None:
    fill(store, builtin)
    store.set_meta("learner", "alice")
    s = summary(store, [builtin], T0)
    read = read_export(export(s, "json"), "alice.json")
    assert (read.name, read.answers, read.passed, read.due_today) == ("alice", 6, 4, s.due_count)
    assert read.readiness == pytest.approx(s.readiness, abs=0.01)
    assert {t: round(v[1], 4) for t, v in read.topics.items()} == {t.id: round(t.mastery, 4) for t in s.topics}
    assert read.misconceptions == {"targetport-is-nodeport": (2, builtin.misconceptions["targetport-is-nodeport"])}
    # `progress --json` (no answers list) merges too.
    assert "alice" in merge([("summary.json", json.dumps(s.to_json(answers=False)))], "md")


def test_merging_three_learners_into_markdown(tmp_path: Path, builtin: Pack) -> None:
    exports = class_of(tmp_path, builtin, {"alice": 0.9, "bob": 0.2, "carol": 0.7})
    docs = {name: json.loads(text) for name, text in exports.items()}
    text = merge(exports, "md")
    assert text.startswith("# Class progress\n") and "3 learners" in text
    for learner in ("alice", "bob", "carol"):
        assert f"\n## {learner}\n" in text
        readiness_text = f"{docs[learner + '.json']['readiness']:.0f}%"
        assert f"| {learner} | {readiness_text} | 6 |" in text
    topic = docs["alice.json"]["topics"][0]
    average = sum(d["topics"][0]["mastery"] for d in docs.values()) / 3
    assert f"| {topic['title']} (`{topic['id']}`) | {reports.percent(average)} |" in text
    assert "| `targetport-is-nodeport` | 3 |" in text  # seen by all three learners


def test_merging_into_csv_gives_class_averages_per_topic(tmp_path: Path, builtin: Pack) -> None:
    exports = class_of(tmp_path, builtin, {"alice": 0.9, "bob": 0.2})
    docs = [json.loads(t) for t in exports.values()]
    rows = list(csv.DictReader(io.StringIO(merge(list(exports.items()), "csv"))))
    topics = [t["id"] for t in docs[0]["topics"]]
    assert len(rows) == 3 * len(topics)  # each learner's topics, then the class averages
    averages = {r["topic"]: r for r in rows if r["learner"] == CLASS_AVERAGE}
    assert list(averages) == topics
    for n, topic in enumerate(topics):
        mean = sum(d["topics"][n]["mastery"] for d in docs) / 2
        assert float(averages[topic]["mastery"]) == pytest.approx(mean, abs=1e-4)
        assert int(averages[topic]["topic_answers"]) == sum(d["topics"][n]["answers"] for d in docs)
    bob = [r for r in rows if r["learner"] == "bob"]
    assert {float(r["readiness"]) for r in bob} == {docs[1]["readiness"]} and bob[0]["file"] == "bob.json"
    assert float(averages[topics[0]]["readiness"]) == pytest.approx((docs[0]["readiness"] + docs[1]["readiness"]) / 2,
                                                                   abs=0.01)


def test_learners_with_the_same_name_stay_apart(tmp_path: Path, builtin: Pack) -> None:
    text = next(iter(class_of(tmp_path, builtin, {"alice": 0.9}).values()))
    rows = list(csv.DictReader(io.StringIO(merge([("a/alice.json", text), ("b/alice2.json", text)], "csv"))))
    assert {r["learner"] for r in rows} == {"alice (alice.json)", "alice (alice2.json)", CLASS_AVERAGE}


def good_export() -> dict:
    return {"format": EXPORT_FORMAT, "version": 1, "learner": "x", "exported_at": "2025-03-10T12:00:00+00:00",
            "answers_count": 1, "passed_count": 1, "readiness": 10.0,
            "topics": [{"id": "ports", "title": "Ports", "mastery": 0.5, "answers": 1, "passed": 1}]}


def edited(**changes) -> str:
    doc = good_export()
    for key, value in changes.items():
        if value is None:
            del doc[key]
        else:
            doc[key] = value
    return json.dumps(doc)


@pytest.mark.parametrize("text, message", [
    ("", "not valid JSON (line 1, column 1"),
    ("{\"format\": ", "not valid JSON"),
    (b"\xff\xfe\x00garbage", "not a text file"),
    ("[1, 2]", "not a nodeport-trainer progress export"),
    ('{"learner": "x", "topics": []}', "not a nodeport-trainer progress export"),
    (edited(version=2), "written by a newer nodeport-trainer (export version 2"),
    (edited(version="1"), '"version" must be a whole number'),
    (edited(learner=None), '"learner" is missing'),
    (edited(learner="  "), '"learner" must not be empty'),
    (edited(readiness=140), '"readiness" must be between 0 and 100, not 140'),
    (edited(readiness=True), '"readiness" must be a whole number or a number'),
    (edited(answers_count=-1), '"answers_count" must not be negative'),
    (edited(topics={"ports": 1}), '"topics" must be a list'),
    (edited(topics=[{"id": "ports", "title": "Ports", "mastery": 2}]), '"topics[0].mastery" must be between 0 and 1'),
    (edited(topics=[{"id": "ports", "mastery": 0.5}]), '"topics[0].title" is missing'),
    (edited(topics=["ports"]), '"topics[0]" must be an object'),
    (edited(misconceptions=[{"tag": "t", "count": "many"}]), '"misconceptions[0].count" must be a whole number'),
])
def test_a_bad_export_is_named_in_a_clear_error(text: str | bytes, message: str) -> None:
    good = json.dumps(good_export())
    with pytest.raises(ReportError) as caught:
        merge([("ok.json", good), ("class/broken.json", text)], "md")
    assert str(caught.value).startswith("class/broken.json: ") and message in str(caught.value)


def test_a_good_minimal_export_merges_and_nothing_merges_nothing() -> None:
    assert "| x | 10% | 1 | 100% | 0 |" in merge({"x.json": json.dumps(good_export())}, "md")
    with pytest.raises(ReportError, match="no exports to merge"):
        merge([], "md")
