"""The pack linter: loading problems, then proof by running that every item is sound."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..checks.scenario import ScenarioError
from .grading import judge, normalise, predict_truth, run_answer, start
from .loader import load_packs
from .model import Item, Lesson, Pack
from .source import Problem

#: Called with (done, total, what) while lint runs, for progress feedback.
Progress = Callable[[int, int, str], None]


def lint(path: Path, progress: Progress | None = None) -> list[Problem]:
    """Every problem in the pack (or the folder of packs) at ``path``, sorted by file and line."""
    problems: list[Problem] = []
    loaded = load_packs(Path(path))
    if not loaded:
        return [Problem(str(path), 1, 1, "no pack here (a pack is a folder with a pack.yaml)")]
    for entry in loaded:
        problems += entry.problems
        if entry.pack is not None:
            problems += lint_behaviour(entry.pack, progress)
    unique = sorted(set(problems), key=lambda p: (p.file, p.line, p.column, p.message))
    return unique


def lint_behaviour(pack: Pack, progress: Progress | None = None) -> list[Problem]:
    """Run every lesson's snippets and every item's scenario, solutions and counterexamples."""
    problems: list[Problem] = []
    parts: list[Lesson | Item] = [*pack.lessons, *pack.items]
    for n, part in enumerate(parts, 1):
        if progress:
            progress(n, len(parts), part.id)
        if part.broken:
            continue  # its loading problems are reported; running it would only add noise
        if isinstance(part, Lesson):
            problems += _lesson(part)
        elif part.kind == "predict":
            problems += _predict(part)
        elif part.kind in ("drill", "troubleshoot", "command"):
            problems += _checked(part)
    return problems


def _lesson(lesson: Lesson) -> list[Problem]:
    origin = lesson.origin
    try:
        attempt = lesson.scenario.start()
    except ScenarioError as exc:
        return [origin.problem(("scenario",) + tuple(exc.path[1:] if exc.path else ()), exc.message)]
    problems = []
    with attempt:
        for i, snip in enumerate(lesson.snippets):
            runs = attempt.run(snip.run)
            status = runs[-1].result.status if runs else 0
            failed = status != 0 or any(r.result.status != 0 for r in runs[:-1])
            if failed != (snip.expect == "error"):
                said = ""
                if runs:
                    lines = (runs[-1].result.stderr or runs[-1].result.stdout).strip().splitlines()
                    said = f": {lines[0]}" if lines else ""
                want = "fail" if snip.expect == "error" else "succeed"
                problems.append(origin.problem(("try", i), f'snippet "{snip.label}" should {want} but exited '
                                                           f"{status}{said}"))
    return problems


def _predict(item: Item) -> list[Problem]:
    origin = item.origin
    if item.scenario is None or item.ask is None:
        return []
    try:
        truth = predict_truth(item)
    except ScenarioError as exc:
        path = exc.path if exc.path and exc.path[0] in ("ask", "scenario") else ("ask",)
        return [origin.problem(path, f"item {item.id}: the scenario does not run: {exc.message}")]
    if item.options and normalise(truth.value) not in {normalise(o) for o in item.options}:
        return [origin.problem(("options",), f"item {item.id}: the engine's outcome is {truth.value!r}, which is "
                                             "not among the options")]
    if not item.options and not truth.value:
        return [origin.problem(("ask",), f"item {item.id}: the engine's outcome is empty; give options or ask "
                                         "for something that prints")]
    return []


def _checked(item: Item) -> list[Problem]:
    origin = item.origin
    if item.scenario is None or not item.checks:
        return []
    problems: list[Problem] = []
    try:
        attempt = start(item)
    except ScenarioError as exc:
        return [origin.problem(("scenario",) + tuple(exc.path[1:] if exc.path else ()),
                               f"item {item.id}: {exc.message}")]
    for i, variant in enumerate(item.variants):
        try:
            variant.start().close()
        except ScenarioError as exc:
            attempt.close()
            return [origin.problem(tuple(exc.path) or ("variants", i),
                                   f"item {item.id}: variant {i + 1}: {exc.message}")]
    caught: set[str] = set()  # checks seen failing: each must fail somewhere, or it proves nothing
    with attempt:
        truth = attempt.cluster.clone() if item.kind == "command" else None
        at_start = judge(item, attempt, truth)
        if item.kind != "command":
            # A command item's start has run no command, so every output check fails there trivially:
            # only counterexamples can show that its checks catch anything.
            caught |= {c.id for c in at_start.checks if not c.passed}
        if at_start.passed:
            problems.append(origin.problem(("scenario",), f"item {item.id}: the starting state already passes "
                                                          "every check (the task is solved before it starts)"))
    if item.starter:
        with start(item) as attempt:
            attempt.apply_files(item.starter)
            if judge(item, attempt).passed:
                problems.append(origin.problem(("starter",), f"item {item.id}: the starter files already pass "
                                                             "every check"))
    for i, answer in enumerate(item.solutions, 1):
        result = run_answer(item, answer)
        where = answer.origin or origin
        if result.error:
            problems.append(where.problem((), f"item {item.id}: solution {i} cannot run: {result.error}"))
            continue
        for check in result.checks:
            if not check.passed:
                problems.append(where.problem((), f"item {item.id}: solution {i} fails check {check.id}: expected "
                                                  f"{check.expected}, observed {check.observed}"))
    for i, answer in enumerate(item.counterexamples, 1):
        result = run_answer(item, answer)
        caught |= {c.id for c in result.checks if not c.passed}
        where = answer.origin or origin
        if result.error:
            problems.append(where.problem((), f"item {item.id}: counterexample {i} cannot run: {result.error}"))
        elif result.passed:
            note = f" ({answer.note})" if answer.note else ""
            problems.append(where.problem((), f"item {item.id}: counterexample {i}{note} passes every check, so "
                                              "the checks cannot tell it from a solution"))
    for n, check in enumerate(item.checks):
        if check.id not in caught:
            problems.append(origin.problem(("checks", n), f"item {item.id}: check {check.id} fails neither on the "
                                                          "starting state nor on any counterexample; add a "
                                                          "counterexample it catches, or it proves nothing"))
    return problems


__all__ = ["lint", "lint_behaviour"]
