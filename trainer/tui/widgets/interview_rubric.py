"""The self-rating checklist: a rubric's key points, with the ones recognised in the answer marked in words."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import SelectionList
from textual.widgets.selection_list import Selection

from ...content.model import RubricPoint

#: The words beside a key point the app found in the learner's answer.
RECOGNISED = "✓ recognised in your answer"


class RubricRating(SelectionList[str]):
    """Tick the key points you really covered (Space ticks; ↑/↓ move)."""

    DEFAULT_CSS = """
    RubricRating { height: 1fr; }
    """

    def load(self, points: list[RubricPoint], recognised: set[str]) -> None:
        """Show a rubric with nothing ticked and the recognised points marked.

        Args:
            points: the rubric's key points.
            recognised: ids of the points the app found in the answer.
        """
        self.clear_options()
        self.add_options([Selection(prompt(p, p.id in recognised), p.id) for p in points])
        if points:
            self.highlighted = 0

    @property
    def covered(self) -> set[str]:
        """The ids of the ticked points."""
        return set(self.selected)


def prompt(point: RubricPoint, found: bool) -> Content:
    """A key point's line: its text, its weight, and the recognised marker in words."""
    weight = "" if point.weight == 1 else f" (counts {point.weight:g}×)"
    parts: list = [point.point, (weight, "$text-muted")]
    if found:
        parts += ["\n", (RECOGNISED, "bold $text-success")]
    return Content.assemble(*parts)
