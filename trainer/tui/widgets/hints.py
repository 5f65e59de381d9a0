"""Hints one at a time, each after a confirm that names its cost, and the score they leave."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Markdown, Static

from ...content.model import Hint


def penalised(fraction: float, penalties: Sequence[float]) -> float:
    """The score left after hints.

    Args:
        fraction: the score earned, 0..1.
        penalties: the penalty of each hint taken (fractions of the score).

    Returns:
        fraction * (1 - sum of penalties), never below 0.
    """
    return max(0.0, fraction * (1.0 - sum(penalties)))


def percent(fraction: float) -> str:
    """A fraction as a whole percentage ("10%")."""
    return f"{round(fraction * 100)}%"


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question; dismisses with True for yes."""

    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    ConfirmScreen > Vertical { width: 60; max-width: 95%; height: auto; border: thick $primary;
                               background: $panel; padding: 1 2; }
    ConfirmScreen #confirm-question { width: 1fr; margin-bottom: 1; }
    ConfirmScreen Horizontal { height: auto; align-horizontal: right; }
    ConfirmScreen Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm-yes", tooltip="Yes, go ahead"),
        Binding("n,escape", "answer(False)", "No", id="confirm-no", tooltip="No, leave it"),
    ]

    def __init__(self, question: str, yes: str = "Yes", no: str = "No") -> None:
        super().__init__()
        self.question, self.yes, self.no = question, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, id="confirm-question", markup=False)
            with Horizontal():
                yield Button(f"{self.yes} (y)", id="confirm-yes", variant="primary")
                yield Button(f"{self.no} (n)", id="confirm-no")

    def on_mount(self) -> None:
        self.query_one("#confirm-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)


class HintBox(Vertical):
    """An item's hints, revealed one at a time after a confirm; hidden when the item has none."""

    DEFAULT_CSS = """
    HintBox { height: auto; margin: 1 0 0 0; }
    HintBox > .hint { border-left: thick $warning; padding: 0 1; margin: 0 0 1 0; }
    HintBox > #hint-status { color: $text-muted; }
    """

    class Shown(Message):
        """A hint was revealed."""

        def __init__(self, box: "HintBox", number: int) -> None:
            super().__init__()
            self.box = box
            self.number = number

    def __init__(self, hints: Sequence[Hint], used: int = 0, **kwargs) -> None:
        super().__init__(**kwargs)
        self.hints = list(hints)
        #: Hints taken, also in earlier openings of the item: reopening must not refund their cost.
        self.used = min(used, len(self.hints))
        self.display = bool(self.hints)

    def compose(self) -> ComposeResult:
        for n, hint in enumerate(self.hints[: self.used], 1):
            yield self._hint(n, hint)
        yield Static(self._status(), id="hint-status", markup=False)

    @staticmethod
    def _hint(number: int, hint: Hint) -> Markdown:
        return Markdown(f"**Hint {number}** (cost {percent(hint.penalty)}): {hint.text}", classes="hint",
                        open_links=False)

    @property
    def penalties(self) -> list[float]:
        """The penalty of each hint taken so far."""
        return [h.penalty for h in self.hints[: self.used]]

    @property
    def remaining(self) -> int:
        """Hints not yet shown."""
        return len(self.hints) - self.used

    def _status(self) -> str:
        if not self.hints:
            return ""
        if not self.remaining:
            return f"All {len(self.hints)} hints shown (they cost {percent(sum(self.penalties))} of the score)."
        cost = percent(self.hints[self.used].penalty)
        return f"{self.remaining} hint(s) available; the next costs {cost} of the score (Ctrl+T)."

    def ask(self) -> None:
        """Ask before showing the next hint: the confirm names what it costs."""
        if not self.remaining:
            return
        cost = percent(self.hints[self.used].penalty)
        question = f"This hint costs {cost} of the item's score. Show it?"
        self.app.push_screen(ConfirmScreen(question, yes="Show it", no="Not now"), self._answered)

    def _answered(self, yes: bool | None) -> None:
        if yes:
            self.reveal()

    def reveal(self) -> None:
        """Show the next hint without asking (the confirm has been given)."""
        if not self.remaining:
            return
        hint = self.hints[self.used]
        self.used += 1
        self.mount(self._hint(self.used, hint), before="#hint-status")
        self.query_one("#hint-status", Static).update(self._status())
        self.post_message(self.Shown(self, self.used))
