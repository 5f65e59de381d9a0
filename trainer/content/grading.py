"""Grading one answer to one item: quiz credit, predict truth from the engine, checks for the rest."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..checks import CheckResult, evaluate
from ..checks.probe import run_probe
from ..checks.run import summarise
from ..checks.scenario import Attempt, ScenarioError
from .model import Answer, Item

#: What a probe's verdict is called when its paths disagree.
MIXED = "mixed"


@dataclass
class ItemResult:
    """The grade of one answer.

    Attributes:
        score, max_score: weighted credit earned and available (before hint penalties).
        passed: a full pass.
        checks: per-check results (drills, troubleshooting, command items).
        feedback: what to show about the answer (chosen choices' feedback, the engine's outcome).
        truth: for predict items, what the engine says happens.
        detail: for predict items, how the engine saw it (the paths, the command's output).
        error: the item could not be graded (a broken scenario); a pack problem, not the learner's.
    """

    item: str
    kind: str
    score: float = 0.0
    max_score: float = 1.0
    passed: bool = False
    checks: list[CheckResult] = field(default_factory=list)
    feedback: list[str] = field(default_factory=list)
    truth: str = ""
    detail: str = ""
    error: str = ""
    #: (scenario, run) for each command the answer ran: 0 is the scenario, 1.. its variants.
    runs: list = field(default_factory=list)

    def to_json(self) -> dict:
        """The result as `check --json` prints it."""
        out = {"item": self.item, "score": round(self.score, 4), "max_score": round(self.max_score, 4),
               "passed": self.passed, "checks": [c.to_json() for c in self.checks]}
        if self.runs:
            out["runs"] = [{"scenario": n, "command": r.command, "status": r.result.status, "stdout": r.result.stdout,
                            "stderr": r.result.stderr} for n, r in self.runs]
        if self.kind in ("quiz", "predict"):
            out["feedback"] = self.feedback
        if self.kind == "predict":
            out["truth"], out["detail"] = self.truth, self.detail
        if self.error:
            out["error"] = self.error
        return out


def normalise(text: str) -> str:
    """Text compared "ignoring case and spaces": casefolded, runs of space made one, trimmed."""
    return re.sub(r"\s+", " ", str(text)).strip().casefold()


def _squash(text: str) -> str:
    """A typed quiz answer compared ignoring case and every space ("NodePort:Local" == "nodeport: local")."""
    return re.sub(r"\s+", "", str(text)).casefold()


# ------------------------------------------------------------------ quiz


def grade_quiz(item: Item, response: list[int] | str) -> ItemResult:
    """Grade chosen choices (0-based indices) or a typed answer."""
    result = ItemResult(item.id, item.kind)
    if item.choices:
        chosen = sorted({i for i in (response if isinstance(response, list) else []) if 0 <= i < len(item.choices)})
        right = [i for i, c in enumerate(item.choices) if c.correct]
        if item.multiple:
            total = sum(item.choices[i].credit for i in right) or 1.0
            gained = sum(item.choices[i].credit for i in chosen if i in right)
            wrong = sum(1 for i in chosen if i not in right)
            result.score = max(0.0, gained - wrong * total / max(1, len(right))) / total
            result.passed = chosen == right
        else:
            pick = chosen[0] if len(chosen) == 1 else None
            result.score = item.choices[pick].credit if pick is not None else 0.0
            result.passed = pick is not None and item.choices[pick].correct
        for i in chosen:
            mark = "right" if item.choices[i].correct else "wrong"
            result.feedback.append(f"{i + 1}. {item.choices[i].text} ({mark}): {item.choices[i].feedback}")
        for i in right:
            if i not in chosen:
                result.feedback.append(f"{i + 1}. {item.choices[i].text} (right, not chosen): {item.choices[i].feedback}")
        return result
    answer = item.answer
    text = response if isinstance(response, str) else ""
    if answer is None:
        return result
    if answer.accept:
        result.passed = _squash(text) in {_squash(a) for a in answer.accept}
    elif answer.pattern:
        result.passed = re.fullmatch(answer.pattern, text.strip(), re.I) is not None
    elif answer.number is not None:
        try:
            result.passed = abs(float(text.strip()) - answer.number) <= answer.tolerance
        except ValueError:
            result.passed = False
    result.score = 1.0 if result.passed else 0.0
    return result


# ------------------------------------------------------------------ predict


@dataclass
class Truth:
    """What the engine says happens in a predict item's scenario."""

    value: str
    detail: str


def predict_truth(item: Item) -> Truth:
    """Run the item's scenario and observe what it asks.

    Raises:
        ScenarioError: the scenario or the probe cannot run (a pack problem).
    """
    assert item.scenario is not None and item.ask is not None
    try:
        return _truth(item)
    except ScenarioError:
        raise
    except Exception as exc:  # a pack the loader let through: report it as the pack's problem
        raise ScenarioError(f"pack problem: {type(exc).__name__}: {exc}", ("ask",)) from exc


def _truth(item: Item) -> Truth:
    ask = item.ask
    assert item.scenario is not None and ask is not None
    with item.scenario.start() as attempt:
        if ask.kind == "probe":
            if ask.probe is None:
                raise ScenarioError("the probe is malformed", ("ask",))
            run = run_probe(attempt.session, ask.probe)
            if run.error:
                raise ScenarioError(run.error, ("ask", "probe"))
            paths = [p for t in run.targets for p in t.paths]
            return Truth(_observe(ask.observe, paths, run.client_ip), summarise(run))
        if ask.kind == "command":
            runs = attempt.run(ask.command)
            if not runs:
                raise ScenarioError("the command did not run", ("ask", "command"))
            last = runs[-1].result
            text = (last.stderr if ask.stream == "stderr" else last.stdout).strip()
            return Truth(text, (last.stdout + last.stderr).strip())
        results = attempt.cluster.clone().apply(ask.manifest, "predict.yaml")
        errors = [r for r in results if not r.ok]
        lines = [r.kubectl_line().strip() for r in results]
        return Truth("rejected" if errors else "accepted", "\n".join(lines))


def _observe(what: str, paths: list, client_ip: str) -> str:
    if what == "verdict":
        results = {p.result for p in paths}
        return results.pop() if len(results) == 1 else MIXED
    answering = [p for p in paths if p.result == "answers"]
    if what == "node_count":
        return str(len({p.pod["spec"].get("nodeName") for p in answering if p.pod}))
    if not answering:
        return "none"
    kept = {p.client_seen == client_ip for p in answering}
    return MIXED if len(kept) == 2 else ("preserved" if kept.pop() else "rewritten")


def grade_predict(item: Item, response: str) -> ItemResult:
    """Compare the learner's prediction with what the engine computes now."""
    result = ItemResult(item.id, item.kind)
    try:
        truth = predict_truth(item)
    except ScenarioError as exc:
        result.error = exc.message
        return result
    result.truth, result.detail = truth.value, truth.detail
    result.passed = normalise(response) == normalise(truth.value)
    result.score = 1.0 if result.passed else 0.0
    result.feedback.append(f"The engine says: {truth.value}" + ("" if result.passed else f" (you said: {response})"))
    return result


# ------------------------------------------------------------------ checked items


def judge(item: Item, attempt: Attempt, truth=None) -> ItemResult:
    """Grade an attempt as it stands (the learner's live sandbox, or a played answer).

    Args:
        item: the item.
        attempt: the sandbox to judge.
        truth: the cluster engine value sources read (command items: the state before the answer).
    """
    results = evaluate(item.checks, attempt, truth)
    total = sum(c.weight for c in item.checks) or 1.0
    score = sum(r.weight for r in results if r.passed)
    # An item without checks can prove nothing, so it is never passed.
    return ItemResult(item.id, item.kind, score, total, bool(results) and all(r.passed for r in results), results)


def start(item: Item, scenario=None) -> Attempt:
    """A fresh attempt on the item's scenario (or one of its variants), with the starter files in the
    workspace (raises ScenarioError for a broken scenario)."""
    scenario = scenario or item.scenario
    assert scenario is not None
    attempt = scenario.start()
    for name, text in sorted(item.starter.items()):
        attempt.write(name, text)
    return attempt


def play(attempt: Attempt, answer: Answer) -> None:
    """Apply an answer's files (kubectl apply -f, in name order), then run its commands."""
    if answer.files:
        attempt.apply_files(answer.files)
    if answer.commands.strip():
        attempt.run(answer.commands)


def run_answer(item: Item, answer: Answer) -> ItemResult:
    """Play an answer on a fresh copy of the item's scenario (and on each variant) and grade it.

    A check passes only if it passes on the scenario and on every variant.
    """
    grades: list[ItemResult] = []
    for n, scenario in enumerate([item.scenario, *item.variants]):
        try:
            attempt = start(item, scenario)
        except ScenarioError as exc:
            return ItemResult(item.id, item.kind, 0.0, sum(c.weight for c in item.checks) or 1.0, error=exc.message)
        with attempt:
            truth = attempt.cluster.clone() if item.kind == "command" else None
            play(attempt, answer)
            grade = judge(item, attempt, truth)
            grade.runs = [(n, run) for run in attempt.runs]
            grades.append(grade)
    return _combine(grades)


def _combine(grades: list[ItemResult]) -> ItemResult:
    """One result from a scenario's and its variants' results: the first failure of each check counts."""
    first = grades[0]
    for n, grade in enumerate(grades[1:], 1):
        for i, check in enumerate(grade.checks):
            if first.checks[i].passed and not check.passed:
                check.observed = f"{check.observed} (in variant {n} of the scenario)"
                first.checks[i] = check
        first.runs += grade.runs
    first.score = sum(c.weight for c in first.checks if c.passed)
    first.passed = bool(first.checks) and all(c.passed for c in first.checks)
    return first
