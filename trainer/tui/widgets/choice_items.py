"""Quiz and predict panels: choose (or type) an answer, submit, then see why."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence

from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Checkbox, Input, RadioButton, RadioSet, Static

from ...content import grading
from .items import ItemPanel

_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def inline_code(text: str) -> str:
    """Markdown inline code that survives backticks in the text."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {text} {fence}" if fence == "``" else f"`{text}`"


class _Choice:
    """What both choice buttons share: the label wraps, and the mark is a shape, not only a colour."""

    MARK = "●"

    @property
    def BUTTON_INNER(self) -> str:  # noqa: N802 (Textual's name for the button's face)
        # Textual draws the same glyph ticked or not and tells them apart by colour alone.
        return self.MARK if self.value else " "

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # Textual's toggle buttons are one line high; choices are sentences, too long for 80 columns.
        return self.render().get_height(self.styles, width)


class WrappingRadioButton(_Choice, RadioButton):
    """One of single-answer choices."""


class ChoiceBox(_Choice, Checkbox):
    """One of several-answer choices; ↑/↓ move to the neighbours."""

    MARK = "✓"
    BINDINGS = [
        Binding("up", "app.focus_previous", "Previous", show=False, id="choice-previous", tooltip="Previous choice"),
        Binding("down", "app.focus_next", "Next", show=False, id="choice-next", tooltip="Next choice"),
    ]


class AnswerPanel(ItemPanel):
    """A panel whose answer is a choice among options (radio buttons or checkboxes) or a typed line."""

    DEFAULT_CSS = """
    AnswerPanel #answer { height: auto; }
    AnswerPanel RadioSet { width: 1fr; }
    /* Choices are sentences: wrap them rather than cut them off. */
    AnswerPanel RadioButton, AnswerPanel ChoiceBox { width: 1fr; height: auto; text-wrap: wrap; }
    AnswerPanel ChoiceBox, AnswerPanel ChoiceBox:focus { border: none; padding: 0 1; }
    AnswerPanel ChoiceBox:focus { background: $block-cursor-background; }
    AnswerPanel ChoiceBox:focus > .toggle--label { color: $block-cursor-foreground; }
    """
    BINDINGS = [Binding("ctrl+s,f9", "check", "Submit", id="item-check", tooltip="Submit your answer")]
    HOWTO = "↑/↓ move, Space or Enter chooses, Ctrl+S submits."

    #: Option texts in the order shown.
    options: Sequence[str] = ()
    multiple = False
    #: Submitted: the answer is frozen until Retry.
    answered = False

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "check" and self.answered:
            return None
        return super().check_action(action, parameters)

    def compose_answer(self) -> Iterable[Widget]:
        with Vertical(id="answer"):
            yield from self._answer_widgets()

    def _answer_widgets(self) -> list[Widget]:
        if not self.options:
            return [Input(placeholder="type your answer, then Enter", id="answer-text"),
                    Static("Enter (or Ctrl+S) submits.", classes="item-howto")]
        labels = [f"{_LETTERS[n % 26]}. {text}" for n, text in enumerate(self.options)]
        if self.multiple:
            boxes: list[Widget] = [ChoiceBox(label, id=f"answer-choice-{n}", classes="answer-choice")
                                   for n, label in enumerate(labels)]
            return [*boxes, Static("Several may be right. ↑/↓ move, Space ticks, Ctrl+S submits.",
                                   classes="item-howto")]
        chooser = RadioSet(*[WrappingRadioButton(label) for label in labels], id="answer-choices")
        return [chooser, Static(self.HOWTO, classes="item-howto")]

    def chosen(self) -> list[int] | str | None:
        """Positions ticked (in the order shown), the typed text, or None when nothing is given yet."""
        if not self.options:
            text = self.query_one("#answer-text", Input).value.strip()
            return text or None
        if self.multiple:
            return [n for n, box in enumerate(self.query(ChoiceBox)) if box.value] or None
        chooser = self.query_one("#answer-choices", RadioSet)
        return [chooser.pressed_index] if chooser.pressed_index >= 0 else None

    def freeze(self, frozen: bool) -> None:
        """Freeze the answer once submitted, so the grade shown is for what is on screen."""
        for widget in self.query_one("#answer").children:
            widget.disabled = frozen
        if frozen:
            self.focus()  # the panel keeps the keys (Retry, Hint) and scrolls the result

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_check()

    def action_check(self) -> None:
        if self.answered:
            return
        answer = self.chosen()
        if answer is None:
            self.notify("Choose or type an answer first.", severity="warning")
            return
        self.freeze(True)
        self.answered = True
        self.refresh_bindings()
        self.submit(answer)

    def submit(self, answer: list[int] | str) -> None:
        """Grade the answer (each kind does its own)."""

    async def action_retry(self) -> None:
        """Answer again (a quiz reshuffles its choices)."""
        self.attempt += 1
        self.answered = False
        self.refresh_bindings()
        self.reorder()
        answer = self.query_one("#answer")
        await answer.remove_children()
        await answer.mount_all(self._answer_widgets())
        self.results.clear()
        self.call_after_refresh(self.focus_answer)

    def reorder(self) -> None:
        """Work out the order of the options for this attempt."""


class QuizPanel(AnswerPanel):
    """A quiz: choices shuffled per attempt (seeded, so tests are repeatable) or a short typed answer."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.multiple = self.item.multiple
        self.reorder()

    def reorder(self) -> None:
        self.order = list(range(len(self.item.choices)))
        # Seeded by item and attempt: a fresh order each try, the same one in every test run.
        random.Random(f"{self.item.id}:{self.attempt}").shuffle(self.order)
        self.options = [self.item.choices[i].text for i in self.order]

    def submit(self, answer: list[int] | str) -> None:
        item = self.item
        if isinstance(answer, str):
            result = self.safely(lambda: grading.grade_quiz(item, answer))
            self.report(result, self._typed_feedback(answer, result.passed))
            return
        picked = {self.order[pos] for pos in answer}
        result = self.safely(lambda: grading.grade_quiz(item, sorted(picked)))
        self.report(result, self._choice_feedback(picked))

    def _choice_feedback(self, picked: set[int]) -> str:
        lines = []
        for pos, i in enumerate(self.order):
            choice = self.item.choices[i]
            chose = i in picked
            if chose:
                said = "✓ you chose it, and it is right" if choice.correct else "✗ you chose it, but it is wrong"
            else:
                said = "✗ right, but you did not choose it" if choice.correct else "✓ wrong, and you left it out"
            lines.append(f"- **{_LETTERS[pos % 26]}.** {said}: {choice.feedback}".rstrip(": "))
        return "**Your choices:**\n\n" + "\n".join(lines)

    def _typed_feedback(self, text: str, passed: bool) -> str:
        lines = [f"You answered {inline_code(text)}."]
        answer = self.item.answer
        if not passed and answer is not None:
            if answer.accept:
                lines.append("Accepted: " + ", ".join(inline_code(a) for a in answer.accept) + ".")
            elif answer.number is not None:
                tolerance = f" (± {answer.tolerance:g})" if answer.tolerance else ""
                lines.append(f"The answer: {inline_code(f'{answer.number:g}')}{tolerance}.")
        return " ".join(lines)


class PredictPanel(AnswerPanel):
    """Predict: commit to an outcome first; only then does the engine run the scenario and show the truth."""

    BINDINGS = [Binding("ctrl+s,f9", "check", "Commit", id="item-check",
                        tooltip="Commit to your prediction; then the engine runs the scenario")]
    HOWTO = "Commit first: choose with ↑/↓ and Space or Enter, then Ctrl+S. Only then does the engine run."

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # In the pack's order: the options often run from one extreme to the other.
        self.options = list(self.item.options)
        self.prediction = ""

    def submit(self, answer: list[int] | str) -> None:
        self.prediction = answer if isinstance(answer, str) else self.options[answer[0]]
        item, prediction = self.item, self.prediction
        self.grade_in_background(lambda: grading.grade_predict(item, prediction),
                                 busy="Your prediction is in. The engine is running the scenario…")

    def checked(self, result: grading.ItemResult) -> None:
        feedback = ""
        if not result.error:
            feedback = (f"You predicted {inline_code(self.prediction)}. The engine ran the scenario and saw "
                        f"{inline_code(result.truth)}.")
            if result.detail:
                feedback += f"\n\nWhat happened:\n\n```text\n{result.detail}\n```"
        self.report(result, feedback)
