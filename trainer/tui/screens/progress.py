"""Progress: mastery per topic, readiness, reviews due, calibration, score history and misconceptions."""

from __future__ import annotations

from datetime import datetime, timezone

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Footer, Header, OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from ...study.reports import Summary
from ...study.reports import bar as text_bar
from ..labels import KIND_LABELS
from .base import ModeScreen

#: Cells in a mastery or readiness bar, and the width of the topic column.
BAR, NAME = 20, 20
#: Days of score history drawn.
HISTORY_DAYS = 30


def bar(fraction: float, width: int = BAR, number: str | None = None) -> str:
    """A text bar with its number, e.g. "█████░░░░░  50%": never colour alone."""
    fraction = min(1.0, max(0.0, fraction))
    return text_bar(fraction, width) + " " + (number or f"{round(100 * fraction):3d}%")


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def readiness_words(score: float) -> str:
    """What a readiness score means."""
    if score >= 80:
        return "ready: keep it fresh with the reviews due"
    if score >= 50:
        return "getting there: review the weakest topics"
    return "not ready yet: practise the topics with short bars"


def mastery_lines(summary: Summary) -> list[str]:
    """A bar per topic, weakest first."""
    rows = sorted(summary.topics, key=lambda t: (t.mastery, t.id))
    return [f"{_cut(t.id, NAME - 1):<{NAME}}{bar(t.mastery)}" for t in rows] or ["No topics to show."]


def calibration_lines(summary: Summary) -> list[str]:
    """Per topic, in words (over- or under-confident, or well calibrated), with the numbers behind it."""
    lines = [f"{_cut(row.topic, NAME - 1):<{NAME}}{row.label}: sure {row.confidence:.1f}/5 "
             f"(≈{round(100 * row.expected)}%), right {round(100 * row.accuracy)}% of {row.answers}"
             for row in summary.calibration]
    return lines or ["No answers with a confidence yet: press 1-5 in Practice before you check."]


def history_line(summary: Summary) -> str:
    """The numbers under the sparkline: the last days' mean scores."""
    days = summary.history[-HISTORY_DAYS:]
    if not days:
        return "No answers yet."
    last = " · ".join(f"{d.day:%m-%d} {round(100 * d.mean_score)}% ({d.answers})" for d in days[-4:])
    first = days[0]
    return (f"Mean score per day, {len(days)} day{'s' * (len(days) != 1)} from {first.day:%Y-%m-%d} "
            f"({round(100 * first.mean_score)}%). Last: {last}")


def misconception_lines(summary: Summary) -> list[str]:
    """Each misconception a failed check pointed to, with its count and the pack's description."""
    lines = [f"{m.count}× {m.tag}" + (f": {m.description}" if m.description else "") for m in summary.misconceptions]
    return lines or ["None so far: no failed check has pointed to a misconception."]


def _empty() -> Summary:
    """The summary shown when there is no store to read."""
    return Summary(datetime.now(timezone.utc), "", [], [], 0.0, [], [], [], [], [], [], [])


class ProgressScreen(ModeScreen):
    """What the learner has mastered, what to review today, and how ready they are for the interview."""

    HELP = """
# Progress

Everything you answer in Practice and in the Interview is recorded in a file in your data
directory, and spaced review (FSRS) schedules each item to come back when you are about to
forget it.

- **Readiness** for the interview: your mastery over every topic of the packs, 0 to 100.
- **Mastery by topic**: how likely you are to recall the topic's items today (items never
  answered count 0), weakest first.
- **Due for review today**: **Enter** opens one in Practice as a review session; **r** starts
  at the most overdue. In Practice, **Ctrl+N** goes on to the next. *changed* marks an item
  edited since you answered it.
- **Calibration**: the confidence you gave (1-5, before checking) against how often you were
  right, per topic: *over-confident*, *under-confident* or *well calibrated*.
- **Score history**: your mean score per day, drawn as a sparkline, with the numbers under it.
- **Misconceptions**: how often a failed check pointed to each, with what it means.

`nodeport-trainer progress` prints the same summary, and can export it.
"""
    BINDINGS = [
        Binding("r", "app.review", "Review", id="progress-review", tooltip="Review the items due today, in Practice"),
        Binding("j", "cursor('down')", "Down", show=False, id="progress-down", tooltip="Next item due"),
        Binding("k", "cursor('up')", "Up", show=False, id="progress-up", tooltip="Previous item due"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="progress-body"):
            yield Static(id="progress-readiness", markup=False)
            yield Static("Due for review today", id="progress-due-title", classes="progress-heading", markup=False)
            yield OptionList(id="progress-due")
            yield Static("Mastery by topic", classes="progress-heading", markup=False)
            yield Static(id="progress-mastery", markup=False)
            yield Static("Calibration: how sure you were (1-5) against how often you were right",
                         classes="progress-heading", markup=False)
            yield Static(id="progress-calibration", markup=False)
            yield Static("Score history", classes="progress-heading", markup=False)
            yield Sparkline([], id="progress-history")
            yield Static(id="progress-history-numbers", markup=False)
            yield Static("Misconceptions", classes="progress-heading", markup=False)
            yield Static(id="progress-misconceptions", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.progress_changed()

    def on_screen_resume(self) -> None:
        self.progress_changed()

    def progress_changed(self) -> None:
        """Read the store again and show it (opening the store if nothing has yet)."""
        store = self.app.progress_store()
        summary = self.app.progress.summary(self.state.sound) if store is not None else None
        self.summary = summary = summary or _empty()
        problem = self.app.progress.problem
        if problem:
            head = f"✗ Progress is not recorded: {problem}"
        else:
            count = len(summary.answers)
            head = (f"Interview readiness {bar(summary.readiness / 100, number=f'{round(summary.readiness)}/100')}\n"
                    f"{readiness_words(summary.readiness)}. {count} answer{'s' * (count != 1)} recorded.")
            if len(summary.packs) > 1:
                head += "\n" + "; ".join(f"{p.title}: {round(p.readiness)}/100" for p in summary.packs)
        self.query_one("#progress-readiness", Static).update(Content(head))
        self._show_due(summary)
        self.query_one("#progress-mastery", Static).update(Content("\n".join(mastery_lines(summary))))
        self.query_one("#progress-calibration", Static).update(Content("\n".join(calibration_lines(summary))))
        history = self.query_one("#progress-history", Sparkline)
        history.data = [round(100 * d.mean_score) for d in summary.history[-HISTORY_DAYS:]]
        history.display = bool(summary.history)
        self.query_one("#progress-history-numbers", Static).update(Content(history_line(summary)))
        self.query_one("#progress-misconceptions", Static).update(Content("\n".join(misconception_lines(summary))))

    def _show_due(self, summary: Summary) -> None:
        due = self.query_one("#progress-due", OptionList)
        highlighted = due.highlighted
        due.clear_options()
        for entry in summary.due:
            item = self.state.item(entry.pack_id, entry.item_id)
            kind = KIND_LABELS.get(item.kind, item.kind) if item is not None else ""
            due.add_option(Option(" · ".join(filter(None, [entry.title, kind, "changed" if entry.changed else ""])),
                                  id=f"{entry.pack_id}\0{entry.item_id}"))
        count = len(summary.due)
        title = (f"Due for review today: {count} — Enter opens one, r starts at the first" if count
                 else "Due for review today: nothing")
        if summary.due_elsewhere:
            title += f" ({summary.due_elsewhere} more from packs not loaded)"
        self.query_one("#progress-due-title", Static).update(Content(title))
        due.display = bool(count)
        if count:
            due.highlighted = min(highlighted or 0, count - 1)
            due.focus()
        else:
            self.query_one("#progress-body").focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        pack_id, _, item_id = (event.option.id or "").partition("\0")
        self.app.review((pack_id, item_id))

    def action_cursor(self, direction: str) -> None:
        due = self.query_one("#progress-due", OptionList)
        due.action_cursor_down() if direction == "down" else due.action_cursor_up()
