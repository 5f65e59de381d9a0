"""The line under a practice item: confidence before the check, and the review the result earned after it."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget
from textual.widgets import Static

from ..progress_store import Recorded, until

#: What each confidence means, for the learner and for calibration (1 -> 0%, 5 -> 100% expected to pass).
CONFIDENCE = {1: "guessing", 2: "unsure", 3: "50/50", 4: "fairly sure", 5: "certain"}
#: The override keys, in the order of the ratings.
RATING_KEYS = {"again": "a", "hard": "h", "good": "g", "easy": "e"}


class ReviewBar(Static, can_focus=True):
    """Says how sure the learner said they were, what was recorded and when the item comes back.

    The keys are the Practice screen's (1-5, a/h/g/e); focusing this bar (Ctrl+B) lets them work
    from an editor or a console too.
    """

    DEFAULT_CSS = """
    ReviewBar { height: auto; max-height: 4; padding: 0 1; background: $panel; }
    ReviewBar:focus { background: $block-cursor-background; color: $block-cursor-foreground; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", markup=False, **kwargs)
        #: The widget to give the focus back to after a key pressed here.
        self.return_to: Widget | None = None

    def show(self, *, asking: bool, confidence: int | None, recorded: Recorded | None, problem: str | None,
             position: tuple[int, int] | None = None) -> None:
        """Say what applies now.

        Args:
            asking: the learner can still give a confidence for the next check.
            confidence: the confidence given, or None.
            recorded: the last answer recorded for this item, or None.
            problem: why progress is not recorded, or None.
            position: (n, total) in a "review due" session, or None.
        """
        lines = []
        if position is not None:
            n, total = position
            more = "Ctrl+N: next due item." if n < total else "Ctrl+N ends the review."
            lines.append(f"Review {n} of {total} due today. {more}")
        if problem:
            lines.append("✗ Not recorded: the progress store cannot be used (see the notice).")
        elif recorded is not None:
            rating = recorded.rating
            why = f" (yours; the result said {recorded.derived})" if recorded.overridden else ""
            keys = " · ".join(f"{key} {name}" for name, key in RATING_KEYS.items())
            lines.append(f"✓ Recorded. Next review: {rating}{why} — {until(recorded.card.due_at)}. {keys}")
        if asking and not problem:
            given = f"{confidence} ({CONFIDENCE[confidence]})" if confidence else "not given"
            lines.append(f"Sure? 1 guessing … 5 certain, before checking (optional): {given}")
        self.update(Content("\n".join(lines)))
        self.display = bool(lines)
