"""The interview's stages after setup: writing an answer, rating it, and the scorecard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Markdown, Static, TextArea

from ...content.model import RubricPoint
from .interview_rubric import RubricRating
from .interview_scorecard import scorecard_lines
from .interview_session import Proof, Scorecard

#: The engine's verdict on a follow-up, in words, as the answer and rating stages show it.
PROOF_WORDS = {"passed": "✓ Proven in the engine.", "failed": "✗ Not proven: the engine's check failed.",
               "timed out": "✗ Not proven: time ran out.", "unavailable": "– Not proven: the practice item could "
               "not be opened here."}


def _show_proof(widget: Static, proof: Proof | None) -> None:
    words = PROOF_WORDS.get(proof.status, "") if proof is not None else ""
    widget.update(Content(words))
    widget.display = bool(words)


class AnswerView(Vertical):
    """A question in Markdown, a line of guidance, and the free-text answer box."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="interview-question-box"):
            yield Markdown(id="interview-question", open_links=False)
        yield Static(id="interview-answer-note", classes="interview-note")
        yield Static(id="interview-answer-proof", classes="interview-proof")
        yield TextArea(id="interview-text", placeholder="Type your answer here, as you would say it…")

    @property
    def area(self) -> TextArea:
        """The answer box."""
        return self.query_one(TextArea)

    def ask(self, question: str, note: str) -> None:
        """Show a new question with an empty, writable answer box.

        Args:
            question: the question (Markdown).
            note: the guidance line under it.
        """
        self.query_one(Markdown).update(question)
        self.query_one("#interview-answer-note", Static).update(Content(note))
        _show_proof(self.query_one("#interview-answer-proof", Static), None)
        self.area.read_only = False
        self.area.text = ""

    def show_proof(self, proof: Proof | None) -> None:
        """Say what the engine made of the follow-up."""
        _show_proof(self.query_one("#interview-answer-proof", Static), proof)


class RateView(Vertical):
    """The question, a copy of the answer, guidance, and the rubric checklist."""

    def compose(self) -> ComposeResult:
        yield Static(id="interview-rate-question")
        with VerticalScroll(id="interview-your-answer"):
            yield Static(id="interview-answer-copy")
        yield Static(id="interview-rate-note", classes="interview-note")
        yield Static(id="interview-rate-proof", classes="interview-proof")
        yield RubricRating(id="interview-rubric")

    def show(self, asked: str, answer: str, note: str, points: list[RubricPoint], recognised: set[str],
             proof: Proof | None) -> None:
        """Show a question's answer for rating, nothing ticked yet.

        Args:
            asked: the question in one line.
            answer: what the learner wrote.
            note: the guidance line.
            points: the rubric's key points.
            recognised: ids of the points the app found in the answer.
            proof: the engine's verdict so far, if any.
        """
        self.query_one("#interview-rate-question", Static).update(Content(asked))
        self.query_one("#interview-answer-copy", Static).update(Content(answer.strip() or "(no answer)"))
        self.query_one("#interview-rate-note", Static).update(Content(note))
        self.query_one(RubricRating).load(points, recognised)
        self.show_proof(proof)

    def show_proof(self, proof: Proof | None) -> None:
        """Say what the engine made of the follow-up."""
        _show_proof(self.query_one("#interview-rate-proof", Static), proof)

    @property
    def covered(self) -> set[str]:
        """The key points ticked."""
        return self.query_one(RubricRating).covered


class ScoreView(VerticalScroll):
    """The scorecard as text, then the model answer."""

    def compose(self) -> ComposeResult:
        yield Static(id="interview-scorecard")
        yield Markdown(id="interview-model", open_links=False)

    def show(self, card: Scorecard, explanation: str) -> None:
        """Show a scorecard and the item's explanation as the model answer."""
        self.query_one("#interview-scorecard", Static).update(Content("\n".join(scorecard_lines(card))))
        self.query_one(Markdown).update(f"## A model answer\n\n{explanation}\n\nPress **n** for a new interview.")
        self.scroll_home(animate=False)
