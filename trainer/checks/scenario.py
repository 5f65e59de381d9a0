"""Scenarios (a fixture plus setup steps) and attempts (a learner's answer played on one)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path as FsPath
from typing import TYPE_CHECKING, Any, Callable

from .model import Path, Problem

if TYPE_CHECKING:  # the engine and the shell load on first use: reading a pack needs neither
    from ..engine.cluster import Cluster
    from ..sandbox.session import Result, Session
    from ..sandbox.shell import Shell

#: The workspace file a setup manifest passes through (removed again at once).
_SETUP_FILE = ".setup.yaml"
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)(s|m|h)?$")


def parse_duration(value: Any) -> float | None:
    """Seconds in "40s", "2m", "1h" or a bare number of seconds; None when unreadable."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value) if value >= 0 else None
    match = _DURATION.match(str(value).strip())
    if not match:
        return None
    return float(match.group(1)) * {"s": 1, "m": 60, "h": 3600, None: 1}[match.group(2)]


@dataclass
class Step:
    """One setup step: apply a manifest, run a console line, write a file, or let time pass."""

    kind: str  # "apply" | "run" | "file" | "wait"
    value: Any
    path: Path = ()


@dataclass
class Scenario:
    """A starting cluster: a fixture (None for the built-in one) and setup steps.

    Attributes:
        fixture: fixture YAML text, or None for the built-in cluster.
        fixture_name: how the pack named it ("default" or a path in the pack).
        steps: the setup, in order.
    """

    fixture: str | None = None
    fixture_name: str = "default"
    steps: list[Step] = field(default_factory=list)

    def start(self) -> "Attempt":
        """A fresh sandbox on this scenario, with every setup step played.

        Raises:
            ScenarioError: when the fixture is invalid or a setup step fails (a pack bug, which
                lint reports; the app shows it instead of the item).
        """
        cluster = _base_cluster(self.fixture, self.fixture_name)
        if isinstance(cluster, str):
            raise ScenarioError(cluster, ())
        attempt = Attempt(cluster.clone())
        for step in self.steps:
            problem = attempt.play(step)
            if problem:
                attempt.close()
                raise ScenarioError(problem, step.path)
        # The learner starts with a clean slate: the setup's commands are not in their history.
        attempt.runs.clear()
        attempt.shell.history.clear()
        return attempt


class ScenarioError(Exception):
    """A scenario that cannot be built (bad fixture, failing setup step)."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


@lru_cache(maxsize=32)
def _base_cluster(fixture: str | None, name: str) -> "Cluster | str":
    from ..engine.cluster import Cluster

    if fixture is None:
        return Cluster.default()
    built = Cluster.from_fixture(fixture, name)
    if isinstance(built, list):
        return "; ".join(f"{p.source}:{p.line}: {p.message}" for p in built[:3])
    return built


@dataclass
class Run:
    """One console command line the attempt ran, and what it printed."""

    command: str
    result: "Result"


class Attempt:
    """A sandbox session being worked on: the learner's (or a solution's) commands and files.

    Attributes:
        session: the console session (its cluster is the state checks judge).
        shell: the shell that runs command lines in it.
        runs: every command line run since the scenario was set up, with its output.
    """

    def __init__(self, cluster: "Cluster", session: "Session | None" = None, shell: "Shell | None" = None) -> None:
        from ..sandbox.session import Session
        from ..sandbox.shell import Shell

        if session is None:
            self._tmp: tempfile.TemporaryDirectory | None = tempfile.TemporaryDirectory(prefix="nodeport-check-")
            session = Session(cluster, FsPath(self._tmp.name), script=True)
        else:
            self._tmp = None
        self.session = session
        self.shell = shell or Shell(session)
        self.runs: list[Run] = []

    @property
    def cluster(self) -> Cluster:
        """The cluster as the attempt left it."""
        return self.session.cluster

    def close(self) -> None:
        """Remove the attempt's temporary workspace."""
        if self._tmp is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __enter__(self) -> "Attempt":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ----------------------------------------------------------------- acting

    def run(self, text: str) -> list[Run]:
        """Run console input (one or more lines, heredocs allowed) and record each command."""
        done: list[Run] = []
        for line in text.splitlines(keepends=True):
            run = self.feed(line)
            if run is not None:
                done.append(run)
            if self.shell.exited is not None:
                break
        if self.shell.continuing:  # an unfinished heredoc or quote: the input ended, as in a script
            result = self.shell.eof()
            run = Run(self.shell.history[-1] if self.shell.history else "", result)
            self.runs.append(run)
            done.append(run)
        return done

    def feed(self, line: str) -> Run | None:
        """One line typed at the prompt; the Run once a command is complete (None while a heredoc
        or an open quote waits for more lines)."""
        before = len(self.shell.history)
        result = self.shell.feed(line if line.endswith("\n") else line + "\n")
        if result is None:
            return None
        run = Run(self.shell.history[-1] if len(self.shell.history) > before else line.strip(), result)
        self.runs.append(run)
        return run

    def write(self, name: str, text: str) -> str | None:
        """Write a file into the workspace; an error text, or None."""
        failed = self.session.write_file(name, text)
        return None if failed is None else f"{failed.path}: {failed.reason}"

    def apply_files(self, files: dict[str, str]) -> list[Run]:
        """Write answer files and `kubectl apply -f` each, in name order, as the learner would."""
        runs: list[Run] = []
        for name in sorted(files):
            problem = self.write(name, files[name])
            if problem:
                from ..sandbox.session import Result

                runs.append(Run(f"kubectl apply -f {name}", Result("", f"error: {problem}\n", 1)))
                continue
            runs.extend(self.run(f"kubectl apply -f {_quote(name)}"))
        return runs

    def play(self, step: Step) -> str | None:
        """Play one setup step; a problem text when it failed."""
        if step.kind == "apply":
            problem = self.write(_SETUP_FILE, step.value)
            if problem:
                return problem
            runs = self.run(f"kubectl apply -f {_SETUP_FILE}")
            FsPath(self.session.resolve(_SETUP_FILE)).unlink(missing_ok=True)
            return _failure("apply", runs)
        if step.kind == "run":
            return _failure(step.value, self.run(step.value))
        if step.kind == "file":
            return self.write(step.value["path"], step.value["text"])
        if step.kind == "wait":
            self.shell.pass_time(step.value)
            return None
        return f"unknown step {step.kind}"


def _failure(what: str, runs: list[Run]) -> str | None:
    for run in runs:
        if run.result.status != 0:
            err = (run.result.stderr or run.result.stdout).strip().splitlines()
            return f"setup step failed ({run.command or what}): {err[0] if err else f'exit {run.result.status}'}"
    return None


def _quote(name: str) -> str:
    return "'" + name.replace("'", "'\\''") + "'"


def parse_scenario(raw: Any, path: Path, fixtures: Callable[[str], str | None]) -> tuple[Scenario | None, list[Problem]]:
    """Parse a `scenario` mapping.

    Args:
        raw: the mapping as loaded (None means the built-in cluster with no setup).
        path: where it sits in its document.
        fixtures: reads a pack fixture by its relative path (None when it does not exist).
    """
    problems: list[Problem] = []
    if raw is None:
        return Scenario(), problems
    if not isinstance(raw, dict):
        return None, [Problem(path, "scenario must be a mapping with fixture and setup")]
    for key in set(raw) - {"fixture", "setup"}:
        problems.append(Problem(path + (key,), f'scenario: unknown key "{key}"'))
    scenario = Scenario()
    name = raw.get("fixture", "default")
    if name != "default":
        if not isinstance(name, str):
            problems.append(Problem(path + ("fixture",), "scenario: fixture is default or a path in the pack"))
        else:
            text = fixtures(name)
            if text is None:
                problems.append(Problem(path + ("fixture",), f'scenario: fixture "{name}" not found in the pack'))
            else:
                scenario.fixture, scenario.fixture_name = text, name
    setup = raw.get("setup") or []
    if not isinstance(setup, list):
        problems.append(Problem(path + ("setup",), "scenario: setup must be a list of steps"))
        setup = []
    for i, step in enumerate(setup):
        at = path + ("setup", i)
        parsed = _parse_step(step, at, problems)
        if parsed is not None:
            scenario.steps.append(parsed)
    return scenario, problems


def _parse_step(step: Any, at: Path, problems: list[Problem]) -> Step | None:
    if not isinstance(step, dict) or len(step) != 1:
        problems.append(Problem(at, "a setup step is one of apply, run, file, wait"))
        return None
    kind, value = next(iter(step.items()))
    if kind in ("apply", "run") and isinstance(value, str) and value.strip():
        return Step(kind, value, at)
    if kind == "file" and isinstance(value, dict) and isinstance(value.get("path"), str) \
            and isinstance(value.get("text"), str):
        return Step(kind, value, at)
    if kind == "wait" and parse_duration(value) is not None:
        return Step(kind, parse_duration(value), at)
    problems.append(Problem(at, f"a setup step is apply: TEXT, run: COMMAND, file: {{path, text}} or "
                                f"wait: DURATION (got {kind})"))
    return None


__all__ = ["Attempt", "Run", "Scenario", "ScenarioError", "Step", "parse_duration", "parse_scenario"]
