"""The progress store: every answer and every review card in one SQLite file per learner."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

FILENAME = "progress.sqlite3"
#: Written to the SQLite header (offset 68) so that any other SQLite file is recognised as foreign.
APPLICATION_ID = 0x4E505452  # "NPTR"
#: Long enough for another instance's short write transaction to finish; see _transaction.
BUSY_TIMEOUT_S = 10.0
RATINGS = ("again", "hard", "good", "easy")
#: The database file and the files SQLite keeps beside it; they move aside together.
_SIDECARS = ("", "-wal", "-shm", "-journal")

#: The answers table's columns after id; detail must stay last (answers(detail=False) leaves it out).
_ANSWER_COLUMNS = ("pack_id", "item_id", "content_hash", "kind", "answered_at", "score", "max_score",
                   "passed", "hints_used", "hint_penalty", "confidence", "duration_s", "rating",
                   "topics", "misconceptions", "detail")
_CARD_COLUMNS = ("pack_id", "item_id", "content_hash", "fsrs_state", "due_at", "last_review_at", "changed")


class StoreError(Exception):
    """The store cannot be used as it is; the message is written for the learner."""


def default_data_dir() -> Path:
    """The directory that holds the progress store unless the caller names one.

    Returns:
        $NODEPORT_TRAINER_DATA_DIR if it is set, else the platform's user data directory.
    """
    if env := os.environ.get("NODEPORT_TRAINER_DATA_DIR"):
        return Path(env).expanduser()
    import platformdirs  # Imported here: most commands never open the store.

    return Path(platformdirs.user_data_dir("nodeport-trainer"))


def _utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Answer:
    """One recorded attempt at one item.

    Attributes:
        pack_id: the pack's id.
        item_id: the item's id within the pack.
        kind: the item's kind (quiz, drill, follow-up, interview, ...).
        score: points earned, after hint penalties.
        max_score: points available.
        passed: whether the attempt counts as a pass.
        content_hash: the hash of the item's content as it was answered.
        answered_at: when; naive times are taken as UTC.
        hints_used: how many hints the learner opened.
        hint_penalty: points taken off for those hints.
        confidence: the learner's confidence before the check (1-5), or None.
        duration_s: seconds spent on the item, or None.
        rating: the review rating (again, hard, good or easy), or None.
        topics: the item's topics.
        misconceptions: the misconception tags of the checks that failed.
        detail: anything else worth keeping (check results, rubric points), as JSON-able data.
        id: the row id; None until recorded.
    """

    pack_id: str
    item_id: str
    kind: str
    score: float
    max_score: float
    passed: bool
    content_hash: str = ""
    answered_at: datetime = field(default_factory=_utcnow)
    hints_used: int = 0
    hint_penalty: float = 0.0
    confidence: int | None = None
    duration_s: float | None = None
    rating: str | None = None
    topics: list[str] = field(default_factory=list)
    misconceptions: list[str] = field(default_factory=list)
    detail: dict[str, Any] = field(default_factory=dict)
    id: int | None = None


@dataclass
class Card:
    """The review card of one item.

    Attributes:
        pack_id: the pack's id.
        item_id: the item's id within the pack.
        content_hash: the hash of the item's content when the learner last answered it.
        fsrs_state: the scheduler's card as JSON-able data, or None before the first review.
        due_at: when the item is next due, or None if it is not scheduled.
        last_review_at: when it was last reviewed, or None.
        changed: the item was edited after the learner last answered it.
    """

    pack_id: str
    item_id: str
    content_hash: str = ""
    fsrs_state: dict[str, Any] | None = None
    due_at: datetime | None = None
    last_review_at: datetime | None = None
    changed: bool = False


def _iso(when: datetime | None) -> str | None:
    """One fixed UTC format, so that comparing the text compares the times."""
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).isoformat(timespec="microseconds")


def _time(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _answer_row(a: Answer) -> tuple:
    return (a.pack_id, a.item_id, a.content_hash, a.kind, _iso(a.answered_at), a.score, a.max_score,
            int(a.passed), a.hints_used, a.hint_penalty, a.confidence, a.duration_s, a.rating,
            _json(list(a.topics)), _json(list(a.misconceptions)), _json(a.detail))


def _answer_reader() -> Callable[[tuple], Answer]:
    """Turn rows into Answers, decoding each distinct topics or misconceptions text only once.

    Those lists repeat across answers (one per item), and JSON decoding is most of the cost of
    reading thousands of answers; every Answer still gets lists of its own.
    """
    lists: dict[str, list] = {}

    def as_list(text: str) -> list:
        if text not in lists:
            lists[text] = json.loads(text)
        return list(lists[text])

    def read(row: tuple) -> Answer:
        (id_, pack_id, item_id, content_hash, kind, at, score, max_score, passed, hints_used, hint_penalty,
         confidence, duration_s, rating, topics, misconceptions, detail) = row
        return Answer(pack_id, item_id, kind, score, max_score, bool(passed), content_hash,
                      datetime.fromisoformat(at), hints_used, hint_penalty, confidence, duration_s, rating,
                      as_list(topics), as_list(misconceptions), {} if detail is None else json.loads(detail), id_)

    return read


def _card(row: tuple) -> Card:
    pack_id, item_id, content_hash, state, due_at, last_review_at, changed = row
    return Card(pack_id, item_id, content_hash, None if state is None else json.loads(state),
                _time(due_at), _time(last_review_at), bool(changed))


def _v1(db: sqlite3.Connection) -> None:
    """Version 1: answers, review cards, and a key-value table."""
    ratings = ", ".join(f"'{r}'" for r in RATINGS)
    for statement in (
        f"""CREATE TABLE answers (
            id INTEGER PRIMARY KEY, pack_id TEXT NOT NULL, item_id TEXT NOT NULL,
            content_hash TEXT NOT NULL DEFAULT '', kind TEXT NOT NULL, answered_at TEXT NOT NULL,
            score REAL NOT NULL, max_score REAL NOT NULL, passed INTEGER NOT NULL CHECK (passed IN (0, 1)),
            hints_used INTEGER NOT NULL DEFAULT 0, hint_penalty REAL NOT NULL DEFAULT 0,
            confidence INTEGER CHECK (confidence BETWEEN 1 AND 5), duration_s REAL,
            rating TEXT CHECK (rating IN ({ratings})), topics TEXT NOT NULL DEFAULT '[]',
            misconceptions TEXT NOT NULL DEFAULT '[]', detail TEXT NOT NULL DEFAULT '{{}}')""",
        "CREATE INDEX answers_by_item ON answers (pack_id, item_id, answered_at)",
        "CREATE INDEX answers_by_time ON answers (answered_at)",
        """CREATE TABLE cards (
            pack_id TEXT NOT NULL, item_id TEXT NOT NULL, content_hash TEXT NOT NULL DEFAULT '',
            fsrs_state TEXT, due_at TEXT, last_review_at TEXT,
            changed INTEGER NOT NULL DEFAULT 0 CHECK (changed IN (0, 1)),
            PRIMARY KEY (pack_id, item_id)) WITHOUT ROWID""",
        "CREATE INDEX cards_by_due ON cards (due_at)",
        "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
        f"PRAGMA application_id = {APPLICATION_ID}",
    ):
        db.execute(statement)
    db.execute("INSERT INTO meta VALUES ('created_at', ?)", (_iso(_utcnow()),))


#: MIGRATIONS[n] takes a database from schema version n to n + 1 (PRAGMA user_version).
#: Append new ones; never edit one that has shipped.
MIGRATIONS: list[Callable[[sqlite3.Connection], None]] = [_v1]


@contextmanager
def _transaction(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One short write transaction.

    BEGIN IMMEDIATE takes the write lock up front, so a second app instance waits for it
    (busy_timeout) instead of failing later with "database is locked" when a read would
    have to turn into a write.
    """
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.in_transaction:
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _busy(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF  # SQLITE_BUSY = 5, SQLITE_LOCKED = 6
    return code in (5, 6) or "locked" in str(exc)


def _diagnose(db: sqlite3.Connection) -> str | None:
    """Why the file cannot be our store, or None if it can; reads only, so a foreign file stays as it was."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    has_tables = db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0
    if app_id != APPLICATION_ID and (app_id or has_tables):
        return "was not a nodeport-trainer progress file"
    problem = db.execute("PRAGMA integrity_check(1)").fetchone()[0]
    return None if problem == "ok" else f"was damaged ({problem})"


def _move_aside(path: Path) -> Path:
    """Rename the file and its -wal/-shm/-journal to path.bak-YYYYmmdd-HHMMSS[-N]; return the new name.

    The sidecars must go too: SQLite would otherwise replay a stale -wal or -journal into the new file.
    """
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    backup, n = path.with_name(f"{path.name}.bak-{stamp}"), 1
    while backup.exists():
        backup, n = path.with_name(f"{path.name}.bak-{stamp}-{n}"), n + 1
    try:
        for suffix in _SIDECARS:
            if os.path.lexists(f"{path}{suffix}"):
                os.replace(f"{path}{suffix}", f"{backup}{suffix}")
    except OSError as exc:
        raise StoreError(f"The progress file {path} cannot be used and could not be moved aside: "
                         f"{exc.strerror or exc}") from None
    return backup


def _connect(path: Path) -> sqlite3.Connection:
    # isolation_level=None: no implicit transactions; every write says BEGIN IMMEDIATE itself.
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)


def _migrate(db: sqlite3.Connection, path: Path) -> None:
    """Bring the schema up to len(MIGRATIONS), all steps in one transaction; refuse a newer file."""
    known = len(MIGRATIONS)
    version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > known:
        raise StoreError(f"The progress file {path} was written by a newer nodeport-trainer (schema version "
                         f"{version}; this one knows up to {known}). Upgrade nodeport-trainer to use it; "
                         f"the file was left as it was.")
    db.execute("PRAGMA journal_mode = WAL")
    # Crash safety. In WAL mode a commit is in the -wal file before COMMIT returns, so even
    # synchronous=NORMAL keeps every committed answer through a kill -9: the kernel still has
    # the bytes. NORMAL can lose the last commits on a power cut or an OS crash; FULL fsyncs
    # the WAL on every commit, so an answer the learner saw recorded survives that too.
    # Answers come seconds apart, so one fsync each is never felt (see benchmarks/bench_store.py).
    db.execute("PRAGMA synchronous = FULL")
    if version == known:
        return
    with _transaction(db):
        # Read again under the write lock: another instance may have migrated in the meantime.
        version = db.execute("PRAGMA user_version").fetchone()[0]
        for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
            migration(db)
            db.execute(f"PRAGMA user_version = {number}")


class ProgressStore:
    """The learner's answers and review cards, kept in SQLite.

    Attributes:
        path: the database file.
        recovered: a message for the learner if a damaged or foreign file was moved aside on
            opening, else None.
    """

    def __init__(self, db: sqlite3.Connection, path: Path, recovered: str | None = None) -> None:
        self._db = db
        self.path = path
        self.recovered = recovered

    @classmethod
    def open(cls, data_dir: str | os.PathLike[str] | None = None) -> ProgressStore:
        """Open the store in data_dir, creating or upgrading it, and recovering from a damaged file.

        Args:
            data_dir: the directory of progress.sqlite3; default_data_dir() if None.

        Returns:
            The open store. Its `recovered` says whether a damaged file was replaced.

        Raises:
            StoreError: the file is from a newer version, is locked, or cannot be created or
                moved aside. The message is meant for the learner.
        """
        directory = Path(data_dir) if data_dir is not None else default_data_dir()
        path = directory / FILENAME
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"Cannot create the progress directory {directory}: {exc.strerror or exc}") from None
        db, recovered = None, None
        try:
            db = _connect(path)
            problem = _diagnose(db)
        except sqlite3.DatabaseError as exc:  # not a database, malformed, cannot be opened or read
            if _busy(exc):
                if db is not None:
                    db.close()
                raise StoreError(f"The progress file {path} is locked by another program; try again.") from None
            problem = f"was damaged ({exc})"
        if problem:
            if db is not None:
                db.close()
            backup = _move_aside(path)
            recovered = (f"The progress file {path} {problem}; it was kept as {backup.name} "
                         f"and a new one was started.")
            db = _connect(path)
        try:
            _migrate(db, path)
        except sqlite3.Error as exc:
            db.close()
            raise StoreError(f"Cannot prepare the progress file {path}: {exc}. It was left as it was.") from None
        except BaseException:
            db.close()
            raise
        return cls(db, path, recovered)

    def close(self) -> None:
        """Close the database; committed answers are already on disk."""
        self._db.close()

    def __enter__(self) -> ProgressStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def record_answer(self, answer: Answer) -> int:
        """Record one answer in its own transaction; it is on disk when this returns.

        Answering an item also records, on its card, which version of the item the learner saw,
        and so clears the card's "changed" flag.

        Args:
            answer: the answer; its id is ignored.

        Returns:
            The new answer's id.
        """
        with _transaction(self._db) as db:
            marks = ", ".join("?" * len(_ANSWER_COLUMNS))
            cursor = db.execute(f"INSERT INTO answers ({', '.join(_ANSWER_COLUMNS)}) VALUES ({marks})",
                                _answer_row(answer))
            db.execute("INSERT INTO cards (pack_id, item_id, content_hash) VALUES (?, ?, ?) "
                       "ON CONFLICT (pack_id, item_id) DO UPDATE SET content_hash = excluded.content_hash, "
                       "changed = 0", (answer.pack_id, answer.item_id, answer.content_hash))
        return cursor.lastrowid

    def answers(self, pack_id: str | None = None, item_id: str | None = None,
                since: datetime | None = None, detail: bool = True) -> list[Answer]:
        """Recorded answers, oldest first.

        Args:
            pack_id: only this pack's answers.
            item_id: only answers to items with this id.
            since: only answers at or after this time.
            detail: also read each answer's detail; without it (much faster for summaries of
                thousands of answers) every detail is left empty.

        Returns:
            The matching answers, with their ids.
        """
        where = [(f"{column} = ?", value) for column, value in (("pack_id", pack_id), ("item_id", item_id))
                 if value is not None]
        if since is not None:
            where.append(("answered_at >= ?", _iso(since)))
        columns = ", ".join(_ANSWER_COLUMNS[:-1]) + (", detail" if detail else ", NULL")
        sql = f"SELECT id, {columns} FROM answers"
        if where:
            sql += " WHERE " + " AND ".join(clause for clause, _ in where)
        rows = self._db.execute(sql + " ORDER BY answered_at, id", [value for _, value in where])
        return list(map(_answer_reader(), rows))

    def card(self, pack_id: str, item_id: str) -> Card | None:
        """The item's review card, or None if the item has never been answered or scheduled."""
        row = self._db.execute(f"SELECT {', '.join(_CARD_COLUMNS)} FROM cards WHERE pack_id = ? AND item_id = ?",
                               (pack_id, item_id)).fetchone()
        return None if row is None else _card(row)

    def save_card(self, card: Card) -> None:
        """Create or replace the item's review card, every field as given."""
        with _transaction(self._db) as db:
            db.execute(f"INSERT OR REPLACE INTO cards ({', '.join(_CARD_COLUMNS)}) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (card.pack_id, card.item_id, card.content_hash,
                        None if card.fsrs_state is None else _json(card.fsrs_state),
                        _iso(card.due_at), _iso(card.last_review_at), int(card.changed)))

    def due(self, now: datetime) -> list[Card]:
        """The cards due at or before now, the most overdue first."""
        rows = self._db.execute(f"SELECT {', '.join(_CARD_COLUMNS)} FROM cards WHERE due_at <= ? "
                                "ORDER BY due_at, pack_id, item_id", (_iso(now),))
        return [_card(row) for row in rows]

    def sync_items(self, items: Iterable[tuple[str, str, str]]) -> list[tuple[str, str]]:
        """Flag the answered items whose content changed since the learner last answered them.

        History is never touched: answers and scheduling stay. An item edited back to the
        version the learner answered is unflagged; items never answered are ignored.

        Args:
            items: (pack_id, item_id, content_hash) of the items as they are now.

        Returns:
            (pack_id, item_id) of the items among them that are flagged changed.
        """
        with _transaction(self._db) as db:
            answered = {(p, i): h for p, i, h in db.execute("SELECT pack_id, item_id, content_hash FROM cards")}
            updates = [(int(bool(answered[p, i]) and answered[p, i] != h), p, i)
                       for p, i, h in items if (p, i) in answered]
            db.executemany("UPDATE cards SET changed = ? WHERE pack_id = ? AND item_id = ?", updates)
        return [(p, i) for changed, p, i in updates if changed]

    def mark_changed(self, pack_id: str, item_id: str, content_hash: str) -> bool:
        """sync_items for one item.

        Returns:
            Whether the item is now flagged changed.
        """
        return bool(self.sync_items([(pack_id, item_id, content_hash)]))

    def reset(self, item: tuple[str, str] | None = None, pack: str | None = None,
              everything: bool = False) -> int:
        """Forget the answers and card of one item, of one pack, or of everything.

        Args:
            item: (pack_id, item_id) of the item to forget.
            pack: the id of the pack to forget.
            everything: forget all answers and cards.

        Returns:
            The number of answers deleted.

        Raises:
            ValueError: not exactly one of item, pack and everything was given.
        """
        if (item is not None) + (pack is not None) + bool(everything) != 1:
            raise ValueError("reset() takes exactly one of item=, pack= or everything=True")
        where, args = (("pack_id = ? AND item_id = ?", tuple(item)) if item is not None
                       else ("pack_id = ?", (pack,)) if pack is not None else ("1", ()))
        with _transaction(self._db) as db:
            deleted = db.execute(f"DELETE FROM answers WHERE {where}", args).rowcount
            db.execute(f"DELETE FROM cards WHERE {where}", args)
        return deleted

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        """A value from the meta table, or default."""
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return default if row is None else row[0]

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in the meta table."""
        with _transaction(self._db) as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))
