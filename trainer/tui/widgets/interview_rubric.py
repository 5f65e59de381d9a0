"""The self-rating checklist: a rubric's key points, with the ones recognised in the answer marked in words."""

from __future__ import annotations

from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...content.model import RubricPoint

#: The words beside a key point the app found in the learner's answer.
#: Words matched, not understanding checked: "mentioned" says what the app can know.
RECOGNISED = "✓ mentioned in your answer (check you said it right)"


class RubricRating(OptionList):
    """Tick the key points you really covered: ↑/↓ move, Space or Enter ticks and unticks.

    An OptionList rather than a SelectionList so that long points wrap, and so that a tick is
    "[x]" against "[ ]" in text, never a colour alone.
    """

    DEFAULT_CSS = """
    RubricRating { height: 1fr; }
    """
    BINDINGS = [
        Binding("space", "toggle", "Tick", id="interview-tick", tooltip="Tick or untick the highlighted key point"),
    ]
    """Space ticks; Enter does too (through OptionSelected), as in a SelectionList."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.points: list[RubricPoint] = []
        self.recognised: set[str] = set()
        self.ticked: set[str] = set()

    def load(self, points: list[RubricPoint], recognised: set[str]) -> None:
        """Show a rubric with nothing ticked and the recognised points marked.

        Args:
            points: the rubric's key points.
            recognised: ids of the points the app found in the answer.
        """
        self.points, self.recognised, self.ticked = list(points), set(recognised), set()
        self.clear_options()
        self.add_options([Option(self._prompt(p), id=p.id) for p in points])
        if points:
            self.highlighted = 0

    @property
    def covered(self) -> set[str]:
        """The ids of the ticked points."""
        return set(self.ticked)

    def toggle(self, index: int) -> None:
        """Tick or untick the point at this index."""
        if not 0 <= index < len(self.points):
            return
        point = self.points[index]
        self.ticked ^= {point.id}
        self.replace_option_prompt_at_index(index, self._prompt(point))

    def action_toggle(self) -> None:
        """Tick or untick the highlighted point."""
        if self.highlighted is not None:
            self.toggle(self.highlighted)

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        # Enter (or a click) ticks too; the screen has no other use for a selected point.
        event.stop()
        self.toggle(event.option_index)

    def _prompt(self, point: RubricPoint) -> Content:
        return prompt(point, point.id in self.recognised, point.id in self.ticked)


def prompt(point: RubricPoint, found: bool, ticked: bool) -> Content:
    """A key point's line: the tick box, its text, its weight, and the recognised marker in words."""
    weight = "" if point.weight == 1 else f" (counts {point.weight:g}×)"
    parts: list = [("[x] " if ticked else "[ ] ", "bold"), point.point + weight]
    if found:
        parts += ["\n    ", (RECOGNISED, "bold $text-success")]
    return Content.assemble(*parts)
