"""A graded answer in words: verdict, score after hints, each check, the explanation and the reference."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Markdown, Static

from ...checks import CheckResult
from ...content.grading import ItemResult
from ...content.model import Answer, Item, Pack
from .hints import penalised, percent


def verdict(passed: bool) -> str:
    """PASS or FAIL with its mark, so colour is never the only signal."""
    return "✓ PASS" if passed else "✗ FAIL"


def score_line(result: ItemResult, penalties: Sequence[float]) -> str:
    """The score in words, with what the hints took off it."""
    fraction = result.score / result.max_score if result.max_score else 0.0
    points = f" ({result.score:g} of {result.max_score:g} points)" if result.checks else ""
    line = f"Score: {percent(fraction)}{points}."
    if penalties:
        left = penalised(fraction, penalties)
        line += (f" You took {len(penalties)} hint(s), costing {percent(sum(penalties))} of the score: "
                 f"{percent(left)} counts.")
    return line


def closest_solution(item: Item, files: dict[str, str]) -> Answer | None:
    """The reference solution with files most like the learner's (None when no solution has files)."""
    with_files = [s for s in item.solutions if s.files]

    def likeness(solution: Answer) -> float:
        mine = "".join(files.get(name, "") for name in sorted(solution.files))
        theirs = "".join(solution.files[name] for name in sorted(solution.files))
        return difflib.SequenceMatcher(None, mine, theirs).ratio()

    return max(with_files, key=likeness, default=None)


def solution_diff(item: Item, files: dict[str, str]) -> str:
    """Markdown: the reference solution as a unified diff against the learner's files."""
    solution = closest_solution(item, files)
    if solution is None:
        return reference_commands(item)
    parts = []
    for name in sorted(solution.files):
        diff = "".join(difflib.unified_diff(
            _lines(files.get(name, "")), _lines(solution.files[name]), f"yours/{name}", f"reference/{name}"))
        parts.append(f"```diff\n{diff}```" if diff else f"`{name}` is the same as the reference.")
    note = f" ({solution.note})" if solution.note else ""
    return (f"**Reference solution{note}**, as a diff: lines with `-` are yours, `+` the reference's.\n\n"
            + "\n\n".join(parts))


def _lines(text: str) -> list[str]:
    return [line if line.endswith("\n") else line + "\n" for line in text.splitlines()]


def reference_commands(item: Item) -> str:
    """Markdown: the first reference solution's commands."""
    solution = next((s for s in item.solutions if s.commands.strip()), None)
    if solution is None:
        return ""
    note = f" ({solution.note})" if solution.note else ""
    return f"**Reference commands{note}:**\n\n```sh\n{solution.commands.strip()}\n```"


class CheckResultView(Vertical):
    """Shows one graded answer; empty until `show`, `show_busy` or `show_error` is called."""

    DEFAULT_CSS = """
    CheckResultView { height: auto; margin: 1 0 0 0; }
    CheckResultView > .verdict { text-style: bold; }
    CheckResultView > .-pass { color: $success; }
    CheckResultView > .-fail { color: $error; }
    CheckResultView > .busy { color: $warning; text-style: bold; }
    CheckResultView > .check-row { margin-top: 1; text-style: bold; }
    CheckResultView > .check-detail { padding-left: 4; color: $text-muted; }
    CheckResultView > .check-detail.-failed { color: $text; }
    CheckResultView > Markdown { margin: 1 0 0 0; padding: 0; }
    """

    def clear(self) -> None:
        """Show nothing."""
        self.remove_children()

    def show_busy(self, text: str = "Checking…") -> None:
        """Say that a check is running."""
        self._replace([Static(text, classes="busy", markup=False)])

    def show_error(self, text: str) -> None:
        """Say that the item could not be graded (a pack problem, not the learner's)."""
        self._replace([Static(f"✗ Not checked: {text}\nThis is a problem in the content pack, not in your "
                              "answer; report it to the pack's authors.", classes="verdict -fail", markup=False)])

    def show(self, item: Item, result: ItemResult, *, penalties: Sequence[float] = (), feedback: str = "",
             pack: Pack | None = None, files: dict[str, str] | None = None) -> None:
        """Show a graded answer.

        Args:
            item: the item answered.
            result: its grade.
            penalties: the penalty of each hint taken.
            feedback: Markdown about the answer itself (the choices' feedback, the engine's outcome).
            pack: the item's pack, to name misconceptions.
            files: the learner's files (drills), for the diff against the reference after a pass.
        """
        if result.error:
            self.show_error(result.error)
            return
        state = "-pass" if result.passed else "-fail"
        passed = sum(c.passed for c in result.checks)
        counted = f": {passed} of {len(result.checks)} checks pass" if result.checks else ""
        parts: list[Widget] = [Static(f"{verdict(result.passed)}{counted}", classes=f"verdict {state}", markup=False),
                               Static(score_line(result, penalties), markup=False)]
        if feedback:
            parts.append(Markdown(feedback, open_links=False))
        misconceptions = pack.misconceptions if pack else {}
        for check in result.checks:
            parts += self._check(check, misconceptions)
        if item.explanation:
            parts.append(Markdown("**Explanation.** " + item.explanation.strip(), open_links=False))
        if result.passed:
            reference = solution_diff(item, files) if files is not None else reference_commands(item)
            if reference:
                parts.append(Markdown(reference, open_links=False))
        self._replace(parts)

    @staticmethod
    def _check(check: CheckResult, misconceptions: dict[str, str]) -> list[Widget]:
        state = "-pass" if check.passed else "-fail"
        title = check.id if check.passed or not check.message else f"{check.id}: {check.message}"
        lines = [f"expected: {check.expected}", f"observed: {check.observed}"]
        if check.hop and not check.passed:
            lines.append(f"the path broke at: {check.hop}")
        if check.why:
            # Authors wrap `why` in YAML block scalars; rewrap it to the panel's width, keeping paragraphs.
            lines.append("why: " + re.sub(r"(?<!\n)\n(?!\n)", " ", check.why.strip()))
        if check.misconception and not check.passed and check.misconception in misconceptions:
            lines.append(f"a common mix-up: {misconceptions[check.misconception]}")
        failed = "" if check.passed else " -failed"
        return [Static(f"{verdict(check.passed)}  {title} (weight {check.weight:g})", classes=f"check-row {state}",
                       markup=False),
                Static("\n".join(lines), classes=f"check-detail{failed}", markup=False)]

    def _replace(self, widgets: list[Widget]) -> None:
        async def swap() -> None:
            await self.remove_children()
            await self.mount_all(widgets)
            # Bring the news into view: the result is below the answer, often off screen at 24 rows.
            self.call_after_refresh(self.scroll_visible, top=True, animate=False)

        self.call_later(swap)
