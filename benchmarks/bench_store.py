"""Benchmark: recording one answer in the progress store, and reading 10,000 answers back.

Prints its figures; it is not a test. Run: python benchmarks/bench_store.py
"""

from __future__ import annotations

import random
import sqlite3
import statistics
import tempfile
import time
from datetime import datetime, timedelta, timezone

from trainer.study import store as store_module
from trainer.study.store import Answer, ProgressStore

TOTAL = 10_000
TOPICS = ["nodeport-range", "kube-proxy", "iptables", "externalTrafficPolicy", "security-groups", "snat"]


def sample(rng: random.Random, when: datetime) -> Answer:
    """An answer shaped like a drill's: a few check results, topics and a misconception or two."""
    checks = [{"id": f"c{n}", "passed": rng.random() < 0.7, "weight": 1.0, "observed": "connection refused"}
              for n in range(5)]
    return Answer(f"pack-{rng.randrange(3)}", f"item-{rng.randrange(60)}", "drill", rng.uniform(0, 4), 4.0,
                  rng.random() < 0.6, "3f2a9c", when, hints_used=rng.randrange(3), hint_penalty=0.5,
                  confidence=rng.randint(1, 5), duration_s=rng.uniform(5, 300), rating="good",
                  topics=rng.sample(TOPICS, 2), misconceptions=["nodeport-hits-pod-directly"],
                  detail={"checks": checks})


def main() -> None:
    rng = random.Random(1)
    start_at = datetime(2025, 1, 1, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        store = ProgressStore.open(tmp)
        record_ms = []
        for n in range(200):
            answer = sample(rng, start_at + timedelta(minutes=n))
            t = time.perf_counter()
            store.record_answer(answer)
            record_ms.append((time.perf_counter() - t) * 1000)
        # Fill the rest in one transaction: how they got there does not matter to the read.
        rows = [store_module._answer_row(sample(rng, start_at + timedelta(minutes=n))) for n in range(200, TOTAL)]
        with sqlite3.connect(store.path) as db:
            columns = store_module._ANSWER_COLUMNS
            db.executemany(f"INSERT INTO answers ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})",
                           rows)
        read_ms: dict[bool, list[float]] = {True: [], False: []}
        for _ in range(5):
            for detail in read_ms:
                t = time.perf_counter()
                answers = store.answers(detail=detail)
                read_ms[detail].append((time.perf_counter() - t) * 1000)
                assert len(answers) == TOTAL
        store.close()
        open_ms = []
        for _ in range(5):
            t = time.perf_counter()
            ProgressStore.open(tmp).close()
            open_ms.append((time.perf_counter() - t) * 1000)
    print("nodeport-trainer progress store benchmark (synchronous=FULL: one fsync per answer)")
    print(f"  {statistics.median(record_ms):7.2f} ms  record one answer, median of 200 "
          f"(p95 {statistics.quantiles(record_ms, n=20)[-1]:.2f} ms; target: under 5 ms)")
    print(f"  {statistics.median(read_ms[False]):7.2f} ms  read {TOTAL:,} answers back without their detail "
          "(what the Progress screen needs), median of 5")
    print(f"  {statistics.median(read_ms[True]):7.2f} ms  read {TOTAL:,} answers back with their detail "
          "(5 check results each), median of 5")
    print(f"  {statistics.median(open_ms):7.2f} ms  open a store of {TOTAL:,} answers (integrity check included)")


if __name__ == "__main__":
    main()
