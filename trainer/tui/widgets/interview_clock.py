"""The interview's status line: which question, and the clock in words (time left, paused, up or finished)."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from .interview_scorecard import clock

#: Below this many seconds left the clock warns in words (and in colour).
LOW = 60.0


def clock_words(limit: float, used: float, started: bool, running: bool, finished: bool = False) -> str:
    """The clock in words.

    Args:
        limit: the time limit in seconds, 0 for none.
        used: seconds used so far.
        started: the interview began.
        running: the clock counts now (False while the learner rates, or reads help).
        finished: the interview is over.
    """
    left = limit - used
    if not started:
        return f"Time limit {clock(limit)}" if limit else "No time limit"
    if finished:
        return f"Finished: {clock(used)} used" + (f" of {clock(limit)}" if limit else ", no time limit")
    if limit and left <= 0:
        return f"Time is up ({clock(limit)} used)"
    words = (f"{clock(left)} left of {clock(limit)}" + (" — under a minute!" if left < LOW else "")
             if limit else f"{clock(used)} used, no time limit")
    return words if running else words + " (clock paused)"


class InterviewClock(Static):
    """One line: what the learner is doing, then the time in words."""

    def show(self, stage: str, limit: float, used: float, started: bool, running: bool, finished: bool = False) -> None:
        """Redraw the line.

        Args:
            stage: what the learner is doing ("Main question", "Rate your answer", ...).
            limit: the time limit in seconds, 0 for none.
            used: seconds used so far.
            started: the interview began.
            running: the clock counts now.
            finished: the interview is over.
        """
        self.set_class(bool(started and not finished and limit and limit - used < LOW), "-low")
        words = clock_words(limit, used, started, running, finished)
        self.update(Content(f"{stage} · {words}" if stage else words))
