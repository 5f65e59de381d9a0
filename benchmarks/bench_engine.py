"""Benchmark: load the default fixture, apply the seed's Deployment + Service, reconcile.

Prints its figures; it is not a test. Run: python benchmarks/bench_engine.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo root, for tests.seed

from tests.seed import SEED_WITH_31000 as SEED  # noqa: E402
from trainer.engine.cluster import Cluster, _default_cluster  # noqa: E402
from trainer.engine.fixtures import default_fixture_text, parse_fixture  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return out


def report(label: str, samples: list[float]) -> None:
    samples = sorted(samples)
    p95 = samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<58} median {statistics.median(samples):7.3f} ms   p95 {p95:7.3f} ms   (n={len(samples)})")


def main() -> None:
    text = default_fixture_text()
    _default_cluster(0)  # warm the cached parse of the built-in fixture

    def warm() -> None:
        Cluster.default().apply(SEED, "web.yaml")

    def cold() -> None:
        fx = parse_fixture(text, "<built-in>")
        Cluster(fx).apply(SEED, "web.yaml")

    for _ in range(20):
        warm()
    print("nodeport-trainer engine benchmark (target: under 5 ms on a 2-core machine)")
    report("default fixture (cached) + apply seed + reconcile", timed(warm, 300))
    report("default fixture parsed from YAML + apply seed + reconcile", timed(cold, 100))
    clusters = [Cluster.default() for _ in range(300)]
    it = iter(clusters)
    report("apply seed + reconcile only", timed(lambda: next(it).apply(SEED, "web.yaml"), 300))


if __name__ == "__main__":
    main()
