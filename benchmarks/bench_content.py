"""Benchmark: loading every built-in pack, and checking one drill answer.

Prints its figures; it is not a test. Run: python benchmarks/bench_content.py
Targets: all built-in content loads in under 100 ms; a drill check well under 100 ms.
"""

from __future__ import annotations

import statistics
import time

from trainer.content.grading import run_answer
from trainer.content.lint import lint
from trainer.content.loader import builtin_content_dir, load_packs


def _time(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    root = builtin_content_dir()
    packs = load_packs(root)
    items = sum(len(p.pack.items) for p in packs if p.pack)
    lessons = sum(len(p.pack.lessons) for p in packs if p.pack)
    load = _time(lambda: load_packs(root), 20)
    print(f"nodeport-trainer content benchmark: {len(packs)} pack(s), {lessons} lessons, {items} items")
    print(f"  load all built-in packs: median {statistics.median(load):6.1f} ms, max {max(load):6.1f} ms "
          "(target: under 100 ms)")
    drills = [i for p in packs if p.pack for i in p.pack.items if i.kind == "drill" and i.solutions]
    if drills:
        item = drills[0]
        check = _time(lambda: run_answer(item, item.solutions[0]), 20)
        print(f"  check one drill answer ({item.id}, {len(item.checks)} checks): median "
              f"{statistics.median(check):6.1f} ms, max {max(check):6.1f} ms")
    start = time.perf_counter()
    problems = lint(root)
    print(f"  pack lint of all built-in content (runs every solution, counterexample, scenario and snippet): "
          f"{time.perf_counter() - start:5.2f} s, {len(problems)} problems")


if __name__ == "__main__":
    main()
