"""Before the interview: choosing the question and the time limit (adjustable, or off)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...content.model import Item, Pack
from .interview_scorecard import clock
from .interview_session import DEFAULT_LIMIT, LIMIT_MAX, LIMIT_MIN, LIMIT_STEP

#: The interview item chosen when nothing else is asked for.
BUILT_IN = "i-nodeport"


class InterviewSetup(Vertical):
    """The packs' interview questions in a list, what the highlighted one holds, and the time limit."""

    class Changed(Message):
        """The question or the time limit changed."""

    class Start(Message):
        """The learner pressed Enter on a question."""

    def __init__(self, choices: list[tuple[Pack, Item]], **kwargs) -> None:
        """List the interview items offered.

        Args:
            choices: (pack, interview item) pairs, in pack order.
        """
        super().__init__(**kwargs)
        self.choices = choices
        self.chosen: tuple[Pack, Item] | None = None
        self.limit = DEFAULT_LIMIT
        self.limit_on = True

    def compose(self) -> ComposeResult:
        yield Static(Content("Choose the interview question (↑/↓), set the time, then press s to start."),
                     classes="interview-note")
        yield OptionList(*[Option(Content(f"{item.title} ({pack.title})"), id=f"{pack.id}/{item.id}")
                           for pack, item in self.choices], id="interview-items")
        yield Static(id="interview-details")

    def on_mount(self) -> None:
        if not self.choices:
            self.query_one("#interview-details", Static).update(Content(
                "No interview questions were found in the packs. Add an item of kind interview to a pack "
                "(see docs/packs.md) and start the app again."))
            return
        default = next((n for n, (_, item) in enumerate(self.choices) if item.id == BUILT_IN), 0)
        self.query_one(OptionList).highlighted = default
        self._choose(default)

    @property
    def time_limit(self) -> float:
        """The limit the interview will run with, in seconds (0 when switched off)."""
        return self.limit if self.limit_on else 0.0

    def choose(self, pack_id: str, item_id: str) -> bool:
        """Highlight an interview item; False when it is not offered."""
        for n, (pack, item) in enumerate(self.choices):
            if pack.id == pack_id and item.id == item_id:
                self.query_one(OptionList).highlighted = n
                self._choose(n)
                return True
        return False

    def change_limit(self, minutes: int) -> None:
        """Change the time limit by whole minutes (between 1 and 60), switching it on if it was off."""
        self.limit_on = True
        self.limit = min(LIMIT_MAX, max(LIMIT_MIN, self.limit + minutes * LIMIT_STEP))
        self._show()

    def toggle_limit(self) -> None:
        """Switch the time limit off, or on again at the value it had."""
        self.limit_on = not self.limit_on
        self._show()

    def _choose(self, index: int) -> None:
        if self.chosen is None or self.chosen[1] is not self.choices[index][1]:
            self.chosen = self.choices[index]
            self.limit = self.chosen[1].time_limit or DEFAULT_LIMIT
        self._show()

    def _show(self) -> None:
        if self.chosen is not None:
            pack, item = self.chosen
            limit = (f"{clock(self.limit)} (+ or - changes it by a minute; t switches it off)" if self.limit_on
                     else "off (t switches it on again)")
            self.query_one("#interview-details", Static).update(Content(
                f"{item.title}\nFrom the pack: {pack.title}\nTopics: {', '.join(item.topics)}\n"
                f"{len(item.rubric)} key points to cover, then follow-up questions chosen from your answers "
                f"(up to {len(item.follow_ups)}).\n\nTime limit: {limit}\n\nPress s (or Enter) to start. The "
                "question shows when the clock starts."))
        self.post_message(self.Changed())

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index is not None and event.option_index < len(self.choices):
            self._choose(event.option_index)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.post_message(self.Start())
