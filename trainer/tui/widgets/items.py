"""One panel per item kind, built by `panel_for`; each posts ItemPanel.Graded after a check."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Markdown, Static

from ...content.grading import ItemResult
from ...content.model import Item, Pack
from ..labels import KIND_LABELS
from .hints import HintBox, penalised
from .results import CheckResultView



class ItemPanel(VerticalScroll):
    """An item's title, prompt, answer area, hints and result; subclasses supply the answer area."""

    DEFAULT_CSS = """
    ItemPanel { height: 1fr; padding: 0 1; }
    ItemPanel > .item-title { text-style: bold; color: $primary; }
    ItemPanel > .item-meta, ItemPanel .item-howto { color: $text-muted; }
    ItemPanel > .item-prompt { margin: 1 0 0 0; padding: 0; }
    ItemPanel .item-problem { color: $error; text-style: bold; margin-top: 1; }
    ItemPanel .item-notice { color: $accent; text-style: bold; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s,f9", "check", "Check", id="item-check", tooltip="Check your answer"),
        Binding("ctrl+t,f8", "hint", "Hint", id="item-hint",
                tooltip="Show the next hint (asks first: a hint costs part of the score)"),
        Binding("ctrl+r", "retry", "Retry", id="item-retry", tooltip="Start this item afresh"),
    ]
    #: Whether "retry" makes sense for this kind.
    CAN_RETRY = True

    class Graded(Message):
        """An answer was graded.

        Attributes:
            item: the item.
            result: the engine's grade (its score is before hint penalties).
            hints_used: how many hints the learner took.
            score: the score that counts, 0..1, after hint penalties.
        """

        def __init__(self, panel: "ItemPanel", item: Item, result: ItemResult, hints_used: int, score: float) -> None:
            super().__init__()
            self.panel = panel
            self.item = item
            self.result = result
            self.hints_used = hints_used
            self.score = score

    class Checked(Message, bubble=False):
        """A background check finished (posted by the worker to its own panel)."""

        def __init__(self, serial: int, result: ItemResult) -> None:
            super().__init__()
            self.serial = serial
            self.result = result

    def __init__(self, item: Item, pack: Pack | None = None, attempt: int = 0, hints_used: int = 0,
                 **kwargs) -> None:
        super().__init__(**kwargs)
        self.item = item
        self.pack = pack
        self.attempt = attempt
        self.busy = False
        self._serial = 0
        #: Made here, not in compose, so that bindings can ask about them before the panel is mounted.
        self.hints = HintBox(item.hints, hints_used)
        self.results = CheckResultView()

    # ----------------------------------------------------------------- layout

    def compose(self) -> ComposeResult:
        item = self.item
        yield Static(item.title, classes="item-title", markup=False)
        minutes = max(1, round(item.time / 60)) if item.time else 1
        yield Static(f"{KIND_LABELS.get(item.kind, item.kind)} · difficulty {item.difficulty}/5 · about {minutes} "
                     f"min · {', '.join(item.topics)}", classes="item-meta", markup=False)
        yield Markdown(item.prompt, classes="item-prompt", open_links=False)
        yield from self.compose_answer()
        yield self.hints
        yield self.results

    def compose_answer(self) -> Iterable[Widget]:
        """The kind's answer widgets (none here)."""
        return ()

    def focus_answer(self) -> None:
        """Put the focus where the learner answers (the first focusable widget after the prompt)."""
        target = next((w for w in self.query("*") if w.focusable and w is not self), None)
        (target or self).focus()

    # ----------------------------------------------------------------- actions

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides a key that means nothing here; None shows it greyed out (for now unavailable).
        if action == "hint":
            return None if self.item.hints and not self.hints.remaining else bool(self.item.hints)
        if action == "check":
            return None if self.busy else True
        if action == "retry":
            # Not while a check runs: its result would land on the fresh attempt.
            return (None if self.busy else True) if self.CAN_RETRY else False
        return True

    def action_check(self) -> None:
        """Grade the answer (each kind does its own)."""

    def action_retry(self) -> None:
        """Start the item afresh (each kind does its own)."""

    def action_hint(self) -> None:
        """Offer the next hint, after a confirm that names its cost."""
        self.hints.ask()

    def on_hint_box_shown(self, event: HintBox.Shown) -> None:
        # Not stopped: the screen keeps count per item, so reopening an item keeps its hints' cost.
        self.refresh_bindings()

    # ----------------------------------------------------------------- grading

    def grade_in_background(self, job: Callable[[], ItemResult], busy: str = "Checking…") -> None:
        """Run a grading call in a thread; `checked` gets the result on the UI thread.

        Args:
            job: the grading call (it plays the answer on its own copy of a scenario).
            busy: what to show while it runs.
        """
        self.busy = True
        self._serial += 1
        self.results.show_busy(busy)
        self.refresh_bindings()
        self._grade(job, self._serial)

    @work(thread=True, exclusive=True, group="grade")
    def _grade(self, job: Callable[[], ItemResult], serial: int) -> None:
        self.post_message(self.Checked(serial, self.safely(job)))

    def safely(self, job: Callable[[], ItemResult]) -> ItemResult:
        """Call a grading function; an unexpected error becomes a result that says so, never a traceback."""
        try:
            return job()
        except Exception as exc:  # a pack the loader let through must not crash the app
            return ItemResult(self.item.id, self.item.kind, error=f"{type(exc).__name__}: {exc}")

    def on_item_panel_checked(self, event: "ItemPanel.Checked") -> None:
        event.stop()
        if event.serial != self._serial:  # an older check finished after a newer one began
            return
        self.busy = False
        self.refresh_bindings()
        self.checked(event.result)

    def checked(self, result: ItemResult) -> None:
        """A background check finished: show it (kinds add their feedback)."""
        self.report(result)

    def report(self, result: ItemResult, feedback: str = "", files: dict[str, str] | None = None) -> None:
        """Show a grade and post Graded (not for results the pack's problems spoiled).

        Args:
            result: the engine's grade.
            feedback: Markdown about the answer itself, shown above the checks.
            files: the learner's files (drills), for the diff against the reference after a pass.
        """
        penalties = self.hints.penalties
        self.results.show(self.item, result, penalties=penalties, feedback=feedback, pack=self.pack, files=files)
        if result.error:
            return
        fraction = result.score / result.max_score if result.max_score else 0.0
        self.post_message(self.Graded(self, self.item, result, len(penalties), penalised(fraction, penalties)))


class NoticePanel(ItemPanel):
    """An item that cannot be practised here: the interview question, or one the pack broke."""

    CAN_RETRY = False

    def __init__(self, item: Item, pack: Pack | None = None, attempt: int = 0, *, notice: str,
                 problem: bool = True, **kwargs) -> None:
        super().__init__(item, pack, attempt, **kwargs)
        self.notice = notice
        self.problem = problem

    def compose_answer(self) -> Iterable[Widget]:
        mark = "✗ " if self.problem else "→ "
        yield Static(mark + self.notice, classes="item-problem" if self.problem else "item-notice", markup=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return False if action in ("check", "hint", "retry") else True


def panel_for(item: Item, pack: Pack | None = None, attempt: int = 0, hints_used: int = 0) -> ItemPanel:
    """The panel that runs this item.

    Args:
        item: any item; a broken one or an unknown kind gets a panel that says so.
        pack: its pack (names the misconceptions a failed check suggests).
        attempt: how many times the learner opened it before (reshuffles quiz choices).
        hints_used: hints already taken on this item (they stay shown, and they still cost).
    """
    from .choice_items import PredictPanel, QuizPanel
    from .sandbox_items import CommandPanel, DrillPanel, TroubleshootPanel

    if item.broken:
        return NoticePanel(item, pack, attempt, notice="This item has problems in its pack and cannot be used. "
                           "`nodeport-trainer pack lint` lists them.")
    if item.kind == "interview":
        return NoticePanel(item, pack, attempt, notice="This is the mock interview's question: sit it in "
                           "Interview mode (press F5).", problem=False)
    kinds: dict[str, type[ItemPanel]] = {"quiz": QuizPanel, "predict": PredictPanel, "drill": DrillPanel,
                                         "troubleshoot": TroubleshootPanel, "command": CommandPanel}
    if item.kind not in kinds:
        return NoticePanel(item, pack, attempt, notice=f"This app does not know items of kind {item.kind!r}.")
    return kinds[item.kind](item, pack, attempt, hints_used)
