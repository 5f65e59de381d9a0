"""Progress in Practice: confidence before a check, the review a result earned, and "review due" sessions."""

from __future__ import annotations

from time import monotonic

from textual.binding import Binding

from ..progress_store import Recorded
from ..widgets.items import ItemPanel, NoticePanel
from ..widgets.review_bar import ReviewBar
from .base import ModeScreen


class ReviewingScreen(ModeScreen):
    """Records every graded answer, with the confidence asked before it; the rating can be changed after.

    Subclasses provide `panel` (the open ItemPanel or None), `item`, `pack` and `show_item`, mount a
    ReviewBar, and call `item_opened` and `record_graded`.
    """

    REVIEW_HELP = """
## Your progress

Every checked answer is recorded (F6 shows your progress). The line under the item asks, before
you check, **how sure you are**: press **1** (guessing) to **5** (certain), or skip it. Progress
compares it with your results (over- or under-confident, per topic).

After a result the line says when the item comes back for review and the rating that earned it
(a fail is *again*; a pass with hints or slower than the item's time is *hard*; a clean pass is
*good*, *easy* in half the time). Change it with **a** again, **h** hard, **g** good, **e** easy.
In an editor or a console those keys type: **Ctrl+B** moves to the line first.

**r** on Home or Progress starts a review of the items due today; **Ctrl+N** goes to the next.
"""
    BINDINGS = [
        Binding("1", "confidence(1)", "Sure?", key_display="1-5", id="practice-confidence-1",
                tooltip="How sure you are before you check: 1 guessing … 5 certain (optional)"),
        *(Binding(str(n), f"confidence({n})", "", show=False, id=f"practice-confidence-{n}") for n in range(2, 6)),
        Binding("a", "rate('again')", "Rating", key_display="a/h/g/e", id="practice-rate-again",
                tooltip="Change the review rating of the last result: a again, h hard, g good, e easy"),
        Binding("h", "rate('hard')", "", show=False, id="practice-rate-hard"),
        Binding("g", "rate('good')", "", show=False, id="practice-rate-good"),
        Binding("e", "rate('easy')", "", show=False, id="practice-rate-easy"),
        Binding("ctrl+b", "focus_review", "Rate line", show=False, id="practice-review-line",
                tooltip="Move to the line under the item, so that 1-5 and a/h/g/e work from an editor"),
        Binding("ctrl+n", "next_due", "Next due", id="practice-next-due",
                tooltip="The next item due for review (in a review session)"),
    ]
    """Each is offered only when it applies (see check_action): 1-5 before a check, a/h/g/e after one."""

    panel: ItemPanel | None

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        #: When the open item was opened (monotonic), for the time an answer took.
        self._opened_at = monotonic()
        #: The learner's confidence for the next check (1-5), or None.
        self.confidence: int | None = None
        #: The open item's last recorded answer (its rating can be changed), or None.
        self.recorded: Recorded | None = None
        #: A "review due" session: (pack id, item id) of the items due, and the position in it.
        self.queue: list[tuple[str, str]] = []
        self.queue_pos = 0

    # ----------------------------------------------------------------- hooks for the subclass

    def item_opened(self) -> None:
        """A new item is open: no confidence given, nothing recorded, the clock starts."""
        self.confidence, self.recorded, self._opened_at = None, None, monotonic()
        self.show_review()

    def record_graded(self, event: ItemPanel.Graded) -> None:
        """Record a graded answer with the confidence given before it, and say when the item comes back."""
        pack = event.panel.pack or self.pack
        if pack is None:
            return
        self.recorded = self.app.record_practice(event.item, pack.id, event.result, hints_used=event.hints_used,
                                                 duration_s=monotonic() - self._opened_at,
                                                 confidence=self.confidence)
        self.confidence = None  # asked before this check; the next one is asked afresh
        self.show_review()
        self.refresh_bindings()

    def show_review(self) -> None:
        """Bring the line under the item up to date."""
        bar = self.query_one(ReviewBar)
        if self.panel is None:
            bar.display = False
            return
        bar.show(asking=self._asking(), confidence=self.confidence, recorded=self.recorded,
                 problem=self.app.progress.problem, position=self._position())

    def progress_changed(self) -> None:
        """The store opened (or stopped working): say so under the item."""
        self.show_review()
        self.refresh_bindings()

    # ----------------------------------------------------------------- state

    def _asking(self) -> bool:
        """Whether a confidence can be given now: an item is open and its answer is not yet checked."""
        panel = self.panel
        if panel is None or isinstance(panel, NoticePanel) or panel.busy or getattr(panel, "answered", False):
            return False
        return self.app.progress.problem is None

    def _position(self) -> tuple[int, int] | None:
        in_review = self.queue and self.item is not None and self.pack is not None
        if in_review and self.queue[self.queue_pos] == (self.pack.id, self.item.id):
            return self.queue_pos + 1, len(self.queue)
        return None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # False hides a key that does not apply now, so the Footer offers only what works.
        if action == "confidence":
            return self._asking()
        if action == "rate":
            return self.recorded is not None and self.item is not None and self.recorded.answer.item_id == self.item.id
        if action == "focus_review":
            return self.panel is not None
        if action == "next_due":
            return bool(self.queue)
        return True

    # ----------------------------------------------------------------- actions

    def action_confidence(self, level: int) -> None:
        """Say how sure you are before checking (1-5); the same key again takes it back."""
        self.confidence = None if self.confidence == level else level
        self.show_review()
        self._give_back_focus()

    def action_rate(self, rating: str) -> None:
        """Change the review rating of the last recorded answer (the card is scheduled as if rated so)."""
        if self.recorded is not None and rating != self.recorded.rating:
            self.recorded = self.app.override_rating(self.recorded, rating) or self.recorded
        self.show_review()
        self._give_back_focus()

    def action_focus_review(self) -> None:
        """Move to the line under the item; a key pressed there gives the focus back."""
        bar = self.query_one(ReviewBar)
        if bar.display and not bar.has_focus:
            bar.return_to = self.focused
            bar.focus()

    def _give_back_focus(self) -> None:
        bar = self.query_one(ReviewBar)
        if bar.has_focus and bar.return_to is not None and bar.return_to.is_attached:
            bar.return_to.focus()
        bar.return_to = None

    def start_review(self, due: list[tuple[str, str]], first: int = 0) -> None:
        """Start a "review due" session at one of the items due.

        Args:
            due: (pack id, item id) of the items due, the most overdue first.
            first: the position to start at.
        """
        self.queue, self.queue_pos = list(due), first
        self.show_item(*self.queue[first])
        self.refresh_bindings()

    def action_next_due(self) -> None:
        """Go to the next item of the review session, or end it after the last."""
        if not self.queue:
            return
        if self.queue_pos + 1 >= len(self.queue):
            self.queue, self.queue_pos = [], 0
            self.notify("That was the last item due. F6 shows your progress.", title="Review done")
            self.show_review()
            self.refresh_bindings()
            return
        self.queue_pos += 1
        self.show_item(*self.queue[self.queue_pos])
