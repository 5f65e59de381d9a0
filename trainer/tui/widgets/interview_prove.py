"""Proving a follow-up in the engine: its practice item's panel in a modal that returns the engine's verdict."""

from __future__ import annotations

from typing import Callable

from textual.app import ComposeResult, ScreenError
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Static

from ...content.model import Item
from .interview_scorecard import number
from .interview_session import Proof

#: What the learner reads when the practice panels cannot be loaded.
UNAVAILABLE = "Practice panels are not available"


def panel_factory() -> Callable | None:
    """`panel_for(item, pack)` from the practice widgets, or None when they cannot be loaded."""
    try:
        from .items import panel_for
    except Exception:  # noqa: BLE001 - a missing or broken module must not end the interview
        return None
    return panel_for


class ProveModal(ModalScreen[Proof | None]):
    """A practice item's panel over the interview; Esc goes back with the best result the engine checked."""

    HELP = """
# Prove it in the engine

This is the practice item behind the follow-up question. Answer it here (in the sandbox, the
editor or the choices) and let the engine check it. Your best checked answer counts as the
follow-up's proof on the scorecard: **✓ proven** when it passed, **✗ not proven** when it did not.

The interview clock keeps running while you are here. Press **Esc** to go back to the
interview at any time; going back without a checked answer counts as *not tried*.
"""
    BINDINGS = [
        # A modal hides the app's keys, so help is bound here too.
        Binding("f1", "app.help", "Help", id="interview-prove-help", tooltip="How proving a follow-up works"),
        Binding("escape", "back", "Back to interview", id="interview-prove-back",
                tooltip="Close the practice item and go back to the interview, keeping the best result"),
    ]
    """The panel's own keys (check, hint, retry) come first; these add help and the way back."""

    def __init__(self, item: Item, panel: Widget) -> None:
        """Host a practice panel.

        Args:
            item: the follow-up's practice item.
            panel: the ItemPanel that `panel_for` built for it.
        """
        super().__init__()
        self.item, self.panel = item, panel
        self.best: Proof | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="interview-prove-box"):
            yield Static(Content(f"Prove it in the engine: {self.item.title}"), id="interview-prove-title")
            yield Static(Content("Check an answer, then press Esc to go back; your best check counts."),
                         id="interview-prove-result", classes="muted")
            yield self.panel
        yield Footer(compact=True)

    def on_mount(self) -> None:
        focus = getattr(self.panel, "focus_answer", None)
        self.call_after_refresh(focus if callable(focus) else self.panel.focus)

    def on_item_panel_graded(self, message) -> None:
        """Keep the best result of the answers checked so far (handles `ItemPanel.Graded`)."""
        result = message.result
        proof = Proof(self.item.id, "passed" if result.passed else "failed", result.score, result.max_score,
                      getattr(message, "hints_used", 0))
        if proof.better_than(self.best):
            self.best = proof
        best = self.best
        words = (f"✓ PASS {number(best.score)}/{number(best.max_score)}: proven. Esc goes back to the interview."
                 if best.status == "passed" else
                 f"✗ FAIL {number(best.score)}/{number(best.max_score)}: not proven yet. Try again, or Esc to go back.")
        status = self.query_one("#interview-prove-result", Static)
        status.update(Content(words))
        status.remove_class("muted")
        status.set_class(best.status == "passed", "pass")
        status.set_class(best.status != "passed", "fail")

    def action_back(self) -> None:
        """Go back to the interview with the best result (None when nothing was checked)."""
        self.dismiss(self.best)

    def time_up(self) -> None:
        """The interview's time ran out: go back, keeping a pass already made."""
        if self.app.screen is not self:
            try:
                self.pop_until_active()  # a help or confirm screen above this one closes too
            except ScreenError:
                return
        self.dismiss(self.best if self.best is not None else Proof(self.item.id, "timed out"))
