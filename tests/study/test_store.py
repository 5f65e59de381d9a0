"""The progress store: crash safety, recovery, migrations, concurrent writers, changed items, resets."""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from trainer.study import store as store_module
from trainer.study.store import FILENAME, Answer, Card, ProgressStore, StoreError, default_data_dir

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2025, 3, 1, 12, 0, tzinfo=timezone.utc)

#: A child process that records answers (forever if the count is 0) and prints each committed id.
#: With a gate it first prints "ready" and waits for a line on stdin, so that writers start together.
RECORDER = """
import sys
from trainer.study.store import Answer, ProgressStore
data_dir, pack, count, gate = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "gate"
store = ProgressStore.open(data_dir)
if gate:
    print("ready", flush=True)
    sys.stdin.readline()
n = 0
while count == 0 or n < count:
    n += 1
    answer = Answer(pack, f"item-{n % 7}", "drill", 0.5, 1.0, False, "h1", detail={"n": n})
    print(store.record_answer(answer), flush=True)
"""


def answer(item: str = "svc-1", pack: str = "core", **fields) -> Answer:
    return Answer(pack, item, **{"kind": "quiz", "score": 1.0, "max_score": 1.0, "passed": True,
                                 "content_hash": "h1", **fields})


def recorder(data_dir: Path, pack: str, count: int, gate: bool = False) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RECORDER, str(data_dir), pack, str(count),
                             "gate" if gate else "-"], cwd=ROOT, text=True, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def backups(data_dir: Path) -> list[Path]:
    return sorted(p for p in data_dir.iterdir() if re.fullmatch(rf"{FILENAME}\.bak-\d{{8}}-\d{{6}}", p.name))


# Crash safety


def test_every_answer_committed_before_a_sigkill_is_still_there(tmp_path: Path) -> None:
    reported: list[int] = []
    for stop_after in (1, 40, 150):
        child = recorder(tmp_path, "core", 0)
        ids: list[int] = []
        for line in child.stdout:
            ids.append(int(line))
            if len(ids) == stop_after:
                break
        # The child is in its write loop, most likely inside a transaction or an fsync.
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
        assert child.returncode == -signal.SIGKILL, child.stderr.read()
        rest = child.stdout.read().split("\n")[:-1]  # whole lines only: each was printed after its COMMIT
        ids += [int(line) for line in rest]
        assert len(ids) >= stop_after
        # No clean close, so the answers are still in the write-ahead log: reopening must replay it.
        assert (tmp_path / f"{FILENAME}-wal").exists()
        reported += ids
        with ProgressStore.open(tmp_path) as store:
            assert store.recovered is None
            stored = {a.id for a in store.answers()}
        assert set(reported) <= stored


# Recovery from damaged and foreign files


def garbage(path: Path) -> None:
    path.write_bytes(random.Random(7).randbytes(8192))


def truncated(path: Path) -> None:
    with ProgressStore.open(path.parent) as store:
        for n in range(300):
            store.record_answer(answer(f"item-{n}", detail={"note": "x" * 200}))
    os.truncate(path, path.stat().st_size // 2)


def foreign(path: Path) -> None:
    db = sqlite3.connect(path)
    db.execute("CREATE TABLE recipes (name TEXT)")
    db.execute("INSERT INTO recipes VALUES ('soup')")
    db.commit()
    db.close()


def foreign_application(path: Path) -> None:
    foreign(path)
    db = sqlite3.connect(path)
    db.execute("PRAGMA application_id = 1234")
    db.close()


def directory(path: Path) -> None:
    path.mkdir()
    (path / "notes.txt").write_text("not a database")


@pytest.mark.parametrize("damage, reason", [(garbage, "was damaged"), (truncated, "was damaged"),
                                            (foreign, "was not a nodeport-trainer progress file"),
                                            (foreign_application, "was not a nodeport-trainer progress file"),
                                            (directory, "was damaged")])
def test_a_damaged_or_foreign_file_is_kept_aside_and_replaced(tmp_path: Path, damage, reason: str) -> None:
    path = tmp_path / FILENAME
    damage(path)
    before = path.read_bytes() if path.is_file() else None
    with ProgressStore.open(tmp_path) as store:
        [backup] = backups(tmp_path)
        assert store.recovered.startswith(f"The progress file {path} {reason}")
        assert store.recovered.endswith(f"; it was kept as {backup.name} and a new one was started.")
        if before is not None:
            assert backup.read_bytes() == before
        new = store.record_answer(answer())
        assert [a.id for a in store.answers()] == [new]
    with ProgressStore.open(tmp_path) as store:
        assert store.recovered is None
        assert [a.id for a in store.answers()] == [new]
    if damage is foreign:
        assert sqlite3.connect(backup).execute("SELECT name FROM recipes").fetchall() == [("soup",)]


def test_the_wal_and_shm_move_aside_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    for round_ in (1, 2):  # the second backup in the same second gets its own name
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").write_text(f"{round_}{suffix}")
        backup = store_module._move_aside(path)
        assert [Path(f"{backup}{s}").read_text() for s in ("", "-wal", "-shm")] == \
               [f"{round_}", f"{round_}-wal", f"{round_}-shm"]
        assert not any(Path(f"{path}{s}").exists() for s in ("", "-wal", "-shm"))
    assert len(backups(tmp_path)) == 1 and len(list(tmp_path.glob(f"{FILENAME}.bak-*-1"))) == 1


def test_a_healthy_or_empty_file_is_used_as_it_is(tmp_path: Path) -> None:
    (tmp_path / FILENAME).write_bytes(b"")  # SQLite's own empty database
    with ProgressStore.open(tmp_path) as store:
        assert store.recovered is None
        store.record_answer(answer())
    with ProgressStore.open(tmp_path) as store:
        assert store.recovered is None and len(store.answers()) == 1
    assert backups(tmp_path) == []


def test_a_data_dir_that_cannot_be_created_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("")
    with pytest.raises(StoreError, match="Cannot create the progress directory"):
        ProgressStore.open(tmp_path / "file" / "data")


# Schema versions


def add_device(db: sqlite3.Connection) -> None:
    db.execute("ALTER TABLE answers ADD COLUMN device TEXT NOT NULL DEFAULT 'laptop'")


def schema(path: Path) -> tuple[int, list[str]]:
    db = sqlite3.connect(path)
    try:
        return (db.execute("PRAGMA user_version").fetchone()[0],
                [row[1] for row in db.execute("PRAGMA table_info(answers)")])
    finally:
        db.close()


@pytest.mark.parametrize("start", [0, 1])
def test_an_older_schema_is_migrated_and_keeps_its_answers(tmp_path: Path, monkeypatch, start: int) -> None:
    ids = []
    if start == 1:
        with ProgressStore.open(tmp_path) as store:
            ids.append(store.record_answer(answer()))
        assert schema(tmp_path / FILENAME)[0] == 1
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, add_device])
    with ProgressStore.open(tmp_path) as store:
        assert store.recovered is None
        ids.append(store.record_answer(answer()))
        assert [a.id for a in store.answers()] == ids
    version, columns = schema(tmp_path / FILENAME)
    assert version == 2 and columns[-1] == "device"


def test_a_failed_migration_leaves_the_file_as_it_was(tmp_path: Path, monkeypatch) -> None:
    with ProgressStore.open(tmp_path) as store:
        first = store.record_answer(answer())

    def broken(db: sqlite3.Connection) -> None:
        add_device(db)
        db.execute("UPDATE no_such_table SET x = 1")

    known = store_module.MIGRATIONS
    monkeypatch.setattr(store_module, "MIGRATIONS", [*known, broken])
    with pytest.raises(StoreError, match="no such table: no_such_table. It was left as it was"):
        ProgressStore.open(tmp_path)
    version, columns = schema(tmp_path / FILENAME)
    assert version == 1 and "device" not in columns
    monkeypatch.setattr(store_module, "MIGRATIONS", known)
    with ProgressStore.open(tmp_path) as store:
        assert [a.id for a in store.answers()] == [first]


def test_a_newer_schema_is_refused_and_left_alone(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        store.record_answer(answer())
    db = sqlite3.connect(tmp_path / FILENAME)
    db.execute("PRAGMA user_version = 99")
    db.close()
    before = (tmp_path / FILENAME).read_bytes()
    with pytest.raises(StoreError, match=r"newer nodeport-trainer \(schema version 99; this one knows up to 1\)"):
        ProgressStore.open(tmp_path)
    assert (tmp_path / FILENAME).read_bytes() == before
    assert backups(tmp_path) == []


# Two app instances


def test_two_instances_write_at_once_without_locking_errors(tmp_path: Path) -> None:
    count = 300
    writers = {pack: recorder(tmp_path, pack, count, gate=True) for pack in ("laptop", "terminal", "tmux")}
    for child in writers.values():  # all three open the new store at about the same time ...
        assert child.stdout.readline() == "ready\n", child.stderr.read()
    for child in writers.values():  # ... and then write at once
        child.stdin.write("go\n")
        child.stdin.flush()
    with ProgressStore.open(tmp_path) as reader:  # a reader meanwhile is never blocked
        while any(child.poll() is None for child in writers.values()):
            reader.answers()
    reported = {}
    for pack, child in writers.items():
        out, err = child.communicate(timeout=30)
        assert child.returncode == 0 and err == "", err
        reported[pack] = [int(line) for line in out.split()]
    with ProgressStore.open(tmp_path) as store:
        stored = store.answers()
    for pack, ids in reported.items():
        assert len(ids) == count
        assert sorted(a.id for a in stored if a.pack_id == pack) == sorted(ids)
    assert len(stored) == 3 * count


def test_a_writer_waits_for_another_instances_transaction(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        other = sqlite3.connect(store.path, isolation_level=None, check_same_thread=False)
        other.execute("BEGIN IMMEDIATE")  # another instance in the middle of its write
        other.execute("INSERT INTO meta VALUES ('other', 'instance')")
        threading.Timer(0.3, other.execute, ["COMMIT"]).start()
        start = time.perf_counter()
        store.record_answer(answer())  # waits for the lock (busy_timeout) instead of failing
        assert time.perf_counter() - start >= 0.25
        assert len(store.answers()) == 1 and store.get_meta("other") == "instance"
        other.close()


# Answers and cards


def test_an_answer_round_trips_with_every_field(tmp_path: Path) -> None:
    full = Answer("core", "svc-1", "drill", 2.5, 4.0, False, "abc", T0, hints_used=2, hint_penalty=0.5,
                  confidence=4, duration_s=12.5, rating="hard", topics=["nodeport", "kube-proxy"],
                  misconceptions=["nodeport-hits-pod-directly"],
                  detail={"checks": [{"id": "c1", "passed": False, "weight": 2}], "note": "ünïcode"})
    with ProgressStore.open(tmp_path) as store:
        new = store.record_answer(full)
        assert store.answers() == [replace(full, id=new)]
        assert store.answers(detail=False) == [replace(full, id=new, detail={})]
        with pytest.raises(sqlite3.IntegrityError):
            store.record_answer(answer(rating="meh"))
        with pytest.raises(sqlite3.IntegrityError):
            store.record_answer(answer(confidence=6))
        assert len(store.answers()) == 1


def test_answers_filter_by_pack_item_and_time(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        late = store.record_answer(answer("a", answered_at=T0 + timedelta(hours=2)))
        early = store.record_answer(answer("a", answered_at=T0))
        other = store.record_answer(answer("b", "extra", answered_at=T0 + timedelta(hours=1)))
        everything = store.answers()
        assert [a.id for a in everything] == [early, other, late]
        everything[0].topics.append("mine")  # equal lists are decoded once, but never shared
        assert [a.topics for a in everything] == [["mine"], [], []]
        assert [a.id for a in store.answers(pack_id="core")] == [early, late]
        assert [a.id for a in store.answers(pack_id="extra", item_id="b")] == [other]
        # Another time zone, and a naive time taken as UTC, compare by the instant.
        paris = timezone(timedelta(hours=1))
        assert [a.id for a in store.answers(since=datetime(2025, 3, 1, 14, 0, tzinfo=paris))] == [other, late]
        assert [a.id for a in store.answers(since=datetime(2025, 3, 1, 13, 30))] == [late]


def test_cards_are_saved_and_come_due_most_overdue_first(tmp_path: Path) -> None:
    a = Card("core", "a", "h1", {"stability": 2.5, "state": 2}, T0, T0 - timedelta(days=2))
    with ProgressStore.open(tmp_path) as store:
        for card in (a, Card("core", "later", due_at=T0 + timedelta(days=2)),
                     Card("core", "overdue", due_at=T0 - timedelta(hours=1)), Card("core", "unscheduled")):
            store.save_card(card)
        assert store.card("core", "a") == a
        assert store.card("core", "nothing") is None
        assert [c.item_id for c in store.due(T0)] == ["overdue", "a"]
        store.save_card(replace(a, due_at=T0 + timedelta(days=5)))
        assert [c.item_id for c in store.due(T0)] == ["overdue"]


def test_an_edited_item_is_flagged_changed_and_keeps_its_history(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        store.record_answer(answer("a"))
        store.record_answer(answer("b"))
        store.save_card(replace(store.card("core", "a"), fsrs_state={"stability": 3.0}, due_at=T0))
        items = [("core", "a", "h2"), ("core", "b", "h1"), ("core", "never-answered", "h9")]
        assert store.sync_items(items) == [("core", "a")]
        card = store.card("core", "a")
        assert card.changed and card.content_hash == "h1"  # the version the learner answered
        assert (card.fsrs_state, card.due_at) == ({"stability": 3.0}, T0)
        assert len(store.answers(item_id="a")) == 1
        assert not store.card("core", "b").changed
        assert store.card("core", "never-answered") is None
        assert store.sync_items([("core", "a", "h1")]) == []  # edited back
        assert store.mark_changed("core", "a", "h2") is True
        store.record_answer(answer("a", content_hash="h2"))  # answering the new version clears the flag
        card = store.card("core", "a")
        assert (card.changed, card.content_hash, card.fsrs_state) == (False, "h2", {"stability": 3.0})
        assert [a.content_hash for a in store.answers(item_id="a")] == ["h1", "h2"]


def test_reset_one_item_one_pack_or_everything(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        for pack, item in [("core", "a"), ("core", "a"), ("core", "b"), ("extra", "a")]:
            store.record_answer(answer(item, pack))
        assert store.reset(item=("core", "a")) == 2
        assert [(a.pack_id, a.item_id) for a in store.answers()] == [("core", "b"), ("extra", "a")]
        assert store.card("core", "a") is None and store.card("extra", "a") is not None
        assert store.reset(pack="core") == 1
        assert [(a.pack_id, a.item_id) for a in store.answers()] == [("extra", "a")]
        assert store.reset(everything=True) == 1
        assert store.answers() == [] and store.card("extra", "a") is None
        assert store.get_meta("created_at") is not None
        for wrong in ({}, {"pack": "core", "everything": True}):
            with pytest.raises(ValueError, match="exactly one"):
                store.reset(**wrong)


def test_meta_values(tmp_path: Path) -> None:
    with ProgressStore.open(tmp_path) as store:
        assert store.get_meta("learner", "anonymous") == "anonymous"
        store.set_meta("learner", "ana")
    with ProgressStore.open(tmp_path) as store:
        assert store.get_meta("learner") == "ana"


# Where it lives, and what it imports


def test_the_data_dir_comes_from_the_environment_or_platformdirs(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NODEPORT_TRAINER_DATA_DIR", str(tmp_path / "data"))
    assert default_data_dir() == tmp_path / "data"
    with ProgressStore.open() as store:
        assert store.path == tmp_path / "data" / FILENAME and store.path.exists()
    monkeypatch.delenv("NODEPORT_TRAINER_DATA_DIR")
    import platformdirs

    assert default_data_dir() == Path(platformdirs.user_data_dir("nodeport-trainer"))


def test_the_store_imports_neither_textual_nor_platformdirs() -> None:
    code = "import sys, trainer.study.store; print([m for m in ('textual', 'platformdirs') if m in sys.modules])"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "[]", result.stderr
