"""Benchmark: recording one answer through scheduler.record, and building the Progress screen's data.

Prints its figures; it is not a test. Run: python benchmarks/bench_study.py
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from trainer.content.model import Item
from trainer.content.source import Origin
from trainer.study import store as store_module
from trainer.study.scheduler import due_items, readiness, record, review, topic_mastery
from trainer.study.scoring import calibration, misconception_counts
from trainer.study.store import RATINGS, Answer, ProgressStore

TOTAL = 10_000
RECORDED = 200
TOPICS = ["nodeport-basics", "ports", "allocation", "kubectl", "traffic-path", "deployment-example",
          "node-access", "port-range-flag", "security", "traffic-policy", "when-to-use", "interview"]
ITEMS = 120
MISCONCEPTIONS = ["nodeport-only-on-pod-nodes", "targetport-is-nodeport"]


def pack_items(rng: random.Random) -> list[tuple[str, Item]]:
    """A pack the size of the built-in one: 120 items over 12 topics."""
    return [("nodeport", Item(f"item-{n}", "drill", f"Item {n}", rng.sample(TOPICS, 2), 2, 120, "?", "",
                              Origin("bench"), content_hash="3f2a9c")) for n in range(ITEMS)]


def sample(rng: random.Random, items: list[tuple[str, Item]], when: datetime) -> Answer:
    """An answer shaped like a drill's: a few check results, topics and maybe a misconception."""
    pack_id, item = rng.choice(items)
    checks = [{"id": f"c{n}", "passed": rng.random() < 0.7, "weight": 1.0} for n in range(5)]
    passed = all(c["passed"] for c in checks)
    return Answer(pack_id, item.id, item.kind, rng.uniform(0, 4), 4.0, passed, item.content_hash, when,
                  hints_used=rng.randrange(3), hint_penalty=0.5, confidence=rng.randint(1, 5),
                  duration_s=rng.uniform(5, 300), rating=rng.choice(RATINGS), topics=list(item.topics),
                  misconceptions=[] if passed else [rng.choice(MISCONCEPTIONS)],
                  detail={"checks": checks})


def progress_data(store: ProgressStore, items: list[tuple[str, Item]], now: datetime) -> dict:
    """What the Progress screen shows: mastery bars, readiness, calibration, misconceptions, due list, history."""
    answers = store.answers(detail=False)
    mastery = topic_mastery(store, items, now)
    return {"mastery": mastery, "readiness": readiness(mastery, TOPICS), "calibration": calibration(answers),
            "misconceptions": misconception_counts(answers).most_common(), "due": due_items(store, now),
            "history": [(a.answered_at, a.score / a.max_score if a.max_score else 0.0) for a in answers]}


def main() -> None:
    rng = random.Random(1)
    items = pack_items(rng)
    start_at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        store = ProgressStore.open(tmp)
        record_ms = []
        for n in range(RECORDED):
            answer = sample(rng, items, start_at + timedelta(minutes=n))
            t = time.perf_counter()
            record(store, answer)
            record_ms.append((time.perf_counter() - t) * 1000)
        # The rest go in one transaction, with a review per answer for every tenth: how they got
        # there does not matter to the read, and every item ends up with a card.
        later = [sample(rng, items, start_at + timedelta(hours=n)) for n in range(RECORDED, TOTAL)]
        with sqlite3.connect(store.path) as db:
            columns = store_module._ANSWER_COLUMNS
            db.executemany(f"INSERT INTO answers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                           [store_module._answer_row(a) for a in later])
        for answer in later[::10]:
            review(store, answer.pack_id, answer.item_id, answer.rating, answer.answered_at)
        now = later[-1].answered_at + timedelta(days=1)
        build_ms = []
        for _ in range(7):
            t = time.perf_counter()
            data = progress_data(store, items, now)
            build_ms.append((time.perf_counter() - t) * 1000)
        assert len(data["history"]) == TOTAL and len(data["mastery"]) == len(TOPICS)
        store.close()
    print("nodeport-trainer study benchmark (store with synchronous=FULL, FSRS without fuzzing)")
    print(f"  {statistics.median(record_ms):7.2f} ms  record one answer through scheduler.record (store + FSRS "
          f"review), median of {RECORDED} (p95 {statistics.quantiles(record_ms, n=20)[-1]:.2f} ms; target: under 5 ms)")
    print(f"  {statistics.median(build_ms):7.2f} ms  build the Progress screen's data from {TOTAL:,} answers and "
          f"{ITEMS} cards (mastery, readiness, calibration, misconceptions, due list, score history), median of 7 "
          f"(target: under 200 ms)")
    print(f"  {len(data['due'])} items due, readiness {data['readiness']:.1f}")


if __name__ == "__main__":
    main()
